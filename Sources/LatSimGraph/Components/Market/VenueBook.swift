import LatSimCore
import LatSimMarkets

/// A venue's `book:` option: an L2 order book (`OrderBook`) in place of the quote with depth,
/// and background order flow that moves it.
///
///     book: {levels: 10, tick_size: 0.5, depth_per_level: 2, replenish_rate: 20, queue_model: risk-averse,
///            maker_fee_bps: -0.5, market_order_rate: 50, market_order_size: 0.5, cancel_rate: 100, cancel_size: 0.5}
///
/// Background flow: Poisson market orders at `market_order_rate` per second per side (size:
/// `market_order_size`, a constant or the mean of an exponential per `market_order_size_distribution`),
/// and Poisson cancels at `cancel_rate` per second per side, each at a level drawn uniformly
/// from the window (size likewise). Stream `<name>.flow`. Invariant: rates >= 0; sizes > 0.
public struct VenueBookParameters: Sendable, Equatable {
    public enum SizeDistribution: String, Sendable, Equatable { case constant, exponential }

    public var book: OrderBookParameters
    public var marketOrderRatePerSecond: Double
    public var marketOrderSize: Double
    public var marketOrderSizeDistribution: SizeDistribution
    public var cancelRatePerSecond: Double
    public var cancelSize: Double
    public var cancelSizeDistribution: SizeDistribution

    static let keys = ["levels", "tick_size", "depth_per_level", "replenish_rate", "queue_model", "queue_power", "maker_fee_bps",
                       "market_order_rate", "market_order_size", "market_order_size_distribution",
                       "cancel_rate", "cancel_size", "cancel_size_distribution"]

    public init(config node: ConfigNode, takerFeeFraction: Double) throws {
        try node.checkKeys(VenueBookParameters.keys)
        let levels = try node.int("levels", default: 10, range: 1...1_000)
        let tick = try node.double("tick_size", range: 1e-12...1e12)
        let depth = try node.double("depth_per_level", default: 1, range: 1e-12...1e12)
        let replenish = try node.double("replenish_rate", default: 0, range: 0...1e15)
        let modelName = try node.string("queue_model", default: "risk-averse", oneOf: ["risk-averse", "probabilistic"])
        let model: QueueModel
        if modelName == "probabilistic" {
            model = .probabilistic(power: try node.double("queue_power", default: 2, range: 0.01...100))
        } else {
            if node.has("queue_power") {
                throw ConfigError(location: node.location, path: node.path + ".queue_power",
                                  problem: "queue_power applies to the probabilistic queue model only",
                                  allowed: "queue_model: probabilistic with queue_power, or no queue_power", given: "queue_model: risk-averse")
            }
            model = .riskAverse
        }
        let makerFee = try node.double("maker_fee_bps", default: 0, range: -10_000...10_000) / 10_000
        book = OrderBookParameters(levels: levels, tickSize: tick, depthPerLevel: depth, replenishRatePerSecond: replenish,
                                   queueModel: model, makerFeeFraction: makerFee, takerFeeFraction: takerFeeFraction, restingCapacity: 0)
        marketOrderRatePerSecond = try node.double("market_order_rate", default: 0, range: 0...1e9)
        marketOrderSize = try node.double("market_order_size", default: 1, range: 1e-12...1e12)
        marketOrderSizeDistribution = SizeDistribution(rawValue: try node.string("market_order_size_distribution", default: "constant",
                                                                                  oneOf: ["constant", "exponential"]))!
        cancelRatePerSecond = try node.double("cancel_rate", default: 0, range: 0...1e9)
        cancelSize = try node.double("cancel_size", default: 1, range: 1e-12...1e12)
        cancelSizeDistribution = SizeDistribution(rawValue: try node.string("cancel_size_distribution", default: "constant",
                                                                            oneOf: ["constant", "exponential"]))!
    }

    func size(_ distribution: SizeDistribution, mean: Double, stream: RandomStream) -> Double {
        distribution == .constant ? mean : stream.exponential(mean: mean)
    }
}

