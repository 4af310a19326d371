import LatSimCore
import LatSimMarkets
import LatSimSettlement

/// `type: dex-arbitrageur`: a CEX-DEX arbitrageur trading a settlement component's pool
/// (`pool:`) against a venue (the CEX).
///
///     - {name: mev, type: dex-arbitrageur, strategy: searcher, lead_time: 200ms, bid: {share: 0.9}}
///     connections:
///       - {from: cex.out, to: mev.in, link: 1ms}       # the CEX feed
///       - {from: chain.blocks, to: mev.in, link: 50ms} # the pool after each block
///       - {from: mev.out, to: chain.in, link: 20ms}    # swaps; receipts come back over it
///
/// It keeps a view of the CEX (the newest quote its feed, or a pull, brought) and of the pool
/// (the reserves of the newest block notification), and sizes the swap that brings its pool
/// view to the edge of the fee band against its CEX view (`AMMArbitrageDecision`: docs/markets.md
/// section 3), with minimum output expected x (1 - slippage). `mempool`: decides whenever a view
/// changes (never twice on the same pair of views, at most `max_in_flight` swaps awaiting their
/// receipt) and sends the swap to the chain's mempool, where it waits until a block includes it.
/// `searcher`: decides once per block, `lead_time` before the block is sealed (the builder's
/// deadline, known to it without latency), on its CEX view then (`market_data: pull`: on a
/// snapshot it requests from the venue then), and sends a bundle valid for that block only
/// (left out, it is dropped). Each swap bids `bid` (a share of the expected profit, or a fixed
/// amount): the priority fee, or the builder-auction bid, paid when included.
/// `design:` (a bot design, `mempool` only: docs/markets.md) makes it the `cex-amm-arbitrage`
/// kind's bot: it hedges each swap on its venue (an immediate-or-cancel market order on the
/// `out` connection to the venue: with the swap, `concurrent`, or after an executed receipt,
/// `sequential`; a concurrent hedge of a reverted swap is unwound), pulls the venue every
/// `poll_interval` after the last snapshot (`pull`) or takes its feed (`push`), and keeps at
/// most the design's capacity of attempts in flight until each settles (receipt, hedge,
/// unwind); it does not decide on a pool view older than a receipt it holds, and a quote
/// that leaves the bid and ask unchanged (a hedge's fill on a deep book) is not a new view.
/// Invariant: every swap sent ends in one receipt (executed, reverted or dropped) unless a link
/// or a fault loses it; memory is the views, counters and (with `design`) the design's capacity
/// of attempts.
public struct DEXArbitrageurParameters: Sendable {
    public enum Strategy: String, Sendable, CaseIterable { case mempool, searcher }
    public enum MarketData: String, Sendable, CaseIterable { case push, pull }
    public enum Bid: Sendable, Equatable {
        /// A share of the expected gross profit at the bot's views.
        case share(Double)
        /// A fixed amount (quote).
        case fixed(Double)
    }

