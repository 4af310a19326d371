import LatSimNetwork
/// The validated parameters of a `cex-arbitrage` scenario.
///
///     model:
///       kind: cex-arbitrage
///       fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}
///       tick_interval: {type: exponential, mean: 20ms}
///       order_size: 1
///       venues:
///         - {name: alpha, lag: 0ms, basis_sd: 0.0002, half_spread_bps: 1, taker_fee_bps: 1}
///         - {name: beta, lag: 30ms, basis_sd: 0.0002, half_spread_bps: 1, taker_fee_bps: 1}
///       bots:
///         - {name: focal, design: focal, latency: 1ms}
///         - {name: rival, design: async, latency: 2ms}
///
/// Invariant: exactly two venues with distinct names; at least one bot; bot names distinct.
public struct CEXArbitrageParameters: Sendable, Equatable {
    public var fundamental: PriceProcessParameters
    public var tickInterval: Distribution
    public var orderSize: Double
    public var venuePrices: [VenuePriceParameters]
    public var exchanges: [ExchangeParameters]
    public var bots: [ArbitrageBotParameters]

    public init(fundamental: PriceProcessParameters, tickInterval: Distribution, orderSize: Double,
                venuePrices: [VenuePriceParameters], exchanges: [ExchangeParameters], bots: [ArbitrageBotParameters]) {
        precondition(venuePrices.count == 2 && exchanges.count == 2 && !bots.isEmpty)
        self.fundamental = fundamental
        self.tickInterval = tickInterval
        self.orderSize = orderSize
        self.venuePrices = venuePrices
        self.exchanges = exchanges
        self.bots = bots
    }

    static let keys = ["kind", "fundamental", "tick_interval", "order_size", "venues", "bots", "designs"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(CEXArbitrageParameters.keys)
        fundamental = try node.child("fundamental").map { try PriceProcessParameters(config: $0) }
            ?? PriceProcessParameters(initialPrice: 3_000, volatilityPerSqrtYear: 0.8)
        tickInterval = try node.intervalDistribution("tick_interval", default: try Distribution.exponential(mean: 20_000_000))
        orderSize = try node.double("order_size", default: 1, range: 1e-12...1e12)
        let venueNodes = try node.required("venues", allowed: "a list of two venues").items()
        guard venueNodes.count == 2 else {
            throw node.error("must list exactly two venues", allowed: "2 venues", given: "\(venueNodes.count)", key: "venues")
        }
        (venuePrices, exchanges) = try CEXArbitrageParameters.venues(venueNodes)
        let botNodes = try node.required("bots", allowed: "a list of bots").items()
        guard !botNodes.isEmpty else { throw node.error("must list at least one bot", allowed: "1 or more bots", given: "0", key: "bots") }
        bots = try botNodes.enumerated().map { try ArbitrageBotParameters(config: $0.element, index: $0.offset) }
        try CEXArbitrageParameters.checkDistinct(bots.map(\.name), node: node, key: "bots")
        for (index, exchange) in exchanges.enumerated() where exchange.depth < orderSize {
            throw venueNodes[index].error("is smaller than order_size (\(formatSignificant(orderSize, digits: 6))): no order could ever fill",
                                          allowed: "depth >= order_size", given: formatSignificant(exchange.depth, digits: 6), key: "depth")
        }
    }

    /// Reads venues: each a price follower (`lag`, `basis_sd`, `basis_half_life`) and an exchange.
    static func venues(_ nodes: [ConfigNode]) throws -> ([VenuePriceParameters], [ExchangeParameters]) {
        var prices: [VenuePriceParameters] = [], exchanges: [ExchangeParameters] = []
        for (index, item) in nodes.enumerated() {
            try item.checkKeys(["name"] + VenuePriceParameters.keys + ExchangeParameters.keys)
            let name = try item.string("name", default: "venue\(index)")
            prices.append(try VenuePriceParameters(name: name, config: item))
            exchanges.append(try ExchangeParameters(name: name, config: item))
        }
        if exchanges.count > 1, let parent = nodes.first {
            try checkDistinct(exchanges.map(\.name), node: parent, key: "name")
        }
        return (prices, exchanges)
    }

    static func checkDistinct(_ names: [String], node: ConfigNode, key: String) throws {
        for (index, name) in names.enumerated() where names[..<index].contains(name) {
            throw node.error("has a repeated name", allowed: "distinct names", given: name, key: key)
        }
    }
}

