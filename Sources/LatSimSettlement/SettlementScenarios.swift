import LatSimCore

/// The settlement layer's scenario kinds, for the Experiments layer to register. There are none
/// left: `settlement` and `cross-chain` are graph templates now (LatSimExperiments'
/// `SettlementTemplate` and `CrossChainTemplate`).
///
///     for kind in SettlementScenarios.kinds { registry.register(kind) }
///
/// Config keys and one YAML example per kind: docs/settlement.md.
public enum SettlementScenarios {
    public static let kinds: [ScenarioKind] = []

    /// Every layer and connectivity preset a config can name.
    public static var presets: [(name: String, summary: String)] { SettlementPresets.presets }
}
