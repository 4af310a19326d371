import LatSimCore
import LatSimSettlement

/// `type: trade-flow`: trades arriving as a Poisson process, each with a notional and a side,
/// executed against a capital and settled on one `settlement` component, atomically (each
/// trade its own transaction, its notional locked until final) or in netted batches from
/// pre-funded inventory (docs/graph.md "trade-flow", docs/settlement.md for the formulas).
///
///     - {name: trades, type: trade-flow, rate_per_s: 0.1, notional: {type: lognormal, median: 10000, sigma: 1},
///        capital: 1000000, settlement: batched, interval: 5min}
///
/// Capital rule: `atomic` executes a trade when the free capital covers its notional (capital
/// minus the notional of executed, not-final trades); `batched` when every suffix of the
/// unsettled batches' nets (oldest first settled), plus the open batch and the trade's signed
/// notional, stays within [-capital, capital], so inventory is never overdrawn whatever the
/// number of batches settled so far. Otherwise the trade is lost. The modes and the
/// `settlement` / `interval` keys are the treasury's (`TreasuryParameters.settlementMode`).
///
/// A transaction leaves by `out` (kind `trade`, wanting a reply) at the trade's execution
/// (atomic) or at the end of each `interval` with trades (batched); the settlement sends it
/// back at finality and, before that, a soft notice when it is soft-confirmed. Streams:
/// `<name>:arrivals`, `<name>:notional` and `<name>:sides` (the same trades arrive under every
/// design; the hand-written settlement model's keys, so the `settlement` template draws the
/// trades it drew). Memory: a slot per executed, not-final trade and a record per batch
/// not yet final. A transaction lost on the way keeps its trades unsettled (and their capital
/// locked) for ever: `trades_unsettled` shows it.
public struct TradeFlowParameters: Sendable {
    public var ratePerSecond: Double
    public var notional: Distribution
    public var buyProbability: Double
    public var capital: Double
    public var settlement: TreasuryParameters.SettlementMode
    /// `batched`: one net transaction per interval (nil with `atomic`).
    public var interval: SimDuration?
    public var sizeBytes: Int
    /// Stop the run when the measured trades of every trade flow with this flag are final.
    public var endRunWhenSettled: Bool

    public static let configKeys = ["rate_per_s", "notional", "buy_probability", "capital", "settlement", "interval",
                                    "size_bytes", "end_run_when_settled"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(TradeFlowParameters.configKeys)
        ratePerSecond = try node.ratePerSecond("rate_per_s")
        notional = try node.amountDistribution("notional")
        buyProbability = try node.probability("buy_probability", default: 0.5)
        capital = try node.double("capital", range: 0...1e18)
        (settlement, interval) = try TreasuryParameters.settlementMode(node)
        sizeBytes = try node.int("size_bytes", default: 0, range: 0...(1 << 30))
        endRunWhenSettled = try node.bool("end_run_when_settled", default: false)
    }
}

struct TradeFlowState {
    /// An executed trade that is not final yet.
    struct LiveTrade {
        var notional: Double
        var side: Int8
        var soft = false
        var measured: Bool
        var executedAt: SimInstant
        /// Its row in `records`, or -1 when not recorded.
        var record: Int
    }

    /// Per-trade records (tests): the first `ReplicationSpec.traceRowLimit` executed trades, kept
    /// only when the replication keeps a trace. Times in ns since start, -1 while not reached.
    struct Records {
        var notional: [Double] = []
        var side: [Int8] = []
        var executedAt: [Int64] = []
        var softAt: [Int64] = []
        var finalAt: [Int64] = []
    }

    /// A closed batch that is not final: its trades (slots) and signed net notional.
    struct Batch {
        var id: Int
        var members: ContiguousArray<Int>
        var net: Double
    }

