#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatSimCore
import LatSimMarkets
import LatSimNetwork

/// `type: venue`: a centralised exchange: a top-of-book quote with depth, re-centred on every
/// price from its price source (times its own basis noise), a matching engine (a FIFO station
/// with `workers`), taker fees, stale-order rejection, and a market-data feed.
///
///     - {name: alpha, type: venue, half_spread_bps: 1, depth: 1, taker_fee_bps: 1, workers: 1,
///        service_time: {type: exponential, mean: 50us}, stale_after: 50ms, market_data_throttle: 0ms,
///        basis_sd: 0.0002, basis_half_life: 300ms}
///
/// `in` takes prices (from one price source: the connection's latency is the venue's lag),
/// orders and snapshot requests (from strategies: each answered back over the connection it
/// came by). An order is immediate-or-cancel and all-or-none, matched against the book when its
/// service starts (so the first order served takes the depth); the acknowledgement carries the
/// fill price, or a miss, or a stale rejection (older than `stale_after` when served). Every
/// book change is pushed to each `out` connection, at most once per `market_data_throttle`
/// (the latest book then); an arbitrageur that pulls its market data does not subscribe, so
/// its feed connection carries nothing. Streams: `<name>` (engine service times) and `<name>.basis`.
public struct VenueParameters: Sendable {
    public var exchange: ExchangeParameters
    public var basisSD: Double
    public var basisHalfLife: SimDuration
    /// Bytes of a market-data message and of an acknowledgement on the wire.
    public var quoteBytes: Int
    public var ackBytes: Int
    /// An L2 order book in place of the quote with depth (nil: the quote, as before).
    public var book: VenueBookParameters?
    /// `quote: maker`: the quote is one market maker's (`VenueMakerQuote.swift`), not a spread around the price.
    public var quotedByMaker = false

    static let ownKeys = ["basis_sd", "basis_half_life", "quote_bytes", "ack_bytes", "book", "quote"]

    public init(name: String, config node: ConfigNode) throws {
        try node.checkKeys(ExchangeParameters.keys + VenueParameters.ownKeys)
        var exchangeNode = node
        for key in VenueParameters.ownKeys { exchangeNode = exchangeNode.removing(key) }
        exchange = try ExchangeParameters(name: name, config: exchangeNode)
        basisSD = try node.double("basis_sd", default: 0, range: 0...1)
        basisHalfLife = try node.duration("basis_half_life", default: .milliseconds(300))
        quoteBytes = try node.int("quote_bytes", default: 128, range: 0...(1 << 30))
        ackBytes = try node.int("ack_bytes", default: 128, range: 0...(1 << 30))
        quotedByMaker = try node.string("quote", default: "spread", oneOf: ["spread", "maker"]) == "maker"
        if quotedByMaker {
            for key in ["half_spread_bps", "depth", "book"] where node.has(key) {
                throw node.error("\(key) sets the venue's own quote, which a venue with quote: maker does not have",
                                 allowed: "quote: maker without \(key) (the market maker's quote is the book), or quote: spread",
                                 given: "both \(key) and quote: maker", key: key)
            }
        }
        if let bookNode = node.child("book") {
            for key in ["half_spread_bps", "depth"] where node.has(key) {
                throw ConfigError(location: node.location, path: node.path + "." + key,
                                  problem: "\(key) sets the quote with depth, which a venue with book: does not have",
                                  allowed: "book: {tick_size, depth_per_level, ...} or half_spread_bps and depth without book:",
                                  given: "both \(key) and book:")
            }
            book = try VenueBookParameters(config: bookNode, takerFeeFraction: exchange.takerFeeFraction)
        }
    }
}

struct VenueState {
    let parameters: VenueParameters
    /// Its book is `MarketTables.books[local]`.
    var basis: BasisNoise
    var engine: ServiceStation<Int32>
    /// The price source feeding it (local index), set when the model is built.
    var source = -1
    /// The feed's connections: `out` without those to arbitrageurs that pull (they do not subscribe).
    var feed: [Int32] = []
    var flushPending = false
    var lastFlush = SimInstant(nanosecondsSinceStart: .min / 2)
    // Measured counters.
    var marketDataMessages: Int64 = 0
    var pullRequests: Int64 = 0
    var orders: Int64 = 0
    var acks: Int64 = 0
    var fills: Int64 = 0
    var rejectedStale: Int64 = 0
    var ignored: Int64 = 0
    /// The order book and its background flow's stream (`<name>.flow`), with `book:` only.
    var book: OrderBook?
    var flowStream: RandomStream?
    var bookStatistics = VenueBookStatistics()
    var depthSampleTotal = 0.0
    var depthSamples: Int64 = 0
    /// Market makers' resting orders (book venues with makers only): per resting slot of the
    /// book, the held placement message (-1: free) and the quantity already reported filled.
    var makerOrders: ContiguousArray<Int32> = []
    var makerReported: ContiguousArray<Double> = []
    /// `quote: maker`: the last price received (times the basis) and its tick number, the
    /// sequence of the live quote, and a copy of the quote message that set it (-1: none), whose
    /// route back carries the fill reports.
    var referencePrice = 0.0
    var referenceVersion: Int64 = 0
    var liveQuoteSequence: UInt32 = 0
    var liveQuote: Int32 = -1

