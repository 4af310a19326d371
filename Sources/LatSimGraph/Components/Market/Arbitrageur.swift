import LatSimCore
import LatSimMarkets
import LatSimNetwork

/// `type: arbitrageur`: a CEX-CEX arbitrage bot. It keeps a view of each venue's book (the
/// last market data it received, by version) and, when its view shows a profit net of taker
/// fees above `min_profit` for `order_size`, buys at one venue's ask and sells at another's bid
/// with immediate-or-cancel limit orders at the prices it saw.
///
///     - {name: focal, type: arbitrageur, design: async, order_size: 1, min_profit: 0}
///
/// `out` has one connection per venue (orders and snapshot requests go over it, acknowledgements
/// and snapshots come back over its reply link): a bot's latency is per venue. Market data
/// arrives at `in` from the venues' feeds (`design.market_data: push`), or is pulled: a request
/// to every venue, the next `poll_interval` after the last snapshot arrived. Legs go together
/// (`legs: concurrent`) or the second after the first fills (`sequential`); `order_flow:
/// blocking` allows one trade in flight, `pipelined` up to `max_in_flight`. An attempt ends
/// when both legs are acknowledged (or the first of a sequential pair missed): a capture when
/// both filled, a legging failure (the filled leg unwound at the venue's true book then) when one
/// did. A capture is attributed to the opportunity episode open when its first leg filled.
public struct ArbitrageurParameters: Sendable {
    public var design: BotDesign
    public var orderSize: Double
    public var minProfit: Double
    public var orderBytes: Int
    public var requestBytes: Int
    /// The trades its capital covers at once (nil: unlimited): a trade locks its capital from the
    /// decision until its settlement is confirmed final (or until it ends without a fill pair).
    public var capitalTrades: Int?
    /// How long it waits for an order's acknowledgement before counting the leg missed (nil:
    /// forever; a lost order or acknowledgement then leaves its attempt in flight).
    public var orderTimeout: SimDuration?
    /// Inventories per venue shared by its trades (Treasury.swift); nil: none (only `capital_trades`, if any).
    public var treasury: TreasuryParameters?

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["design", "order_size", "min_profit", "order_bytes", "request_bytes", "capital_trades", "order_timeout", "treasury"])
        treasury = try node.child("treasury").map { try TreasuryParameters(config: $0) }
        if treasury != nil && node.has("capital_trades") {
            throw node.error("cannot be given with treasury", allowed: "capital_trades (a count of trades) or treasury (inventories), not both",
                             given: node.child("capital_trades")!.description, key: "capital_trades")
        }
        orderTimeout = node.has("order_timeout") ? try node.duration("order_timeout", allowZero: false) : nil
        capitalTrades = node.has("capital_trades") ? try node.int("capital_trades", range: 1...1_000_000) : nil
        design = try node.child("design").map { try BotDesign(config: $0) } ?? .sync
        orderSize = try node.double("order_size", default: 1, range: 1e-12...1e12)
        minProfit = try node.double("min_profit", default: 0)
        orderBytes = try node.int("order_bytes", default: 128, range: 0...(1 << 30))
        requestBytes = try node.int("request_bytes", default: 64, range: 0...(1 << 30))
    }
}

/// One arbitrage attempt in flight: legs 0 (buy) and 1 (sell), by venue index of the bot.
struct ArbitrageAttemptSlot {
    var venues: (buy: Int32, sell: Int32) = (-1, -1)
    var limits: (buy: Double, sell: Double) = (0, 0)
    var measured = false
    /// Fill price per leg (NaN: missed or rejected); `done` bits 1 and 2 for legs 0 and 1.
    var fills: (Double, Double) = (.nan, .nan)
    /// Quantity filled per leg (a book venue may fill part of an order; otherwise all or nothing).
    var filled: (Double, Double) = (0, 0)
    var done: UInt8 = 0
    /// When the bot decided the trade.
    var started = SimInstant.zero
    /// The attempt's number (a run-wide counter, wrapping): its orders carry it, so an
    /// acknowledgement or a timeout that arrives after the slot was reused is recognised.
    var serial: UInt32 = 0
    /// True from the decision until the attempt is settled (`finish`).
    var inFlight = false
    /// The episode open when a leg first filled, and that fill's number (fills are numbered in order).
    var episode: Int64 = -1
    var matchTime: Double = .infinity
    /// With a treasury: what it reserved (the buy's quote, the sell's base) and what the fills
    /// brought in, in flight (base at the buy venue, quote at the sell venue).
    var reserve: (quote: Double, base: Double) = (0, 0)
    var credit: (base: Double, quote: Double) = (0, 0)
}

