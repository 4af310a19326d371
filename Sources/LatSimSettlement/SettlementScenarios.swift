import LatSimCore

/// The settlement layer's scenario kinds, for the Experiments layer to register (`settlement`
/// is a graph template now: LatSimExperiments' `SettlementTemplate`).
///
///     for kind in SettlementScenarios.kinds { registry.register(kind) }
///
/// Config keys and one YAML example per kind: docs/settlement.md.
public enum SettlementScenarios {
    public static let kinds: [ScenarioKind] = [
        ScenarioKind(
            name: "cross-chain",
            summary: "Transfers between two layers through relayers: ordered vs unordered channels, lock-step vs pipelined senders.",
            designs: SettlementDesign.presets.map { ($0.name, $0.summary) },
            metricSchema: CrossChainScenario.metricSchema,
            make: { node in try CrossChainScenario(config: node) }),
    ]

    /// Every layer and connectivity preset a config can name.
    public static var presets: [(name: String, summary: String)] { SettlementPresets.presets }
}
