import LatSimCore
import LatSimGraph
import LatSimSettlement

/// `kind: settlement`: trades settling on one layer, atomic per trade (`sync`) or batched and
/// netted from pre-funded inventory (`async`), as a graph: a `trade-flow` named `trades` (the
/// Poisson trades, their capital rule and settlement mode) sending its settlement transactions
/// to a `settlement` named `settlement` over the connection `trades-settlement`, whose latency is the
/// trader's `connectivity` (unordered: each transaction its own draw) and whose replies (soft
/// notices, finality) take no time, as in the hand-written model, where the trader learns of
/// finality at the layer's instant.
///
///     model: {kind: settlement, layer: ethereum,
///             trades: {rate_per_second: 0.1, notional: {type: lognormal, median: 10000, sigma: 1}},
///             capital: 1_000_000, batch_interval: 5min}
///
/// Designs (`designs:`, default `sync`, `async`; presets or `{name, preset, settlement}`) set
/// `components.trades.settlement` (and its `interval`, the `batch_interval`, when batched).
/// `drain_limit` is the graph's `drain`: the run stops when every measured trade is final
/// (`end_run_when_settled`) or at the drain's end. Metric names: the trade flow's unprefixed
/// (`settlement_final_latency_mean`, `capture_rate`, ...), the settlement's `layer_*`, the
/// connection's `link_*`, the graph's unprefixed. The names `trades` and `settlement` key the
/// streams the hand-written model used (`trades:arrivals`, the layer's `settlement:...`), so the
/// template draws the same trades and blocks.
public enum SettlementTemplate {
    public static let configKeys = ["kind", "layer", "connectivity", "trades", "capital", "fee", "batch_interval", "drain_limit", "designs"]

    public static let template = Template(
        name: "settlement",
        summary: "Trades settling on one layer: atomic per-trade versus batched net settlement (a graph template: a trade-flow and a settlement).",
        designs: SettlementDesign.presets.map { ($0.name, $0.summary) },
        example: "{kind: settlement, layer: ethereum, trades: {rate_per_second: 0.1, notional: 10000}, capital: 100000}",
        expand: expand)

    /// The connectivity tiers (`SettlementPresets.connectivityPresets`) as link latencies a graph
    /// config takes (a test checks each decodes to its preset's distribution).
    static let connectivityYAML: [String: String] = [
        "colocated": "{type: lognormal, median: 50us, sigma: 0.3}",
        "same-region": "{type: lognormal, median: 500us, sigma: 0.4}",
        "cross-continent": "{type: lognormal, median: 10ms, sigma: 0.5, shift: 30ms}",
    ]

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        // The hand-written model's keys and checks, so its configs get the same errors.
        try node.checkKeys(configKeys)
        _ = try node.layerSpec("layer")
        let trades = try node.required("trades", allowed: "{rate_per_second: r, notional: ...}")
        try trades.checkKeys(["rate_per_second", "notional", "buy_probability"])
        _ = try trades.ratePerSecond("rate_per_second")
        _ = try trades.amountDistribution("notional")
        _ = try trades.probability("buy_probability", default: 0.5)
        _ = try node.double("capital", range: 0...1e18)
        _ = try node.connectivity("connectivity", default: "same-region")
        let fee = try node.amountDistribution("fee", default: try .constant(1))
        _ = try node.interval("batch_interval", default: .seconds(60 as Int64))
        _ = try node.duration("drain_limit", default: .seconds(86_400 as Int64), allowZero: false)
        let designs = try node.settlementDesigns("designs", default: [.sync, .async])

        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { GraphConfig.mapping(entries, at: at) }
        /// A connectivity tier's distribution, its nodes at the path of the key it replaces.
        func parsed(_ yaml: String) throws -> ConfigNode {
            try YAMLConfig.parse(yaml, file: "<connectivity tier>", path: node.child("connectivity")?.path ?? node.path + ".connectivity")
        }

        var flow: [(String, ConfigNode)] = [("name", s("trades")), ("type", s("trade-flow")),
                                            ("rate_per_s", trades.child("rate_per_second")!), ("notional", trades.child("notional")!)]
        if let b = trades.child("buy_probability") { flow.append(("buy_probability", b)) }
        flow.append(("capital", node.child("capital")!))
        flow.append(("end_run_when_settled", s("true")))

        var layer: [(String, ConfigNode)] = [("name", s("settlement")), ("type", s("settlement")), ("layer", node.child("layer")!)]
        if let f = node.child("fee") {
            guard case .constant(value: let value) = fee.kind else {
                throw f.error("is a distribution: the settlement component bids one fee for every transaction",
                              allowed: "a number (the fee every settlement transaction bids)", given: f.description)
            }
            layer.append(("fee", s(formatSignificant(value, digits: 17))))
        }

        // The connectivity: a tier by name (or {preset: name}) becomes its distribution; a distribution is copied.
        var latency = try parsed(connectivityYAML["same-region"]!)
        if let c = node.child("connectivity") {
            if case .scalar(let text) = c.value, let yaml = connectivityYAML[text] {
                latency = try parsed(yaml)
            } else if let preset = c.child("preset"), case .scalar(let text) = preset.value, let yaml = connectivityYAML[text] {
                latency = try parsed(yaml)
            } else {
                latency = c
            }
        }
        let connection = map([("from", s("trades.out")), ("to", s("settlement.in")),
                              ("link", map([("latency", latency), ("ordering", s("unordered"))])), ("reply_link", s("0ms"))])

        let interval = node.child("batch_interval") ?? s("60s")
        let designNodes = designs.map { design -> (String, ConfigNode) in
            var patch: [(String, ConfigNode)] = [("components.trades.settlement", s(design.settlement.rawValue))]
            if design.settlement == .batched { patch.append(("components.trades.interval", interval)) }
            return (design.name, map(patch))
        }
        return GraphConfig.model([
            ("components", GraphConfig.list([map(flow), map(layer)], at: at)),
            ("connections", GraphConfig.list([connection], at: at)),
            ("drain", node.child("drain_limit") ?? s("86400s")),
            ("metric_aliases", map([("trades.", s("")), ("settlement.", s("layer_")), ("link.trades-settlement.", s("link_")), ("graph.", s(""))])),
            ("designs", map(designNodes)),
        ], at: at)
    }
}