/// A bot's counters over the measured period.
struct ArbitrageurStatistics {
    var attempts: Int64 = 0
    var completed: Int64 = 0
    var missed: Int64 = 0
    var leggingFailures: Int64 = 0
    var leggingCost = 0.0
    var profitCaptured = 0.0
    var ordersSent: Int64 = 0
    var rejectedStale: Int64 = 0
    var requestsSent: Int64 = 0
    var marketDataReceived: Int64 = 0
    /// Transfers sent by `settle` for completed trades.
    var settlementsSent: Int64 = 0
    /// Legs counted missed after `order_timeout`, and acknowledgements that came after it (fills
    /// among them: positions the bot did not know it held).
    var ordersTimedOut: Int64 = 0
    var lateAcks: Int64 = 0
    var lateFills: Int64 = 0
    /// Opportunities (measured episodes of its price source, open at the refusal) in which locked
    /// capital refused a trade its view called for; refusals on views that show no true opportunity do not count.
    var lostToCapital: Int64 = 0
    /// Distinct measured episodes this bot completed an attempt in.
    var captured: Int64 = 0
    var orderLatency = LatencyHistogram()
}

/// A bot's scalar state; its per-venue views and its attempts live in the model's flat
/// `MarketTables` (no array inside a bot: no copy-on-write check or retain per event).
struct ArbitrageurState {
    let parameters: ArbitrageurParameters
    /// Its views: `MarketTables.view*[viewStart ..< viewStart + venueCount]`, one per out connection.
    var viewStart = 0
    var venueCount = 0
    /// Its attempt slots: `MarketTables.attempts[attemptStart ..< attemptStart + capacity]`; the
    /// free ones are `MarketTables.attemptFree[attemptStart ..< attemptStart + freeCount]`.
    var attemptStart = 0
    var freeCount = 0
    /// A view changed since the last trade: never fire twice on the same data.
    var fresh = true
    var inFlight = 0
    var pendingResponses = 0
    var pollScheduled = false
    /// The price source its venues follow (local index), and its bit among that source's arbitrageurs.
    var source = -1
    var bit = 0
    var statistics = ArbitrageurStatistics()
    /// Trades whose capital is locked (in flight, or completed and not yet settled), time-weighted.
    var locked = TimeWeightedValue(start: .zero)
    /// The episode of its last refusal for capital (-2: none), so an opportunity counts once.
    var lastRefusedEpisode: Int64 = -2
    /// Its treasury in `MarketTables.treasuries` (-1: none).
    var treasury = -1

    init(parameters: ArbitrageurParameters) { self.parameters = parameters }
}

/// The market components' per-item state in flat arrays, indexed through the components'
/// start offsets: venue books and fees by venue (local index), bots' views by view slot, bots'
/// attempts by attempt slot.
struct MarketTables {
    var books: ContiguousArray<TopOfBook> = []
    var fees: ContiguousArray<Double> = []
    /// Per price source, the venues it feeds (local indices), at its `venueStart`.
    var sourceVenues: ContiguousArray<Int32> = []
    var views: ContiguousArray<TopOfBook> = []
    /// Per view slot: the venue instance it shows and that venue's local index.
    var viewInstance: ContiguousArray<Int32> = []
    var viewVenue: ContiguousArray<Int32> = []
    var attempts: ContiguousArray<ArbitrageAttemptSlot> = []
    var attemptFree: ContiguousArray<Int32> = []
    var nextSerial: UInt32 = 0
    var treasuries: ContiguousArray<TreasuryState> = []
}

