import LatSimCore
import LatSimMarkets

/// `type: market-maker`: quotes a bid and an ask (resting limit orders) into the books of the
/// venues its `out` connections reach, and cancels and replaces them when the mid it sees moves.
///
///     - {name: mm, type: market-maker, size: 1, offset_ticks: 0, requote_ticks: 1, inventory_limit: 5,
///        market_data: push}
///
/// Per venue it keeps a view (the last quote it saw, by the venue's feed into `in`, or by a
/// snapshot request every `poll_interval` with `market_data: pull`). It quotes `size` at
/// `offset_ticks` behind the touch it sees (0: at the best bid and ask). When the mid it sees has
/// moved by `requote_ticks` ticks since it quoted a side, it sends a cancel-replace for that side
/// (one `place` message: the venue cancels its resting order there and rests the new one, so a
/// slow maker's quote stays in the book, stale, for the round trip). It stops quoting a side whose
/// fill would take |inventory| past `inventory_limit` (cancelling a resting order there), as far as
/// the fills reported to it tell. A fill reported on a side's current order re-quotes it at once.
/// Invariant: at most one resting order per venue connection and side (the venue enforces it).
public struct MarketMakerParameters: Sendable {
    public enum MarketData: String, Sendable { case push, pull }
    public var size: Double
    public var offsetTicks: Int
    public var requoteTicks: Int
    public var inventoryLimit: Double
    public var marketData: MarketData
    public var pollInterval: SimDuration
    public var orderBytes: Int
    public var requestBytes: Int
    /// `quote: fundamental`: quotes around its view of a price source (`MarketMaker+Fundamental.swift`); nil: at the touch.
    public var quoting: FundamentalQuoteParameters?

    static let touchKeys = ["offset_ticks", "requote_ticks", "inventory_limit", "market_data", "poll_interval"]

    public init(config node: ConfigNode) throws {
        let quote = try node.string("quote", default: "touch", oneOf: ["touch", "fundamental"])
        if quote == "fundamental" {
            for key in MarketMakerParameters.touchKeys where node.has(key) {
                throw node.error("\(key) applies to quote: touch only", allowed: "quote: fundamental with \(FundamentalQuoteParameters.keys.joined(separator: ", "))",
                                 given: "quote: fundamental and \(key)", key: key)
            }
            try node.checkKeys(["quote", "size", "order_bytes", "request_bytes"] + FundamentalQuoteParameters.keys)
            quoting = try FundamentalQuoteParameters(config: node)
        } else {
            if let key = FundamentalQuoteParameters.keys.first(where: { node.has($0) }) {
                throw node.error("\(key) applies to quote: fundamental only", allowed: "quote: touch with \(MarketMakerParameters.touchKeys.joined(separator: ", ")), or quote: fundamental",
                                 given: "quote: touch (the default) and \(key)", key: key)
            }
            try node.checkKeys(["quote", "size", "order_bytes", "request_bytes"] + MarketMakerParameters.touchKeys)
        }
        size = try node.double("size", default: 1, range: 1e-12...1e12)
        offsetTicks = try node.int("offset_ticks", default: 0, range: 0...999)
        requoteTicks = try node.int("requote_ticks", default: 1, range: 1...1_000_000)
        inventoryLimit = try node.double("inventory_limit", default: .infinity, range: 0...Double.infinity)
        marketData = MarketData(rawValue: try node.string("market_data", default: "push", oneOf: ["push", "pull"]))!
        if let quoting, quoting.design.marketData == .pull {
            marketData = .pull
            pollInterval = quoting.design.pollInterval
        } else if quoting != nil {
            pollInterval = .zero
        } else if marketData == .pull {
            pollInterval = try node.duration("poll_interval", default: .milliseconds(10), allowZero: false)
        } else {
            if node.has("poll_interval") {
                throw ConfigError(location: node.location, path: node.path + ".poll_interval",
                                  problem: "poll_interval applies to market_data: pull only",
                                  allowed: "market_data: pull with poll_interval, or no poll_interval", given: "market_data: push")
            }
            pollInterval = .zero
        }
        orderBytes = try node.int("order_bytes", default: 128, range: 0...(1 << 30))
        requestBytes = try node.int("request_bytes", default: 64, range: 0...(1 << 30))
    }
}

