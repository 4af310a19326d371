import LatSimCore
import LatSimMarkets
import LatSimSettlement

/// `pool:` on a `settlement` component: a constant-product pool living on the component's
/// chain. Swaps execute only when the chain includes them in a block, in the block's order
/// (FIFO, priority fee, or a builder auction: highest bid first), each re-checking its minimum
/// output against the pool as the swaps before it in the block left it (below it: reverted, the
/// pool unchanged, gas paid as the chain charges it).
///
///     - {name: eth, type: settlement, layer: {type: chain, name: l1, blocks: {type: poisson, mean_interval: 12s},
///                                             capacity: 100, ordering: auction, finality: {confirmations: 1}},
///        pool: {base_reserve: 10000, initial_price: 3000, fee_bps: 30, fee_destination: separate, reference: cex}}
///
/// The pool is part of the chain's state, so no message travels between the block producer and
/// the pool (there is no such wire). After each block (and once at time zero) the pool's
/// reserves go out on the settlement's `blocks` port, one message per connection (latency, loss
/// and faults apply), and every swap's receipt goes back to its sender over the connection it
/// came by. `reference` names a venue whose true book (no latency: an observer, like the price
/// source's) marks each block's arbitrage at sealing: the profit available and each swap's profit.
/// Reorgs are refused (a reorg would have to roll the pool back).
public struct AMMPoolParameters: Sendable {
    public var baseReserve: Double
    public var initialPrice: Double
    public var feeFraction: Double
    public var feeDestination: ConstantProductPool.FeeDestination
    /// The venue whose true book marks the arbitrage at each block (nil: no profit metrics).
    public var reference: String?
    public var notificationBytes: Int
    /// Records the per-block metrics net of the chain's gas (`pool_*_per_block_mean`, ...): the
    /// `cex-amm-arbitrage` template's figures. Off by default, so other graphs' outputs are unchanged.
    public var perBlockMetrics: Bool

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["base_reserve", "initial_price", "fee_bps", "fee_destination", "reference", "notification_bytes", "per_block_metrics"])
        baseReserve = try node.double("base_reserve", range: 1e-9...1e15)
        initialPrice = try node.double("initial_price", range: 1e-12...1e12)
        feeFraction = try node.double("fee_bps", default: 30, range: 0...9_999) / 10_000
        feeDestination = ConstantProductPool.FeeDestination(rawValue: try node.string("fee_destination", default: "reserves",
                                                                                       oneOf: ConstantProductPool.FeeDestination.allCases.map(\.rawValue)))!
        reference = node.has("reference") ? try node.string("reference") : nil
        notificationBytes = try node.int("notification_bytes", default: 128, range: 0...(1 << 30))
        perBlockMetrics = try node.bool("per_block_metrics", default: false)
        if perBlockMetrics && reference == nil {
            throw node.error("needs a reference venue (the per-block metrics mark each block at its book)",
                             allowed: "per_block_metrics: true with reference: <venue>", given: "no reference", key: "per_block_metrics")
        }
    }

    public var initialPool: ConstantProductPool {
        ConstantProductPool(baseReserve: baseReserve, quoteReserve: baseReserve * initialPrice, feeFraction: feeFraction,
                            feeDestination: feeDestination)
    }
}

/// One block as the pool saw it (kept for tests when the replication keeps a trace).
struct AMMBlockRecord: Sendable {
    var block: Int64
    var time: SimInstant
    /// The reference venue's true book at sealing (NaN without a reference).
    var bid: Double
    var ask: Double
    var priceBefore: Double
    var priceAfter: Double
    /// Swaps executed (not reverted) in the block.
    var executed: Int
    /// The included swaps in execution order (at most 16 kept): sender instance, bid, executed.
    var order: [(instance: Int32, bid: Double, executed: Bool)]
}

