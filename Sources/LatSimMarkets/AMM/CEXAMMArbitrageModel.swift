/// A CEX and a constant-product pool on a chain, with bots arbitraging the pool against the
/// CEX: the model behind `cex-amm-arbitrage`.
///
///     var sim = Simulation(model: CEXAMMArbitrageModel(parameters: p, focalDesign: .async, spec: spec))
///
/// Swaps happen only inside blocks. The block producer (a minimal one) seals a block after each
/// interval draw and executes the mempool's transactions in arrival order (no priority-fee
/// auction); a swap whose output is below its minimum reverts, and every included transaction
/// pays gas. Bots see the CEX by push or pull and the pool by block notifications; each trades
/// the pool back to the edge of its fee-adjusted band against the CEX quote it sees, hedging
/// on the CEX concurrently with the swap or after the swap's receipt (design `legs`).
/// Invariant: each attempt settles once, after its swap's receipt and its hedge (and unwind).
struct CEXAMMArbitrageModel: SimulationModel {
    struct Transaction {
        var bot: Int
        var attempt: Int
        var direction: AMMArbitrageTrade.Direction
        var amountIn: Double
        var minimumOut: Double
        var arrival: SimInstant = .zero
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
        case botBlockData(bot: Int, block: Int64, baseReserve: Double, quoteReserve: Double)
        case transactionArrive(Transaction)
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
        var attempts: ContiguousArray<Attempt> = []
        var statistics = AMMBotStatistics()
    }

    let parameters: CEXAMMParameters
    var prices: VenuePriceModel
    var cexBook = TopOfBook()
    var pool: ConstantProductPool
    var bots: [BotState]
    let pushBots: [Int]
    var mempool: ContiguousArray<Transaction> = []
    var blockNumber: Int64 = 0
    let blockStream: RandomStream
    var measuring: Bool
    var flushPending = false
    var lastFlush = SimInstant(nanosecondsSinceStart: .min / 2)
    // Per-block measurements.
    var blocks = 0, blocksWithArbitrage = 0, transactionsIncluded = 0, revertedTransactions = 0
    var arbitrageProfitAtBlocks = 0.0, profitAvailable = 0.0, poolFees = 0.0
    var inclusionDelay = LatencyHistogram()
    /// Per-block trace rows (only when asked for): block, time, arbitrage, profit, fees, available.
    var keepTrace = false
    var blockRows: [[String]] = []
    var counters = (marketData: 0, requests: 0, transactions: 0, blockNotifications: 0, hedges: 0)

    init(parameters: CEXAMMParameters, focalDesign: BotDesign, spec: ReplicationSpec) {
        self.parameters = parameters
        prices = VenuePriceModel(fundamental: parameters.fundamental, tickInterval: parameters.tickInterval, venues: [parameters.cexPrice], spec: spec)
        let initialPool = ConstantProductPool(baseReserve: parameters.baseReserve, quoteReserve: parameters.baseReserve * parameters.fundamental.initialPrice,
                                              feeFraction: parameters.poolFeeFraction)
        pool = initialPool
        let states = parameters.bots.map { bot in
            BotState(parameters: bot, design: bot.isFocal ? focalDesign : bot.design, stream: spec.stream("amm-bot:" + bot.name), poolView: initialPool)
        }
        bots = states
        pushBots = states.indices.filter { states[$0].design.marketData == .push }
        blockStream = spec.stream("block-producer")
        measuring = spec.warmUp == .zero
    }

    func initialEvents(warmUp: SimDuration) -> [(Event, SimInstant)] {
        var events: [(Event, SimInstant)] = [(.fundamentalTick, .zero)]
        if warmUp > .zero { events.append((.warmUpEnd, .zero + warmUp)) }
        for b in bots.indices where bots[b].design.marketData == .pull { events.append((.botPoll(bot: b), .zero + bots[b].design.pollInterval)) }
        return events
    }

    /// The first block's delay (drawn from the block stream, the same in every design).
    mutating func firstBlockDelay() -> SimDuration { parameters.blockInterval.sampleDuration(blockStream) }

