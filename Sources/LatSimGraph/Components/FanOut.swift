import LatSimCore

/// `type: fan-out`: sends a copy of each message over every one of its connections
/// (publish/subscribe). Copies keep the message's id, key, sequence and accounting.
///
///     - {name: feed-bus, type: fan-out}
extension GraphModel {
    static let fanOutMetrics: [ComponentMetric] = [
        ComponentMetric("received", "count", "messages copied out") { m, g, _ in Double(m.groupStats[g].received) },
    ]

    mutating func fanOutReceive(_ instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].received &+= 1 }
        let first = Int(outStart[Int(instance)]), end = Int(outStart[Int(instance) + 1])
        for k in first..<(end - 1) {
            transmit(pool.copy(m), over: outConnections[k], context: &context)
        }
        transmit(m, over: outConnections[end - 1], context: &context)
    }
}
