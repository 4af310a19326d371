import Foundation
import LatSimCore
import LatSimGraph
import LatSimSettlement

/// `kind: cross-chain`: transfers across a bridge or messaging channel, ordered versus
/// unordered channels, lock-step versus pipelined senders, as a graph of the network and
/// settlement components (docs/graph.md; theory in docs/settlement.md). The graph:
///
///     transfers (source, Poisson) -> sender (client, arrival: input; window 1 = lock-step, unlimited = pipelined)
///       -> source (settlement, released at finality) -> relayers (delay: the quorum-th of count draws)
///       -> relay (delay: delivery_latency) -> destination (settlement with channel: ordering, failures, retries)
///       -> executed (sink, acknowledging: the confirmation frees a lock-step sender)
///
/// with the paths `transfer` (request to execution) and `delivery` (sent on the source to
/// execution), every connection 0 ms, and a drain of `drain_limit` that stops once every
/// transfer has executed. The kind's keys, defaults and designs are those of the hand-written model it replaced
/// (`designs:` presets `sync`, `async`, `ordered-pipelined`, `unordered-lock-step`, or
/// mappings `{name, preset, channel, transfers}`); each design patches the sender's `window`
/// and the channel's `ordering`. Metric names are the kind's (`transfer_latency_*`,
/// `head_of_line_delay_*`, `out_of_order_executions`, ...) through `metric_aliases`.
///
///     model: {kind: cross-chain, source: {preset: ethereum, finality: {confirmations: 2}}, destination: cometbft,
///             transfers: {rate_per_second: 0.02}, relayers: {count: 3, quorum: 2, latency: {type: lognormal, median: 5s, sigma: 0.8}},
///             failure_probability: 0.05, retry_delay: 30s}
public enum CrossChainTemplate {
    public static let configKeys = ["kind", "source", "destination", "transfers", "bridge", "relayers", "delivery_latency",
                                    "failure_probability", "retry_delay", "drain_limit", "designs"]

    public static let designSummaries: [(name: String, summary: String)] = [
        ("sync", "lock-step sender; ordered channel"),
        ("async", "pipelined sender; unordered channel"),
        ("ordered-pipelined", "pipelined sender; ordered channel"),
        ("unordered-lock-step", "lock-step sender; unordered channel"),
    ]

    public static let template = Template(
        name: "cross-chain",
        summary: "Transfers between two layers through relayers: ordered vs unordered channels, lock-step vs pipelined senders (a graph template).",
        designs: designSummaries,
        example: "{kind: cross-chain, source: ethereum, destination: cometbft, transfers: {rate_per_second: 0.02}}",
        expand: expand)

    static let aliases: [(String, String)] = [
        ("transfer.latency", "transfer_latency"), ("delivery.latency", "delivery_latency"),
        ("destination.head_of_line_delay", "head_of_line_delay"),
        ("transfers.created", "transfers_requested"), ("executed.received", "transfers_delivered"),
        ("destination.executed_per_hour", "delivered_throughput_per_hour"),
        ("executed.reordered", "out_of_order_executions"),
        ("destination.failed_attempts", "failed_attempts"), ("destination.stale_deliveries", "stale_deliveries"),
        ("sender.queue_length_mean", "sender_backlog_mean"),
        ("graph.messages_pending_end", "transfers_undelivered"),
        ("transfer.", "transfer_"), ("delivery.", "delivery_"), ("transfers.", "transfers_"), ("sender.", "sender_"),
        ("source.", "source_"), ("relayers.", "relayers_"), ("relay.", "relay_"), ("destination.", "destination_"),
        ("executed.", "executed_"), ("graph.", ""),
    ]

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { GraphConfig.mapping(entries, at: at) }

        let transfers = try node.required("transfers", allowed: "{rate_per_second: r}")
        try transfers.checkKeys(["rate_per_second"])
        let rate = try transfers.ratePerSecond("rate_per_second")
        // The layers are checked here, so an error names `model.source` or `model.destination`.
        _ = try node.layerSpec("source")
        _ = try node.layerSpec("destination")
        let sourceNode = node.child("source")!, destinationNode = node.child("destination")!

