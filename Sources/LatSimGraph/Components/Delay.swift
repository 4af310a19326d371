import LatSimCore
import LatSimNetwork

/// `type: delay`: holds each message for a drawn time, independently (an infinite server,
/// so messages may overtake each other), then sends it out of `out`.
///
///     - {name: risk-check, type: delay, delay: {type: lognormal, median: 40us, sigma: 0.3}}
///     - {name: relayers, type: delay, delay: {type: lognormal, median: 5s, sigma: 0.8}, draws: 3, quorum: 2}
///
/// With `draws: n` (and `quorum: k`, default n) the hold is the k-th smallest of n independent
/// draws of `delay`: a message attested once k of n relayers (or signers, replicas) have seen it.
/// Every draw comes from the instance's stream, n per message, in order; `draws: 1` draws once,
/// as without the key.
public struct DelayParameters: Sendable {
    public var delay: Distribution
    /// Independent draws per message (relayers).
    public var draws: Int
    /// Which order statistic of the draws is the hold: the `quorum`-th smallest.
    public var quorum: Int
    public static let drawsLimit = 1_000

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["delay", "draws", "quorum"])
        delay = try node.distribution("delay")
        draws = try node.int("draws", default: 1, range: 1...DelayParameters.drawsLimit)
        quorum = try node.int("quorum", default: draws, range: 1...draws)
    }
}

struct DelayState {
    let parameters: DelayParameters
    /// The draws of one message (`draws` > 1), sorted in place: no allocation per message.
    var buffer: ContiguousArray<Double>
    init(parameters: DelayParameters) {
        self.parameters = parameters
        buffer = ContiguousArray(repeating: 0, count: parameters.draws > 1 ? parameters.draws : 0)
    }

    /// The hold of one message: one draw, or the `quorum`-th smallest of `draws` draws.
    mutating func hold(_ stream: some RandomSource) -> SimDuration {
        guard parameters.draws > 1 else { return parameters.delay.sampleDuration(stream) }
        // Insertion sort of the draws as they come (n is a few relayers; O(n^2) at worst).
        for i in 0..<buffer.count {
            let value = parameters.delay.sample(stream)
            var j = i
            while j > 0 && buffer[j - 1] > value {
                buffer[j] = buffer[j - 1]
                j -= 1
            }
            buffer[j] = value
        }
        let value = buffer[parameters.quorum - 1]
        return SimDuration(roundingNanoseconds: value > 0 ? value : 0)
    }
}

extension GraphModel {
    static let delayMetrics: [ComponentMetric] = [
        ComponentMetric("received", "count", "messages delayed") { m, g, _ in Double(m.groupStats[g].received) },
    ]

    mutating func delayReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].received &+= 1 }
        context.schedule(.timer(component: instance, code: 0, payload: m), after: delays[local].hold(streams[Int(instance)]))
    }

    mutating func delayTimer(_ local: Int, instance: Int32, payload m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool.account(m, .service, at: context.now)
        forward(m, from: instance, context: &context)
    }
}