    let parameters: TradeFlowParameters
    /// The streams (owned here) and their handles (no reference count per draw).
    let streamOwners: [RandomStream]
    let arrivals: StreamHandle
    let notionals: StreamHandle
    let sides: StreamHandle
    // Read per trade, kept out of `parameters` (copying it costs reference counts per event).
    let batched: Bool
    let capital: Double
    let buyProbability: Double
    let arrivalMean: Double
    let notional: Distribution
    var trades = SlotPool<LiveTrade>()
    var records: Records?
    var openBatch = ContiguousArray<Int>()
    var openNet = 0.0
    /// Closed batches not yet final, in the order they were closed (ids ascending).
    var unsettledBatches = ContiguousArray<Batch>()
    var batchesClosed = 0
    /// The most closed batches not yet final at once (whole run; tests).
    var unsettledBatchesPeak = 0
    var freeCapital: Double
    var net = 0.0
    var arrivalsOpen = true
    var windowEnd: SimInstant?
    var exposure = TimeWeightedValue(start: .zero)
    var netExposure = TimeWeightedValue(start: .zero)
    /// The exposures' means and maxima over the measurement, taken at its end.
    var exposureAtEnd: (grossMean: Double, grossMax: Double, netMean: Double, netMax: Double)?
    // Measured statistics.
    var soft = LatencyHistogram()
    var final = LatencyHistogram()
    var offered: Int64 = 0, executed: Int64 = 0, lost: Int64 = 0, settledInWindow: Int64 = 0, transactions: Int64 = 0
    /// Measured trades not final (whole run: they were executed in the window).
    var pendingMeasured: Int64 = 0

    init(parameters: TradeFlowParameters, arrivals: RandomStream, notionals: RandomStream, sides: RandomStream, keepRecords: Bool) {
        self.parameters = parameters
        records = keepRecords ? Records() : nil
        streamOwners = [arrivals, notionals, sides]
        self.arrivals = arrivals.handle
        self.notionals = notionals.handle
        self.sides = sides.handle
        batched = parameters.settlement == .batched
        capital = parameters.capital
        buyProbability = parameters.buyProbability
        arrivalMean = 1e9 / parameters.ratePerSecond
        notional = parameters.notional
        freeCapital = parameters.capital
    }

    mutating func resetStatistics(at now: SimInstant) {
        exposure.reset(at: now)
        netExposure.reset(at: now)
        soft = LatencyHistogram(); final = LatencyHistogram()
        offered = 0; executed = 0; lost = 0; settledInWindow = 0; transactions = 0
    }

    /// Batched: after batches 1...j settle, the unsettled net is the suffix sum of the later
    /// batches' nets (open batch included); the trade is accepted when every such suffix, plus
    /// the trade, stays within the capital.
    func inventoryCovers(_ signed: Double) -> Bool {
        var suffix = openNet + signed
        var low = suffix, high = suffix
        var b = unsettledBatches.count - 1
        while b >= 0 {
            suffix += unsettledBatches[b].net
            low = Swift.min(low, suffix); high = Swift.max(high, suffix)
            b -= 1
        }
        return high <= capital && low >= -capital
    }

    /// The position of batch `id` in `unsettledBatches` (binary search: ids ascend), or nil once final.
    func unsettledIndex(_ id: Int) -> Int? {
        var low = 0, high = unsettledBatches.count
        while low < high {
            let mid = (low + high) / 2
            if unsettledBatches[mid].id < id { low = mid + 1 } else { high = mid }
        }
        return low < unsettledBatches.count && unsettledBatches[low].id == id ? low : nil
    }
}

extension GraphModel {
    static let tradeFlowArrivalTimer: Int32 = 0
    static let tradeFlowWindowEndTimer: Int32 = 1
    static let tradeFlowFlushTimer: Int32 = 2