    public var strategy: Strategy
    public var leadTime: SimDuration
    public var marketData: MarketData
    public var bid: Bid
    public var gasCost: Double
    public var minProfit: Double
    public var slippageFraction: Double
    public var maxInFlight: Int
    public var swapBytes: Int
    public var requestBytes: Int
    /// The `cex-amm-arbitrage` bot's design (hedge legs on the venue, polling, attempts until settled); nil: none.
    public var design: BotDesign?
    public var orderBytes: Int

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["strategy", "lead_time", "market_data", "bid", "gas_cost", "min_profit", "slippage_bps", "max_in_flight",
                            "swap_bytes", "request_bytes", "design", "order_bytes"])
        strategy = Strategy(rawValue: try node.string("strategy", default: "mempool", oneOf: Strategy.allCases.map(\.rawValue)))!
        marketData = MarketData(rawValue: try node.string("market_data", default: "push", oneOf: MarketData.allCases.map(\.rawValue)))!
        if strategy == .mempool {
            for key in ["lead_time"] where node.has(key) {
                throw node.child(key)!.error("is a searcher's key", allowed: "with strategy: searcher", given: "strategy: mempool", key: key)
            }
            if marketData == .pull {
                throw node.child("market_data")!.error("pull is a searcher's (it pulls at its lead instant)",
                                                        allowed: "push with strategy: mempool", given: "pull", key: "market_data")
            }
        } else if node.has("max_in_flight") {
            throw node.child("max_in_flight")!.error("is a mempool arbitrageur's key (a searcher sends one bundle per block)",
                                                      allowed: "with strategy: mempool", given: "strategy: searcher", key: "max_in_flight")
        }
        leadTime = try node.duration("lead_time", default: .zero)
        if let designNode = node.child("design") {
            if strategy == .searcher {
                throw node.error("is a mempool arbitrageur's key (a searcher does not hedge on the venue)",
                                 allowed: "design with strategy: mempool", given: "strategy: searcher", key: "design")
            }
            for key in ["market_data", "max_in_flight"] where node.has(key) {
                throw node.error("is set by design (its market_data and max_in_flight)",
                                 allowed: "either design or \(key)", given: "both design and \(key)", key: key)
            }
            let design = try BotDesign(config: designNode)
            self.design = design
        } else {
            design = nil
        }
        orderBytes = try node.int("order_bytes", default: 128, range: 0...(1 << 30))
        if let bidNode = node.child("bid") {
            if bidNode.has("share") || bidNode.has("fixed") {
                try bidNode.checkKeys(["share", "fixed"])
                if bidNode.has("share") && bidNode.has("fixed") {
                    throw bidNode.error("gives both share and fixed", allowed: "one of {share: 0...1} or {fixed: amount}", given: "both")
                }
                bid = bidNode.has("share") ? .share(try bidNode.double("share", range: 0...1)) : .fixed(try bidNode.double("fixed", range: 0...1e15))
            } else {
                bid = .fixed(try bidNode.doubleValue(range: 0...1e15))
            }
        } else {
            bid = .fixed(0)
        }
        gasCost = try node.double("gas_cost", default: 0, range: 0...1e15)
        minProfit = try node.double("min_profit", default: 0, range: -1e15...1e15)
        slippageFraction = try node.double("slippage_bps", default: 0, range: 0...10_000) / 10_000
        maxInFlight = try design.map { $0.capacity } ?? node.int("max_in_flight", default: 1, range: 1...1_000_000)
        swapBytes = try node.int("swap_bytes", default: 256, range: 0...(1 << 30))
        requestBytes = try node.int("request_bytes", default: 64, range: 0...(1 << 30))
    }

    /// The bid for a swap of expected gross profit `profit`.
    func bidAmount(profit: Double) -> Double {
        switch bid {
        case .share(let share): return share * Swift.max(0, profit)
        case .fixed(let amount): return amount
        }
    }
}

struct DEXStatistics {
    var swapsSent: Int64 = 0
    var swapsExecuted: Int64 = 0
    var swapsReverted: Int64 = 0
    var swapsDropped: Int64 = 0
    var profitGross = 0.0
    var bidsPaid = 0.0
    var gasPaid = 0.0
    var blocksWon: Int64 = 0
    var marketData: Int64 = 0
    var poolUpdates: Int64 = 0
    var requests: Int64 = 0
    // With `design`: attempts settled during the measurement (decided after the warm-up).
    var hedgesSent: Int64 = 0
    var attemptsSucceeded: Int64 = 0
    var attemptsReverted: Int64 = 0
    var leggingFailures: Int64 = 0
    var leggingCost = 0.0
    var realisedProfit = 0.0
    /// Executed swaps' profit at the reference less their gas (receipts of measured swaps).
    var arbitrageProfitNet = 0.0
    var blocksWonFirst: Int64 = 0
}

/// One swap and its hedge legs (`design` only), from the decision to settlement.
struct DEXAttempt {
    var buysFromPool = true
    var amountIn = 0.0
    var baseQuantity = 0.0
    var measured = false
    /// 0 waiting for the receipt, 1 executed (`output`), 2 reverted or dropped.
    var receipt: UInt8 = 0
    var output = 0.0
    /// The gas its receipt says the swap paid.
    var gas = 0.0
    var hedgeSent = false
    var hedgeQuantity = 0.0
    /// NaN until the hedge's acknowledgement (and NaN when it missed: then `hedgeAnswered`).
    var hedgePrice = Double.nan
    var hedgeAnswered = false
    var unwindSent = false
    var unwindPrice = Double.nan
    var unwindAnswered = false
}

struct DEXArbitrageurState {
    let parameters: DEXArbitrageurParameters
    /// The connection to the pool's settlement (swaps), and to the venue (pulls; -1: none), per instance.
    var swapConnection: Int32 = -1
    var venueConnection: Int32 = -1
    /// The pool's settlement (local index) and the venue whose fee it assumes (local index; -1: unknown).
    var settlement = -1
    var venue = -1
    var cexView = TopOfBook()
    var cexFee = 0.0
    var poolView: ConstantProductPool?
    var blockSeen: Int64 = -1
    var lastFired: (block: Int64, version: Int64) = (-1, -1)
    var inFlight = 0
    var lastWonBlock: Int64 = -1
    var statistics = DEXStatistics()
    /// With `design`: the newest block whose receipt it holds, and its attempts (slots reused).
    var receiptBlock: Int64 = -1
    var attempts = ContiguousArray<DEXAttempt>()
    var freeAttempts = ContiguousArray<Int32>()