        // Relayers: a bridge preset sets count, quorum, latency and the delivery latency; explicit keys override.
        var count = 1, quorum = 1
        var latency = s("0ns"), delivery = s("0ns")
        let bridged = node.has("bridge")
        if bridged {
            let bridge = SettlementPresets.bridge(named: try node.string("bridge", oneOf: SettlementPresets.bridgePresets.map(\.name)))!
            count = bridge.relayerCount; quorum = bridge.quorum
            latency = try configNode(bridge.relayerLatency, at: at)
            delivery = try configNode(bridge.deliveryLatency, at: at)
        }
        if let relayers = node.child("relayers") {
            try relayers.checkKeys(["count", "quorum", "latency"])
            count = try relayers.int("count", default: bridged ? count : 1, range: 1...1_000)
            quorum = try relayers.int("quorum", default: bridged ? Swift.min(quorum, count) : count, range: 1...count)
            if !bridged { _ = try relayers.distribution("latency") }
            if let given = relayers.child("latency") {
                _ = try relayers.distribution("latency")
                latency = given
            }
        }
        if let given = node.child("delivery_latency") {
            _ = try node.distribution("delivery_latency")
            delivery = given
        }
        _ = try node.double("failure_probability", default: 0, range: 0...0.99)
        _ = try node.interval("retry_delay", default: .seconds(30 as Int64))
        _ = try node.duration("drain_limit", default: .seconds(86_400 as Int64), allowZero: false)
        let designs = try node.settlementDesigns("designs", default: [.sync, .async])

        func window(_ design: SettlementDesign) -> ConfigNode { s(design.transfers == .lockStep ? "1" : "unlimited") }
        func ordering(_ design: SettlementDesign) -> ConfigNode { s(design.channel.rawValue) }
        let first = designs[0]
        func connection(_ from: String, _ to: String) -> ConfigNode {
            map([("from", s(from + ".out")), ("to", s(to + ".in")), ("link", s("0ms"))])
        }
        let components = [
            map([("name", s("transfers")), ("type", s("source")), ("arrival", s("poisson")), ("rate_per_s", s("\(rate)"))]),
            map([("name", s("sender")), ("type", s("client")), ("arrival", s("input")), ("window", window(first))]),
            map([("name", s("source")), ("type", s("settlement")), ("layer", sourceNode)]),
            map([("name", s("relayers")), ("type", s("delay")), ("delay", latency), ("draws", s("\(count)")), ("quorum", s("\(quorum)"))]),
            map([("name", s("relay")), ("type", s("delay")), ("delay", delivery)]),
            map([("name", s("destination")), ("type", s("settlement")), ("layer", destinationNode),
                 ("channel", map([("ordering", ordering(first)), ("failure_probability", node.child("failure_probability") ?? s("0")),
                                  ("retry_delay", node.child("retry_delay") ?? s("30s"))]))]),
            map([("name", s("executed")), ("type", s("sink")), ("acknowledge", s("true"))]),
        ]
        let connections = [connection("transfers", "sender"), connection("sender", "source"), connection("source", "relayers"),
                           connection("relayers", "relay"), connection("relay", "destination"), connection("destination", "executed")]
        let paths = [map([("name", s("transfer")), ("from", s("transfers")), ("to", s("executed"))]),
                     map([("name", s("delivery")), ("from", s("source")), ("to", s("executed"))])]
        let designNodes = designs.map { design in
            (design.name, map([("components.sender.window", window(design)), ("components.destination.channel.ordering", ordering(design))]))
        }
        return GraphConfig.model([
            ("components", GraphConfig.list(components, at: at)),
            ("connections", GraphConfig.list(connections, at: at)),
            ("paths", GraphConfig.list(paths, at: at)),
            ("drain", map([("duration", node.child("drain_limit") ?? s("24h")), ("until_empty", s("true"))])),
            ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) })),
            ("designs", map(designNodes)),
        ], at: at)
    }

    /// A bridge preset's distribution as config (the presets use constants and lognormals).
    static func configNode(_ distribution: Distribution, at location: SourceLocation) throws -> ConfigNode {
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: location) }
        switch distribution.kind {
        case .constant(let value):
            return s("\(Int64(value.rounded()))ns")
        case .lognormal(let mu, let sigma):
            return GraphConfig.mapping([("type", s("lognormal")), ("median", s("\(Int64(exp(mu).rounded()))ns")), ("sigma", s("\(sigma)"))],
                                       at: location)
        default:
            preconditionFailure("a bridge preset's distribution must be a constant or a lognormal, not \(distribution)")
        }
    }
}
