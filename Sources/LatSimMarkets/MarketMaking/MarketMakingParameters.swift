/// The validated parameters of a `market-making` scenario.
///
///     model:
///       kind: market-making
///       fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}
///       tick_interval: {type: exponential, mean: 20ms}
///       venue: {taker_fee_bps: 1, workers: 1, service_time: 50us}
///       market_maker: {latency: 1ms, quote_size: 1, min_half_spread_bps: 1, margin_bps: 0.5}
///       informed: {latency: 1ms, order_latency: 1ms, threshold_bps: 0}
///       noise: {rate_per_second: 20, order_latency: 1ms}
///       markout_horizon: 100ms
///
/// The market maker (MM) quotes bid/ask = m (1 -/+ h) around its view m of the fundamental.
/// With `adaptive: true`, h = max(min_half_spread, A + margin), where A is an exponentially
/// weighted mean (weight `learning_weight`) of the adverse move the MM observes per fill: the
/// relative change of its own view of the mid between the quote's reference mid and the fill
/// report's arrival, signed against the MM. A slower MM sees more adverse selection and widens.
public struct MarketMakingParameters: Sendable, Equatable {
    public var fundamental: PriceProcessParameters
    public var tickInterval: Distribution
    public var venue: ExchangeParameters
    public var latencies: BotLatencies
    public var quoteSize: Double
    public var minHalfSpreadFraction: Double
    public var marginFraction: Double
    public var adaptive: Bool
    public var learningWeight: Double
    public var requoteThresholdFraction: Double
    /// Informed takers see the fundamental after this latency and trade against stale quotes.
    public var informedLatency: Distribution
    public var informedOrderLatency: Distribution
    public var informedThresholdFraction: Double
    public var informedEnabled: Bool
    public var noiseRatePerSecond: Double
    public var noiseOrderLatency: Distribution
    public var markoutHorizon: SimDuration

    static let keys = ["kind", "fundamental", "tick_interval", "venue", "market_maker", "informed", "noise", "markout_horizon", "designs"]
    static let makerKeys = ["latency", "quote_size", "min_half_spread_bps", "margin_bps", "adaptive", "learning_weight", "requote_threshold_bps"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(MarketMakingParameters.keys)
        fundamental = try node.child("fundamental").map { try PriceProcessParameters(config: $0) }
            ?? PriceProcessParameters(initialPrice: 3_000, volatilityPerSqrtYear: 0.8)
        tickInterval = try node.intervalDistribution("tick_interval", default: try Distribution.exponential(mean: 20_000_000))
        let venueNode = node.child("venue") ?? ConfigNode.mapping([], path: node.path + ".venue")
        try venueNode.checkKeys(["name", "taker_fee_bps", "workers", "service_time", "stale_after"])
        venue = try ExchangeParameters(name: try venueNode.string("name", default: "venue"), config: venueNode)
        let maker = node.child("market_maker") ?? ConfigNode.mapping([], path: node.path + ".market_maker")
        try maker.checkKeys(MarketMakingParameters.makerKeys)
        latencies = try BotLatencies(config: maker.child("latency"))
        quoteSize = try maker.double("quote_size", default: 1, range: 1e-12...1e12)
        minHalfSpreadFraction = try maker.double("min_half_spread_bps", default: 0.5, range: 0...10_000) / 10_000
        marginFraction = try maker.double("margin_bps", default: 0.5, range: 0...10_000) / 10_000
        adaptive = try maker.bool("adaptive", default: true)
        learningWeight = try maker.double("learning_weight", default: 0.05, range: 1e-6...1)
        requoteThresholdFraction = try maker.double("requote_threshold_bps", default: 0.5, range: 0...10_000) / 10_000
        let informed = node.child("informed") ?? ConfigNode.mapping([], path: node.path + ".informed")
        try informed.checkKeys(["enabled", "latency", "order_latency", "threshold_bps"])
        informedEnabled = try informed.bool("enabled", default: true)
        informedLatency = try informed.distribution("latency", default: try Distribution.constant(1_000_000))
        informedOrderLatency = try informed.distribution("order_latency", default: try Distribution.constant(1_000_000))
        informedThresholdFraction = try informed.double("threshold_bps", default: 0, range: 0...10_000) / 10_000
        let noise = node.child("noise") ?? ConfigNode.mapping([], path: node.path + ".noise")
        try noise.checkKeys(["rate_per_second", "order_latency"])
        noiseRatePerSecond = try noise.ratePerSecond("rate_per_second", default: 20, allowZero: true)
        noiseOrderLatency = try noise.distribution("order_latency", default: try Distribution.constant(1_000_000))
        markoutHorizon = try node.duration("markout_horizon", default: .milliseconds(100), allowZero: false)
    }
}

/// One fill of the market maker's quote, for the spread decomposition.
struct MarketMakerFill {
    /// The taker's side sign d: +1 when the taker bought (the MM sold).
    var takerSign: Double
    var price: Double
    /// The fundamental at the fill, m_t.
    var fundamentalAtFill: Double
    var informed: Bool
    var measured: Bool
}

/// The market maker's counters over the measured period.
public struct MarketMakerStatistics: Sendable, Equatable {
    public var fills = 0
    public var informedFills = 0
    public var noiseFills = 0
    public var noiseOrders = 0
    public var informedOrders = 0
    /// Sums over fills of 2 d (p - m_t)/m_t, 2 d (p - m_{t+h})/m_t and 2 d (m_{t+h} - m_t)/m_t.
    public var effectiveSpreadSum = 0.0
    public var realisedSpreadSum = 0.0
    public var adverseSelectionSum = 0.0
    /// Sum over fills of size x d (p - m_{t+h}): the MM's marked-out profit in quote currency.
    public var markedOutProfit = 0.0
    public var markouts = 0
    public var quotesSent = 0
    public var cancelsSent = 0
    public var marketDataReceived = 0
    public var requestsSent = 0
    /// Time-weighted: integral of 1{two-sided quote} and of the spread (bps) while two-sided.
    public var twoSided = TimeWeightedValue(start: .zero)
    public var spreadWhileTwoSided = TimeWeightedValue(start: .zero)

    public init() {}
}
