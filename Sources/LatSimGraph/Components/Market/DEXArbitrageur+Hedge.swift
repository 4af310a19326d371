import LatSimCore
import LatSimMarkets

/// A dex-arbitrageur with `design:`: each swap is an attempt with a hedge leg on the venue
/// (an immediate-or-cancel market order on the bot's `out` connection to the venue), settled
/// once its receipt and its hedge (and, for a reverted swap whose concurrent hedge filled, the
/// unwind) are acknowledged: the `cex-amm-arbitrage` kind's bot.
///
///     - {name: focal, type: dex-arbitrageur, design: sync, gas_cost: 0.1}    # pull, sequential hedge, one attempt
///
/// Settlement (docs/graph.md): cash flows net of the venue's taker fee and the swap's gas,
/// residual base marked at the venue's true mid then; a legging failure costs
/// q (unwind (1 + fee) - hedge (1 - fee)) after buying base from the pool (mirrored after selling).
/// Invariant: the bot holds at most its design's capacity of attempts; slots are reused.
extension GraphModel {
    /// A dex-arbitrageur's timer: its next poll of the venue (`design` with `market_data: pull`).
    static let dexPollTimer: Int32 = 1

    static let dexDesignMetrics: [ComponentMetric] = [
        ComponentMetric("hedges_sent", "count", "hedge orders sent to the venue (unwinds not counted)") { m, g, _ in m.dexSum(g) { Double($0.hedgesSent) } },
        ComponentMetric("attempts_succeeded", "count", "settled attempts whose swap executed") { m, g, _ in m.dexSum(g) { Double($0.attemptsSucceeded) } },
        ComponentMetric("attempts_reverted", "count", "settled attempts whose swap reverted or was dropped") { m, g, _ in m.dexSum(g) { Double($0.attemptsReverted) } },
        ComponentMetric("legging_failures", "count", "settled attempts whose swap failed after its concurrent hedge filled (the hedge unwound)") { m, g, _ in
            m.dexSum(g) { Double($0.leggingFailures) } },
        ComponentMetric("legging_cost", "quote", "losses from unwinding those hedges, fees included") { m, g, _ in m.dexSum(g) { $0.leggingCost } },
        ComponentMetric("realised_profit", "quote", "settled attempts' cash flows net of the venue's fee and gas, residual base at the venue's true mid") { m, g, _ in
            m.dexSum(g) { $0.realisedProfit } },
        ComponentMetric("arbitrage_profit", "quote", "executed swaps' profit marked at the pool's reference at sealing, net of gas (no executed swap: 0)") { m, g, _ in
            m.dexSum(g) { $0.arbitrageProfitNet } },
        ComponentMetric("arbitrage_capture_ratio", "ratio", "arbitrage_profit / the pool's net profit available (per_block_metrics; NaN when none)") { m, g, _ in
            m.dexNetCapture(g) },
        ComponentMetric("blocks_won_first", "count", "blocks whose first executed swap was this bot's") { m, g, _ in m.dexSum(g) { Double($0.blocksWonFirst) } },
        ComponentMetric("blocks_won_ratio", "ratio", "blocks_won_first / the pool's blocks with an executed swap (NaN with none)") { m, g, _ in
            m.dexBlocksWonRatio(g) },
    ]

    func dexNetCapture(_ g: Int) -> Double {
        guard let first = instances(of: g).first else { return .nan }
        let s = dexArbitrageurs[Int(instanceInfo[Int(first)].local)].settlement
        guard s >= 0, let amm = settlements[s].amm, amm.reference >= 0, amm.profitAvailableNet > 0 else { return .nan }
        return dexSum(g) { $0.arbitrageProfitNet } / amm.profitAvailableNet
    }

