import LatSimCore
import LatSimNetwork

/// `type: delay`: holds each message for a drawn time, independently (an infinite server,
/// so messages may overtake each other), then sends it out of `out`.
///
///     - {name: risk-check, type: delay, delay: {type: lognormal, median: 40us, sigma: 0.3}}
public struct DelayParameters: Sendable {
    public var delay: Distribution
    public init(config node: ConfigNode) throws {
        try node.checkKeys(["delay"])
        delay = try node.distribution("delay")
    }
}

struct DelayState {
    let parameters: DelayParameters
    init(parameters: DelayParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let delayMetrics: [ComponentMetric] = [
        ComponentMetric("received", "count", "messages delayed") { m, g, _ in Double(m.groupStats[g].received) },
    ]

    mutating func delayReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { groupStats[Int(instanceGroup[Int(instance)])].received &+= 1 }
        context.schedule(.timer(component: instance, code: 0, payload: m),
                         after: delays[local].parameters.delay.sampleDuration(streams[Int(instance)]))
    }

    mutating func delayTimer(_ local: Int, instance: Int32, payload m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool.account(m, .service, at: context.now)
        forward(m, from: instance, context: &context)
    }
}
