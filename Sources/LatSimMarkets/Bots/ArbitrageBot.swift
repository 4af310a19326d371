/// The parameters of one arbitrage bot: its name, design and latencies.
///
///     - {name: rival, design: async, latency: {market_data: 800us, new_order: 1ms, ack: 1ms}, min_profit: 0}
///
/// `design: focal` (in scenarios that have designs) makes the bot take the design under
/// comparison. `min_profit` is the least expected profit (quote currency, net of fees, from the
/// bot's own view of the books) for which it trades.
public struct ArbitrageBotParameters: Sendable, Equatable {
    public var name: String
    public var design: BotDesign
    /// True when the bot takes the scenario's design.
    public var isFocal: Bool
    public var latencies: BotLatencies
    public var minProfit: Double

    public init(name: String, design: BotDesign, isFocal: Bool = false, latencies: BotLatencies, minProfit: Double = 0) {
        self.name = name
        self.design = design
        self.isFocal = isFocal
        self.latencies = latencies
        self.minProfit = minProfit
    }

    static let keys = ["name", "design", "latency", "min_profit"]

    public init(config node: ConfigNode, index: Int) throws {
        try node.checkKeys(ArbitrageBotParameters.keys)
        name = try node.string("name", default: "bot\(index)")
        if let d = node.child("design"), case .scalar(let text) = d.value, text == "focal" {
            isFocal = true
            design = .sync
        } else {
            isFocal = node.child("design") == nil && index == 0
            design = try node.child("design").map { try BotDesign(config: $0) } ?? .sync
        }
        latencies = try BotLatencies(config: node.child("latency"))
        minProfit = try node.double("min_profit", default: 0)
    }
}
