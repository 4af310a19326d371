import LatSimCore

/// The settlement layer's scenario kinds, for the Experiments layer to register.
///
///     for kind in SettlementScenarios.kinds { registry.register(kind) }
///
/// Config keys and one YAML example per kind: docs/settlement.md.
public enum SettlementScenarios {
    public static let kinds: [ScenarioKind] = [
        ScenarioKind(
            name: "settlement",
            summary: "Trades settling on a chosen layer preset: atomic per-trade (sync) vs batched net settlement from inventory (async).",
            designs: SettlementDesign.presets.map { ($0.name, $0.summary) },
            metricSchema: SettlementScenario.metricSchema,
            make: { node in try SettlementScenario(config: node) }),
    ]

    /// Every layer and connectivity preset a config can name.
    public static var presets: [(name: String, summary: String)] { SettlementPresets.presets }
}
