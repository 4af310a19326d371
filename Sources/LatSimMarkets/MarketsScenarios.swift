/// The scenario kinds of the Markets layer, for the Experiments layer to register.
///
///     for kind in MarketsScenarios.kinds { registry.register(kind) }
///
/// Config keys and one YAML example per kind: docs/markets.md.
public enum MarketsScenarios {
    public static let designSummaries: [(name: String, summary: String)] = [
        ("sync", "pull market data, sequential legs (second after the first is acknowledged), blocking order flow"),
        ("async", "pushed market data, concurrent legs, pipelined order flow (max_in_flight trades at once)"),
    ]

    public static let cexArbitrage = ScenarioKind(
        name: "cex-arbitrage",
        summary: "Two CEXs following a common fundamental with lags and basis noise; competing arbitrage bots; designs are the focal bot's.",
        designs: designSummaries,
        metricSchema: CEXArbitrageScenario.metricSchema(bots: ["<bot>"], venues: ["<venue>"]),
        make: { node in try CEXArbitrageScenario(config: node) })

    public static let cexAMMArbitrage = ScenarioKind(
        name: "cex-amm-arbitrage",
        summary: "A CEX and a constant-product pool swapped only in blocks; bots trade the pool back to its fee-adjusted band; designs are the focal bot's.",
        designs: designSummaries,
        metricSchema: CEXAMMArbitrageScenario.metricSchema(bots: ["<bot>"]),
        make: { node in try CEXAMMArbitrageScenario(config: node) })

    public static let kinds: [ScenarioKind] = [cexArbitrage, cexAMMArbitrage]
}