/// One side of a maker's quote at one venue, as the maker knows it.
struct MakerQuoteSide {
    /// An order is placed or in flight (until its final fill, a rejection, or a cancel).
    var live = false
    var priceTick: Int64 = 0
    /// Twice the mid in ticks (bid tick + ask tick) when the side was quoted.
    var midKey: Int64 = 0
    /// The sequence number of the side's current order.
    var sequence: UInt32 = 0
    /// After its order's last fill: the book version of that fill (the low 32 bits); the side is
    /// quoted again once the view has caught up with it (not on the view that was stale).
    var fillVersion: UInt32 = 0
    var waitsForView = false
}

/// A maker's view of one venue: the connection its orders take, the last quote seen, its sides.
struct MakerVenueView {
    var venueInstance: Int32
    var venueLocal: Int32
    var connection: Int32
    var tickSize: Double
    var makerFeeFraction: Double
    var bid = 0.0, ask = 0.0
    var version: Int64 = -1
    var sides = (MakerQuoteSide(), MakerQuoteSide())

    subscript(side: Int) -> MakerQuoteSide {
        get { side == 0 ? sides.0 : sides.1 }
        set { if side == 0 { sides.0 = newValue } else { sides.1 = newValue } }
    }
}

/// A fill waiting for its markouts (timers 1 and 2 of the maker).
struct MakerMarkout {
    var venueLocal: Int32 = -1
    var sign = 0.0
    var price = 0.0
    /// `quote: fundamental`: the venue's reference price at the fill, m_t.
    var reference = 0.0
}

/// A maker's measured counters (reset at the warm-up's end). Side arrays: 0 bid, 1 ask.
struct MarketMakerStatistics {
    var fills: (Int64, Int64) = (0, 0)
    var filledQuantity: (Double, Double) = (0, 0)
    /// Time its orders rested in venue books (nanoseconds), credited by the venue when an order
    /// leaves the book (orders still resting at the end are added when the metric is read).
    var quotedTime: (Int64, Int64) = (0, 0)
    var aheadAtPlacementTotal = 0.0
    var timeToFill = LatencyHistogram()
    var edgeBpsTotal = 0.0
    var edgeCount: Int64 = 0
    var markoutBpsTotal: (Double, Double) = (0, 0)
    var markoutCount: (Int64, Int64) = (0, 0)
    var makerFeeTotal = 0.0
    var replaces: Int64 = 0
    var cancels: Int64 = 0
    var rejected: Int64 = 0
    var requoteLatency = LatencyHistogram()
    var marketDataReceived: Int64 = 0
    var maxAbsInventory = 0.0
}

struct MarketMakerState {
    let parameters: MarketMakerParameters
    var viewStart = 0
    var viewCount = 0
    var inventory = 0.0
    var inventoryTimeWeighted = TimeWeightedValue(start: .zero)
    var nextSequence: UInt32 = 0
    var statistics = MarketMakerStatistics()
    /// `quote: fundamental` only: its state and counters.
    var quoting = QuotingMakerState()
    /// Quotes around a reference price that it pulls (the price source does not push to it).
    let pullsReference: Bool

    init(parameters: MarketMakerParameters) {
        self.parameters = parameters
        pullsReference = parameters.quoting?.design.marketData == .pull
        if let q = parameters.quoting { quoting.halfSpread = q.minHalfSpreadFraction + q.marginFraction }
    }

    mutating func resetStatistics(at now: SimInstant) {
        quoting.resetStatistics(at: now)
        statistics = MarketMakerStatistics()
        statistics.maxAbsInventory = abs(inventory)
        inventoryTimeWeighted.reset(at: now)
    }
}

/// The markout horizons of timers 1 and 2.
let makerMarkoutHorizons = (SimDuration.milliseconds(100), SimDuration.seconds(Int64(1)))

