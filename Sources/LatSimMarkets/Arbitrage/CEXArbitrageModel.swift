import LatSimNetwork

/// Two centralised exchanges following a common fundamental, and arbitrage bots racing for
/// the discrepancies between them: the simulation model behind the `cex-arbitrage` kind.
///
///     var sim = Simulation(model: CEXArbitrageModel(parameters: p, design: .async, spec: spec))
///     sim.schedule(.fundamentalTick, at: .zero)
///
/// Flow: a fundamental tick samples F(t) exactly; each venue publishes mid F(t) exp(basis)
/// after its lag and refreshes its quote (full depth); book changes are pushed to push-bots
/// (each message with its own latency draw) or served to pull-bots on request. A bot that sees
/// a net edge sends IOC orders (concurrently or sequentially); each engine is a FIFO station
/// that matches an order against the book when its service starts, so the first order to reach
/// the engine takes the depth; acks and fill reports travel back with their own latencies.
/// Invariant: every attempt ends exactly once (both legs resolved, or the first leg of a
/// sequential attempt missed), and `inFlight` counts attempts not yet ended.
/// Memory: an attempt holds a slot of its bot's pool until it ends (then reused), and the
/// tracker keeps an episode only while it is open or an attempt refers to it: state grows with
/// the attempts in flight (at most each bot's capacity), not with the run's length.
struct CEXArbitrageModel: SimulationModel {
    struct Order {
        var bot: Int32
        var attempt: Int32
        var leg: Int8
        var venue: Int8
        var side: Side
        var limit: Double
        var quantity: Double
        var sent: SimInstant
    }

    enum Event {
        case warmUpEnd
        case fundamentalTick
        case venueQuote(venue: Int, mid: Double)
        case marketDataFlush(venue: Int)
        case marketData(bot: Int, venue: Int, book: TopOfBook)
        case poll(bot: Int)
        case pullRequest(bot: Int, venue: Int)
        case orderArrive(Order)
        case serviceDone(Order, OrderOutcome)
        case ack(Order, OrderOutcome)
        case fillReport(Order)
    }

    /// Per-venue message counters.
    struct VenueCounters {
        var marketDataMessages = 0
        var pullRequests = 0
        var orders = 0
        var acks = 0
        var fillReports = 0
    }

    var prices: VenuePriceModel
    let exchanges: [ExchangeParameters]
    let orderSize: Double
    var books: [TopOfBook]
    /// The matching engines: the Network layer's stations (FIFO, unbounded waiting room).
    var stations: [ServiceStation<Order>]
    let engineStreams: [RandomStream]
    var bots: [ArbitrageBotState]
    var tracker: OpportunityTracker
    var counters: [VenueCounters]
    var flushPending: [Bool]
    var lastFlush: [SimInstant]
    var measuring: Bool
    let pushBots: [Int]

    init(parameters: CEXArbitrageParameters, focalDesign: BotDesign, spec: ReplicationSpec, tracing: Bool = false) {
        prices = VenuePriceModel(fundamental: parameters.fundamental, tickInterval: parameters.tickInterval,
                                 venues: parameters.venuePrices, spec: spec)
        exchanges = parameters.exchanges
        orderSize = parameters.orderSize
        books = exchanges.map { _ in TopOfBook() }
        stations = exchanges.map { ServiceStation(workers: $0.workers, service: $0.serviceTime) }
        engineStreams = exchanges.map { spec.stream("engine:" + $0.name) }
        bots = parameters.bots.map { bot in
            ArbitrageBotState(parameters: bot, design: bot.isFocal ? focalDesign : bot.design, venueCount: parameters.exchanges.count,
                              stream: spec.stream("bot:" + bot.name))
        }
        tracker = OpportunityTracker(orderSize: parameters.orderSize, tracing: tracing)
        counters = exchanges.map { _ in VenueCounters() }
        flushPending = exchanges.map { _ in false }
        lastFlush = exchanges.map { _ in SimInstant(nanosecondsSinceStart: .min / 2) }
        measuring = spec.warmUp == .zero
        let states = bots
        pushBots = states.indices.filter { states[$0].design.marketData == .push }
    }