    init(parameters: VenueParameters, basisStream: RandomStream, flowStream: RandomStream?) {
        self.parameters = parameters
        if let flow = parameters.book {
            book = OrderBook(parameters: flow.book)
            self.flowStream = flowStream
        }
        basis = BasisNoise(standardDeviation: parameters.basisSD, halfLife: parameters.basisHalfLife, stream: basisStream)
        engine = ServiceStation(workers: parameters.exchange.workers, service: parameters.exchange.serviceTime)
    }

    mutating func resetStatistics(at now: SimInstant) {
        engine.resetStatistics(at: now)
        marketDataMessages = 0; pullRequests = 0; orders = 0; acks = 0; fills = 0; rejectedStale = 0; ignored = 0
        bookStatistics = VenueBookStatistics(); depthSampleTotal = 0; depthSamples = 0
    }
}

extension GraphModel {
    static let venueMetrics: [ComponentMetric] = [
        ComponentMetric("market_data_messages_count", "count", "market-data messages pushed to the feed's connections") { m, g, _ in
            m.venueSum(g) { $0.marketDataMessages } },
        ComponentMetric("pull_requests_count", "count", "snapshot requests answered") { m, g, _ in m.venueSum(g) { $0.pullRequests } },
        ComponentMetric("orders_count", "count", "orders that reached the venue") { m, g, _ in m.venueSum(g) { $0.orders } },
        ComponentMetric("acks_count", "count", "orders acknowledged (filled, missed or rejected)") { m, g, _ in m.venueSum(g) { $0.acks } },
        ComponentMetric("fill_reports_count", "count", "orders filled") { m, g, _ in m.venueSum(g) { $0.fills } },
        ComponentMetric("rejected_stale_count", "count", "orders older than stale_after when served") { m, g, _ in m.venueSum(g) { $0.rejectedStale } },
        ComponentMetric("ignored_count", "count", "messages that were neither prices, orders nor requests (consumed)") { m, g, _ in
            m.venueSum(g) { $0.ignored } },
    ] + serviceStationMetrics(prefix: "engine_", of: "the matching engine") { m, instance in m.venues[Int(m.instanceInfo[Int(instance)].local)].engine }

    func venueSum(_ g: Int, _ f: (VenueState) -> Int64) -> Double {
        Double(instances(of: g).reduce(Int64(0)) { $0 + f(venues[Int(instanceInfo[Int($1)].local)]) })
    }

    /// Writes venue `local`'s book into message `m` as a quote.
    @inline(__always)
    func writeQuote(_ local: Int, into m: Int32) {
        let book = market.books[local]
        pool[m].kind = .quote
        pool[m].value0 = book.bid
        pool[m].value1 = book.ask
        pool[m].value2 = book.bidSize
        pool[m].value3 = book.askSize
        pool[m].tag = book.version
        pool[m].sizeBytes = UInt32(clamping: venues[local].parameters.quoteBytes)
    }