    func dexBlocksWonRatio(_ g: Int) -> Double {
        guard let first = instances(of: g).first else { return .nan }
        let s = dexArbitrageurs[Int(instanceInfo[Int(first)].local)].settlement
        guard s >= 0, let amm = settlements[s].amm, amm.blocksTraded > 0 else { return .nan }
        return dexSum(g) { Double($0.blocksWonFirst) } / Double(amm.blocksTraded)
    }

    /// A polling design's first poll.
    func startDEXArbitrageur(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        guard let design = dexArbitrageurs[local].parameters.design, design.marketData == .pull else { return [] }
        return [(.timer(component: instance, code: GraphModel.dexPollTimer, payload: 0), .zero + design.pollInterval)]
    }

    /// A snapshot request to the venue (its answer schedules the next poll).
    mutating func dexPoll(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let c = dexArbitrageurs[local].venueConnection
        guard c >= 0 else { return }
        let m = create(by: instance, now: context.now)
        pool[m].kind = .request
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: dexArbitrageurs[local].parameters.requestBytes)
        if measuring { dexArbitrageurs[local].statistics.requests += 1 }
        transmit(m, over: c, context: &context)
    }

    /// A new attempt's slot (a settled one's when free).
    mutating func dexNewAttempt(_ local: Int, trade: AMMArbitrageTrade) -> Int32 {
        let attempt = DEXAttempt(buysFromPool: trade.direction == .buyBaseFromPool, amountIn: trade.amountIn,
                                 baseQuantity: trade.baseQuantity, measured: measuring)
        if let slot = dexArbitrageurs[local].freeAttempts.popLast() {
            dexArbitrageurs[local].attempts[Int(slot)] = attempt
            return slot
        }
        dexArbitrageurs[local].attempts.append(attempt)
        return Int32(dexArbitrageurs[local].attempts.count - 1)
    }

    /// The hedge (or, `unwind`, its reversal): a market order for `quantity` base on the venue.
    /// The hedge sells base after buying it from the pool, and buys it after selling it there.
    mutating func dexSendHedge(_ local: Int, instance: Int32, attempt a: Int32, quantity: Double, unwind: Bool = false,
                               context: inout SimulationContext<GraphEvent>) {
        let c = dexArbitrageurs[local].venueConnection
        let buysFromPool = dexArbitrageurs[local].attempts[Int(a)].buysFromPool
        if unwind {
            dexArbitrageurs[local].attempts[Int(a)].unwindSent = true
        } else {
            dexArbitrageurs[local].attempts[Int(a)].hedgeSent = true
            dexArbitrageurs[local].attempts[Int(a)].hedgeQuantity = quantity
            if measuring { dexArbitrageurs[local].statistics.hedgesSent += 1 }
        }
        let sells = unwind ? !buysFromPool : buysFromPool
        let m = create(by: instance, now: context.now)
        pool[m].kind = .order
        pool[m].side = sells ? 1 : 0
        pool[m].value0 = sells ? -Double.infinity : Double.infinity    // a market order: any price
        pool[m].value1 = quantity
        pool[m].slot = a
        pool[m].key = unwind ? 1 : 0
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: dexArbitrageurs[local].parameters.orderBytes)
        transmit(m, over: c, context: &context)
    }

    /// A hedge's (or unwind's) acknowledgement: its fill price (NaN: missed or rejected).
    mutating func dexHedgeAcknowledged(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let a = Int(pool[m].slot)
        let price = pool[m].isRejected ? Double.nan : pool[m].value2
        if pool[m].key == 1 {
            dexArbitrageurs[local].attempts[a].unwindPrice = price
            dexArbitrageurs[local].attempts[a].unwindAnswered = true
        } else {
            dexArbitrageurs[local].attempts[a].hedgePrice = price
            dexArbitrageurs[local].attempts[a].hedgeAnswered = true
        }
        discard(m)
        dexAdvance(local, instance: instance, attempt: Int32(a), context: &context)
    }

    /// A swap's receipt (counted by `dexReply`): into its attempt, which moves on.
    mutating func dexSwapReceipt(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let a = Int(pool[m].slot)
        let executed = pool[m].side & GraphModel.swapDropped == 0 && !pool[m].value3.isNaN
        dexArbitrageurs[local].attempts[a].receipt = executed ? 1 : 2
        dexArbitrageurs[local].attempts[a].output = executed ? pool[m].value3 : 0
        dexArbitrageurs[local].attempts[a].gas = pool[m].value1
        if pool[m].tag > dexArbitrageurs[local].receiptBlock { dexArbitrageurs[local].receiptBlock = pool[m].tag }
        discard(m)
        dexAdvance(local, instance: instance, attempt: Int32(a), context: &context)
    }

    /// Moves an attempt on after a receipt or an acknowledgement, and settles it when nothing is pending.
    mutating func dexAdvance(_ local: Int, instance: Int32, attempt a: Int32, context: inout SimulationContext<GraphEvent>) {
        let attempt = dexArbitrageurs[local].attempts[Int(a)]
        guard attempt.receipt != 0 else { return }
        if attempt.receipt == 1 {
            if !attempt.hedgeSent {
                let quantity = attempt.buysFromPool ? attempt.output : attempt.amountIn
                dexSendHedge(local, instance: instance, attempt: a, quantity: quantity, context: &context)
                return
            }
            guard attempt.hedgeAnswered else { return }
        } else if attempt.hedgeSent {
            guard attempt.hedgeAnswered else { return }
            if !attempt.hedgePrice.isNaN {
                if !attempt.unwindSent {
                    dexSendHedge(local, instance: instance, attempt: a, quantity: attempt.hedgeQuantity, unwind: true, context: &context)
                    return
                }
                guard attempt.unwindAnswered else { return }
            }
        }
        dexSettle(local, instance: instance, attempt: a, context: &context)
    }

    /// Settles an attempt: its cash flows and residual base, its slot freed; a pushed design decides again.
    mutating func dexSettle(_ local: Int, instance: Int32, attempt a: Int32, context: inout SimulationContext<GraphEvent>) {
        let attempt = dexArbitrageurs[local].attempts[Int(a)]
        dexArbitrageurs[local].inFlight -= 1
        dexArbitrageurs[local].freeAttempts.append(a)
        if attempt.measured {
            let venue = dexArbitrageurs[local].venue
            let fee = venue >= 0 ? market.fees[venue] : 0
            let q = attempt.hedgeQuantity, buys = attempt.buysFromPool
            var cash = -attempt.gas, base = 0.0
            if attempt.receipt == 1 {
                dexArbitrageurs[local].statistics.attemptsSucceeded += 1
                if buys { cash -= attempt.amountIn; base += attempt.output } else { cash += attempt.output; base -= attempt.amountIn }
            } else {
                dexArbitrageurs[local].statistics.attemptsReverted += 1
            }
            let hedge = attempt.hedgePrice
            if !hedge.isNaN {
                if buys { cash += q * hedge * (1 - fee); base -= q } else { cash -= q * hedge * (1 + fee); base += q }
                let unwind = attempt.unwindPrice
                if !unwind.isNaN {
                    dexArbitrageurs[local].statistics.leggingFailures += 1
                    if buys {
                        cash -= q * unwind * (1 + fee); base += q
                        dexArbitrageurs[local].statistics.leggingCost += q * (unwind * (1 + fee) - hedge * (1 - fee))
                    } else {
                        cash += q * unwind * (1 - fee); base -= q
                        dexArbitrageurs[local].statistics.leggingCost += q * (hedge * (1 + fee) - unwind * (1 - fee))
                    }
                }
            }
            let mid = venue >= 0 ? market.books[venue].mid : .nan
            dexArbitrageurs[local].statistics.realisedProfit += cash + (base == 0 ? 0 : base * mid)
        }
        if dexArbitrageurs[local].parameters.design?.marketData == .push { dexDecide(local, instance: instance, context: &context) }
    }
}
