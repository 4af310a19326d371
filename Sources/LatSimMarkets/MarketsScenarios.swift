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

    public static let marketMaking = ScenarioKind(
        name: "market-making",
        summary: "A market maker quoting around its delayed view of the fundamental, picked off by informed takers, filled by noise takers.",
        designs: [
            ("sync", "polled reference price, cancel then new quote after the cancel's ack, one quote change in flight"),
            ("async", "pushed reference price, one replace message, pipelined quote changes"),
        ],
        metricSchema: MarketMakingScenario.metricSchema,
        make: { node in try MarketMakingScenario(config: node) })


    public static let kinds: [ScenarioKind] = [marketMaking]
}
