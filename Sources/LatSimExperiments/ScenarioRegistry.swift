import LatSimMarkets
import LatSimNetwork
import LatSimSettlement

/// Every scenario kind a config can name in `model.kind`, in listing order.
///
///     let kind = try ScenarioRegistry.kind(for: modelNode)    // reads model.kind
///
/// The lead adds the domain layers' kinds here when they land:
///     NetworkScenarios.kinds + MarketsScenarios.kinds + SettlementScenarios.kinds
/// Invariant: names are unique (checked by a test).
public enum ScenarioRegistry {
    public static let kinds: [ScenarioKind] = builtinKinds + templates.map(\.kind)
        + MarketsScenarios.kinds + SettlementScenarios.kinds

    /// Named graphs with parameters (`latsim validate --expand` prints what they expand to).
    public static let templates: [Template] = [QueueTemplate.template, CallPatternTemplate.template, OrderedDeliveryTemplate.template,
                                                 BrokerOutageTemplate.template, CEXArbitrageTemplate.template,
                                                 CrossChainTemplate.template, CEXAMMArbitrageTemplate.template,
                                                 MarketMakingTemplate.template, SettlementTemplate.template]


    /// Kinds defined in this layer to exercise the pipeline without the domain layers.
    public static let builtinKinds: [ScenarioKind] = [GraphScenario.kind]

    public static func kind(named name: String) -> ScenarioKind? { kinds.first { $0.name == name } }

    /// The kind named by `model.kind`, or an error listing the known kinds.
    public static func kind(for model: ConfigNode) throws -> ScenarioKind {
        let name = try model.string("kind", oneOf: kinds.map(\.name))
        return kind(named: name)!
    }
}
