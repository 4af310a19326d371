import LatSimCore

/// The measurements of one path: end-to-end latency and its breakdown into time on the wire,
/// waiting in queues and in service, whose means sum to the latency's mean exactly.
public struct PathStatistics: Sendable {
    public var latency = LatencyHistogram()
    public var wireTotal: Double = 0
    public var waitTotal: Double = 0
    public var serviceTotal: Double = 0

    /// `untilMark`: time since the message's last accounting mark (it is counted as wire: a
    /// path ends where a message arrives, and arrivals are accounted first).
    @inline(__always)
    mutating func record(latency value: Int64, wire: Int64, wait: Int64, service: Int64, untilMark: Int64) {
        latency.record(value)
        wireTotal += Double(wire + untilMark)
        waitTotal += Double(wait)
        serviceTotal += Double(service)
    }

    func mean(_ total: Double) -> Double { latency.count > 0 ? total / Double(latency.count) : .nan }
}

/// Per component group: counters shared by its instances (reset at the warm-up's end).
public struct GroupStatistics: Sendable {
    public let type: ComponentType
    /// Messages that arrived while the component was down.
    public var lostDown: Int64 = 0
    /// Messages lost by type-specific causes (overflow, crash, ...).
    public var lostOverflow: Int64 = 0
    public var lostCrash: Int64 = 0
    /// Messages received at the input port / created / sent on.
    public var received: Int64 = 0
    public var created: Int64 = 0
    public var completed: Int64 = 0
    public var latency = LatencyHistogram()
    /// Down time within the measurement (ns), and when the current outage began.
    public var downTime: Int64 = 0
    var downStart: SimInstant? = nil
    /// Type-specific counters (documented with each type's metrics).
    public var counters = Counters()
    public var level = TimeWeightedValue(start: .zero)

    init(type: ComponentType) { self.type = type }

    mutating func reset(at now: SimInstant) {
        let kept = downStart
        var fresh = GroupStatistics(type: type)
        fresh.downStart = kept.map { _ in now }
        fresh.level = level
        fresh.level.reset(at: now)
        self = fresh
    }

    mutating func downSince(_ start: SimInstant?, at now: SimInstant) {
        if let began = downStart, start == nil {
            downTime += (now - began).nanoseconds
            downStart = nil
        } else if start != nil && downStart == nil {
            downStart = now
        }
    }
}

/// Eight counters stored inline (no array: no uniqueness check or allocation on the hot path).
public struct Counters: Sendable {
    var c0: Int64 = 0, c1: Int64 = 0, c2: Int64 = 0, c3: Int64 = 0, c4: Int64 = 0, c5: Int64 = 0, c6: Int64 = 0, c7: Int64 = 0

    public subscript(index: Int) -> Int64 {
        get {
            switch index {
            case 0: return c0
            case 1: return c1
            case 2: return c2
            case 3: return c3
            case 4: return c4
            case 5: return c5
            case 6: return c6
            default: return c7
            }
        }
        set {
            switch index {
            case 0: c0 = newValue
            case 1: c1 = newValue
            case 2: c2 = newValue
            case 3: c3 = newValue
            case 4: c4 = newValue
            case 5: c5 = newValue
            case 6: c6 = newValue
            default: c7 = newValue
            }
        }
    }
}