struct AMMPoolState {
    let parameters: AMMPoolParameters
    var pool: ConstantProductPool
    /// The reference venue (local index), -1 without one.
    var reference = -1
    var blockNumber: Int64 = 0
    /// Block-time searchers bound to this pool: instance, lead time.
    var searchers: [(instance: Int32, lead: SimDuration)] = []
    /// Ids (layer ids) of one-block bundles in the mempool, ascending.
    var bundles = ContiguousArray<Int>()
    var scratch = ContiguousArray<Int>()
    /// Re-schedulings of the current block so it seals after every other event at its instant.
    var deferrals = 0
    var keepRecords = false
    var records: [AMMBlockRecord] = []
    // Measured.
    var blocks: Int64 = 0
    var blocksTraded: Int64 = 0
    var lastTradedBlock: Int64 = -1
    var swapsExecuted: Int64 = 0
    var swapsReverted: Int64 = 0
    var bundlesDropped: Int64 = 0
    var profitAvailable = 0.0
    var profitExecuted = 0.0
    var profitOverValue = 0.0
    var fees = 0.0
    var notificationsSent: Int64 = 0
    // Net of the chain's gas (per_block_metrics): the optimal trade's profit less one gas (at
    // least 0), executed swaps' profit less their gas, and that over the pool value before the block.
    var profitAvailableNet = 0.0
    var profitExecutedNet = 0.0
    var profitOverValueNet = 0.0
    /// The pool value 2 sqrt(x y S) at the reference's mid before the current block's swaps.
    var valueBeforeBlock = Double.nan

    init(parameters: AMMPoolParameters) {
        self.parameters = parameters
        pool = parameters.initialPool
    }

    mutating func resetStatistics() {
        blocks = 0; blocksTraded = 0; swapsExecuted = 0; swapsReverted = 0; bundlesDropped = 0
        profitAvailable = 0; profitExecuted = 0; profitOverValue = 0; fees = 0
        profitAvailableNet = 0; profitExecutedNet = 0; profitOverValueNet = 0; notificationsSent = 0
    }

    /// At most this many re-schedulings per block (two pools sealing at one instant defer to each other).
    static let deferralLimit = 64
}

extension GraphModel {
    /// A swap's flags in `side`: bit 0 the direction (0 buys base from the pool), bit 1 a one-block
    /// bundle, bit 2 (receipts) left out of its block and dropped.
    static let swapSellsBase: UInt8 = 1
    static let swapBundle: UInt8 = 2
    static let swapDropped: UInt8 = 4
    /// Bit 3 (receipts): the first swap executed in its block.
    static let swapFirstInBlock: UInt8 = 8
    /// A dex-arbitrageur's timer: its lead instant before a block.
    static let dexLeadTimer: Int32 = 0

    static let ammPoolMetrics: [ComponentMetric] = [
        ComponentMetric("pool_blocks", "count", "blocks sealed during the measurement") { m, g, _ in m.poolSum(g) { Double($0.blocks) } },
        ComponentMetric("pool_swaps_executed", "count", "swaps executed (their minimum output held)") { m, g, _ in m.poolSum(g) { Double($0.swapsExecuted) } },
        ComponentMetric("pool_swaps_reverted", "count", "swaps included that reverted (minimum output not met, or the chain's revert draw)") { m, g, _ in
            m.poolSum(g) { Double($0.swapsReverted) } },
        ComponentMetric("pool_bundles_dropped", "count", "one-block bundles left out of their block (lost the auction) and dropped") { m, g, _ in
            m.poolSum(g) { Double($0.bundlesDropped) } },
        ComponentMetric("pool_trade_probability", "ratio", "blocks with at least one executed swap / blocks (NaN with no block)") { m, g, _ in
            let blocks = m.poolSum(g) { Double($0.blocks) }
            return blocks > 0 ? m.poolSum(g) { Double($0.blocksTraded) } / blocks : .nan },
        ComponentMetric("pool_profit_available", "quote", "sum over blocks of the band-edge swap's profit at the reference's true book at sealing, on the pool before the block (NaN without reference)") { m, g, _ in
            m.poolReferenced(g) { $0.profitAvailable } },
        ComponentMetric("pool_arbitrage_profit", "quote", "executed swaps' profit marked at the reference's true book at sealing, before gas and bids (NaN without reference)") { m, g, _ in
            m.poolReferenced(g) { $0.profitExecuted } },
        ComponentMetric("pool_profit_over_value_per_year", "1/year", "executed swaps' profit over the pool value 2 sqrt(x y S) at the reference's mid, per year of measurement (NaN without reference)") { m, g, end in
            let years = (end - m.measureStart).seconds / secondsPerYear
            return years > 0 ? m.poolReferenced(g) { $0.profitOverValue } / years : .nan },
        ComponentMetric("pool_fees", "quote", "fees the executed swaps paid the pool (a base input valued at the pool price before the swap)") { m, g, _ in
            m.poolSum(g) { $0.fees } },
        ComponentMetric("pool_price_end", "quote", "the pool's price y / x at the end (mean over instances)") { m, g, _ in
            let n = Double(m.instances(of: g).count)
            return m.poolSum(g) { $0.pool.price } / n },
    ]

