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

    /// Every market kind is now a graph template (Sources/LatSimExperiments/Templates); the
    /// hand-written models are deleted.
    public static let kinds: [ScenarioKind] = []
}
