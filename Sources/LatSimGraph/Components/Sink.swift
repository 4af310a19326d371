import LatSimCore

/// `type: sink`: consumes messages (the end of a path). It records each message's age (time
/// since creation) and counts reordering: a message whose sequence number is below the
/// highest this sink instance already received from the same producer and key arrived out
/// of order (duplicates, e.g. a broker's redeliveries, count too).
///
///     - {name: archive, type: sink}
///     - {name: processed, type: sink, deduplicate: true, acknowledge: true}   # behind broker consumers
///
/// `deduplicate`: a message whose sequence is not above the highest already received from the
/// same producer and key over the same connection is a duplicate: counted `duplicates`, not
/// `received`, no age. With FIFO links and one consumer per partition (a broker's
/// guarantee), a producer's messages reach a consumer in order, so this is exact; over
/// unordered links a late message would be counted a duplicate. `acknowledge`: a message that
/// wants a reply (a broker's delivery, a closed source's message) gets one, back along its
/// route: behind `broker -> station -> sink`, the consumer acknowledges after processing.
/// A broker's deliveries are acknowledged in offset order per connection and partition: a
/// delivery past the next offset expected (an earlier one was lost, e.g. at a down consumer)
/// is discarded unacknowledged and uncounted (`skipped`): a cumulative acknowledgement would
/// commit the lost one, and counting it would make the lost one look like a duplicate when it
/// is redelivered. The broker's rewind after `ack_timeout` redelivers from the gap. (So a
/// consumer takes each partition in offset order, as a broker session does.)
public struct SinkParameters: Sendable {
    public var deduplicate: Bool
    public var acknowledge: Bool

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["deduplicate", "acknowledge"])
        deduplicate = try node.bool("deduplicate", default: false)
        acknowledge = try node.bool("acknowledge", default: false)
    }
}

struct SinkState {
    /// Who a sequence number is counted against: the producer, the key, and (deduplicating) the arrival connection.
    struct Key: Hashable {
        var producer: Int32
        var key: UInt32
        var connection: Int32
    }

    let parameters: SinkParameters
    /// The highest sequence received per key.
    var highest: [Key: UInt32] = [:]
    /// acknowledge: the next broker offset expected per (arrival connection << 32 | partition).
    var nextOffset: [Int64: Int64] = [:]
    init(parameters: SinkParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let sinkReordered = 0, sinkReorderDistanceMax = 1, sinkDuplicates = 2, sinkSkipped = 3

    static let sinkMetrics: [ComponentMetric] =
        [ComponentMetric("received", "count", "messages consumed (deduplicate: the first copy of each)") { m, g, _ in Double(m.groupStats[g].received) },
         ComponentMetric("throughput_per_s", "1/s", "messages consumed per second of measurement") { m, g, end in
             m.perSecond(m.groupStats[g].received, until: end) }]
        + ComponentMetric.histogram("age", "time from creation to arrival at the sink (ns)") { m, g in m.groupStats[g].latency }
        + [ComponentMetric("reordered", "count", "messages that arrived after a later one of the same origin and key") { m, g, _ in
               Double(m.groupStats[g].counters[sinkReordered]) },
           ComponentMetric("reorder_rate", "ratio", "reordered / received") { m, g, _ in
               let n = m.groupStats[g].received
               return n > 0 ? Double(m.groupStats[g].counters[sinkReordered]) / Double(n) : .nan },
           ComponentMetric("reorder_distance_max", "messages", "largest gap between the highest sequence seen and a late one") { m, g, _ in
               m.groupStats[g].received > 0 ? Double(m.groupStats[g].counters[sinkReorderDistanceMax]) : .nan },
           ComponentMetric("duplicates", "count", "deduplicate: copies of a message already received over the same connection") { m, g, _ in
               Double(m.groupStats[g].counters[sinkDuplicates]) },
           ComponentMetric("skipped", "count", "acknowledge: broker deliveries past a lost one, discarded for redelivery") { m, g, _ in
               Double(m.groupStats[g].counters[sinkSkipped]) }]

    mutating func sinkReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let g = Int(instanceInfo[Int(instance)].group)
        let message = pool[m]
        let p = sinks[local].parameters
        if p.acknowledge && message.wantsReply && message.offset <= GraphModel.snapshotOffset {
            // A broker's snapshot message (recovery: snapshot): the deltas go on from its snapshot point.
            let slot = Int64(message.lastReturn) << 32 | Int64(UInt32(bitPattern: message.partition))
            let point = GraphModel.snapshotOffset - message.offset
            if point > sinks[local].nextOffset[slot, default: 0] { sinks[local].nextOffset[slot] = point }
        } else if p.acknowledge && message.wantsReply && message.offset >= 0 {   // a broker's delivery: in offset order
            let slot = Int64(message.lastReturn) << 32 | Int64(UInt32(bitPattern: message.partition))
            let expected = sinks[local].nextOffset[slot, default: 0]
            guard message.offset <= expected else {   // a gap: an earlier delivery was lost
                if measuring { groupStats[g].counters[GraphModel.sinkSkipped] &+= 1 }
                discard(m)
                return
            }
            if message.offset == expected { sinks[local].nextOffset[slot] = expected + 1 }
        }
        let key = SinkState.Key(producer: message.producer, key: message.key, connection: p.deduplicate ? message.lastReturn : -1)
        let highest = sinks[local].highest[key, default: 0]
        if message.sequence > highest {
            sinks[local].highest[key] = message.sequence
        } else if p.deduplicate {
            if measuring { groupStats[g].counters[GraphModel.sinkDuplicates] &+= 1 }
            finish(local, m, context: &context)
            return
        } else if measuring {
            groupStats[g].counters[GraphModel.sinkReordered] &+= 1
            groupStats[g].counters[GraphModel.sinkReorderDistanceMax] =
                Swift.max(groupStats[g].counters[GraphModel.sinkReorderDistanceMax], Int64(highest - message.sequence))
        }
        if measuring {
            groupStats[g].received &+= 1
            groupStats[g].latency.record(message.mark.nanosecondsSinceStart - message.created.nanosecondsSinceStart)
        }
        finish(local, m, context: &context)
    }

    /// Acknowledges `m` when it wants a reply and the sink acknowledges; consumes it otherwise.
    @inline(__always)
    private mutating func finish(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if sinks[local].parameters.acknowledge && pool[m].wantsReply {
            reply(m, sizeBytes: 0, context: &context)
        } else {
            discard(m)
        }
    }
}

extension GraphMessage {
    /// The connection it last arrived through (-1 before its first hop).
    var lastReturn: Int32 {
        guard returnDepth > 0 else { return -1 }
        var copy = returns
        return withUnsafeBytes(of: &copy) { $0.bindMemory(to: Int32.self)[Int(returnDepth) - 1] }
    }
}