    /// With `per_block_metrics: true` only: the `cex-amm-arbitrage` kind's per-block
    /// figures, net of the chain's gas (NaN with no measured block).
    static let ammPoolBlockMetrics: [ComponentMetric] = [
        ComponentMetric("pool_arbitrage_profit_per_block_mean", "quote", "executed swaps' profit marked at the reference's true book at sealing, net of the chain's gas, per block") { m, g, _ in
            m.poolPerBlock(g) { $0.profitExecutedNet } },
        ComponentMetric("pool_profit_available_per_block_mean", "quote", "the band-edge swap's profit at the reference at sealing less one gas (at least 0), per block") { m, g, _ in
            m.poolPerBlock(g) { $0.profitAvailableNet } },
        ComponentMetric("pool_arbitrage_capture_ratio", "ratio", "executed swaps' net profit / net profit available, summed over blocks (NaN when none was available)") { m, g, _ in
            let available = m.poolSum(g) { $0.profitAvailableNet }
            return available > 0 ? m.poolSum(g) { $0.profitExecutedNet } / available : .nan },
        ComponentMetric("pool_arbitrage_profit_over_pool_value_per_year", "1/year", "executed swaps' net profit over the pool value 2 sqrt(x y S) before their block, per year of measurement (NaN with no block)") { m, g, end in
            let years = (end - m.measureStart).seconds / secondsPerYear
            return years > 0 && m.poolSum(g, { Double($0.blocks) }) > 0 ? m.poolSum(g) { $0.profitOverValueNet } / years : .nan },
        ComponentMetric("pool_fees_per_block_mean", "quote", "pool_fees per block") { m, g, _ in m.poolPerBlock(g) { $0.fees } },
        ComponentMetric("pool_transactions_per_block_mean", "count", "swaps included (executed or reverted) per block") { m, g, _ in
            m.poolPerBlock(g) { Double($0.swapsExecuted + $0.swapsReverted) } },
        ComponentMetric("pool_notifications_sent", "count", "block notifications sent on `blocks` (one per connection per block)") { m, g, _ in
            m.poolSum(g) { Double($0.notificationsSent) } },
    ]

    /// A pool sum per measured block (NaN with no block).
    func poolPerBlock(_ g: Int, _ f: (AMMPoolState) -> Double) -> Double {
        let blocks = poolSum(g) { Double($0.blocks) }
        return blocks > 0 ? poolSum(g, f) / blocks : .nan
    }

    func poolSum(_ g: Int, _ f: (AMMPoolState) -> Double) -> Double {
        var total = 0.0, any = false
        for i in instances(of: g) {
            guard let state = settlements[Int(instanceInfo[Int(i)].local)].amm else { continue }
            total += f(state)
            any = true
        }
        return any ? total : .nan
    }

    func poolReferenced(_ g: Int, _ f: (AMMPoolState) -> Double) -> Double {
        guard let first = instances(of: g).first, settlements[Int(instanceInfo[Int(first)].local)].amm?.reference ?? -1 >= 0 else { return .nan }
        return poolSum(g, f)
    }