extension GraphModel {
    static let marketMakerMetrics: [ComponentMetric] = [
        makerValue("fills_bid_count", "count", "fills reported on its bids") { Double($0.fills.0) },
        makerValue("fills_ask_count", "count", "fills reported on its asks") { Double($0.fills.1) },
        makerValue("filled_bid_quantity", "units", "quantity bought by its bids") { $0.filledQuantity.0 },
        makerValue("filled_ask_quantity", "units", "quantity sold by its asks") { $0.filledQuantity.1 },
        ComponentMetric("quoted_bid_time", "ns", "time its bids rested in venue books") { m, g, end in m.makerQuoted(g, side: 0, until: end) },
        ComponentMetric("quoted_ask_time", "ns", "time its asks rested in venue books") { m, g, end in m.makerQuoted(g, side: 1, until: end) },
        ComponentMetric("fill_rate_bid", "1/s", "bid fills per second of bid quote time") { m, g, end in
            let t = m.makerQuoted(g, side: 0, until: end)
            return t > 0 ? m.makerSum(g) { Double($0.fills.0) } / (t * 1e-9) : .nan },
        ComponentMetric("fill_rate_ask", "1/s", "ask fills per second of ask quote time") { m, g, end in
            let t = m.makerQuoted(g, side: 1, until: end)
            return t > 0 ? m.makerSum(g) { Double($0.fills.1) } / (t * 1e-9) : .nan },
        ComponentMetric("queue_ahead_at_placement_mean", "units", "mean quantity ahead of a filled order when it was placed, per fill") { m, g, _ in
            let n = m.makerSum(g) { Double($0.fills.0 + $0.fills.1) }
            return n > 0 ? m.makerSum(g) { $0.aheadAtPlacementTotal } / n : .nan },
    ] + ComponentMetric.histogram("time_to_fill", "time from an order's placement in the book to a fill of it") { m, g in
        m.makerHistogram(g) { $0.timeToFill }
    } + [
        ComponentMetric("edge_at_fill_mean_bps", "bps", "mean (mid - price) x side / price at the fill instant, the book's mid after the trade") { m, g, _ in
            let n = m.makerSum(g) { Double($0.edgeCount) }
            return n > 0 ? m.makerSum(g) { $0.edgeBpsTotal } / n : .nan },
        ComponentMetric("markout_100ms_mean_bps", "bps", "mean (mid 100 ms after the fill - price) x side / price: negative is adverse selection") { m, g, _ in
            let n = m.makerSum(g) { Double($0.markoutCount.0) }
            return n > 0 ? m.makerSum(g) { $0.markoutBpsTotal.0 } / n : .nan },
        ComponentMetric("markout_1s_mean_bps", "bps", "mean (mid 1 s after the fill - price) x side / price") { m, g, _ in
            let n = m.makerSum(g) { Double($0.markoutCount.1) }
            return n > 0 ? m.makerSum(g) { $0.markoutBpsTotal.1 } / n : .nan },
        ComponentMetric("inventory_mean", "units", "time-weighted mean inventory (bought - sold, from reported fills; mean over instances)") { m, g, end in
            let list = m.instances(of: g)
            return list.reduce(0.0) { $0 + m.makers[Int(m.instanceInfo[Int($1)].local)].inventoryTimeWeighted.mean(until: end) } / Double(list.count) },
        makerValue("inventory_max_abs", "units", "largest |inventory| (over instances)", max: true) { $0.maxAbsInventory },
        makerValue("maker_fee_earned", "quote", "rebates earned minus maker fees paid on its fills (-maker_fee_bps x notional)") { $0.makerFeeTotal },
        makerValue("replaces_count", "count", "cancel-replace (and cancel) messages sent") { Double($0.replaces) },
        makerValue("cancels_count", "count", "resting orders the venue cancelled for it (replaced or withdrawn)") { Double($0.cancels) },
        makerValue("rejected_count", "count", "placements the venue refused (price through the book or outside its window)") { Double($0.rejected) },
    ] + ComponentMetric.histogram("requote_latency", "round trip of a cancel-replace, sent to confirmed") { m, g in
        m.makerHistogram(g) { $0.requoteLatency }
    } + [
        makerValue("market_data_received_count", "count", "quotes received (feed or snapshot replies)") { Double($0.marketDataReceived) },
    ]

    static func makerValue(_ name: String, _ unit: String, _ summary: String, max: Bool = false,
                           _ f: @escaping @Sendable (MarketMakerStatistics) -> Double) -> ComponentMetric {
        ComponentMetric(name, unit, summary) { m, g, _ in
            max ? m.instances(of: g).reduce(0.0) { Swift.max($0, f(m.makers[Int(m.instanceInfo[Int($1)].local)].statistics)) }
                : m.makerSum(g, f)
        }
    }

    func makerSum(_ g: Int, _ f: (MarketMakerStatistics) -> Double) -> Double {
        instances(of: g).reduce(0.0) { $0 + f(makers[Int(instanceInfo[Int($1)].local)].statistics) }
    }

