/// Ready-made `model:` sections for each kind (the YAML examples of docs/markets.md as trees),
/// for benchmarks, smoke tests and documentation.
///
///     let scenario = try MarketsScenarios.cexArbitrage.make(MarketsExamples.config(kind: "cex-arbitrage"))
///
/// Invariant: every kind in `MarketsScenarios.kinds` has an example, and each example decodes.
public enum MarketsExamples {
    static func s(_ text: String) -> ConfigNode { .scalar(text) }
    static func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { .mapping(entries) }
    static func list(_ items: [ConfigNode]) -> ConfigNode { ConfigNode(value: .sequence(items), location: .unknown, path: "") }

    /// The example config of `kind`, rooted at key path "model"; nil for an unknown kind.
    public static func config(kind: String) -> ConfigNode? {
        let node: ConfigNode
        switch kind {
        case "cex-arbitrage":
            node = map([
                ("kind", s(kind)),
                ("fundamental", map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8"))])),
                ("tick_interval", map([("type", s("exponential")), ("mean", s("20ms"))])),
                ("venues", list([
                    map([("name", s("alpha")), ("lag", s("0ms")), ("basis_sd", s("0.0002")), ("stale_after", s("50ms"))]),
                    map([("name", s("beta")), ("lag", s("30ms")), ("basis_sd", s("0.0002"))]),
                ])),
                ("bots", list([
                    map([("name", s("focal")), ("design", s("focal")), ("latency", s("1ms"))]),
                    map([("name", s("rival")), ("design", s("async")), ("latency", s("2ms"))]),
                ])),
            ])
        case "cex-amm-arbitrage":
            node = map([
                ("kind", s(kind)),
                ("fundamental", map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8")),
                                     ("jump_rate_per_year", s("31536000")), ("jump_sd_log", s("0.0005"))])),
                ("pool", map([("base_reserve", s("10000")), ("fee_bps", s("5")), ("gas_cost", s("0.1"))])),
                ("block_interval", s("2s")),
                ("bots", list([
                    map([("name", s("focal")), ("design", s("focal")), ("latency", s("1ms")),
                         ("transaction_latency", s("50ms")), ("block_data_latency", s("50ms"))]),
                    map([("name", s("rival")), ("design", s("async")), ("latency", s("1ms")),
                         ("transaction_latency", s("60ms")), ("block_data_latency", s("60ms"))]),
                ])),
            ])
        case "market-making":
            node = map([
                ("kind", s(kind)),
                ("fundamental", map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8")),
                                     ("jump_rate_per_year", s("157680000")), ("jump_sd_log", s("0.0005"))])),
                ("informed", map([("latency", s("1500us")), ("order_latency", s("1ms"))])),
            ])
        default:
            return nil
        }
        return node.reparented("model")
    }
}
