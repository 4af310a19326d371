/// A CEX and a constant-product pool on a chain, with bots arbitraging the pool against the
/// CEX: the model behind `cex-amm-arbitrage`.
///
///     var sim = Simulation(model: CEXAMMArbitrageModel(parameters: p, focalDesign: .async, spec: spec))
///
/// Swaps happen only inside blocks. The block producer (a minimal one) seals a block after each
/// interval draw and executes the transactions that reached it by then: searchers' bundles
/// first, then the public mempool, each in arrival order (no priority-fee auction); a swap whose
/// output is below its minimum reverts, and every included transaction pays gas. Bots see the
/// CEX by push or pull and the pool by block notifications; each trades the pool back to the
/// edge of its fee-adjusted band against the CEX quote it sees (`AMMArbitrageDecision`),
/// hedging on the CEX concurrently with the swap or after the swap's receipt (design `legs`).
/// Public-mempool bots decide on every view change; a block-time searcher decides once per
/// block, `lead_time` before sealing, on the CEX price at that instant seen through its
/// market-data latency (its read is a fundamental tick: the CEX is quoted continuously, ticks
/// are when it pushes).
/// A bot learns a block's reserves and its receipts in one notification (one latency draw):
/// the reserves first, so a swap decided on a receipt is sized on the pool after that block.
/// Invariant: each attempt settles once, after its swap's receipt and its hedge (and unwind);
/// attempts live in slots reused after settlement (memory grows with swaps in flight).
struct CEXAMMArbitrageModel: SimulationModel {
    /// Block rows kept per replication: `ReplicationSpec.traceRowLimit` (100,000, the cap of
    /// every trace); later blocks are counted in `traceRowsDropped`.
    static let traceRowLimit = ReplicationSpec.traceRowLimit

    struct Transaction {
        var bot: Int
        var attempt: Int
        var swap: AMMSwap
        /// A searcher's bundle: executed before the public mempool.
        var priority: Bool
        var arrival: SimInstant
        /// Send order: breaks ties in arrival.
        var sequence: Int64
    }

    enum Event {
        case warmUpEnd
        case fundamentalTick
        case cexQuote(mid: Double)
        case cexFlush
        case botCEXData(bot: Int, book: TopOfBook)
        case botPoll(bot: Int)
        case botRequestArrive(bot: Int)
        case block
        case searcherLead(bot: Int)
        case searcherView(bot: Int, book: TopOfBook)
        case botBlockData(bot: Int, block: Int64, baseReserve: Double, quoteReserve: Double)
        case receipt(bot: Int, attempt: Int, output: Double?)
        case hedgeArrive(bot: Int, attempt: Int, unwind: Bool)
    }

    struct Attempt {
        var trade: AMMArbitrageTrade
        var measured: Bool
        var swapOutput: Double?? = nil      // nil: no receipt yet; .some(nil): reverted
        var hedgeQuantity: Double = 0
        var hedgePrice: Double? = nil
        var hedgeSent = false
        var unwindPrice: Double? = nil
        var unwindSent = false
        var settled = false
    }

    struct BotState {
        let parameters: AMMBotParameters
        let design: BotDesign
        let stream: RandomStream
        var cexView = TopOfBook()
        var poolView: ConstantProductPool
        var blockSeen: Int64 = 0
        var lastFired: (Int64, Int64) = (-1, -1)
        var inFlight = 0
        var awaitingResponse = false
        /// Slots of attempts in flight; a settled attempt's slot is reused.
        var attempts: ContiguousArray<Attempt> = []
        var freeAttempts: [Int] = []
        var statistics = AMMBotStatistics()
        var isSearcher: Bool { parameters.strategy.isSearcher }
    }