    func makerHistogram(_ g: Int, _ f: (MarketMakerStatistics) -> LatencyHistogram) -> LatencyHistogram {
        var h = LatencyHistogram()
        for i in instances(of: g) { h.merge(f(makers[Int(instanceInfo[Int(i)].local)].statistics)) }
        return h
    }

    /// Quote time of group `g`'s orders on `side`: credited ones plus those still resting at `end`.
    func makerQuoted(_ g: Int, side: Int, until end: SimInstant) -> Double {
        var total = makerSum(g) { Double(side == 0 ? $0.quotedTime.0 : $0.quotedTime.1) }
        let group = instances(of: g)
        for v in venues.indices {
            for held in venues[v].makerOrders where held >= 0 {
                guard group.contains(pool[held].origin), Int(pool[held].side) == side else { continue }
                let placed = SimInstant(nanosecondsSinceStart: pool[held].offset)
                total += Double(Swift.max(0, (end - Swift.max(placed, measureStart)).nanoseconds))
            }
        }
        return total
    }

    /// Polling makers' first snapshot requests (timer 0).
    func startMarketMaker(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        makers[local].parameters.marketData == .pull ? [(.timer(component: instance, code: 0, payload: 0), .zero)] : []
    }

    /// The view slot of maker `local` that shows venue `instance`.
    @inline(__always)
    func makerViewSlot(_ local: Int, of instance: Int32) -> Int? {
        let start = makers[local].viewStart
        for v in start..<start + makers[local].viewCount where makerViews[v].venueInstance == instance { return v }
        return nil
    }

