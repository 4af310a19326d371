/// The validated parameters of a `cex-amm-arbitrage` config: its template (LatSimExperiments,
/// `CEXAMMArbitrageTemplate`) reads them first, so the kind's configs get the same errors.
///
///     model:
///       kind: cex-amm-arbitrage
///       fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}
///       cex: {half_spread_bps: 1, taker_fee_bps: 1}
///       pool: {base_reserve: 10000, fee_bps: 5, gas_cost: 0.1, fee_destination: reserves}
///       block_interval: 2s                       # or {type: exponential, mean: 12s}
///       bots:
///         - {name: focal, design: focal, latency: 1ms, transaction_latency: 50ms, block_data_latency: 50ms}
///         - {name: searcher, strategy: searcher, lead_time: 100ms, latency: 1ms, transaction_latency: 20ms}
///
/// The pool starts at the fundamental's initial price (quote reserve = base reserve x price).
/// The CEX is deep (its quote has no depth limit) and fills hedges at its quote when they
/// arrive; the contested liquidity here is the pool's.
public struct CEXAMMParameters: Sendable, Equatable {
    public var fundamental: PriceProcessParameters
    public var tickInterval: Distribution
    public var cexPrice: VenuePriceParameters
    public var cex: ExchangeParameters
    public var baseReserve: Double
    public var poolFeeFraction: Double
    /// Whether the pool's fee joins its reserves (Uniswap v2) or is kept apart.
    public var poolFeeDestination: ConstantProductPool.FeeDestination
    /// Paid by every included transaction, reverted or not, in quote currency.
    public var gasCost: Double
    public var blockInterval: Distribution
    public var bots: [AMMBotParameters]

    static let keys = ["kind", "fundamental", "tick_interval", "cex", "pool", "block_interval", "bots", "designs"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(CEXAMMParameters.keys)
        fundamental = try node.child("fundamental").map { try PriceProcessParameters(config: $0) }
            ?? PriceProcessParameters(initialPrice: 3_000, volatilityPerSqrtYear: 0.8)
        tickInterval = try node.intervalDistribution("tick_interval", default: try Distribution.exponential(mean: 20_000_000))
        let cexNode = node.child("cex") ?? ConfigNode.mapping([], path: node.path + ".cex")
        try cexNode.checkKeys(["name", "lag", "basis_sd", "basis_half_life", "half_spread_bps", "taker_fee_bps", "market_data_throttle"])
        let name = try cexNode.string("name", default: "cex")
        cexPrice = try VenuePriceParameters(name: name, config: cexNode)
        cex = try ExchangeParameters(name: name, config: cexNode)
        let pool = node.child("pool") ?? ConfigNode.mapping([], path: node.path + ".pool")
        try pool.checkKeys(["base_reserve", "fee_bps", "gas_cost", "fee_destination"])
        baseReserve = try pool.double("base_reserve", default: 10_000, range: 1e-9...1e15)
        poolFeeFraction = try pool.double("fee_bps", default: 5, range: 0...9_999) / 10_000
        gasCost = try pool.double("gas_cost", default: 0.1, range: 0...1e12)
        poolFeeDestination = ConstantProductPool.FeeDestination(rawValue: try pool.string(
            "fee_destination", default: "reserves", oneOf: ConstantProductPool.FeeDestination.allCases.map(\.rawValue)))!
        blockInterval = try node.intervalDistribution("block_interval", default: try Distribution.constant(2e9))
        let botNodes = try node.required("bots", allowed: "a list of bots").items()
        guard !botNodes.isEmpty else { throw node.error("must list at least one bot", allowed: "1 or more bots", given: "0", key: "bots") }
        bots = try botNodes.enumerated().map { try AMMBotParameters(config: $0.element, index: $0.offset) }
        try CEXArbitrageParameters.checkDistinct(bots.map(\.name), node: node, key: "bots")
    }
}

/// An AMM arbitrage bot: CEX latencies, the chain's latencies, its design and tolerances.
///
///     - {name: rival, design: async, latency: 2ms, transaction_latency: 80ms, block_data_latency: 80ms, slippage_bps: 0}
///
/// `transaction_latency`: bot to mempool; `block_data_latency`: block (reserves, receipts) to bot.
/// `slippage_bps`: the swap's minimum output is the expected output x (1 - slippage); a swap
/// whose output falls below it reverts (paying gas). `strategy`: `mempool` (decides on every
/// view change, swaps through the public mempool) or `searcher` (decides once per block on the
/// CEX price it sees `lead_time` before sealing, 0 = at sealing; its bundle goes to the top of
/// the block); `lead_time` is a searcher's key only.
public struct AMMBotParameters: Sendable, Equatable {
    public var name: String
    public var design: BotDesign
    public var isFocal: Bool
    public var latencies: BotLatencies
    public var transactionLatency: Distribution
    public var blockDataLatency: Distribution
    public var slippageFraction: Double
    public var minProfit: Double
    public var strategy: AMMStrategy

    public init(config node: ConfigNode, index: Int) throws {
        try node.checkKeys(["name", "design", "latency", "transaction_latency", "block_data_latency", "slippage_bps", "min_profit",
                            "strategy", "lead_time"])
        let base = try ArbitrageBotParameters(config: ConfigNode.mapping(
            [("name", node.child("name")), ("design", node.child("design")), ("latency", node.child("latency"))]
                .compactMap { entry in entry.1.map { (entry.0, $0) } }, path: node.path, location: node.location), index: index)
        name = base.name
        design = base.design
        isFocal = base.isFocal
        latencies = base.latencies
        transactionLatency = try node.distribution("transaction_latency", default: try Distribution.constant(50_000_000))
        blockDataLatency = try node.distribution("block_data_latency", default: try Distribution.constant(50_000_000))
        slippageFraction = try node.double("slippage_bps", default: 0, range: 0...10_000) / 10_000
        minProfit = try node.double("min_profit", default: 0)
        switch try node.string("strategy", default: "mempool", oneOf: ["mempool", "searcher"]) {
        case "searcher":
            strategy = .blockTimeSearcher(leadTime: try node.duration("lead_time", default: .zero))
        default:
            if node.child("lead_time") != nil {
                throw node.error("is a searcher's key", allowed: "lead_time only with strategy: searcher", given: "strategy: mempool", key: "lead_time")
            }
            strategy = .publicMempool
        }
    }
}
