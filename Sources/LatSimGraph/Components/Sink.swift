import LatSimCore

/// `type: sink`: consumes messages (the end of a path). It records each message's age (time
/// since creation) and counts reordering: a message whose sequence number is below the
/// highest this sink instance already received from the same producer and key arrived out
/// of order (duplicates, e.g. a broker's redeliveries, count too).
///
///     - {name: archive, type: sink}
extension GraphModel {
    static let sinkReordered = 0, sinkReorderDistanceMax = 1

    static let sinkMetrics: [ComponentMetric] =
        [ComponentMetric("received", "count", "messages consumed") { m, g, _ in Double(m.groupStats[g].received) },
         ComponentMetric("throughput_per_s", "1/s", "messages consumed per second of measurement") { m, g, end in
             m.perSecond(m.groupStats[g].received, until: end) }]
        + ComponentMetric.histogram("age", "time from creation to arrival at the sink (ns)") { m, g in m.groupStats[g].latency }
        + [ComponentMetric("reordered", "count", "messages that arrived after a later one of the same origin and key") { m, g, _ in
               Double(m.groupStats[g].counters[sinkReordered]) },
           ComponentMetric("reorder_rate", "ratio", "reordered / received") { m, g, _ in
               let n = m.groupStats[g].received
               return n > 0 ? Double(m.groupStats[g].counters[sinkReordered]) / Double(n) : .nan },
           ComponentMetric("reorder_distance_max", "messages", "largest gap between the highest sequence seen and a late one") { m, g, _ in
               m.groupStats[g].received > 0 ? Double(m.groupStats[g].counters[sinkReorderDistanceMax]) : .nan }]

    mutating func sinkReceive(_ local: Int, instance: Int32, _ m: Int32) {
        let g = Int(instanceGroup[Int(instance)])
        let message = pool[m]
        let key = UInt64(UInt32(bitPattern: message.producer)) << 32 | UInt64(message.key)
        let highest = sinkHighest[local][key, default: 0]
        if message.sequence > highest {
            sinkHighest[local][key] = message.sequence
        } else if measuring {
            groupStats[g].counters[GraphModel.sinkReordered] &+= 1
            groupStats[g].counters[GraphModel.sinkReorderDistanceMax] =
                Swift.max(groupStats[g].counters[GraphModel.sinkReorderDistanceMax], Int64(highest - message.sequence))
        }
        if measuring {
            groupStats[g].received &+= 1
            groupStats[g].latency.record(message.mark.nanosecondsSinceStart - message.created.nanosecondsSinceStart)
        }
        discard(m)
    }
}