    var cexFee: Double { parameters.cex.takerFeeFraction }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .warmUpEnd:
            measuring = true
        case .fundamentalTick:
            let f = prices.fundamental.value(at: now)
            let p = prices.publication(venue: 0, fundamentalValue: f, now: now)
            context.schedule(.cexQuote(mid: p.mid), at: p.time)
            context.schedule(.fundamentalTick, after: prices.nextTickDelay())
        case .cexQuote(let mid):
            cexBook.refresh(mid: mid, halfSpreadFraction: parameters.cex.halfSpreadFraction, depth: .infinity)
            if parameters.cex.marketDataThrottle == .zero {
                broadcast(context: &context)
            } else if !flushPending {
                flushPending = true
                context.schedule(.cexFlush, at: Swift.max(now, lastFlush + parameters.cex.marketDataThrottle))
            }
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
            context.schedule(.block, after: Swift.max(SimDuration(nanoseconds: 1), parameters.blockInterval.sampleDuration(blockStream)))
        case .botBlockData(let b, let number, let base, let quote):
            if number > bots[b].blockSeen {
                bots[b].blockSeen = number
                bots[b].poolView = ConstantProductPool(baseReserve: base, quoteReserve: quote, feeFraction: parameters.poolFeeFraction)
            }
            decide(b, context: &context)
        case .transactionArrive(var transaction):
            transaction.arrival = now
            mempool.append(transaction)
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
        if measuring {
            blocks += 1
            if cexBook.isValid, let best = pool.arbitrage(externalBid: bid, externalAsk: ask) {
                profitAvailable += Swift.max(0, best.grossProfit - parameters.gasCost)
            }
        }
        var arbitraged = false
        let profitBefore = arbitrageProfitAtBlocks, feesBefore = poolFees, availableBefore = profitAvailable
        for transaction in mempool {
            let b = transaction.bot
            let output: Double
            let fee: Double
            switch transaction.direction {
            case .buyBaseFromPool:
                output = pool.baseOut(quoteIn: transaction.amountIn)
                fee = parameters.poolFeeFraction * transaction.amountIn
            case .sellBaseToPool:
                output = pool.quoteOut(baseIn: transaction.amountIn)
                fee = parameters.poolFeeFraction * transaction.amountIn * pool.price
            }
            let succeeded = output >= transaction.minimumOut
            if succeeded {
                if transaction.direction == .buyBaseFromPool { _ = pool.swapQuoteForBase(quoteIn: transaction.amountIn) } else { _ = pool.swapBaseForQuote(baseIn: transaction.amountIn) }
            }
            if measuring {
                transactionsIncluded += 1
                inclusionDelay.record(now - transaction.arrival)
                if succeeded {
                    poolFees += fee
                    let markedProfit = transaction.direction == .buyBaseFromPool
                        ? output * bid - transaction.amountIn - parameters.gasCost
                        : output - transaction.amountIn * ask - parameters.gasCost
                    arbitrageProfitAtBlocks += markedProfit
                    if !arbitraged { bots[b].statistics.blocksWon += 1 }
                    arbitraged = true
                } else {
                    revertedTransactions += 1
                }
            }
            if bots[b].attempts[transaction.attempt].measured { bots[b].statistics.inclusionDelay.record(now - transaction.arrival) }
            context.schedule(.receipt(bot: b, attempt: transaction.attempt, output: succeeded ? output : nil),
                             after: bots[b].parameters.blockDataLatency.sampleDuration(bots[b].stream))
        }
        mempool.removeAll(keepingCapacity: true)
        if measuring && arbitraged { blocksWithArbitrage += 1 }
        if measuring && keepTrace {
            blockRows.append(["\(blockNumber)", "\(now.nanosecondsSinceStart)", arbitraged ? "1" : "0",
                              formatSignificant(arbitrageProfitAtBlocks - profitBefore, digits: 8),
                              formatSignificant(poolFees - feesBefore, digits: 8),
                              formatSignificant(profitAvailable - availableBefore, digits: 8)])
        }
        for b in bots.indices {
            if measuring { counters.blockNotifications += 1 }
            context.schedule(.botBlockData(bot: b, block: blockNumber, baseReserve: pool.baseReserve, quoteReserve: pool.quoteReserve),
                             after: bots[b].parameters.blockDataLatency.sampleDuration(bots[b].stream))
        }
    }

    // MARK: Bots

    mutating func decide(_ b: Int, context: inout SimulationContext<Event>) {
        // Locals only: holding a copy of the bot state across the append below would copy the attempts buffer.
        let cexView = bots[b].cexView, blockSeen = bots[b].blockSeen, design = bots[b].design
        guard cexView.isValid, bots[b].inFlight < design.capacity else { return }
        guard (blockSeen, cexView.version) != bots[b].lastFired else { return }
        guard let trade = bots[b].poolView.arbitrage(externalBid: cexView.bid * (1 - cexFee), externalAsk: cexView.ask * (1 + cexFee)),
              trade.grossProfit - parameters.gasCost > bots[b].parameters.minProfit else { return }
        bots[b].lastFired = (blockSeen, cexView.version)
        bots[b].inFlight += 1
        let measured = measuring
        bots[b].attempts.append(Attempt(trade: trade, measured: measured))
        let a = bots[b].attempts.count - 1
        if measured { bots[b].statistics.transactions += 1; counters.transactions += 1 }
        let transaction = Transaction(bot: b, attempt: a, direction: trade.direction, amountIn: trade.amountIn,
                                      minimumOut: trade.expectedOut * (1 - bots[b].parameters.slippageFraction))
        context.schedule(.transactionArrive(transaction), after: bots[b].parameters.transactionLatency.sampleDuration(bots[b].stream))
        if design.legs == .concurrent { sendHedge(b, attempt: a, quantity: trade.baseQuantity, context: &context) }
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
        if bots[b].design.marketData == .push { decide(b, context: &context) }
    }
}
