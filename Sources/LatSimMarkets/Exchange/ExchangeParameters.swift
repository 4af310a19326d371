/// One centralised exchange (CEX): its quote, fees, matching engine and market-data feed.
///
///     - {name: alpha, half_spread_bps: 1, depth: 1, taker_fee_bps: 1, workers: 1,
///        service_time: {type: exponential, mean: 50us}, stale_after: 50ms, market_data_throttle: 0ms}
///
/// `stale_after` rejects an order that reaches the engine more than this long after it was
/// sent (as a `recvWindow`); 0 disables the check. `market_data_throttle` 0 pushes every book
/// change; a positive interval conflates changes and pushes the latest book at most once per
/// interval. Invariant: fees and spreads are fractions >= 0; depth > 0.
public struct ExchangeParameters: Sendable, Equatable {
    public var name: String
    public var halfSpreadFraction: Double
    public var depth: Double
    public var takerFeeFraction: Double
    public var workers: Int
    public var serviceTime: Distribution
    public var staleAfter: SimDuration
    public var marketDataThrottle: SimDuration

    public init(name: String, halfSpreadFraction: Double = 1e-4, depth: Double = 1, takerFeeFraction: Double = 1e-4,
                workers: Int = 1, serviceTime: Distribution, staleAfter: SimDuration = .zero, marketDataThrottle: SimDuration = .zero) {
        self.name = name
        self.halfSpreadFraction = halfSpreadFraction
        self.depth = depth
        self.takerFeeFraction = takerFeeFraction
        self.workers = workers
        self.serviceTime = serviceTime
        self.staleAfter = staleAfter
        self.marketDataThrottle = marketDataThrottle
    }

    public static let keys = ["half_spread_bps", "depth", "taker_fee_bps", "workers", "service_time", "stale_after", "market_data_throttle"]

    public init(name: String, config node: ConfigNode) throws {
        self.name = name
        halfSpreadFraction = try node.double("half_spread_bps", default: 1, range: 0...10_000) / 10_000
        depth = try node.double("depth", default: 1, range: 1e-12...1e12)
        takerFeeFraction = try node.double("taker_fee_bps", default: 1, range: 0...10_000) / 10_000
        workers = try node.int("workers", default: 1, range: 1...1_024)
        serviceTime = try node.distribution("service_time", default: try Distribution.exponential(mean: 50_000))
        staleAfter = try node.duration("stale_after", default: .zero)
        marketDataThrottle = try node.duration("market_data_throttle", default: .zero)
    }

    /// True if an order sent at `sent` is too old at `now`.
    @inlinable public func isStale(sent: SimInstant, now: SimInstant) -> Bool {
        staleAfter > .zero && now - sent > staleAfter
    }
}
