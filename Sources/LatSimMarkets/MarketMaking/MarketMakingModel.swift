import LatSimNetwork

/// A market maker quoting on one exchange around its (delayed) view of the fundamental, picked
/// off by informed takers and filled by noise takers: the model behind `market-making`.
///
///     var sim = Simulation(model: MarketMakingModel(parameters: p, design: .async, spec: spec))
///
/// The engine is one FIFO station that serves the MM's quote messages and the takers' orders
/// in arrival order; a quote message or an order takes effect when its service starts.
/// Design knobs: `market_data` push (every fundamental tick, after the MM's market-data
/// latency) or pull (poll, request + response); `legs` sequential (cancel, wait for its ack,
/// then send the new quote: the MM is out of the market meanwhile) or concurrent (one replace
/// message); `order_flow` blocking (one quote change in flight) or pipelined (`max_in_flight`).
/// Invariant: the engine applies a quote message only if its sequence number is newer than
/// the live quote's, so reordered messages never resurrect an old quote.
/// Memory: a fill travels inside its markout event (no per-fill array), and the fills the MM
/// has not learned from wait in a ring: state grows with the fills pending, not with the run.
struct MarketMakingModel: SimulationModel {
    struct QuoteMessage {
        var isCancel: Bool
        var sequence: Int64
        var bid: Double
        var ask: Double
        var sent: SimInstant
    }
    struct TakerOrder {
        var side: Side
        var limit: Double
        var informed: Bool
    }
    enum Job { case quote(QuoteMessage), taker(TakerOrder) }

    enum Event {
        case warmUpEnd
        case fundamentalTick
        case makerData(mid: Double, version: Int64)
        case makerPoll
        case makerRequestArrive
        case informedSignal(mid: Double)
        case noiseArrival
        case engineArrive(Job)
        case serviceDone(Job)
        case makerAck(QuoteMessage)
        case makerFillReport
        case markout(MarketMakerFill)
    }

    let parameters: MarketMakingParameters
    let design: BotDesign
    var fundamental: PriceProcess
    let tickStream: RandomStream, makerStream: RandomStream, informedStream: RandomStream, noiseStream: RandomStream
    /// The matching engine: the Network layer's station (FIFO, unbounded waiting room).
    var station: ServiceStation<Job>
    let engineStream: RandomStream
    var measuring: Bool
    // Fundamental as published (for pull responses and versions).
    var lastFundamental: Double
    var fundamentalVersion: Int64 = 0
    // Engine state: the live quote.
    var book = TopOfBook()
    var liveSequence: Int64 = 0
    // Market maker state.
    var viewMid: Double = 0
    var viewVersion: Int64 = 0
    var quotedMid: Double = 0
    var halfSpread: Double
    var adverseEstimate: Double = 0
    var inFlight = 0
    var needsRequote = false
    var nextSequence: Int64 = 0
    var statistics = MarketMakerStatistics()
    var counters = (marketData: 0, requests: 0, quotes: 0, cancels: 0, takerOrders: 0, acks: 0, fillReports: 0)

    init(parameters: MarketMakingParameters, design: BotDesign, spec: ReplicationSpec) {
        self.parameters = parameters
        self.design = design
        fundamental = PriceProcess(parameters: parameters.fundamental, stream: spec.stream("fundamental"))
        tickStream = spec.stream("fundamental-ticks")
        makerStream = spec.stream("market-maker")
        informedStream = spec.stream("informed-takers")
        noiseStream = spec.stream("noise-takers")
        station = ServiceStation(workers: parameters.venue.workers, service: parameters.venue.serviceTime)
        engineStream = spec.stream("engine:" + parameters.venue.name)
        measuring = spec.warmUp == .zero
        lastFundamental = parameters.fundamental.initialPrice
        halfSpread = parameters.minHalfSpreadFraction + parameters.marginFraction
    }