    let parameters: CEXAMMParameters
    var prices: VenuePriceModel
    var cexBook = TopOfBook()
    var pool: ConstantProductPool
    var bots: [BotState]
    let pushBots: [Int]
    let searchers: [(bot: Int, leadTime: SimDuration)]
    /// Transactions sent and not yet in a block (some still on their way to the producer).
    var mempool: ContiguousArray<Transaction> = []
    var included: ContiguousArray<Transaction> = []
    var receipts: ContiguousArray<(bot: Int, attempt: Int, output: Double?)> = []
    var transactionSequence: Int64 = 0
    var blockNumber: Int64 = 0
    let blockStream: RandomStream
    var measuring: Bool
    var flushPending = false
    var lastFlush = SimInstant(nanosecondsSinceStart: .min / 2)
    // Per-block measurements.
    var blocks = 0, blocksWithArbitrage = 0, transactionsIncluded = 0, revertedTransactions = 0
    var arbitrageProfitAtBlocks = 0.0, profitAvailable = 0.0, poolFees = 0.0
    /// Sum over successful swaps of their profit over the pool value V(P) = 2 sqrt(x y P) at the block's CEX mid.
    var arbitrageProfitOverPoolValue = 0.0
    var inclusionDelay = LatencyHistogram()
    /// Per-block trace rows (only when asked for, at most `traceRowLimit`): see `traceHeader`.
    var keepTrace = false
    var blockRows: [[String]] = []
    var traceRowsDropped = 0
    static let traceHeader = ["block", "time_ns", "arbitrage", "arbitrage_profit", "pool_fees", "profit_available",
                              "cex_bid", "cex_ask", "pool_price_before", "pool_price_after"]
    var counters = (marketData: 0, requests: 0, transactions: 0, blockNotifications: 0, hedges: 0)

    init(parameters: CEXAMMParameters, focalDesign: BotDesign, spec: ReplicationSpec) {
        self.parameters = parameters
        prices = VenuePriceModel(fundamental: parameters.fundamental, tickInterval: parameters.tickInterval, venues: [parameters.cexPrice], spec: spec)
        let initialPool = ConstantProductPool(baseReserve: parameters.baseReserve, quoteReserve: parameters.baseReserve * parameters.fundamental.initialPrice,
                                              feeFraction: parameters.poolFeeFraction, feeDestination: parameters.poolFeeDestination)
        pool = initialPool
        let states = parameters.bots.map { bot in
            BotState(parameters: bot, design: bot.isFocal ? focalDesign : bot.design, stream: spec.stream("amm-bot:" + bot.name), poolView: initialPool)
        }
        bots = states
        pushBots = states.indices.filter { states[$0].design.marketData == .push && !states[$0].isSearcher }
        searchers = states.indices.compactMap { b in
            if case .blockTimeSearcher(let lead) = states[b].parameters.strategy { return (b, lead) } else { return nil }
        }
        blockStream = spec.stream("block-producer")
        measuring = spec.warmUp == .zero
    }

    /// The events that start a replication: the first tick, the warm-up's end, the first polls,
    /// the first block (its delay drawn from the block stream, the same in every design) and
    /// the searchers' reads before it.
    mutating func initialEvents(warmUp: SimDuration) -> [(Event, SimInstant)] {
        var events: [(Event, SimInstant)] = [(.fundamentalTick, .zero)]
        if warmUp > .zero { events.append((.warmUpEnd, .zero + warmUp)) }
        for b in bots.indices where bots[b].design.marketData == .pull && !bots[b].isSearcher {
            events.append((.botPoll(bot: b), .zero + bots[b].design.pollInterval))
        }
        let first = SimInstant.zero + nextBlockDelay()
        for searcher in searchers { events.append((.searcherLead(bot: searcher.bot), Swift.max(.zero, first - searcher.leadTime))) }
        events.append((.block, first))
        return events
    }

    mutating func nextBlockDelay() -> SimDuration {
        Swift.max(SimDuration(nanoseconds: 1), parameters.blockInterval.sampleDuration(blockStream))
    }

