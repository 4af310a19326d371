/// When components are down: scheduled outages, random outages from MTBF/MTTR
/// distributions, and partitions between groups of nodes. Drawn whole before a run, so a
/// model knows when each outage ends (the `buffered` link policy needs it).
///
///     var faults = FaultSchedule()
///     faults.add(Outage(component: 3, start: .zero + .seconds(10), end: .zero + .seconds(15)))
///     try faults.addRandom(component: 3, timeBetweenFailures: .exponential(mean: 60e9),
///                          timeToRepair: .exponential(mean: 5e9), until: horizon, stream: s)
///     faults.isDown(3, at: now)
///
/// Invariant: the outages of one component do not overlap (random ones alternate up and
/// down periods; overlapping scheduled ones are merged by `isDown`, which asks "any").
public struct FaultSchedule: Sendable {
    public struct Outage: Sendable, Equatable {
        /// The component's integer id in the model (node, link or broker; the model says which).
        public var component: Int32
        public var start: SimInstant
        public var end: SimInstant
        public init(component: Int32, start: SimInstant, end: SimInstant) {
            precondition(end >= start, "an outage ends before it starts")
            self.component = component
            self.start = start
            self.end = end
        }
    }

    /// Nodes split into groups that cannot reach one another during [start, end).
    public struct Partition: Sendable, Equatable {
        /// groupOf[node] = group index; nodes not listed (-1) reach every group.
        public var groupOf: [Int32]
        public var start: SimInstant
        public var end: SimInstant
        public init(groupOf: [Int32], start: SimInstant, end: SimInstant) {
            self.groupOf = groupOf
            self.start = start
            self.end = end
        }
    }

    public private(set) var outages: [Outage] = []
    public private(set) var partitions: [Partition] = []

    public init() {}

    public mutating func add(_ outage: Outage) {
        outages.append(outage)
        outages.sort { ($0.start, $0.component) < ($1.start, $1.component) }
    }

    public mutating func add(_ partition: Partition) { partitions.append(partition) }

    /// Alternating up periods (time between failures) and down periods (time to repair) from zero to `until`.
    public mutating func addRandom(component: Int32, timeBetweenFailures: Distribution, timeToRepair: Distribution,
                                   until horizon: SimInstant, stream: RandomStream) {
        var t = SimInstant.zero
        while true {
            t = t + timeBetweenFailures.sampleDuration(stream)
            if t >= horizon { break }
            let end = t + Swift.max(timeToRepair.sampleDuration(stream), .nanoseconds(1))
            add(Outage(component: component, start: t, end: end))
            t = end
        }
    }

    /// Whether `component` is inside one of its outages at `time`.
    public func isDown(_ component: Int32, at time: SimInstant) -> Bool {
        outages.contains { $0.component == component && $0.start <= time && time < $0.end }
    }

    /// When `component` is next up at or after `time` (the end of the outage in force, chained).
    public func upTime(_ component: Int32, after time: SimInstant) -> SimInstant {
        var t = time
        var moved = true
        while moved {
            moved = false
            for o in outages where o.component == component && o.start <= t && t < o.end {
                t = o.end
                moved = true
            }
        }
        return t
    }

    /// Whether a partition separates `a` from `b` at `time`.
    public func separated(_ a: Int32, _ b: Int32, at time: SimInstant) -> Bool {
        for p in partitions where p.start <= time && time < p.end {
            let ga = Int(a) < p.groupOf.count ? p.groupOf[Int(a)] : -1
            let gb = Int(b) < p.groupOf.count ? p.groupOf[Int(b)] : -1
            if ga >= 0 && gb >= 0 && ga != gb { return true }
        }
        return false
    }

    /// Total down time of `component` within [0, end) (for availability).
    public func downTime(_ component: Int32, until end: SimInstant) -> SimDuration {
        var total = SimDuration.zero
        for o in outages where o.component == component && o.start < end {
            total += (Swift.min(o.end, end) - o.start)
        }
        return total
    }
}