    /// The initial events: the first tick, the end of the warm-up, and each pull-bot's first poll.
    func initialEvents(warmUp: SimDuration) -> [(Event, SimInstant)] {
        var events: [(Event, SimInstant)] = [(.fundamentalTick, .zero)]
        if warmUp > .zero { events.append((.warmUpEnd, .zero + warmUp)) }
        for b in bots.indices where bots[b].design.marketData == .pull {
            events.append((.poll(bot: b), .zero + bots[b].design.pollInterval))
        }
        return events
    }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .warmUpEnd:
            measuring = true
            for v in stations.indices { stations[v].resetStatistics(at: now) }
        case .fundamentalTick:
            let f = prices.fundamental.value(at: now)
            for v in exchanges.indices {
                let p = prices.publication(venue: v, fundamentalValue: f, now: now)
                context.schedule(.venueQuote(venue: v, mid: p.mid), at: p.time)
            }
            context.schedule(.fundamentalTick, after: prices.nextTickDelay())
        case .venueQuote(let v, let mid):
            books[v].refresh(mid: mid, halfSpreadFraction: exchanges[v].halfSpreadFraction, depth: exchanges[v].depth)
            bookChanged(v, context: &context)
        case .marketDataFlush(let v):
            flushPending[v] = false
            lastFlush[v] = now
            broadcast(v, context: &context)
        case .marketData(let b, let v, let book):
            if measuring { bots[b].statistics.marketDataReceived += 1 }
            if book.version > bots[b].views[v].version { bots[b].views[v] = book }
            if bots[b].design.marketData == .pull {
                bots[b].pendingResponses -= 1
                guard bots[b].pendingResponses == 0 else { return }
                decide(b, context: &context)
                if bots[b].inFlight < bots[b].design.capacity { schedulePoll(b, context: &context) }
            } else {
                decide(b, context: &context)
            }
        case .poll(let b):
            bots[b].pollScheduled = false
            bots[b].pendingResponses = exchanges.count
            for v in exchanges.indices {
                if measuring { bots[b].statistics.requestsSent += 1 }
                context.schedule(.pullRequest(bot: b, venue: v), after: bots[b].parameters.latencies.request.sampleDuration(bots[b].stream))
            }
        case .pullRequest(let b, let v):
            if measuring { counters[v].pullRequests += 1 }
            context.schedule(.marketData(bot: b, venue: v, book: books[v]), after: bots[b].parameters.latencies.marketData.sampleDuration(bots[b].stream))
        case .orderArrive(let order):
            let v = Int(order.venue)
            if measuring { counters[v].orders += 1 }
            if case .started(let completion) = stations[v].arrive(order, at: now, stream: engineStreams[v]) {
                startService(order, completion: completion, context: &context)
            }
        case .serviceDone(let order, let outcome):
            let v = Int(order.venue), b = Int(order.bot)
            if measuring { counters[v].acks += 1 }
            context.schedule(.ack(order, outcome), after: bots[b].parameters.latencies.ack.sampleDuration(bots[b].stream))
            if outcome.fillPrice != nil {
                if measuring { counters[v].fillReports += 1 }
                context.schedule(.fillReport(order), after: bots[b].parameters.latencies.fillReport.sampleDuration(bots[b].stream))
            }
            if let next = stations[v].complete(at: now, stream: engineStreams[v]).started {
                startService(next.job, completion: next.completion, context: &context)
            }
        case .ack(let order, let outcome):
            acknowledge(order, outcome, context: &context)
        case .fillReport:
            break // counted at the venue; the bot already knows the outcome from the ack
        }
    }

    // MARK: Venues

    /// The best net edge per unit on the true books (both directions), for the observer.
    func trueEdge() -> Double {
        var best = -Double.infinity
        for i in exchanges.indices {
            for j in exchanges.indices where j != i {
                guard books[i].isValid, books[j].isValid, books[i].askSize >= orderSize, books[j].bidSize >= orderSize else { continue }
                best = Swift.max(best, books[j].bid * (1 - exchanges[j].takerFeeFraction) - books[i].ask * (1 + exchanges[i].takerFeeFraction))
            }
        }
        return best
    }

    mutating func bookChanged(_ v: Int, context: inout SimulationContext<Event>) {
        tracker.update(edgePerUnit: trueEdge(), now: context.now, measuring: measuring)
        let throttle = exchanges[v].marketDataThrottle
        if throttle == .zero {
            broadcast(v, context: &context)
        } else if !flushPending[v] {
            flushPending[v] = true
            context.schedule(.marketDataFlush(venue: v), at: Swift.max(context.now, lastFlush[v] + throttle))
        }
    }

    mutating func broadcast(_ v: Int, context: inout SimulationContext<Event>) {
        for b in pushBots {
            if measuring { counters[v].marketDataMessages += 1 }
            context.schedule(.marketData(bot: b, venue: v, book: books[v]), after: bots[b].parameters.latencies.marketData.sampleDuration(bots[b].stream))
        }
    }

    /// Matches an order as its service starts (FIFO order = arrival order) and schedules the completion.
    /// Service of `order` starts now (it completes at `completion`): it is matched against the book now.
    mutating func startService(_ order: Order, completion: SimInstant, context: inout SimulationContext<Event>) {
        let v = Int(order.venue)
        let outcome: OrderOutcome
        if exchanges[v].isStale(sent: order.sent, now: context.now) {
            outcome = .rejectedStale
        } else if let price = books[v].take(order.side, limit: order.limit, quantity: order.quantity) {
            outcome = .filled(price: price)
            let b = Int(order.bot), a = Int(order.attempt)
            if !bots[b].attempts[a].firstFillMatched {
                bots[b].attempts[a].firstFillMatched = true
                bots[b].attempts[a].episode = tracker.openEpisode
                tracker.retain(tracker.openEpisode)
            }
            bookChanged(v, context: &context)
        } else {
            outcome = .missed
        }
        context.schedule(.serviceDone(order, outcome), at: completion)
    }

    // MARK: Bots

    mutating func schedulePoll(_ b: Int, context: inout SimulationContext<Event>) {
        guard !bots[b].pollScheduled, bots[b].pendingResponses == 0 else { return }
        bots[b].pollScheduled = true
        context.schedule(.poll(bot: b), after: bots[b].design.pollInterval)
    }

    /// Trades if the bot's view shows a net profit above its threshold and its design allows another trade.
    mutating func decide(_ b: Int, context: inout SimulationContext<Event>) {
        // Read what is needed into locals: holding a copy of the bot state across the append
        // below would make the attempts buffer non-unique and copy it on every trade.
        let design = bots[b].design
        guard bots[b].inFlight < design.capacity else { return }
        let view0 = bots[b].views[0], view1 = bots[b].views[1]
        guard view0.isValid, view1.isValid, (view0.version, view1.version) != bots[b].lastFired else { return }
        let views = (view0, view1)
        func view(_ i: Int) -> TopOfBook { i == 0 ? views.0 : views.1 }
        var best = 0.0
        var direction: (buy: Int, sell: Int)? = nil
        for i in 0..<2 {
            let j = 1 - i
            guard view(i).askSize >= orderSize, view(j).bidSize >= orderSize else { continue }
            let edge = view(j).bid * (1 - exchanges[j].takerFeeFraction) - view(i).ask * (1 + exchanges[i].takerFeeFraction)
            if edge > best { best = edge; direction = (i, j) }
        }
        guard let direction, best * orderSize > bots[b].parameters.minProfit else { return }
        bots[b].lastFired = (view0.version, view1.version)
        let a = bots[b].attempts.insert(ArbitrageAttempt(buyVenue: direction.buy, sellVenue: direction.sell,
                                                         buyLimit: view(direction.buy).ask, sellLimit: view(direction.sell).bid,
                                                         quantity: orderSize, started: context.now, measured: measuring))
        bots[b].inFlight += 1
        if measuring { bots[b].statistics.attempts += 1 }
        sendLeg(b, attempt: a, leg: 0, context: &context)
        if design.legs == .concurrent { sendLeg(b, attempt: a, leg: 1, context: &context) }
    }

    mutating func sendLeg(_ b: Int, attempt a: Int, leg: Int, context: inout SimulationContext<Event>) {
        let attempt = bots[b].attempts[a]
        let order = Order(bot: Int32(b), attempt: Int32(a), leg: Int8(leg), venue: Int8(leg == 0 ? attempt.buyVenue : attempt.sellVenue),
                          side: leg == 0 ? .buy : .sell, limit: leg == 0 ? attempt.buyLimit : attempt.sellLimit,
                          quantity: attempt.quantity, sent: context.now)
        if attempt.measured { bots[b].statistics.ordersSent += 1 }
        context.schedule(.orderArrive(order), after: bots[b].parameters.latencies.newOrder.sampleDuration(bots[b].stream))
    }

    mutating func acknowledge(_ order: Order, _ outcome: OrderOutcome, context: inout SimulationContext<Event>) {
        let b = Int(order.bot), a = Int(order.attempt), leg = Int(order.leg)
        let measured = bots[b].attempts[a].measured
        if measured {
            bots[b].statistics.orderLatency.record(context.now - order.sent)
            if outcome == .rejectedStale { bots[b].statistics.rejectedStale += 1 }
        }
        bots[b].attempts[a].setOutcome(leg, outcome)
        if bots[b].design.legs == .sequential && leg == 0 {
            if outcome.fillPrice != nil { sendLeg(b, attempt: a, leg: 1, context: &context) } else { finish(b, attempt: a, context: &context) }
            return
        }
        if bots[b].attempts[a].outcomes.0 != nil && bots[b].attempts[a].outcomes.1 != nil { finish(b, attempt: a, context: &context) }
    }

    /// Settles an attempt: a capture, a legging failure (the filled leg unwound at the true book now), or a miss.
    mutating func finish(_ b: Int, attempt a: Int, context: inout SimulationContext<Event>) {
        let attempt = bots[b].attempts[a]
        let q = attempt.quantity
        let feeBuy = exchanges[attempt.buyVenue].takerFeeFraction, feeSell = exchanges[attempt.sellVenue].takerFeeFraction
        let buy = attempt.outcomes.0?.fillPrice, sell = attempt.outcomes.1?.fillPrice
        if attempt.measured {
            if let buy, let sell {
                bots[b].statistics.completed += 1
                bots[b].statistics.profitCaptured += q * (sell * (1 - feeSell) - buy * (1 + feeBuy))
                if tracker.isMeasured(attempt.episode) {
                    tracker.markCaptured(episode: attempt.episode, bot: b)
                    if tracker.markCapturedByBot(episode: attempt.episode, bot: b) { bots[b].statistics.capturedCount += 1 }
                }
            } else if let buy {
                let unwind = books[attempt.buyVenue].bid * (1 - feeBuy)
                bots[b].statistics.leggingFailures += 1
                bots[b].statistics.leggingCost += q * (buy * (1 + feeBuy) - unwind)
            } else if let sell {
                let unwind = books[attempt.sellVenue].ask * (1 + feeSell)
                bots[b].statistics.leggingFailures += 1
                bots[b].statistics.leggingCost += q * (unwind - sell * (1 - feeSell))
            } else {
                bots[b].statistics.missed += 1
            }
        } else if attempt.episode >= 0, buy != nil, sell != nil {
            tracker.markCaptured(episode: attempt.episode, bot: b)
        }
        tracker.release(attempt.episode)
        bots[b].attempts.remove(a)
        bots[b].inFlight -= 1
        if bots[b].design.marketData == .pull { schedulePoll(b, context: &context) } else { decide(b, context: &context) }
    }
}
