/// The `ordered-delivery` scenario: one update stream over a jittery link, FIFO (`fifo`)
/// versus unordered (`unordered`): reordering (wrong outcomes) against head-of-line delay.
///
///     model:
///       kind: ordered-delivery
///       send_interval: {type: exponential, mean: 100us}
///       link: {latency: {type: lognormal, median: 1ms, sigma: 0.6}}
public struct OrderedDeliveryScenario: Scenario {
    public let parameters: OrderedDeliveryModel.Parameters
    public let designs: [String]
    public static let allDesigns = ["fifo", "unordered"]
    public static let configKeys = ["kind", "send_interval", "link", "message_bytes"]

    public init(parameters: OrderedDeliveryModel.Parameters, designs: [String] = OrderedDeliveryScenario.allDesigns) {
        self.parameters = parameters
        self.designs = designs
    }

    public init(config node: ConfigNode) throws {
        try node.checkKeys(OrderedDeliveryScenario.configKeys)
        designs = OrderedDeliveryScenario.allDesigns
        let linkNode = try node.required("link")
        parameters = OrderedDeliveryModel.Parameters(
            sendInterval: try node.intervalDistribution("send_interval"),
            link: try LinkParameters(config: linkNode),
            regime: try linkNode.child("regime").map { try LatencyRegime(config: $0) },
            messageBytes: try node.int("message_bytes", default: 256, range: 0...1 << 40))
    }

    /// One link and a reorder buffer: nothing sized by parameters.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double { 64 * 1_024 }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        precondition(designs.contains(design), "unknown design \(design)")
        return OrderedDeliveryModel.run(parameters: parameters, ordering: LinkOrdering(rawValue: design)!, spec: spec)
    }
}
