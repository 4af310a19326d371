import LatSimCore
import LatSimNetwork

/// `type: source`: creates messages and sends them out of `out`.
///
///     - {name: feed, type: source, arrival: poisson, rate_per_s: 1000, size_bytes: 128, keys: 4}
///     - {name: ticks, type: source, arrival: renewal, interarrival: {type: uniform, lower: 1ms, upper: 3ms}}
///     - {name: users, type: source, arrival: closed, population: 20, think_time: {type: exponential, mean: 5ms}}
///
/// Open arrivals (Poisson or renewal) do not wait for anything; a closed population of N
/// messages each waits for its reply (from a station with no `out`, or a broker's
/// acknowledgement), thinks, and is sent again (a message lost on the way takes its place in
/// the population with it: give the path a timeout-free, loss-free route, or use a client with
/// a timeout). Keys run round-robin over `keys`; each message carries its sequence number
/// (1, 2, ...) for ordering checks; with `keying: instance`, instance k sends every message
/// with key k mod `keys` instead (a producer per partition). While the source is down it
/// creates nothing; a closed population starts afresh when it is back (replies to messages
/// sent before are ignored). When the graph has a `drain`, sources stop creating at the end
/// of the horizon and the run goes on for the drain.
public struct SourceParameters: Sendable {
    public enum Arrival: String, Sendable, CaseIterable { case poisson, renewal, closed }
    /// How a message's key is chosen: round-robin over the keys, or the instance's ordinal mod keys.
    public enum Keying: String, Sendable, CaseIterable {
        case roundRobin = "round-robin"
        case instance
    }
    public var arrival: Arrival
    public var interarrival: Distribution
    public var population: Int
    public var thinkTime: Distribution
    public var sizeBytes: Int
    public var priority: Int
    public var keys: Int
    public var keying: Keying

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["arrival", "rate_per_s", "interarrival", "population", "think_time", "size_bytes", "priority", "keys", "keying"])
        arrival = Arrival(rawValue: try node.string("arrival", default: "poisson", oneOf: Arrival.allCases.map(\.rawValue)))!
        switch arrival {
        case .poisson:
            let rate = try node.ratePerSecond("rate_per_s")
            interarrival = try node.wrap { try Distribution.exponential(mean: 1e9 / rate) }
            population = 0
            thinkTime = try .constant(0)
        case .renewal:
            interarrival = try node.intervalDistribution("interarrival")
            population = 0
            thinkTime = try .constant(0)
        case .closed:
            interarrival = try .constant(0)
            population = try node.int("population", range: 1...1_000_000)
            thinkTime = try node.distribution("think_time", default: try .constant(0))
        }
        for key in ["rate_per_s", "interarrival"] where node.has(key) && !(key == "rate_per_s" ? arrival == .poisson : arrival == .renewal) {
            throw node.error("does not apply to arrival: \(arrival.rawValue)", allowed: "rate_per_s with poisson, interarrival with renewal",
                             given: key, key: key)
        }
        sizeBytes = try node.int("size_bytes", default: 0, range: 0...(1 << 30))
        priority = try node.int("priority", default: 0, range: 0...63)
        keys = try node.int("keys", default: 1, range: 1...(1 << 30))
        keying = Keying(rawValue: try node.string("keying", default: "round-robin", oneOf: Keying.allCases.map(\.rawValue)))!
    }
}

struct SourceState {
    let parameters: SourceParameters
    var sequence: UInt32 = 0
    /// A closed population's generation: bumped when it restarts after an outage.
    var generation: Int32 = 0
    /// Set at the end of the horizon when the graph drains: no more messages.
    var stopped = false
    init(parameters: SourceParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let sourceMetrics: [ComponentMetric] = [
        ComponentMetric("created", "count", "messages created after the warm-up") { m, g, _ in Double(m.groupStats[g].created) },
        ComponentMetric("rate_per_s", "1/s", "messages created per second of measurement") { m, g, end in
            m.perSecond(m.groupStats[g].created, until: end) },
    ]

    /// The first events of source instance `instance`.
    mutating func startSource(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let p = sources[local].parameters
        let stream = streams[Int(instance)]
        switch p.arrival {
        case .poisson, .renewal:
            return [(.timer(component: instance, code: 0, payload: 0), .zero + p.interarrival.sampleDuration(stream))]
        case .closed:
            return (0..<p.population).map { _ in (.timer(component: instance, code: 0, payload: 0), .zero + p.thinkTime.sampleDuration(stream)) }
        }
    }

    /// The timer code that stops a source at the end of the horizon (`drain`).
    static let sourceStopTimer: Int32 = 1

    mutating func sourceTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.sourceStopTimer { sources[local].stopped = true }
        guard !sources[local].stopped else { return }   // drained: no next message either
        let p = sources[local].parameters
        if p.arrival != .closed {
            context.schedule(.timer(component: instance, code: 0, payload: 0), after: p.interarrival.sampleDuration(streams[Int(instance)]))
        } else if payload != sources[local].generation {
            return   // a token of the population before an outage
        }
        guard !instanceInfo[Int(instance)].down else { return }
        emit(local, instance: instance, context: &context)
    }

    mutating func emit(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let p = sources[local].parameters
        let m = create(by: instance, now: context.now)
        sources[local].sequence &+= 1
        let sequence = sources[local].sequence
        pool[m].id = sequence
        pool[m].sequence = sequence
        switch p.keying {
        case .roundRobin: pool[m].key = (sequence &- 1) % UInt32(p.keys)
        case .instance: pool[m].key = UInt32(ordinal(of: Int(instance))) % UInt32(p.keys)
        }
        pool[m].sizeBytes = UInt32(p.sizeBytes)
        pool[m].priority = UInt8(p.priority)
        pool[m].wantsReply = p.arrival == .closed
        pool[m].slot = sources[local].generation
        if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].created &+= 1 }
        forward(m, from: instance, context: &context)
    }

    /// A closed source's message came back: think, then send the next.
    mutating func sourceReply(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let instance = pool[m].origin
        let generation = pool[m].slot
        discard(m)
        let p = sources[local].parameters
        guard p.arrival == .closed, generation == sources[local].generation, !sources[local].stopped else { return }
        context.schedule(.timer(component: instance, code: 0, payload: generation), after: p.thinkTime.sampleDuration(streams[Int(instance)]))
    }

    /// Back from an outage: a closed population starts afresh.
    mutating func sourceResume(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let p = sources[local].parameters
        guard p.arrival == .closed, !sources[local].stopped else { return }
        sources[local].generation &+= 1
        for _ in 0..<p.population {
            context.schedule(.timer(component: instance, code: 0, payload: sources[local].generation),
                             after: p.thinkTime.sampleDuration(streams[Int(instance)]))
        }
    }
}