extension GraphModel {
    static let arbitrageurMetrics: [ComponentMetric] = [
        count("captured_count", "distinct opportunity episodes captured (both legs filled)", \.captured),
        ComponentMetric("capture_rate", "ratio", "episodes captured / episodes of its price source (mean over instances)") { m, g, _ in
            m.arbitrageurMean(g) { m, bot in
                guard bot.source >= 0 else { return .nan }
                let n = m.priceSources[bot.source].episodesMeasured
                return n > 0 ? Double(bot.statistics.captured) / Double(n) : .nan } },
        ComponentMetric("profit_captured_total", "quote", "realised profit of completed attempts, net of fees") { m, g, _ in
            m.arbitrageurSum(g) { $0.profitCaptured } },
        ComponentMetric("profit_capture_ratio", "ratio", "profit captured / profit available at its price source (mean over instances)") { m, g, end in
            m.arbitrageurMean(g) { m, bot in
                guard bot.source >= 0 else { return .nan }
                let available = m.priceSources[bot.source].totals(until: end).profit
                return available > 0 ? bot.statistics.profitCaptured / available : .nan } },
        count("legging_failures_count", "attempts with exactly one leg filled", \.leggingFailures),
        ComponentMetric("legging_cost_total", "quote", "loss of unwinding the filled leg at the true book (negative: a gain)") { m, g, _ in
            m.arbitrageurSum(g) { $0.leggingCost } },
        count("attempts_count", "attempts started", \.attempts),
        count("completed_count", "attempts with both legs filled", \.completed),
        count("missed_count", "attempts with no leg filled", \.missed),
        count("rejected_stale_count", "orders the venue rejected as stale", \.rejectedStale),
        count("orders_count", "orders sent", \.ordersSent),
        count("requests_count", "snapshot requests sent (pull)", \.requestsSent),
        count("market_data_received_count", "market-data messages and snapshots received", \.marketDataReceived),
        count("settlements_sent_count", "transfers sent by settle for completed trades", \.settlementsSent),
        count("orders_timed_out_count", "legs counted missed after order_timeout without an acknowledgement", \.ordersTimedOut),
        count("late_acks_count", "acknowledgements that arrived after their leg timed out (ignored)", \.lateAcks),
        count("late_fills_count", "late acknowledgements that were fills: positions the bot did not know it held", \.lateFills),
        count("lost_to_capital_count", "opportunities in which locked capital refused a trade its view called for", \.lostToCapital),
        ComponentMetric("capital_locked_mean", "trades", "time-weighted trades whose capital is locked (summed over instances)") { m, g, end in
            m.instances(of: g).reduce(0) { $0 + m.arbitrageurs[Int(m.instanceInfo[Int($1)].local)].locked.mean(until: end) } },
        ComponentMetric("capital_locked_max", "trades", "most trades locked at once at one instance") { m, g, _ in
            m.instances(of: g).reduce(-Double.infinity) { Swift.max($0, m.arbitrageurs[Int(m.instanceInfo[Int($1)].local)].locked.maximum) } },
    ] + ComponentMetric.histogram("order_latency", "order round trip: sent to acknowledgement received (ns)") { m, g in
        var h = LatencyHistogram()
        for i in m.instances(of: g) { h.merge(m.arbitrageurs[Int(m.instanceInfo[Int(i)].local)].statistics.orderLatency) }
        return h
    }

    /// A counter of `ArbitrageurStatistics`, summed over the group's instances.
    static func count(_ name: String, _ summary: String, _ field: KeyPath<ArbitrageurStatistics, Int64> & Sendable) -> ComponentMetric {
        ComponentMetric(name, "count", summary) { m, g, _ in m.arbitrageurSum(g) { Double($0[keyPath: field]) } }
    }