    static let tradeFlowMetrics: [ComponentMetric] =
        ComponentMetric.histogram("settlement_soft_latency", "per measured trade, execution to soft confirmation (ns)") { m, g in
            m.tradeFlowHistogram(g) { $0.soft } }
        + ComponentMetric.histogram("settlement_final_latency", "per measured trade, execution to finality (ns)") { m, g in
            m.tradeFlowHistogram(g) { $0.final } }
        + [
            ComponentMetric("exposure_gross_mean", "notional", "time-weighted mean of executed, not-final notional over the measurement") { m, g, end in
                m.tradeFlowSum(g) { $0.exposureAtEnd?.grossMean ?? $0.exposure.mean(until: end) } },
            ComponentMetric("exposure_gross_max", "notional", "most executed, not-final notional at once at one instance") { m, g, _ in
                m.tradeFlowMax(g) { $0.exposureAtEnd?.grossMax ?? $0.exposure.maximum } },
            ComponentMetric("exposure_net_mean", "notional", "time-weighted mean of |signed net| executed, not-final notional") { m, g, end in
                m.tradeFlowSum(g) { $0.exposureAtEnd?.netMean ?? $0.netExposure.mean(until: end) } },
            ComponentMetric("exposure_net_max", "notional", "most |signed net| executed, not-final notional at once at one instance") { m, g, _ in
                m.tradeFlowMax(g) { $0.exposureAtEnd?.netMax ?? $0.netExposure.maximum } },
            ComponentMetric("trades_offered", "count", "trades arriving in the measurement") { m, g, _ in m.tradeFlowSum(g) { Double($0.offered) } },
            ComponentMetric("trades_executed", "count", "measured trades executed") { m, g, _ in m.tradeFlowSum(g) { Double($0.executed) } },
            ComponentMetric("trades_lost", "count", "measured trades lost to locked capital or inventory") { m, g, _ in m.tradeFlowSum(g) { Double($0.lost) } },
            ComponentMetric("capture_rate", "ratio", "trades_executed / trades_offered (NaN with none offered)") { m, g, _ in
                let offered = m.tradeFlowSum(g) { Double($0.offered) }
                return offered > 0 ? m.tradeFlowSum(g) { Double($0.executed) } / offered : .nan },
            ComponentMetric("settled_throughput_per_hour", "trades/h", "trades becoming final in the measurement, per hour of it") { m, g, end in
                let hours = m.tradeFlowWindowSeconds(g, end: end) / 3_600
                return hours > 0 ? m.tradeFlowSum(g) { Double($0.settledInWindow) } / hours : .nan },
            ComponentMetric("settlement_transactions", "count", "settlement transactions sent in the measurement") { m, g, _ in
                m.tradeFlowSum(g) { Double($0.transactions) } },
            ComponentMetric("trades_unsettled", "count", "measured trades not final at the end") { m, g, _ in
                m.tradeFlowSum(g) { Double($0.pendingMeasured) } },
        ]