/// A book venue's counters over the measured period.
struct VenueBookStatistics {
    /// Strategies' orders matched on the book, those that got something, and those that got less than asked.
    var takerOrders: Int64 = 0
    var takerFills: Int64 = 0
    var takerPartialFills: Int64 = 0
    var takerSlippageBpsTotal = 0.0
    var takerFilledQuantity = 0.0
    var takerRequestedQuantity = 0.0
    var backgroundMarketOrders: Int64 = 0
    var backgroundFills: Int64 = 0
    var backgroundSlippageBpsTotal = 0.0
    var backgroundCancels: Int64 = 0
}

extension GraphModel {
    /// Recorded only for a venue with `book:` (so a venue without one records exactly what it did before).
    static let venueBookMetrics: [ComponentMetric] = [
        bookCount("taker_orders_count", "strategies' orders matched on the book", \.takerOrders),
        bookCount("taker_fills_count", "strategies' orders that filled something", \.takerFills),
        bookCount("taker_partial_fills_count", "strategies' orders filled for less than their quantity", \.takerPartialFills),
        ComponentMetric("taker_fill_ratio", "ratio", "quantity filled / quantity asked by strategies' orders") { m, g, _ in
            let s = m.venueBookSum(g)
            return s.takerRequestedQuantity > 0 ? s.takerFilledQuantity / s.takerRequestedQuantity : .nan },
        ComponentMetric("taker_slippage_mean_bps", "bps", "mean |average fill price - top of book| / top of book over strategies' filled orders") { m, g, _ in
            let s = m.venueBookSum(g)
            return s.takerFills > 0 ? s.takerSlippageBpsTotal / Double(s.takerFills) : .nan },
        bookCount("background_market_orders_count", "background market orders", \.backgroundMarketOrders),
        ComponentMetric("background_slippage_mean_bps", "bps", "mean slippage vs top of book over background market orders that filled") { m, g, _ in
            let s = m.venueBookSum(g)
            return s.backgroundFills > 0 ? s.backgroundSlippageBpsTotal / Double(s.backgroundFills) : .nan },
        bookCount("background_cancels_count", "background cancels", \.backgroundCancels),
        ComponentMetric("book_bid_depth_mean", "units", "mean depth on the bid side of the window, sampled at background events and orders") { m, g, _ in
            var total = 0.0, n: Int64 = 0
            for i in m.instances(of: g) { let v = m.venues[Int(m.instanceInfo[Int(i)].local)]; total += v.depthSampleTotal; n += v.depthSamples }
            return n > 0 ? total / Double(n) : .nan },
    ]

    static func bookCount(_ name: String, _ summary: String, _ field: KeyPath<VenueBookStatistics, Int64> & Sendable) -> ComponentMetric {
        ComponentMetric(name, "count", summary) { m, g, _ in Double(m.instances(of: g).reduce(Int64(0)) {
            $0 + m.venues[Int(m.instanceInfo[Int($1)].local)].bookStatistics[keyPath: field] }) }
    }

    func venueBookSum(_ g: Int) -> VenueBookStatistics {
        var s = VenueBookStatistics()
        for i in instances(of: g) {
            let v = venues[Int(instanceInfo[Int(i)].local)].bookStatistics
            s.takerOrders += v.takerOrders; s.takerFills += v.takerFills; s.takerPartialFills += v.takerPartialFills
            s.takerSlippageBpsTotal += v.takerSlippageBpsTotal; s.takerFilledQuantity += v.takerFilledQuantity
            s.takerRequestedQuantity += v.takerRequestedQuantity; s.backgroundMarketOrders += v.backgroundMarketOrders
            s.backgroundFills += v.backgroundFills; s.backgroundSlippageBpsTotal += v.backgroundSlippageBpsTotal
            s.backgroundCancels += v.backgroundCancels
        }
        return s
    }

    /// The first background market order and cancel of a book venue (timers 2 and 3).
    func startVenue(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        guard let flow = venues[local].parameters.book, let stream = venues[local].flowStream else { return [] }
        var events: [(GraphEvent, SimInstant)] = []
        if flow.marketOrderRatePerSecond > 0 {
            events.append((.timer(component: instance, code: 2, payload: 0), .zero + GraphModel.poissonGap(flow.marketOrderRatePerSecond * 2, stream)))
        }
        if flow.cancelRatePerSecond > 0 {
            events.append((.timer(component: instance, code: 3, payload: 0), .zero + GraphModel.poissonGap(flow.cancelRatePerSecond * 2, stream)))
        }
        return events
    }