    init(parameters: DEXArbitrageurParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let dexArbitrageurMetrics: [ComponentMetric] = [
        ComponentMetric("swaps_sent", "count", "swaps sent to the chain") { m, g, _ in m.dexSum(g) { Double($0.swapsSent) } },
        ComponentMetric("swaps_included", "count", "receipts of swaps a block included (executed or reverted)") { m, g, _ in
            m.dexSum(g) { Double($0.swapsExecuted + $0.swapsReverted) } },
        ComponentMetric("swaps_executed", "count", "receipts of executed swaps") { m, g, _ in m.dexSum(g) { Double($0.swapsExecuted) } },
        ComponentMetric("swaps_reverted", "count", "receipts of reverted swaps (the pool moved past the minimum output, or the chain's revert draw)") { m, g, _ in
            m.dexSum(g) { Double($0.swapsReverted) } },
        ComponentMetric("swaps_dropped", "count", "receipts of bundles left out of their block (lost the auction)") { m, g, _ in
            m.dexSum(g) { Double($0.swapsDropped) } },
        ComponentMetric("revert_rate", "ratio", "reverted / included (NaN with none included)") { m, g, _ in
            let included = m.dexSum(g) { Double($0.swapsExecuted + $0.swapsReverted) }
            return included > 0 ? m.dexSum(g) { Double($0.swapsReverted) } / included : .nan },
        ComponentMetric("profit_gross", "quote", "executed swaps' profit marked at the pool's reference venue at sealing (NaN when the pool has no reference or nothing executed)") { m, g, _ in
            m.dexSum(g) { Double($0.swapsExecuted) } == 0 ? .nan : m.dexSum(g) { $0.profitGross } },
        ComponentMetric("bids_paid", "quote", "bids (priority fees) of included swaps") { m, g, _ in m.dexSum(g) { $0.bidsPaid } },
        ComponentMetric("gas_paid", "quote", "gas of included swaps, and of lost bundles where the chain charges it") { m, g, _ in m.dexSum(g) { $0.gasPaid } },
        ComponentMetric("profit", "quote", "profit_gross - bids_paid - gas_paid (NaN when profit_gross is)") { m, g, _ in
            m.dexSum(g) { Double($0.swapsExecuted) } == 0 ? .nan : m.dexSum(g) { $0.profitGross - $0.bidsPaid - $0.gasPaid } },
        ComponentMetric("blocks_won", "count", "blocks in which one of its swaps executed") { m, g, _ in m.dexSum(g) { Double($0.blocksWon) } },
        ComponentMetric("capture", "ratio", "profit_gross / the pool's pool_profit_available over the measurement (NaN when none was available or no reference)") { m, g, _ in
            m.dexCapture(g) },
        ComponentMetric("market_data_received", "count", "CEX quotes received (feed or pulls)") { m, g, _ in m.dexSum(g) { Double($0.marketData) } },
        ComponentMetric("pool_updates_received", "count", "block notifications received") { m, g, _ in m.dexSum(g) { Double($0.poolUpdates) } },
        ComponentMetric("requests", "count", "snapshot requests sent to the venue (market_data: pull)") { m, g, _ in m.dexSum(g) { Double($0.requests) } },
    ]

    func dexSum(_ g: Int, _ f: (DEXStatistics) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(dexArbitrageurs[Int(instanceInfo[Int($1)].local)].statistics) }
    }

    func dexCapture(_ g: Int) -> Double {
        guard let first = instances(of: g).first else { return .nan }
        let s = dexArbitrageurs[Int(instanceInfo[Int(first)].local)].settlement
        guard s >= 0, let amm = settlements[s].amm, amm.reference >= 0, amm.profitAvailable > 0 else { return .nan }
        return dexSum(g) { $0.profitGross } / amm.profitAvailable
    }