    /// The reference venue's true book (bid, ask net of its taker fee), or nil.
    func poolReferenceQuote(_ state: AMMPoolState) -> (bid: Double, ask: Double, mid: Double)? {
        guard state.reference >= 0 else { return nil }
        let book = market.books[state.reference]
        guard book.isValid else { return nil }
        let fee = market.fees[state.reference]
        return (book.bid * (1 - fee), book.ask * (1 + fee), book.mid)
    }

    /// Before a block is produced: the profit available on the pool as it stands, at the reference.
    mutating func poolBeforeBlock(_ local: Int, now: SimInstant) {
        guard var amm = settlements[local].amm else { return }
        amm.blockNumber += 1
        let quote = poolReferenceQuote(amm)
        amm.valueBeforeBlock = quote.map { amm.pool.value(atPrice: $0.mid) } ?? .nan
        if measuring {
            amm.blocks += 1
            if let quote, let best = amm.pool.arbitrage(externalBid: quote.bid, externalAsk: quote.ask) {
                amm.profitAvailable += Swift.max(0, best.grossProfit)
                amm.profitAvailableNet += Swift.max(0, best.grossProfit - (settlements[local].layer.chain?.spec.gas ?? 0))
            }
        }
        if amm.keepRecords && amm.records.count < ReplicationSpec.traceRowLimit {
            let quote = poolReferenceQuote(amm)
            amm.records.append(AMMBlockRecord(block: amm.blockNumber, time: now, bid: quote?.bid ?? .nan, ask: quote?.ask ?? .nan,
                                              priceBefore: amm.pool.price, priceAfter: amm.pool.price, executed: 0, order: []))
        }
        settlements[local].amm = amm
    }

    /// Executes swap `m`, included in the current block (`reverted`: the chain's revert draw),
    /// and turns it into its receipt: `value3` the output (NaN: reverted), `value0` its profit at
    /// the reference (NaN without one), `value1` the gas it paid, `value2` its bid (kept), `tag`
    /// the block number.
    mutating func poolExecute(_ local: Int, instance: Int32, _ m: Int32, reverted: Bool, context: inout SimulationContext<GraphEvent>) {
        guard var amm = settlements[local].amm else { return }
        let sellsBase = pool[m].side & GraphModel.swapSellsBase != 0
        let swap = AMMSwap(direction: sellsBase ? .sellBaseToPool : .buyBaseFromPool, amountIn: pool[m].value0, minimumOut: pool[m].value1)
        let bid = pool[m].value2
        let feeQuote = amm.parameters.feeFraction * swap.amountIn * (sellsBase ? amm.pool.price : 1)
        let output = reverted ? nil : amm.pool.execute(swap)
        let gas = settlements[local].layer.chain?.spec.gas ?? 0
        var profit = Double.nan
        var first = false
        if let output {
            if let quote = poolReferenceQuote(amm) {
                profit = AMMArbitrageDecision.markedProfit(direction: swap.direction, amountIn: swap.amountIn, output: output,
                                                           externalBid: quote.bid, externalAsk: quote.ask, gasCost: 0)
                if measuring {
                    amm.profitExecuted += profit
                    amm.profitOverValue += profit / amm.pool.value(atPrice: quote.mid)
                    amm.profitExecutedNet += profit - gas
                    amm.profitOverValueNet += (profit - gas) / amm.valueBeforeBlock
                    // The sender's share, credited at the block (as the pool's sums are).
                    let sender = pool[m].origin
                    if sender >= 0 && instanceInfo[Int(sender)].type == .dexArbitrageur {
                        dexArbitrageurs[Int(instanceInfo[Int(sender)].local)].statistics.arbitrageProfitNet += profit - gas
                    }
                }
            }
            if measuring {
                amm.swapsExecuted += 1
                amm.fees += feeQuote
                if amm.lastTradedBlock != amm.blockNumber { amm.blocksTraded += 1 }
            }
            first = amm.lastTradedBlock != amm.blockNumber
            let sender = pool[m].origin
            if first && measuring && sender >= 0 && instanceInfo[Int(sender)].type == .dexArbitrageur {
                dexArbitrageurs[Int(instanceInfo[Int(sender)].local)].statistics.blocksWonFirst += 1
            }
            amm.lastTradedBlock = amm.blockNumber
            if amm.keepRecords, amm.records.last?.block == amm.blockNumber { amm.records[amm.records.count - 1].executed += 1 }
        } else if measuring {
            amm.swapsReverted += 1
        }
        if amm.keepRecords, amm.records.last?.block == amm.blockNumber {
            let last = amm.records.count - 1
            amm.records[last].priceAfter = amm.pool.price
            if amm.records[last].order.count < 16 { amm.records[last].order.append((pool[m].origin, bid, output != nil)) }
        }
        if first { pool[m].side |= GraphModel.swapFirstInBlock }
        pool[m].value3 = output ?? .nan
        pool[m].value0 = profit
        pool[m].value1 = gas
        pool[m].tag = amm.blockNumber
        settlements[local].amm = amm
        poolReceipt(local, m, context: &context)
    }