    var cexFee: Double { parameters.cex.takerFeeFraction }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .warmUpEnd:
            measuring = true
        case .fundamentalTick:
            publishFundamental(context: &context)
            context.schedule(.fundamentalTick, after: prices.nextTickDelay())
        case .cexQuote(let mid):
            applyQuote(mid: mid, context: &context)
        case .cexFlush:
            flushPending = false
            lastFlush = now
            broadcast(context: &context)
        case .botCEXData(let b, let book):
            if book.version > bots[b].cexView.version { bots[b].cexView = book }
            if bots[b].design.marketData == .pull {
                bots[b].awaitingResponse = false
                decide(b, context: &context)
                context.schedule(.botPoll(bot: b), after: bots[b].design.pollInterval)
            } else {
                decide(b, context: &context)
            }
        case .botPoll(let b):
            bots[b].awaitingResponse = true
            if measuring { counters.requests += 1 }
            context.schedule(.botRequestArrive(bot: b), after: bots[b].parameters.latencies.request.sampleDuration(bots[b].stream))
        case .botRequestArrive(let b):
            if measuring { counters.marketData += 1 }
            context.schedule(.botCEXData(bot: b, book: cexBook), after: bots[b].parameters.latencies.marketData.sampleDuration(bots[b].stream))
        case .block:
            sealBlock(context: &context)
            let next = now + nextBlockDelay()
            for searcher in searchers { context.schedule(.searcherLead(bot: searcher.bot), at: Swift.max(now, next - searcher.leadTime)) }
            context.schedule(.block, at: next)
        case .searcherLead(let b):
            // The searcher reads the CEX now: the fundamental at this instant (a tick), seen after its market-data latency.
            publishFundamental(context: &context)
            if measuring { counters.marketData += 1 }
            let delay = bots[b].parameters.latencies.marketData.sampleDuration(bots[b].stream)
            if delay == .zero { searcherDecide(b, book: cexBook, context: &context) } else { context.schedule(.searcherView(bot: b, book: cexBook), after: delay) }
        case .searcherView(let b, let book):
            searcherDecide(b, book: book, context: &context)
        case .botBlockData(let b, let number, let base, let quote):
            if number > bots[b].blockSeen {
                bots[b].blockSeen = number
                bots[b].poolView = ConstantProductPool(baseReserve: base, quoteReserve: quote, feeFraction: parameters.poolFeeFraction,
                                                       feeDestination: parameters.poolFeeDestination)
            }
            if !bots[b].isSearcher { decide(b, context: &context) }
        case .receipt(let b, let a, let output):
            bots[b].attempts[a].swapOutput = .some(output)
            advance(b, attempt: a, context: &context)
        case .hedgeArrive(let b, let a, let unwind):
            let attempt = bots[b].attempts[a]
            // The hedge sells base after buying it from the pool, and buys base after selling it to the pool; the unwind reverses the hedge.
            let hedgeSells = attempt.trade.direction == .buyBaseFromPool
            let sells = unwind ? !hedgeSells : hedgeSells
            let price = sells ? cexBook.bid : cexBook.ask
            if unwind { bots[b].attempts[a].unwindPrice = price } else { bots[b].attempts[a].hedgePrice = price }
            advance(b, attempt: a, context: &context)
        }
    }

    /// Samples the fundamental now and publishes it at the CEX after its lag (at once when the lag is 0).
    mutating func publishFundamental(context: inout SimulationContext<Event>) {
        let now = context.now
        let f = prices.fundamental.value(at: now)
        let p = prices.publication(venue: 0, fundamentalValue: f, now: now)
        if p.time == now { applyQuote(mid: p.mid, context: &context) } else { context.schedule(.cexQuote(mid: p.mid), at: p.time) }
    }

    mutating func applyQuote(mid: Double, context: inout SimulationContext<Event>) {
        cexBook.refresh(mid: mid, halfSpreadFraction: parameters.cex.halfSpreadFraction, depth: .infinity)
        if parameters.cex.marketDataThrottle == .zero {
            broadcast(context: &context)
        } else if !flushPending {
            flushPending = true
            context.schedule(.cexFlush, at: Swift.max(context.now, lastFlush + parameters.cex.marketDataThrottle))
        }
    }

    mutating func broadcast(context: inout SimulationContext<Event>) {
        for b in pushBots {
            if measuring { counters.marketData += 1 }
            context.schedule(.botCEXData(bot: b, book: cexBook), after: bots[b].parameters.latencies.marketData.sampleDuration(bots[b].stream))
        }
    }

    // MARK: Block producer

    mutating func sealBlock(context: inout SimulationContext<Event>) {
        let now = context.now
        blockNumber += 1
        let bid = cexBook.bid * (1 - cexFee), ask = cexBook.ask * (1 + cexFee)
        let gas = parameters.gasCost
        let profitBefore = arbitrageProfitAtBlocks, feesBefore = poolFees, availableBefore = profitAvailable
        let priceBefore = pool.price
        let poolValue = cexBook.isValid ? pool.value(atPrice: cexBook.mid) : .nan
        if measuring {
            blocks += 1
            if cexBook.isValid, let best = pool.arbitrage(externalBid: bid, externalAsk: ask) {
                profitAvailable += Swift.max(0, best.grossProfit - gas)
            }
        }
        // The block: transactions that reached the producer by now, searchers' bundles first, then the public mempool, each in arrival order.
        included.removeAll(keepingCapacity: true)
        var waiting = 0
        for i in mempool.indices {
            if mempool[i].arrival <= now { included.append(mempool[i]) } else { mempool[waiting] = mempool[i]; waiting += 1 }
        }
        mempool.removeLast(mempool.count - waiting)
        included.sort { ($0.priority ? 0 : 1, $0.arrival, $0.sequence) < ($1.priority ? 0 : 1, $1.arrival, $1.sequence) }
        receipts.removeAll(keepingCapacity: true)
        var arbitraged = false
        for transaction in included {
            let b = transaction.bot
            let swap = transaction.swap
            // The fee in quote: g x input, a base input valued at the pool price before the swap.
            let fee = parameters.poolFeeFraction * swap.amountIn * (swap.direction == .buyBaseFromPool ? 1 : pool.price)
            let output = pool.execute(swap)
            if measuring {
                transactionsIncluded += 1
                inclusionDelay.record(now - transaction.arrival)
                if let output {
                    poolFees += fee
                    let profit = AMMArbitrageDecision.markedProfit(direction: swap.direction, amountIn: swap.amountIn, output: output,
                                                                   externalBid: bid, externalAsk: ask, gasCost: gas)
                    arbitrageProfitAtBlocks += profit
                    arbitrageProfitOverPoolValue += profit / poolValue
                    bots[b].statistics.arbitrageProfit += profit
                    if !arbitraged { bots[b].statistics.blocksWon += 1 }
                    arbitraged = true
                } else {
                    revertedTransactions += 1
                }
            }
            if bots[b].attempts[transaction.attempt].measured { bots[b].statistics.inclusionDelay.record(now - transaction.arrival) }
            receipts.append((b, transaction.attempt, output))
        }
        if measuring && arbitraged { blocksWithArbitrage += 1 }
        if measuring && keepTrace {
            if blockRows.count < Self.traceRowLimit {
                blockRows.append(["\(blockNumber)", "\(now.nanosecondsSinceStart)", arbitraged ? "1" : "0",
                                  formatSignificant(arbitrageProfitAtBlocks - profitBefore, digits: 8),
                                  formatSignificant(poolFees - feesBefore, digits: 8),
                                  formatSignificant(profitAvailable - availableBefore, digits: 8),
                                  formatSignificant(cexBook.bid, digits: 15), formatSignificant(cexBook.ask, digits: 15),
                                  formatSignificant(priceBefore, digits: 15), formatSignificant(pool.price, digits: 15)])
            } else {
                traceRowsDropped += 1
            }
        }
        // One notification per bot (one latency draw): the block's reserves, then its receipts.
        for b in bots.indices {
            if measuring { counters.blockNotifications += 1 }
            let delay = bots[b].parameters.blockDataLatency.sampleDuration(bots[b].stream)
            context.schedule(.botBlockData(bot: b, block: blockNumber, baseReserve: pool.baseReserve, quoteReserve: pool.quoteReserve), after: delay)
            for receipt in receipts where receipt.bot == b {
                context.schedule(.receipt(bot: b, attempt: receipt.attempt, output: receipt.output), after: delay)
            }
        }
    }

    // MARK: Bots

    /// A public-mempool bot's decision on a change of its views.
    mutating func decide(_ b: Int, context: inout SimulationContext<Event>) {
        // Locals only: holding a copy of the bot state across the append below would copy the attempts buffer.
        let cexView = bots[b].cexView, blockSeen = bots[b].blockSeen, design = bots[b].design
        guard cexView.isValid, bots[b].inFlight < design.capacity else { return }
        guard (blockSeen, cexView.version) != bots[b].lastFired else { return }
        guard let decision = AMMArbitrageDecision.swap(pool: bots[b].poolView, externalBid: cexView.bid * (1 - cexFee), externalAsk: cexView.ask * (1 + cexFee),
                                                       gasCost: parameters.gasCost, minProfit: bots[b].parameters.minProfit,
                                                       slippageFraction: bots[b].parameters.slippageFraction) else { return }
        bots[b].lastFired = (blockSeen, cexView.version)
        submit(b, trade: decision.trade, swap: decision.swap, priority: false, context: &context)
    }

    /// A block-time searcher's decision on the CEX quote it read before the block.
    mutating func searcherDecide(_ b: Int, book: TopOfBook, context: inout SimulationContext<Event>) {
        if book.version > bots[b].cexView.version { bots[b].cexView = book }
        guard book.isValid, bots[b].inFlight < bots[b].design.capacity else { return }
        guard let decision = AMMArbitrageDecision.swap(pool: bots[b].poolView, externalBid: book.bid * (1 - cexFee), externalAsk: book.ask * (1 + cexFee),
                                                       gasCost: parameters.gasCost, minProfit: bots[b].parameters.minProfit,
                                                       slippageFraction: bots[b].parameters.slippageFraction) else { return }
        submit(b, trade: decision.trade, swap: decision.swap, priority: true, context: &context)
    }

    mutating func submit(_ b: Int, trade: AMMArbitrageTrade, swap: AMMSwap, priority: Bool, context: inout SimulationContext<Event>) {
        bots[b].inFlight += 1
        let measured = measuring
        let attempt = Attempt(trade: trade, measured: measured)
        let a: Int
        if let slot = bots[b].freeAttempts.popLast() { bots[b].attempts[slot] = attempt; a = slot } else { bots[b].attempts.append(attempt); a = bots[b].attempts.count - 1 }
        if measured { bots[b].statistics.transactions += 1; counters.transactions += 1 }
        transactionSequence += 1
        mempool.append(Transaction(bot: b, attempt: a, swap: swap, priority: priority,
                                   arrival: context.now + bots[b].parameters.transactionLatency.sampleDuration(bots[b].stream),
                                   sequence: transactionSequence))
        if bots[b].design.legs == .concurrent { sendHedge(b, attempt: a, quantity: trade.baseQuantity, context: &context) }
    }

    mutating func sendHedge(_ b: Int, attempt a: Int, quantity: Double, context: inout SimulationContext<Event>) {
        bots[b].attempts[a].hedgeSent = true
        bots[b].attempts[a].hedgeQuantity = quantity
        if measuring { counters.hedges += 1 }
        context.schedule(.hedgeArrive(bot: b, attempt: a, unwind: false), after: bots[b].parameters.latencies.newOrder.sampleDuration(bots[b].stream))
    }

    /// Moves an attempt on after a receipt or a hedge fill, and settles it when nothing is pending.
    mutating func advance(_ b: Int, attempt a: Int, context: inout SimulationContext<Event>) {
        let attempt = bots[b].attempts[a]
        guard !attempt.settled, let receipt = attempt.swapOutput else { return }
        if let output = receipt {
            if !attempt.hedgeSent {
                sendHedge(b, attempt: a, quantity: attempt.trade.direction == .buyBaseFromPool ? output : attempt.trade.amountIn, context: &context)
                return
            }
            guard attempt.hedgePrice != nil else { return }
        } else if attempt.hedgeSent {
            guard attempt.hedgePrice != nil else { return }
            if !attempt.unwindSent {
                bots[b].attempts[a].unwindSent = true
                context.schedule(.hedgeArrive(bot: b, attempt: a, unwind: true), after: bots[b].parameters.latencies.newOrder.sampleDuration(bots[b].stream))
                return
            }
            guard attempt.unwindPrice != nil else { return }
        }
        settle(b, attempt: a, context: &context)
    }

    mutating func settle(_ b: Int, attempt a: Int, context: inout SimulationContext<Event>) {
        bots[b].attempts[a].settled = true
        bots[b].inFlight -= 1
        let attempt = bots[b].attempts[a]
        if attempt.measured {
            let gas = parameters.gasCost
            let q = attempt.hedgeQuantity
            let buysFromPool = attempt.trade.direction == .buyBaseFromPool
            var cash = -gas
            var base = 0.0
            if let output = attempt.swapOutput ?? nil {
                bots[b].statistics.succeeded += 1
                if buysFromPool { cash -= attempt.trade.amountIn; base += output } else { cash += output; base -= attempt.trade.amountIn }
            } else {
                bots[b].statistics.reverted += 1
            }
            if let hedge = attempt.hedgePrice {
                if buysFromPool { cash += q * hedge * (1 - cexFee); base -= q } else { cash -= q * hedge * (1 + cexFee); base += q }
            }
            if let unwind = attempt.unwindPrice, let hedge = attempt.hedgePrice {
                bots[b].statistics.leggingFailures += 1
                if buysFromPool {
                    cash -= q * unwind * (1 + cexFee); base += q
                    bots[b].statistics.leggingCost += q * (unwind * (1 + cexFee) - hedge * (1 - cexFee))
                } else {
                    cash += q * unwind * (1 - cexFee); base -= q
                    bots[b].statistics.leggingCost += q * (hedge * (1 + cexFee) - unwind * (1 - cexFee))
                }
            }
            bots[b].statistics.gasSpent += gas
            bots[b].statistics.realisedProfit += cash + base * cexBook.mid
        }
        bots[b].freeAttempts.append(a)
        if bots[b].design.marketData == .push && !bots[b].isSearcher { decide(b, context: &context) }
    }
}