    func tradeFlowSum(_ g: Int, _ f: (TradeFlowState) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(tradeFlows[Int(instanceInfo[Int($1)].local)]) }
    }

    func tradeFlowMax(_ g: Int, _ f: (TradeFlowState) -> Double) -> Double {
        instances(of: g).reduce(-Double.infinity) { Swift.max($0, f(tradeFlows[Int(instanceInfo[Int($1)].local)])) }
    }

    func tradeFlowHistogram(_ g: Int, _ f: (TradeFlowState) -> LatencyHistogram) -> LatencyHistogram {
        var h = LatencyHistogram()
        for i in instances(of: g) { h.merge(f(tradeFlows[Int(instanceInfo[Int(i)].local)])) }
        return h
    }

    /// The measurement's length in seconds: warm-up end to the horizon's end (or the run's end, if earlier).
    func tradeFlowWindowSeconds(_ g: Int, end: SimInstant) -> Double {
        let first = tradeFlows[Int(instanceInfo[Int(groupFirstInstance[g])].local)]
        let stop = first.windowEnd.map { Swift.min($0, end) } ?? end
        return (stop - measureStart).seconds
    }

    /// The first events: the first arrival, the end of the horizon, the first flush (batched).
    mutating func startTradeFlow(_ local: Int, instance: Int32, horizonEnd: SimInstant) -> [(GraphEvent, SimInstant)] {
        let p = tradeFlows[local].parameters
        var events: [(GraphEvent, SimInstant)] = [
            (.timer(component: instance, code: GraphModel.tradeFlowArrivalTimer, payload: 0), .zero + nextTradeDelay(local, instance: instance)),
            (.timer(component: instance, code: GraphModel.tradeFlowWindowEndTimer, payload: 0), horizonEnd),
        ]
        if let interval = p.interval { events.append((.timer(component: instance, code: GraphModel.tradeFlowFlushTimer, payload: 0), .zero + interval)) }
        return events
    }

    func nextTradeDelay(_ local: Int, instance: Int32) -> SimDuration {
        SimDuration(roundingNanoseconds: tradeFlows[local].arrivals.exponential(mean: tradeFlows[local].arrivalMean))
    }

    mutating func tradeFlowTimer(_ local: Int, instance: Int32, code: Int32, context: inout SimulationContext<GraphEvent>) {
        switch code {
        case GraphModel.tradeFlowArrivalTimer:
            guard tradeFlows[local].arrivalsOpen else { return }
            tradeArrive(local, instance: instance, context: &context)
            context.schedule(.timer(component: instance, code: GraphModel.tradeFlowArrivalTimer, payload: 0),
                             after: nextTradeDelay(local, instance: instance))
        case GraphModel.tradeFlowWindowEndTimer:
            tradeFlows[local].arrivalsOpen = false
            tradeFlows[local].windowEnd = context.now
            let s = tradeFlows[local]
            tradeFlows[local].exposureAtEnd = (s.exposure.mean(until: context.now), s.exposure.maximum,
                                               s.netExposure.mean(until: context.now), s.netExposure.maximum)
            tradeFlowCheckSettled(local, context: &context)
        default:
            tradeCloseBatch(local, instance: instance, context: &context)
            context.schedule(.timer(component: instance, code: GraphModel.tradeFlowFlushTimer, payload: 0), after: tradeFlows[local].parameters.interval!)
        }
    }

    /// A trade arrives: drawn, executed if capital allows (then its transaction leaves, or it joins the open batch), else lost.
    mutating func tradeArrive(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let notional = tradeFlows[local].notional.sample(tradeFlows[local].notionals)
        let side: Int8 = tradeFlows[local].sides.bernoulli(tradeFlows[local].buyProbability) ? 1 : -1
        // A down trader still draws (the same trades under every design), but executes nothing.
        guard !instanceInfo[Int(instance)].down else { return }
        let measured = measuring
        if measured { tradeFlows[local].offered += 1 }
        let signed = Double(side) * notional
        let batched = tradeFlows[local].batched
        let accepted = batched ? tradeFlows[local].inventoryCovers(signed) : notional <= tradeFlows[local].freeCapital
        guard accepted else {
            if measured { tradeFlows[local].lost += 1 }
            return
        }
        let now = context.now
        var record = -1
        if tradeFlows[local].records != nil && tradeFlows[local].records!.notional.count < ReplicationSpec.traceRowLimit {
            record = tradeFlows[local].records!.notional.count
            tradeFlows[local].records!.notional.append(notional); tradeFlows[local].records!.side.append(side)
            tradeFlows[local].records!.executedAt.append(now.nanosecondsSinceStart)
            tradeFlows[local].records!.softAt.append(-1); tradeFlows[local].records!.finalAt.append(-1)
        }
        let slot = tradeFlows[local].trades.insert(TradeFlowState.LiveTrade(notional: notional, side: side, measured: measured,
                                                                              executedAt: now, record: record))
        if measured { tradeFlows[local].executed += 1; tradeFlows[local].pendingMeasured += 1 }
        tradeFlows[local].exposure.add(notional, at: now)
        tradeFlows[local].net += signed
        tradeFlows[local].netExposure.set(abs(tradeFlows[local].net), at: now)
        if batched {
            tradeFlows[local].openBatch.append(slot)
            tradeFlows[local].openNet += signed
        } else {
            tradeFlows[local].freeCapital -= notional
            tradeSend(local, instance: instance, id: slot, value: signed, context: &context)
        }
    }

    /// A settlement transaction for trade slot `id` (atomic) or batch `id` (batched), out of `out`.
    mutating func tradeSend(_ local: Int, instance: Int32, id: Int, value: Double, context: inout SimulationContext<GraphEvent>) {
        if measuring && tradeFlows[local].arrivalsOpen { tradeFlows[local].transactions += 1 }
        let m = create(by: instance, now: context.now)
        pool[m].kind = .trade
        pool[m].slot = Int32(truncatingIfNeeded: id)
        pool[m].value0 = value
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: tradeFlows[local].parameters.sizeBytes)
        forward(m, from: instance, context: &context)
    }

    mutating func tradeCloseBatch(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard !tradeFlows[local].openBatch.isEmpty else { return }
        let id = tradeFlows[local].batchesClosed
        let net = tradeFlows[local].openNet
        tradeFlows[local].unsettledBatches.append(TradeFlowState.Batch(id: id, members: tradeFlows[local].openBatch, net: net))
        tradeFlows[local].openBatch.removeAll(keepingCapacity: true)
        tradeFlows[local].openNet = 0
        tradeFlows[local].batchesClosed += 1
        tradeFlows[local].unsettledBatchesPeak = Swift.max(tradeFlows[local].unsettledBatchesPeak, tradeFlows[local].unsettledBatches.count)
        tradeSend(local, instance: instance, id: id, value: net, context: &context)
    }

    /// The settlement's answer: a soft notice, or the transaction back at finality.
    mutating func tradeFlowReply(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let id = Int(pool[m].slot), isFinal = pool[m].tag != GraphModel.softNoticeTag
        discard(m)
        let now = context.now
        if tradeFlows[local].batched {
            // The settlement answers each transaction's final once, and nothing after it.
            guard let index = tradeFlows[local].unsettledIndex(id) else { return }
            let members = tradeFlows[local].unsettledBatches[index].members
            for member in members { tradeSettle(local, slot: member, final: isFinal, now: now, batched: true) }
            if isFinal {
                tradeFlows[local].unsettledBatches.remove(at: index)
                // The batch's trades settle at one instant: the net moves once (no intermediate maximum).
                tradeFlows[local].netExposure.set(abs(tradeFlows[local].net), at: now)
            }
        } else {
            guard tradeFlows[local].trades.contains(id) else { return }
            tradeSettle(local, slot: id, final: isFinal, now: now, batched: false)
        }
        if isFinal { tradeFlowCheckSettled(local, context: &context) }
    }

    /// Soft confirmation or finality of the trade in `slot` (finality implies soft); its slot is freed at finality.
    mutating func tradeSettle(_ local: Int, slot: Int, final: Bool, now: SimInstant, batched: Bool) {
        var trade = tradeFlows[local].trades[slot]
        let latency = now - trade.executedAt
        if !trade.soft {
            trade.soft = true
            if trade.record >= 0 { tradeFlows[local].records!.softAt[trade.record] = now.nanosecondsSinceStart }
            if trade.measured { tradeFlows[local].soft.record(latency) }
        }
        guard final else {
            tradeFlows[local].trades[slot] = trade
            return
        }
        tradeFlows[local].trades.remove(slot)
        if trade.record >= 0 { tradeFlows[local].records!.finalAt[trade.record] = now.nanosecondsSinceStart }
        tradeFlows[local].exposure.add(-trade.notional, at: now)
        tradeFlows[local].net -= Double(trade.side) * trade.notional
        if !batched {
            tradeFlows[local].netExposure.set(abs(tradeFlows[local].net), at: now)
            tradeFlows[local].freeCapital += trade.notional
        }
        if trade.measured {
            tradeFlows[local].final.record(latency)
            tradeFlows[local].pendingMeasured -= 1
        }
        if measuring && tradeFlows[local].arrivalsOpen { tradeFlows[local].settledInWindow += 1 }
    }

    /// With `end_run_when_settled`: the run stops once every such trade flow is past its horizon with its measured trades final.
    mutating func tradeFlowCheckSettled(_ local: Int, context: inout SimulationContext<GraphEvent>) {
        guard tradeFlows[local].parameters.endRunWhenSettled, !tradeFlows[local].arrivalsOpen, tradeFlows[local].pendingMeasured == 0 else { return }
        let waiting = tradeFlows.contains { $0.parameters.endRunWhenSettled && ($0.arrivalsOpen || $0.pendingMeasured > 0) }
        if !waiting { context.requestStop(reason: "all measured trades final") }
    }
}

extension GraphSpec {
    /// A trade flow's `out` reaches one settlement that answers it itself (its `out` unconnected).
    func checkTradeFlows() throws {
        for (f, flow) in components.enumerated() where flow.type == .tradeFlow {
            let outs = connections.filter { $0.from == f }
            guard outs.count == 1, components[outs[0].to].type == .settlement, !connections.contains(where: { $0.from == outs[0].to && $0.fromPort == 0 }) else {
                throw ConfigError(location: flow.location, path: "model.components.\(flow.name)",
                                  problem: "needs \(flow.name)'s out port to reach one settlement that confirms its transactions itself",
                                  allowed: "one connection from \(flow.name).out to a settlement component whose out is unconnected",
                                  given: outs.isEmpty ? "no out connection" : outs.map { "\(components[$0.to].name) (a \(components[$0.to].type.rawValue))" }.joined(separator: ", "))
            }
        }
    }
}