    /// A receipt goes back to the swap's sender (consumed when it wants none).
    mutating func poolReceipt(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool.account(m, .service, at: context.now)
        if pool[m].wantsReply {
            reply(m, sizeBytes: settlements[local].parameters.replyBytes, context: &context)
        } else {
            discard(m)
        }
    }

    /// After a block: drops the bundles it left out (they were valid for it only), sends the
    /// pool's reserves to the `blocks` subscribers, and wakes the bound searchers before the next block.
    mutating func poolAfterBlock(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard settlements[local].amm != nil else { return }
        var losers = settlements[local].amm!.scratch
        losers.removeAll(keepingCapacity: true)
        for id in settlements[local].amm!.bundles where settlements[local].pending[id] != nil { losers.append(id) }
        settlements[local].amm!.bundles.removeAll(keepingCapacity: true)
        if !losers.isEmpty {
            let sorted = losers
            settlements[local].layer.removeFromMempool { id in
                var lower = 0, upper = sorted.count
                while lower < upper {
                    let middle = (lower + upper) / 2
                    if sorted[middle] < id { lower = middle + 1 } else { upper = middle }
                }
                return lower < sorted.count && sorted[lower] == id
            }
            let paysGas = settlements[local].layer.chain.map { $0.spec.ordering == .auction && $0.spec.losingBundlePays == .gas } ?? false
            let gas = settlements[local].layer.chain?.spec.gas ?? 0
            for id in losers {
                guard let entry = settlements[local].pending.removeValue(forKey: id) else { continue }
                if measuring { settlements[local].amm!.bundlesDropped += 1 }
                let m = entry.message
                pool[m].side |= GraphModel.swapDropped
                pool[m].value3 = .nan
                pool[m].value0 = .nan
                pool[m].value1 = paysGas ? gas : 0
                pool[m].tag = settlements[local].amm!.blockNumber
                poolReceipt(local, m, context: &context)
            }
        }
        settlements[local].amm!.scratch = losers
        poolPublish(local, instance: instance, context: &context)
        let next = settlements[local].layer.nextBlockTime
        guard next != .distantFuture else { return }
        for searcher in settlements[local].amm!.searchers {
            let at = next - searcher.lead
            context.schedule(.timer(component: searcher.instance, code: GraphModel.dexLeadTimer, payload: 0), at: Swift.max(context.now, at))
        }
    }

    /// The pool's reserves, one message per `blocks` connection.
    mutating func poolPublish(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard let amm = settlements[local].amm else { return }
        let now = context.now
        if measuring { settlements[local].amm!.notificationsSent += Int64(out2Start[Int(instance) + 1] - out2Start[Int(instance)]) }
        for k in out2Start[Int(instance)]..<out2Start[Int(instance) + 1] {
            let m = create(by: instance, now: now)
            pool[m].kind = .poolState
            pool[m].value0 = amm.pool.baseReserve
            pool[m].value1 = amm.pool.quoteReserve
            pool[m].tag = amm.blockNumber
            pool[m].sizeBytes = UInt32(clamping: amm.parameters.notificationBytes)
            transmit(m, over: out2Connections[Int(k)], context: &context)
        }
    }
}