    static func poissonGap(_ rate: Double, _ stream: RandomStream) -> SimDuration {
        SimDuration(roundingNanoseconds: stream.exponential(mean: 1e9 / rate))
    }

    /// Timer 2: a background market order; timer 3: a background cancel. Each reschedules itself.
    mutating func venueBackgroundFlow(_ local: Int, instance: Int32, code: Int32, context: inout SimulationContext<GraphEvent>) {
        guard let flow = venues[local].parameters.book, let stream = venues[local].flowStream else { return }
        let now = context.now
        let side: Side = stream.bernoulli(0.5) ? .buy : .sell
        if code == 2 {
            let size = flow.size(flow.marketOrderSizeDistribution, mean: flow.marketOrderSize, stream: stream)
            let execution = venues[local].book!.marketOrder(side, quantity: size, at: now)
            if measuring {
                venues[local].bookStatistics.backgroundMarketOrders += 1
                if execution.filled > 0 {
                    venues[local].bookStatistics.backgroundFills += 1
                    venues[local].bookStatistics.backgroundSlippageBpsTotal += execution.slippageFraction * 10_000
                }
            }
            context.schedule(.timer(component: instance, code: 2, payload: 0), after: GraphModel.poissonGap(flow.marketOrderRatePerSecond * 2, stream))
        } else {
            let level = stream.uniformInt(below: flow.book.levels)
            let size = flow.size(flow.cancelSizeDistribution, mean: flow.cancelSize, stream: stream)
            venues[local].book!.cancel(side, level: level, quantity: size, at: now)
            if measuring { venues[local].bookStatistics.backgroundCancels += 1 }
            context.schedule(.timer(component: instance, code: 3, payload: 0), after: GraphModel.poissonGap(flow.cancelRatePerSecond * 2, stream))
        }
        guard venues[local].book!.isValid else { return }
        venueSyncBook(local, at: now)
        if code == 2 { venueReportMakerFills(local, instance: instance, context: &context) }
        venueBookChanged(local, instance: instance, context: &context)
    }

    /// Copies the book's top into the venue's quote (`MarketTables.books`): the best prices and the depth at them.
    mutating func venueSyncBook(_ local: Int, at now: SimInstant) {
        venues[local].book!.advance(to: now)
        let book = venues[local].book!
        market.books[local].bid = book.bestBid
        market.books[local].ask = book.bestAsk
        market.books[local].bidSize = book.depth(.buy, level: 0)
        market.books[local].askSize = book.depth(.sell, level: 0)
        market.books[local].version += 1
        if measuring {
            venues[local].depthSampleTotal += book.totalDepth(.buy)
            venues[local].depthSamples += 1
        }
    }

    /// A strategy's order on a book venue: it walks the book up to its limit (immediate-or-cancel,
    /// partial fills allowed). Writes the average price (NaN: nothing) and the filled quantity into the order.
    mutating func venueMatchOnBook(_ local: Int, _ m: Int32, at now: SimInstant) -> Bool {
        let side: Side = pool[m].side == 0 ? .buy : .sell
        let execution = venues[local].book!.marketOrder(side, quantity: pool[m].value1, limit: pool[m].value0, at: now)
        if measuring {
            venues[local].bookStatistics.takerOrders += 1
            venues[local].bookStatistics.takerRequestedQuantity += execution.requested
            venues[local].bookStatistics.takerFilledQuantity += execution.filled
            if execution.filled > 0 {
                venues[local].bookStatistics.takerFills += 1
                venues[local].bookStatistics.takerSlippageBpsTotal += execution.slippageFraction * 10_000
                if execution.isPartial { venues[local].bookStatistics.takerPartialFills += 1 }
            }
        }
        guard execution.filled > 0 else { return false }
        pool[m].value2 = execution.averagePrice
        pool[m].value1 = execution.filled
        return true
    }
}