    mutating func venueReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        switch pool[m].kind {
        case .price:
            let exchange = venues[local].parameters.exchange
            let mid = pool[m].value0 * exp(venues[local].basis.value(at: now))
            let version = pool[m].tag
            discard(m)
            if venues[local].parameters.quotedByMaker {
                venues[local].referencePrice = mid
                venues[local].referenceVersion = version
                return
            }
            if venues[local].book != nil {
                venues[local].book!.recentre(mid: mid, at: now)
                venueSyncBook(local, at: now)
                venueReportMakerFills(local, instance: instance, context: &context)
            } else {
                market.books[local].refresh(mid: mid, halfSpreadFraction: exchange.halfSpreadFraction, depth: exchange.depth)
            }
            venueBookChanged(local, instance: instance, context: &context)
        case .request:
            if measuring { venues[local].pullRequests += 1 }
            if venues[local].parameters.quotedByMaker {
                venueReplyReference(local, instance: instance, m, context: &context)
                return
            }
            writeQuote(local, into: m)
            pool[m].producer = instance
            reply(m, sizeBytes: Int(pool[m].sizeBytes), context: &context)
        case .quote where venues[local].parameters.quotedByMaker:
            if case .started(let completion) = venues[local].engine.arrive(m, at: now, stream: streams[Int(instance)]) {
                venueStartService(local, instance: instance, m, completion: completion, context: &context)
            }
        case .order:
            if measuring { venues[local].orders += 1 }
            if case .started(let completion) = venues[local].engine.arrive(m, at: now, stream: streams[Int(instance)]) {
                venueStartService(local, instance: instance, m, completion: completion, context: &context)
            }
        case .place:
            venuePlace(local, instance: instance, m, context: &context)
        case .quote, .none, .transfer, .fill, .swap, .poolState, .trade:
            if measuring { venues[local].ignored += 1 }
            discard(m)
        }
    }

    /// Service of order `m` starts now: it is matched against the book now (FIFO order = arrival order).
    mutating func venueStartService(_ local: Int, instance: Int32, _ m: Int32, completion: SimInstant,
                                    context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        pool.account(m, .wait, at: now)
        if pool[m].kind == .quote {
            venueApplyMakerQuote(local, instance: instance, m, at: now, context: &context)
            context.schedule(.timer(component: instance, code: 0, payload: m), at: completion)
            return
        }
        pool[m].tag = -1
        pool[m].value2 = .nan
        if venues[local].parameters.exchange.isStale(sent: pool[m].created, now: now) {
            pool[m].isRejected = true
            if measuring { venues[local].rejectedStale += 1 }
        } else if venues[local].parameters.quotedByMaker {
            venueMatchMakerQuote(local, instance: instance, m, at: now, context: &context)
        } else if venueMatch(local, m, at: now) {
            matchesStarted += 1
            pool[m].value3 = Double(matchesStarted)
            venueCreditTaker(m)
            let source = venues[local].source
            if source >= 0 { pool[m].tag = priceSources[source].openEpisode }
            venueReportMakerFills(local, instance: instance, context: &context)
            venueBookChanged(local, instance: instance, context: &context)
        }
        context.schedule(.timer(component: instance, code: 0, payload: m), at: completion)
    }

    /// Matches order `m` (its fill price into `value2`): on the book (which may fill part of it,
    /// its filled quantity then in `value1`), or against the quote with depth (all or none).
    mutating func venueMatch(_ local: Int, _ m: Int32, at now: SimInstant) -> Bool {
        if venues[local].book != nil {
            let filled = venueMatchOnBook(local, m, at: now)
            if filled { venueSyncBook(local, at: now) }
            return filled
        }
        guard let price = market.books[local].take(pool[m].side == 0 ? .buy : .sell, limit: pool[m].value0, quantity: pool[m].value1) else {
            return false
        }
        pool[m].value2 = price
        return true
    }

    /// Timer 0: order `payload`'s service ends (it is acknowledged); timer 1: the throttled feed flushes.
    mutating func venueTimer(_ local: Int, instance: Int32, code: Int32, payload m: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        if code >= 2 {
            venueBackgroundFlow(local, instance: instance, code: code, context: &context)
            return
        }
        if code == 1 {
            venues[local].flushPending = false
            venues[local].lastFlush = now
            venueBroadcast(local, instance: instance, context: &context)
            return
        }
        if let next = venues[local].engine.complete(at: now, stream: streams[Int(instance)]).started {
            venueStartService(local, instance: instance, next.job, completion: next.completion, context: &context)
        }
        pool.account(m, .service, at: now)
        if pool[m].kind == .quote {
            venueAcknowledgeMakerQuote(local, m, context: &context)
            return
        }
        if measuring {
            venues[local].acks += 1
            if !pool[m].value2.isNaN { venues[local].fills += 1 }
        }
        reply(m, sizeBytes: venues[local].parameters.ackBytes, context: &context)
    }

    mutating func venueBookChanged(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let source = venues[local].source
        if source >= 0 { priceSources[source].update(edge: trueEdge(source: source), now: context.now) }
        guard !venues[local].feed.isEmpty else { return }
        let throttle = venues[local].parameters.exchange.marketDataThrottle
        if throttle == .zero {
            venueBroadcast(local, instance: instance, context: &context)
        } else if !venues[local].flushPending {
            venues[local].flushPending = true
            context.schedule(.timer(component: instance, code: 1, payload: 0), at: Swift.max(context.now, venues[local].lastFlush + throttle))
        }
    }

    /// The current book, one copy per feed connection.
    mutating func venueBroadcast(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        for c in venues[local].feed {
            let m = create(by: instance, now: now)
            writeQuote(local, into: m)
            if measuring { venues[local].marketDataMessages += 1 }
            transmit(m, over: c, context: &context)
        }
    }
}