    func arbitrageurSum(_ g: Int, _ f: (ArbitrageurStatistics) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(arbitrageurs[Int(instanceInfo[Int($1)].local)].statistics) }
    }

    func arbitrageurMean(_ g: Int, _ f: (GraphModel, ArbitrageurState) -> Double) -> Double {
        let range = instances(of: g)
        return range.reduce(0) { $0 + f(self, arbitrageurs[Int(instanceInfo[Int($1)].local)]) } / Double(range.count)
    }

    /// A pull-bot's first poll.
    func startArbitrageur(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let design = arbitrageurs[local].parameters.design
        var initial: [(GraphEvent, SimInstant)] = design.marketData == .pull ? [(.timer(component: instance, code: 0, payload: 0), .zero + design.pollInterval)] : []
        if let interval = arbitrageurs[local].parameters.treasury?.interval {
            initial.append((.timer(component: instance, code: GraphModel.treasuryFlushTimer, payload: 0), .zero + interval))
        }
        return initial
    }

    /// Market data pushed by a venue's feed.
    mutating func arbitrageurReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let producer = pool[m].producer
        guard pool[m].kind == .quote, let v = viewSlot(local, of: producer) else {
            discard(m)
            return
        }
        takeView(local, venue: v, m)
        discard(m)
        decide(local, instance: instance, context: &context)
    }

    /// The view slot of bot `local` that shows venue `instance`, if it trades there.
    @inline(__always)
    func viewSlot(_ local: Int, of instance: Int32) -> Int? {
        let start = arbitrageurs[local].viewStart
        for v in start..<start + arbitrageurs[local].venueCount where market.viewInstance[v] == instance { return v }
        return nil
    }

    /// Takes quote `m` into view slot `v` when it is newer than the view.
    mutating func takeView(_ local: Int, venue v: Int, _ m: Int32) {
        if measuring { arbitrageurs[local].statistics.marketDataReceived += 1 }
        // Fields read in place (a whole message is 176 bytes).
        let version = pool[m].tag
        guard version > market.views[v].version else { return }
        market.views[v].bid = pool[m].value0
        market.views[v].ask = pool[m].value1
        market.views[v].bidSize = pool[m].value2
        market.views[v].askSize = pool[m].value3
        market.views[v].version = version
        arbitrageurs[local].fresh = true
    }

    /// A snapshot (pull) or an order's acknowledgement comes back.
    mutating func arbitrageurReply(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if pool[m].kind == .transfer && arbitrageurs[local].treasury >= 0 {
            treasuryConfirmed(local, instance: instance, m, context: &context)
            return
        }
        if pool[m].kind == .transfer {
            // A settlement's confirmation: the trade's capital is free again.
            discard(m)
            arbitrageurs[local].locked.add(-1, at: context.now)
            decide(local, instance: instance, context: &context)
            return
        }
        if pool[m].kind == .quote {
            if let v = viewSlot(local, of: pool[m].producer) { takeView(local, venue: v, m) }
            discard(m)
            arbitrageurs[local].pendingResponses -= 1
            guard arbitrageurs[local].pendingResponses == 0 else { return }
            decide(local, instance: instance, context: &context)
            if arbitrageurs[local].inFlight < arbitrageurs[local].parameters.design.capacity { schedulePoll(local, instance: instance, context: &context) }
            return
        }
        let message = pool[m]
        discard(m)
        let a = Int(message.slot), leg = Int(message.key)
        guard market.attempts[a].serial == message.id, market.attempts[a].done & UInt8(1 << leg) == 0,
              market.attempts[a].inFlight else {
            // The leg timed out before (its slot may serve another attempt now).
            if measuring {
                arbitrageurs[local].statistics.lateAcks += 1
                if !message.value2.isNaN { arbitrageurs[local].statistics.lateFills += 1 }
            }
            return
        }
        if market.attempts[a].measured {
            arbitrageurs[local].statistics.orderLatency.record(context.now - message.created)
            if message.isRejected { arbitrageurs[local].statistics.rejectedStale += 1 }
        }
        if !message.value2.isNaN && message.value3 < market.attempts[a].matchTime {
            market.attempts[a].matchTime = message.value3
            market.attempts[a].episode = message.tag
        }
        legDone(local, instance: instance, attempt: a, leg: leg, fill: message.value2,
                quantity: message.value2.isNaN ? 0 : message.value1, context: &context)
    }

    /// Leg `leg` of attempt `a` is resolved (filled at `fill` for `quantity`, or NaN: missed, rejected, timed out).
    mutating func legDone(_ local: Int, instance: Int32, attempt a: Int, leg: Int, fill: Double, quantity: Double,
                          context: inout SimulationContext<GraphEvent>) {
        if leg == 0 {
            market.attempts[a].fills.0 = fill; market.attempts[a].filled.0 = quantity
        } else {
            market.attempts[a].fills.1 = fill; market.attempts[a].filled.1 = quantity
        }
        if arbitrageurs[local].treasury >= 0 {
            treasuryLeg(local, attempt: a, leg: leg, fill: fill, quantity: quantity, now: context.now)
        }
        market.attempts[a].done |= UInt8(1 << leg)
        if arbitrageurs[local].parameters.design.legs == .sequential && leg == 0 {
            if fill.isNaN { finish(local, instance: instance, attempt: a, context: &context) } else {
                sendLeg(local, instance: instance, attempt: a, leg: 1, context: &context)
            }
            return
        }
        if market.attempts[a].done == 3 { finish(local, instance: instance, attempt: a, context: &context) }
    }

    /// Timer 1 + leg: `order_timeout` after a leg was sent (payload: the attempt's serial).
    mutating func orderTimedOut(_ local: Int, instance: Int32, leg: Int, serial: UInt32, context: inout SimulationContext<GraphEvent>) {
        let start = arbitrageurs[local].attemptStart, capacity = arbitrageurs[local].parameters.design.capacity
        guard let a = (start..<start + capacity).first(where: { market.attempts[$0].inFlight && market.attempts[$0].serial == serial }),
              market.attempts[a].done & UInt8(1 << leg) == 0 else { return }   // answered in time
        if market.attempts[a].measured { arbitrageurs[local].statistics.ordersTimedOut += 1 }
        legDone(local, instance: instance, attempt: a, leg: leg, fill: .nan, quantity: 0, context: &context)
    }

    /// Timer 0: a pull-bot polls every venue; timers 1 and 2: a leg's `order_timeout`.
    mutating func arbitrageurTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.treasuryFlushTimer {
            treasuryFlush(local, instance: instance, context: &context)
            return
        }
        if code > 0 {
            orderTimedOut(local, instance: instance, leg: Int(code) - 1, serial: UInt32(bitPattern: payload), context: &context)
            return
        }
        arbitrageurs[local].pollScheduled = false
        if instanceInfo[Int(instance)].down {
            schedulePoll(local, instance: instance, context: &context)
            return
        }
        let now = context.now
        arbitrageurs[local].pendingResponses = arbitrageurs[local].venueCount
        for k in outStart[Int(instance)]..<outStart[Int(instance) + 1] {
            if measuring { arbitrageurs[local].statistics.requestsSent += 1 }
            let m = create(by: instance, now: now)
            pool[m].kind = .request
            pool[m].wantsReply = true
            pool[m].sizeBytes = UInt32(clamping: arbitrageurs[local].parameters.requestBytes)
            transmit(m, over: outConnections[Int(k)], context: &context)
        }
    }

    mutating func schedulePoll(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard !arbitrageurs[local].pollScheduled, arbitrageurs[local].pendingResponses == 0 else { return }
        arbitrageurs[local].pollScheduled = true
        context.schedule(.timer(component: instance, code: 0, payload: 0), after: arbitrageurs[local].parameters.design.pollInterval)
    }

    /// Trades when the bot's view shows a net profit above its threshold and its design allows another trade.
    mutating func decide(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard arbitrageurs[local].inFlight < arbitrageurs[local].parameters.design.capacity, arbitrageurs[local].fresh,
              arbitrageurs[local].freeCount > 0 else { return }
        let size = arbitrageurs[local].parameters.orderSize
        let start = arbitrageurs[local].viewStart, end = start + arbitrageurs[local].venueCount
        var best = 0.0, buy = -1, sell = -1
        for i in start..<end {
            let a = market.views[i]
            guard a.isValid && a.askSize >= size else { continue }
            let buyCost = a.ask * (1 + market.fees[Int(market.viewVenue[i])])
            for j in start..<end where j != i {
                let b = market.views[j]
                guard b.isValid && b.bidSize >= size else { continue }
                let edge = b.bid * (1 - market.fees[Int(market.viewVenue[j])]) - buyCost
                if edge > best { best = edge; buy = i; sell = j }
            }
        }
        guard buy >= 0, best * size > arbitrageurs[local].parameters.minProfit else { return }
        let a = Int(market.attemptFree[arbitrageurs[local].attemptStart + arbitrageurs[local].freeCount - 1])
        let short = arbitrageurs[local].treasury >= 0
            && !treasuryReserve(local, attempt: a, buy: buy, sell: sell, size: size, now: context.now)
        if short {
            market.treasuries[arbitrageurs[local].treasury].refusedTotal += 1
            if measuring { market.treasuries[arbitrageurs[local].treasury].statistics.inventoryRefusals += 1 }
        }
        if short || arbitrageurs[local].parameters.capitalTrades.map({ arbitrageurs[local].locked.current >= Double($0) }) == true {
            arbitrageurs[local].fresh = false
            // Counted once per opportunity episode of its price source (the one open now).
            let s = arbitrageurs[local].source
            let episode = s >= 0 ? priceSources[s].openEpisode : -1
            if measuring && episode >= 0 && episode != arbitrageurs[local].lastRefusedEpisode && priceSources[s].isMeasured(episode) {
                arbitrageurs[local].statistics.lostToCapital += 1
            }
            arbitrageurs[local].lastRefusedEpisode = episode
            return
        }
        arbitrageurs[local].freeCount -= 1
        if arbitrageurs[local].parameters.capitalTrades != nil { arbitrageurs[local].locked.add(1, at: context.now) }
        arbitrageurs[local].fresh = false
        market.nextSerial &+= 1
        let reserve = market.attempts[a].reserve
        market.attempts[a] = ArbitrageAttemptSlot(venues: (Int32(buy), Int32(sell)),
                                                  limits: (market.views[buy].ask, market.views[sell].bid), measured: measuring,
                                                  started: context.now, serial: market.nextSerial, inFlight: true)
        market.attempts[a].reserve = reserve
        arbitrageurs[local].inFlight += 1
        if measuring { arbitrageurs[local].statistics.attempts += 1 }
        sendLeg(local, instance: instance, attempt: a, leg: 0, context: &context)
        if arbitrageurs[local].parameters.design.legs == .concurrent { sendLeg(local, instance: instance, attempt: a, leg: 1, context: &context) }
    }

    mutating func sendLeg(_ local: Int, instance: Int32, attempt a: Int, leg: Int, context: inout SimulationContext<GraphEvent>) {
        let attempt = market.attempts[a]
        let v = Int(leg == 0 ? attempt.venues.buy : attempt.venues.sell) - arbitrageurs[local].viewStart
        if attempt.measured { arbitrageurs[local].statistics.ordersSent += 1 }
        let m = create(by: instance, now: context.now)
        pool[m].kind = .order
        pool[m].side = UInt8(leg)
        pool[m].value0 = leg == 0 ? attempt.limits.buy : attempt.limits.sell
        // A sequential sell is for what the buy got (all of order_size unless a book filled part of it).
        let sequentialSell = leg == 1 && arbitrageurs[local].parameters.design.legs == .sequential
        pool[m].value1 = sequentialSell ? attempt.filled.0 : arbitrageurs[local].parameters.orderSize
        pool[m].slot = Int32(a)
        pool[m].key = UInt32(leg)
        pool[m].id = attempt.serial
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: arbitrageurs[local].parameters.orderBytes)
        transmit(m, over: outConnections[Int(outStart[Int(instance)]) + v], context: &context)
        if let timeout = arbitrageurs[local].parameters.orderTimeout {
            context.schedule(.timer(component: instance, code: Int32(1 + leg), payload: Int32(bitPattern: attempt.serial)), after: timeout)
        }
    }

    /// Settles an attempt: a capture, a legging failure (the filled leg unwound at the true book now), or a miss.
    /// Partial fills (book venues): the matched quantity min(bought, sold) counts as the trade; the
    /// excess of the larger leg is unwound at the true book now and counted in the legging cost.
    mutating func finish(_ local: Int, instance: Int32, attempt a: Int, context: inout SimulationContext<GraphEvent>) {
        let attempt = market.attempts[a]
        let (bought, sold) = attempt.filled
        let q = Swift.min(bought, sold)
        let buyVenue = Int(market.viewVenue[Int(attempt.venues.buy)]), sellVenue = Int(market.viewVenue[Int(attempt.venues.sell)])
        let feeBuy = market.fees[buyVenue], feeSell = market.fees[sellVenue]
        let (buy, sell) = attempt.fills
        if attempt.measured {
            if !buy.isNaN && !sell.isNaN {
                arbitrageurs[local].statistics.completed += 1
                arbitrageurs[local].statistics.profitCaptured += q * (sell * (1 - feeSell) - buy * (1 + feeBuy))
                if bought > sold {
                    arbitrageurs[local].statistics.leggingCost += (bought - sold) * (buy * (1 + feeBuy) - market.books[buyVenue].bid * (1 - feeBuy))
                } else if sold > bought {
                    arbitrageurs[local].statistics.leggingCost += (sold - bought) * (market.books[sellVenue].ask * (1 + feeSell) - sell * (1 - feeSell))
                }
            } else if !buy.isNaN {
                arbitrageurs[local].statistics.leggingFailures += 1
                arbitrageurs[local].statistics.leggingCost += bought * (buy * (1 + feeBuy) - market.books[buyVenue].bid * (1 - feeBuy))
            } else if !sell.isNaN {
                arbitrageurs[local].statistics.leggingFailures += 1
                arbitrageurs[local].statistics.leggingCost += sold * (market.books[sellVenue].ask * (1 + feeSell) - sell * (1 - feeSell))
            } else {
                arbitrageurs[local].statistics.missed += 1
            }
        }
        if !buy.isNaN && !sell.isNaN && attempt.episode >= 0 { markCapture(local, episode: attempt.episode, measuredAttempt: attempt.measured) }
        if arbitrageurs[local].treasury >= 0 {
            treasuryFinish(local, instance: instance, attempt: a, context: &context)
        } else if !buy.isNaN && !sell.isNaN && out2Start[Int(instance) + 1] > out2Start[Int(instance)] {
            settle(local, instance: instance, attempt, quantity: q, context: &context)
        } else if arbitrageurs[local].parameters.capitalTrades != nil {
            arbitrageurs[local].locked.add(-1, at: context.now)   // nothing to settle: the capital is free
        }
        market.attempts[a].inFlight = false
        market.attemptFree[arbitrageurs[local].attemptStart + arbitrageurs[local].freeCount] = Int32(a)
        arbitrageurs[local].freeCount += 1
        arbitrageurs[local].inFlight -= 1
        if arbitrageurs[local].parameters.design.marketData == .pull { schedulePoll(local, instance: instance, context: &context) } else {
            decide(local, instance: instance, context: &context)
        }
    }

    /// A completed trade leaves by `settle`: one transfer per connection, created when the trade
    /// was decided, its execution (decision to the last acknowledgement) counted as service, so a
    /// path from the bot to where it is settled measures decision to finality, split by stage.
    /// `value0` is the bought leg's notional, `value1` the quantity.
    mutating func settle(_ local: Int, instance: Int32, _ attempt: ArbitrageAttemptSlot, quantity q: Double,
                         context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        for k in out2Start[Int(instance)]..<out2Start[Int(instance) + 1] {
            if attempt.measured { arbitrageurs[local].statistics.settlementsSent += 1 }
            let m = create(by: instance, now: attempt.started)
            pool.account(m, .service, at: now)
            pool[m].kind = .transfer
            pool[m].value0 = attempt.fills.0 * q
            pool[m].value1 = q
            // With capital to track, the settlement confirms back (its `out` unconnected).
            pool[m].wantsReply = arbitrageurs[local].parameters.capitalTrades != nil
            pool[m].sizeBytes = UInt32(clamping: arbitrageurs[local].parameters.orderBytes)
            transmit(m, over: out2Connections[Int(k)], context: &context)
        }
    }

    /// Credits a capture of `episode`: to the market (its first captor) and to this bot (its
    /// first capture of it), counting only measured episodes, and only measured attempts for the bot.
    mutating func markCapture(_ local: Int, episode: Int64, measuredAttempt: Bool) {
        let s = arbitrageurs[local].source
        guard s >= 0 else { return }
        let measuredEpisode = priceSources[s].isMeasured(episode)
        if measuredAttempt && !measuredEpisode { return }
        // An attempt from the warm-up marks the episode for the market but not for the bot's count.
        let bit = measuredAttempt ? arbitrageurs[local].bit : 63
        guard let marked = priceSources[s].captures.mark(episode, bit: bit, newest: priceSources[s].nextEpisode - 1) else {
            if measuredEpisode { priceSources[s].unattributed += 1 }
            return
        }
        if marked.first && measuredEpisode { priceSources[s].capturedAny += 1 }
        if measuredAttempt && marked.firstForBot { arbitrageurs[local].statistics.captured += 1 }
    }
}