    mutating func dexReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        switch pool[m].kind {
        case .quote:
            let isNew = dexStoreQuote(local, m)
            discard(m)
            // With a design, a quote that changes neither side (a hedge's fill) is not a new view, nor counted.
            if dexArbitrageurs[local].parameters.design != nil && !isNew { return }
            if measuring { dexArbitrageurs[local].statistics.marketData += 1 }
            if dexArbitrageurs[local].parameters.strategy == .mempool { dexDecide(local, instance: instance, context: &context) }
        case .poolState:
            if measuring { dexArbitrageurs[local].statistics.poolUpdates += 1 }
            let block = pool[m].tag
            let s = dexArbitrageurs[local].settlement
            if block > dexArbitrageurs[local].blockSeen, s >= 0, let amm = settlements[s].amm {
                dexArbitrageurs[local].blockSeen = block
                dexArbitrageurs[local].poolView = ConstantProductPool(baseReserve: pool[m].value0, quoteReserve: pool[m].value1,
                                                                      feeFraction: amm.parameters.feeFraction, feeDestination: amm.parameters.feeDestination)
            }
            discard(m)
            if dexArbitrageurs[local].parameters.strategy == .mempool { dexDecide(local, instance: instance, context: &context) }
        default:
            discard(m)
        }
    }

    /// A reply: a swap's receipt, or a pulled snapshot.
    mutating func dexReply(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if pool[m].kind == .quote {
            if measuring { dexArbitrageurs[local].statistics.marketData += 1 }
            dexStoreQuote(local, m)
            discard(m)
            dexDecide(local, instance: instance, context: &context)
            // A polling design asks again `poll_interval` after each snapshot.
            if let design = dexArbitrageurs[local].parameters.design, design.marketData == .pull {
                context.schedule(.timer(component: instance, code: GraphModel.dexPollTimer, payload: 0), after: design.pollInterval)
            }
            return
        }
        if pool[m].kind == .order {
            dexHedgeAcknowledged(local, instance: instance, m, context: &context)
            return
        }
        guard pool[m].kind == .swap else { discard(m); return }
        let hedges = dexArbitrageurs[local].parameters.design != nil
        if !hedges { dexArbitrageurs[local].inFlight -= 1 }
        let measured = pool[m].created >= measureStart && measuring
        if measured {
            let gas = pool[m].value1, bid = pool[m].value2
            dexArbitrageurs[local].statistics.gasPaid += gas
            if pool[m].side & GraphModel.swapDropped != 0 {
                dexArbitrageurs[local].statistics.swapsDropped += 1
            } else {
                dexArbitrageurs[local].statistics.bidsPaid += bid
                if pool[m].value3.isNaN {
                    dexArbitrageurs[local].statistics.swapsReverted += 1
                } else {
                    dexArbitrageurs[local].statistics.swapsExecuted += 1
                    if !pool[m].value0.isNaN { dexArbitrageurs[local].statistics.profitGross += pool[m].value0 }
                    if pool[m].tag != dexArbitrageurs[local].lastWonBlock {
                        dexArbitrageurs[local].lastWonBlock = pool[m].tag
                        dexArbitrageurs[local].statistics.blocksWon += 1
                    }
                }
            }
        }
        if hedges {
            dexSwapReceipt(local, instance: instance, m, context: &context)
            return
        }
        discard(m)
        if dexArbitrageurs[local].parameters.strategy == .mempool { dexDecide(local, instance: instance, context: &context) }
    }

    /// A quote into the bot's CEX view (the newest version wins); whether it changed the view's
    /// bid or ask (with a design, an unchanged quote keeps the view's version: no new view).
    @discardableResult
    mutating func dexStoreQuote(_ local: Int, _ m: Int32) -> Bool {
        guard pool[m].tag > dexArbitrageurs[local].cexView.version else { return false }
        let view = dexArbitrageurs[local].cexView
        if dexArbitrageurs[local].parameters.design != nil && view.isValid && view.bid == pool[m].value0 && view.ask == pool[m].value1 {
            return false
        }
        dexArbitrageurs[local].cexView.bid = pool[m].value0
        dexArbitrageurs[local].cexView.ask = pool[m].value1
        dexArbitrageurs[local].cexView.bidSize = pool[m].value2
        dexArbitrageurs[local].cexView.askSize = pool[m].value3
        dexArbitrageurs[local].cexView.version = pool[m].tag
        return true
    }

    /// The searcher's lead instant before a block: decide on the view now, or pull a snapshot first.
    mutating func dexTimer(_ local: Int, instance: Int32, code: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.dexPollTimer {
            dexPoll(local, instance: instance, context: &context)
            return
        }
        guard code == GraphModel.dexLeadTimer else { return }
        if dexArbitrageurs[local].parameters.marketData == .pull {
            dexPoll(local, instance: instance, context: &context)
        } else {
            dexDecide(local, instance: instance, context: &context)
        }
    }

    /// Sizes the band-edge swap on the bot's views and sends it, if it pays.
    mutating func dexDecide(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        // Locals only: a copy of the whole state held across `dexNewAttempt` would copy its attempt buffer.
        let parameters = dexArbitrageurs[local].parameters, cexView = dexArbitrageurs[local].cexView
        let blockSeen = dexArbitrageurs[local].blockSeen, swapConnection = dexArbitrageurs[local].swapConnection
        guard cexView.isValid, let poolView = dexArbitrageurs[local].poolView, swapConnection >= 0 else { return }
        let isSearcher = parameters.strategy == .searcher
        if !isSearcher {
            guard dexArbitrageurs[local].inFlight < parameters.maxInFlight, (blockSeen, cexView.version) != dexArbitrageurs[local].lastFired else { return }
            // With a design, never on a pool view older than a block whose receipt it holds.
            if parameters.design != nil && dexArbitrageurs[local].receiptBlock > blockSeen { return }
        }
        let venue = dexArbitrageurs[local].venue
        let fee = venue >= 0 ? market.fees[venue] : 0
        guard let decision = AMMArbitrageDecision.swap(pool: poolView, externalBid: cexView.bid * (1 - fee), externalAsk: cexView.ask * (1 + fee),
                                                       gasCost: parameters.gasCost, minProfit: parameters.minProfit,
                                                       slippageFraction: parameters.slippageFraction) else { return }
        dexArbitrageurs[local].lastFired = (blockSeen, cexView.version)
        dexArbitrageurs[local].inFlight += 1
        let m = create(by: instance, now: context.now)
        pool[m].kind = .swap
        pool[m].side = (decision.swap.direction == .sellBaseToPool ? GraphModel.swapSellsBase : 0) | (isSearcher ? GraphModel.swapBundle : 0)
        pool[m].value0 = decision.swap.amountIn
        pool[m].value1 = decision.swap.minimumOut
        pool[m].value2 = parameters.bidAmount(profit: decision.trade.grossProfit)
        pool[m].value3 = decision.trade.grossProfit
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: parameters.swapBytes)
        if measuring { dexArbitrageurs[local].statistics.swapsSent += 1 }
        if let design = parameters.design {
            let a = dexNewAttempt(local, trade: decision.trade)
            pool[m].slot = a
            transmit(m, over: swapConnection, context: &context)
            if design.legs == .concurrent { dexSendHedge(local, instance: instance, attempt: a, quantity: decision.trade.baseQuantity, context: &context) }
            return
        }
        transmit(m, over: swapConnection, context: &context)
    }

    /// Resolves each dex-arbitrageur's connections (its pool's settlement, its venue) and binds
    /// searchers to their pool's lead instants.
    mutating func connectDEX() {
        for instance in instanceInfo.indices where instanceInfo[instance].type == .settlement {
            let s = Int(instanceInfo[instance].local)
            guard let name = settlements[s].amm?.parameters.reference,
                  let g = spec.componentIndex(name), spec.components[g].type == .venue else { continue }
            settlements[s].amm!.reference = Int(instanceInfo[Int(groupFirstInstance[g])].local)
        }
        for instance in instanceInfo.indices where instanceInfo[instance].type == .dexArbitrageur {
            let b = Int(instanceInfo[instance].local)
            for k in outStart[instance]..<outStart[instance + 1] {
                let c = outConnections[Int(k)], target = Int(connectionTarget[Int(c)])
                switch instanceInfo[target].type {
                case .settlement:
                    dexArbitrageurs[b].swapConnection = c
                    dexArbitrageurs[b].settlement = Int(instanceInfo[target].local)
                case .venue:
                    dexArbitrageurs[b].venueConnection = c
                    dexArbitrageurs[b].venue = Int(instanceInfo[target].local)
                default: break
                }
            }
            // The CEX fee it assumes: the venue it pulls from, else the venue feeding it, else the pool's reference.
            if dexArbitrageurs[b].venue < 0, let c = connectionTarget.indices.first(where: {
                connectionTarget[$0] == Int32(instance) && instanceInfo[Int(connectionSource[$0])].type == .venue }) {
                dexArbitrageurs[b].venue = Int(instanceInfo[Int(connectionSource[c])].local)
            }
            let s = dexArbitrageurs[b].settlement
            if dexArbitrageurs[b].venue < 0, s >= 0, let reference = settlements[s].amm?.reference, reference >= 0 {
                dexArbitrageurs[b].venue = reference
            }
            if dexArbitrageurs[b].parameters.strategy == .searcher, s >= 0, settlements[s].amm != nil {
                settlements[s].amm!.searchers.append((Int32(instance), dexArbitrageurs[b].parameters.leadTime))
            }
        }
    }
}