    /// Market data pushed by a venue's feed.
    mutating func makerReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if makers[local].parameters.quoting != nil {
            quotingMakerReceive(local, instance: instance, m, context: &context)
            return
        }
        if pool[m].kind == .quote, let v = makerViewSlot(local, of: pool[m].producer) {
            makerTakeView(local, instance: instance, view: v, m, context: &context)
        }
        discard(m)
    }

    mutating func makerTakeView(_ local: Int, instance: Int32, view v: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { makers[local].statistics.marketDataReceived += 1 }
        guard pool[m].tag > makerViews[v].version, pool[m].value0 > 0, pool[m].value1 > 0 else { return }
        makerViews[v].bid = pool[m].value0
        makerViews[v].ask = pool[m].value1
        makerViews[v].version = pool[m].tag
        makerQuote(local, instance: instance, view: v, context: &context)
    }

    /// Brings both sides of view `v` in line with the view, the inventory and the requote rule.
    mutating func makerQuote(_ local: Int, instance: Int32, view v: Int, context: inout SimulationContext<GraphEvent>) {
        guard makerViews[v].version >= 0 else { return }
        let p = makers[local].parameters
        let tick = makerViews[v].tickSize
        let bidTick = Int64((makerViews[v].bid / tick).rounded()), askTick = Int64((makerViews[v].ask / tick).rounded())
        let midKey = bidTick + askTick
        let inventory = makers[local].inventory
        let slack = 1e-9 * p.size
        for side in 0..<2 {
            let wanted = side == 0 ? inventory + p.size <= p.inventoryLimit + slack : inventory - p.size >= -p.inventoryLimit - slack
            let target = side == 0 ? bidTick - Int64(p.offsetTicks) : askTick + Int64(p.offsetTicks)
            let current = makerViews[v][side]
            if current.waitsForView {
                guard Int32(bitPattern: UInt32(truncatingIfNeeded: makerViews[v].version) &- current.fillVersion) >= 0 else { continue }
                makerViews[v][side].waitsForView = false
            }
            if wanted {
                if current.live {
                    guard abs(midKey - current.midKey) >= 2 * Int64(p.requoteTicks), target != current.priceTick else { continue }
                }
                makerSend(local, instance: instance, view: v, side: side, tick: target, midKey: midKey, size: p.size, context: &context)
            } else if current.live {
                makerSend(local, instance: instance, view: v, side: side, tick: current.priceTick, midKey: midKey, size: 0, context: &context)
            }
        }
    }

    /// A cancel-replace for `side` at venue view `v` (size 0: a cancel only).
    mutating func makerSend(_ local: Int, instance: Int32, view v: Int, side: Int, tick: Int64, midKey: Int64, size: Double,
                            context: inout SimulationContext<GraphEvent>) {
        makers[local].nextSequence &+= 1
        let sequence = makers[local].nextSequence
        makerViews[v][side] = MakerQuoteSide(live: size > 0, priceTick: tick, midKey: midKey, sequence: sequence)
        let m = create(by: instance, now: context.now)
        pool[m].kind = .place
        pool[m].side = UInt8(side)
        pool[m].value0 = Double(tick) * makerViews[v].tickSize
        pool[m].value1 = size
        pool[m].sequence = sequence
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: makers[local].parameters.orderBytes)
        if measuring { makers[local].statistics.replaces += 1 }
        transmit(m, over: makerViews[v].connection, context: &context)
    }

    /// A reply from a venue: a snapshot, a cancel-replace's confirmation, or a fill report.
    mutating func makerReply(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        if makers[local].parameters.quoting != nil {
            quotingMakerReply(local, instance: instance, m, context: &context)
            return
        }
        // The venue the reply came from: the connection it travelled back over is the one it went out on.
        guard let v = makerViewSlot(local, of: pool[m].producer) else {
            discard(m)
            return
        }
        switch pool[m].kind {
        case .quote:
            makerTakeView(local, instance: instance, view: v, m, context: &context)
        case .place:
            let status = pool[m].value2
            if measuring {
                makers[local].statistics.requoteLatency.record(now - pool[m].created)
                if pool[m].value3 > 0 { makers[local].statistics.cancels += 1 }
                if status < 0 && status > -1.5 { makers[local].statistics.rejected += 1 }
            }
            let side = Int(pool[m].side)
            if status < 0 && status > -1.5 && makerViews[v][side].sequence == pool[m].sequence { makerViews[v][side].live = false }
        case .fill:
            let side = Int(pool[m].side), quantity = pool[m].value1
            makers[local].inventory += side == 0 ? quantity : -quantity
            makers[local].inventoryTimeWeighted.set(makers[local].inventory, at: now)
            if measuring {
                if side == 0 { makers[local].statistics.fills.0 += 1; makers[local].statistics.filledQuantity.0 += quantity } else {
                    makers[local].statistics.fills.1 += 1; makers[local].statistics.filledQuantity.1 += quantity
                }
                makers[local].statistics.aheadAtPlacementTotal += pool[m].value3
                makers[local].statistics.timeToFill.record(pool[m].tag - pool[m].offset)
                makers[local].statistics.makerFeeTotal -= quantity * pool[m].value0 * makerViews[v].makerFeeFraction
                makers[local].statistics.maxAbsInventory = Swift.max(makers[local].statistics.maxAbsInventory, abs(makers[local].inventory))
            }
            if pool[m].value2 <= 0 && makerViews[v][side].sequence == pool[m].sequence {
                makerViews[v][side].live = false
                makerViews[v][side].waitsForView = true
                makerViews[v][side].fillVersion = pool[m].key
            }
            for w in makers[local].viewStart..<makers[local].viewStart + makers[local].viewCount {
                makerQuote(local, instance: instance, view: w, context: &context)
            }
        default:
            break
        }
        discard(m)
    }

    /// Timer 0: a polling maker's snapshot requests; timers 1 and 2: a fill's markouts (payload: its slot).
    mutating func makerTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if makers[local].parameters.quoting != nil {
            quotingMakerTimer(local, instance: instance, code: code, payload: payload, context: &context)
            return
        }
        if code == 0 {
            for v in makers[local].viewStart..<makers[local].viewStart + makers[local].viewCount {
                let m = create(by: instance, now: context.now)
                pool[m].kind = .request
                pool[m].wantsReply = true
                pool[m].sizeBytes = UInt32(clamping: makers[local].parameters.requestBytes)
                transmit(m, over: makerViews[v].connection, context: &context)
            }
            context.schedule(.timer(component: instance, code: 0, payload: 0), after: makers[local].parameters.pollInterval)
            return
        }
        let slot = Int(payload), record = makerMarkouts[slot]
        let mid = market.books[Int(record.venueLocal)].mid
        let bps = (mid - record.price) * record.sign / record.price * 1e4
        if measuring {
            if code == 1 { makers[local].statistics.markoutBpsTotal.0 += bps; makers[local].statistics.markoutCount.0 += 1 } else {
                makers[local].statistics.markoutBpsTotal.1 += bps; makers[local].statistics.markoutCount.1 += 1
            }
        }
        if code == 2 { makerMarkoutFree.append(Int32(slot)) }
    }
}