    func initialEvents(warmUp: SimDuration) -> [(Event, SimInstant)] {
        var events: [(Event, SimInstant)] = [(.fundamentalTick, .zero)]
        if warmUp > .zero { events.append((.warmUpEnd, .zero + warmUp)) }
        if design.marketData == .pull { events.append((.makerPoll, .zero)) }
        if parameters.noiseRatePerSecond > 0 { events.append((.noiseArrival, .zero + .seconds(noiseStream.exponential(mean: 1 / parameters.noiseRatePerSecond)))) }
        return events
    }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .warmUpEnd:
            measuring = true
            station.resetStatistics(at: now)
            statistics.twoSided.reset(at: now)
            statistics.spreadWhileTwoSided.reset(at: now)
        case .fundamentalTick:
            lastFundamental = fundamental.value(at: now)
            fundamentalVersion += 1
            if design.marketData == .push {
                if measuring { counters.marketData += 1 }
                context.schedule(.makerData(mid: lastFundamental, version: fundamentalVersion), after: parameters.latencies.marketData.sampleDuration(makerStream))
            }
            if parameters.informedEnabled {
                context.schedule(.informedSignal(mid: lastFundamental), after: parameters.informedLatency.sampleDuration(informedStream))
            }
            context.schedule(.fundamentalTick, after: Swift.max(SimDuration(nanoseconds: 1), parameters.tickInterval.sampleDuration(tickStream)))
        case .makerData(let mid, let version):
            if measuring { statistics.marketDataReceived += 1 }
            if version > viewVersion {
                viewMid = mid
                viewVersion = version
            }
            if design.marketData == .pull {
                context.schedule(.makerPoll, after: design.pollInterval)
            }
            considerRequote(force: false, context: &context)
        case .makerPoll:
            if measuring { statistics.requestsSent += 1; counters.requests += 1 }
            context.schedule(.makerRequestArrive, after: parameters.latencies.request.sampleDuration(makerStream))
        case .makerRequestArrive:
            if measuring { counters.marketData += 1 }
            context.schedule(.makerData(mid: lastFundamental, version: fundamentalVersion), after: parameters.latencies.marketData.sampleDuration(makerStream))
        case .informedSignal(let mid):
            guard book.isValid else { return }
            let fee = parameters.venue.takerFeeFraction + parameters.informedThresholdFraction
            var order: TakerOrder? = nil
            if book.askSize > 0 && mid > book.ask * (1 + fee) { order = TakerOrder(side: .buy, limit: book.ask, informed: true) }
            else if book.bidSize > 0 && mid < book.bid * (1 - fee) { order = TakerOrder(side: .sell, limit: book.bid, informed: true) }
            if let order {
                if measuring { statistics.informedOrders += 1; counters.takerOrders += 1 }
                context.schedule(.engineArrive(.taker(order)), after: parameters.informedOrderLatency.sampleDuration(informedStream))
            }
        case .noiseArrival:
            let side: Side = noiseStream.bernoulli(0.5) ? .buy : .sell
            if measuring { statistics.noiseOrders += 1; counters.takerOrders += 1 }
            let order = TakerOrder(side: side, limit: side == .buy ? .infinity : 0, informed: false)
            context.schedule(.engineArrive(.taker(order)), after: parameters.noiseOrderLatency.sampleDuration(noiseStream))
            context.schedule(.noiseArrival, after: .seconds(noiseStream.exponential(mean: 1 / parameters.noiseRatePerSecond)))
        case .engineArrive(let job):
            if case .started(let completion) = station.arrive(job, at: now, stream: engineStream) {
                start(job, completion: completion, context: &context)
            }
        case .serviceDone(let job):
            if case .quote(let message) = job {
                if measuring { counters.acks += 1 }
                context.schedule(.makerAck(message), after: parameters.latencies.ack.sampleDuration(makerStream))
            }
            if let next = station.complete(at: now, stream: engineStream).started {
                start(next.job, completion: next.completion, context: &context)
            }
        case .makerAck(let message):
            acknowledged(message, context: &context)
        case .makerFillReport:
            considerRequote(force: true, context: &context)
        case .markout(let fill):
            let later = fundamental.value(at: now)
            guard fill.measured else { return }
            let d = fill.takerSign, m = fill.fundamentalAtFill
            statistics.markouts += 1
            statistics.effectiveSpreadSum += 2 * d * (fill.price - m) / m
            statistics.realisedSpreadSum += 2 * d * (fill.price - later) / m
            statistics.adverseSelectionSum += 2 * d * (later - m) / m
            statistics.markedOutProfit += parameters.quoteSize * d * (fill.price - later)
        }
    }

    // MARK: Engine

    /// Service of `job` starts now (it completes at `completion`): it takes effect now.
    mutating func start(_ job: Job, completion: SimInstant, context: inout SimulationContext<Event>) {
        let now = context.now
        switch job {
        case .quote(let message):
            if message.sequence > liveSequence {
                liveSequence = message.sequence
                if message.isCancel {
                    book.bidSize = 0
                    book.askSize = 0
                    book.version += 1
                } else {
                    book.bid = message.bid
                    book.ask = message.ask
                    book.bidSize = parameters.quoteSize
                    book.askSize = parameters.quoteSize
                    book.version += 1
                }
                recordBook(now)
            }
        case .taker(let order):
            if let price = book.take(order.side, limit: order.limit, quantity: parameters.quoteSize) {
                let m = fundamental.value(at: now)
                let fill = MarketMakerFill(takerSign: order.side.sign, price: price, fundamentalAtFill: m, informed: order.informed, measured: measuring)
                if measuring {
                    statistics.fills += 1
                    if order.informed { statistics.informedFills += 1 } else { statistics.noiseFills += 1 }
                    counters.fillReports += 1
                }
                context.schedule(.markout(fill), after: parameters.markoutHorizon)
                context.schedule(.makerFillReport, after: parameters.latencies.fillReport.sampleDuration(makerStream))
                // The MM learns from the fill when its report arrives; the reference is the quote's mid.
                pendingLearning.append((order.side.sign, book.mid))
                recordBook(now)
            }
        }
        context.schedule(.serviceDone(job), at: completion)
    }

    func isTwoSided() -> Bool { book.isValid && book.bidSize > 0 && book.askSize > 0 }

    mutating func recordBook(_ now: SimInstant) {
        let two = isTwoSided()
        statistics.twoSided.set(two ? 1 : 0, at: now)
        statistics.spreadWhileTwoSided.set(two ? (book.ask - book.bid) / book.mid * 10_000 : 0, at: now)
    }

    // MARK: Market maker

    /// Fills the MM has not learned from yet, oldest first: (taker sign, the quote's mid). A
    /// fill report arriving before the MM's first market data teaches nothing, so the ring may
    /// hold that many fills more than are in flight.
    var pendingLearning = RingBuffer<(Double, Double)>()

    /// Requotes when the view moved past the threshold (or after a fill), if the design allows a message now.
    mutating func considerRequote(force: Bool, context: inout SimulationContext<Event>) {
        guard viewVersion > 0 else { return }
        if force { learnFromFill() }
        let moved = quotedMid == 0 || abs(viewMid - quotedMid) > parameters.requoteThresholdFraction * quotedMid
        guard force || moved || needsRequote else { return }
        guard inFlight < design.capacity else { needsRequote = true; return }
        needsRequote = false
        quotedMid = viewMid
        nextSequence += 1
        inFlight += 1
        if design.legs == .sequential {
            if measuring { statistics.cancelsSent += 1; counters.cancels += 1 }
            let cancel = QuoteMessage(isCancel: true, sequence: nextSequence, bid: 0, ask: 0, sent: context.now)
            context.schedule(.engineArrive(.quote(cancel)), after: parameters.latencies.cancel.sampleDuration(makerStream))
        } else {
            sendQuote(context: &context)
        }
    }

    mutating func sendQuote(context: inout SimulationContext<Event>) {
        if measuring { statistics.quotesSent += 1; counters.quotes += 1 }
        let quote = QuoteMessage(isCancel: false, sequence: nextSequence, bid: quotedMid * (1 - halfSpread), ask: quotedMid * (1 + halfSpread), sent: context.now)
        context.schedule(.engineArrive(.quote(quote)), after: parameters.latencies.newOrder.sampleDuration(makerStream))
    }

    mutating func acknowledged(_ message: QuoteMessage, context: inout SimulationContext<Event>) {
        if message.isCancel {
            // Sequential: the new quote follows the cancel's acknowledgement, at the latest view.
            nextSequence += 1
            quotedMid = viewMid
            sendQuote(context: &context)
            return
        }
        inFlight -= 1
        considerRequote(force: false, context: &context)
    }

    /// Updates the adverse-selection estimate from the oldest unreported fill, at the MM's current view.
    mutating func learnFromFill() {
        guard let (sign, reference) = pendingLearning.popFirst() else { return }
        guard parameters.adaptive, reference > 0 else { return }
        let adverse = sign * (viewMid - reference) / reference
        adverseEstimate += parameters.learningWeight * (adverse - adverseEstimate)
        halfSpread = Swift.max(parameters.minHalfSpreadFraction, adverseEstimate + parameters.marginFraction)
    }
}
