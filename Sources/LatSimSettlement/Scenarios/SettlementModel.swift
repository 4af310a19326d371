import LatSimCore

/// Per-trade records of one settlement run (tests and traces): the first
/// `ReplicationSpec.traceRowLimit` trades, kept only when tracing. Times in ns since start, -1 if never.
public struct SettlementTrace: Sendable {
    public var notional: [Double] = []
    public var side: [Int8] = []
    public var arrivedAt: [Int64] = []
    /// Execution time; -1 for a trade lost to locked capital.
    public var executedAt: [Int64] = []
    public var softAt: [Int64] = []
    public var finalAt: [Int64] = []
    /// Trades that arrived after the trace was full (not recorded).
    public var rowsDropped = 0
    /// The integral of gross unsettled exposure over the whole run (notional x ns), at its end.
    public var exposureIntegralAtEnd: Double = 0
    public var endTime: Int64 = 0
}

/// The settlement model: Poisson trades executed against capital and settled on one layer,
/// atomically (each trade locks its notional until final) or in netted batches (inventory
/// bounds the net unsettled position).
///
/// Streams: "trades:arrivals", "trades:notional", "trades:sides", "trader:connectivity",
/// "trades:fees", and the layer's own; the same trades arrive under every design.
/// Invariants: free capital never goes negative (atomic); with batches settling in the order
/// sent, |net unsettled| <= capital at every instant (batched); gross exposure equals the sum
/// of executed, not-final notional.
/// Memory: a slot per executed, not-final trade and a record per batch not yet final; the
/// per-trade trace only when tracing, capped at `ReplicationSpec.traceRowLimit` trades.
struct SettlementModel: SimulationModel {
    enum Event {
        case layer(LayerEvent)
        case trade
        case submit(id: Int)
        case nettingTimer
        case warmUpEnd
        case measureEnd
        case drainDeadline
    }

    /// An executed trade that is not final yet.
    struct LiveTrade {
        var notional: Double
        var side: Int8
        var soft = false
        var measured: Bool
        var executedAt: Int64
        /// Its row in the trace, or -1 when not traced.
        var traceRow: Int
    }

    /// A closed batch that is not final: its trades (slots) and signed net notional.
    struct Batch {
        var id: Int
        var members: ContiguousArray<Int>
        var net: Double
    }

    let parameters: SettlementScenario
    let batched: Bool
    let tracing: Bool
    var layer: SettlementLayer
    let arrivals: RandomStream, notionals: RandomStream, sides: RandomStream, connectivity: RandomStream, fees: RandomStream
    let windowStart: SimInstant, windowEnd: SimInstant
    var trace = SettlementTrace()
    var trades = SlotPool<LiveTrade>()
    var openBatch = ContiguousArray<Int>()
    /// Closed batches not yet final, in the order they were closed (ids ascending).
    var unsettledBatches = ContiguousArray<Batch>()
    var batchesClosed = 0
    var openNet = 0.0
    var freeCapital: Double
    var net = 0.0
    var exposure = TimeWeightedValue(start: .zero)
    var netExposure = TimeWeightedValue(start: .zero)
    var softLatency = LatencyHistogram()
    var finalLatency = LatencyHistogram()
    var arrived = 0, offered = 0, executed = 0, lost = 0, settledInWindow = 0, settlementTransactions = 0
    var pendingMeasured = 0
    var arrivalsOpen = true
    var exposureMean = 0.0, exposureMax = 0.0, netExposureMean = 0.0, netExposureMax = 0.0

    init(parameters: SettlementScenario, design: SettlementDesign, spec: ReplicationSpec, tracing: Bool) {
        self.parameters = parameters
        batched = design.settlement == .batched
        self.tracing = tracing
        layer = SettlementLayer(spec: parameters.layer, role: "settlement", replication: spec)
        arrivals = spec.stream("trades:arrivals")
        notionals = spec.stream("trades:notional")
        sides = spec.stream("trades:sides")
        connectivity = spec.stream("trader:connectivity")
        fees = spec.stream("trades:fees")
        windowStart = .zero + spec.warmUp
        windowEnd = windowStart + spec.horizon
        freeCapital = parameters.capital
    }

    mutating func start(context: inout SimulationContext<Event>) {
        layer.start(context: &context, wrap: Event.layer)
        context.schedule(.trade, after: nextArrivalDelay())
        if batched { context.schedule(.nettingTimer, after: parameters.batchInterval) }
        context.schedule(.warmUpEnd, at: windowStart)
        context.schedule(.measureEnd, at: windowEnd)
        context.schedule(.drainDeadline, at: windowEnd + parameters.drainLimit)
    }

    func nextArrivalDelay() -> SimDuration {
        SimDuration(roundingNanoseconds: arrivals.exponential(mean: 1e9 / parameters.tradeRatePerSecond))
    }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        switch event {
        case .layer(let e):
            layer.handle(e, context: &context, wrap: Event.layer)
            for n in layer.notifications { settle(n, now: context.now) }
            checkDone(context: &context)
        case .trade:
            guard arrivalsOpen else { return }  // an arrival drawn before the window closed, due after it
            arrive(now: context.now, context: &context)
            if arrivalsOpen { context.schedule(.trade, after: nextArrivalDelay()) }
        case .submit(let id):
            layer.submit(id: id, fee: parameters.fee.sample(fees), context: &context, wrap: Event.layer)
        case .nettingTimer:
            closeBatch(context: &context)
            context.schedule(.nettingTimer, after: parameters.batchInterval)
        case .warmUpEnd:
            exposure.reset(at: context.now)
            netExposure.reset(at: context.now)
        case .measureEnd:
            arrivalsOpen = false
            exposureMean = exposure.mean(until: context.now)
            exposureMax = exposure.maximum
            netExposureMean = netExposure.mean(until: context.now)
            netExposureMax = netExposure.maximum
            checkDone(context: &context)
        case .drainDeadline:
            context.requestStop(reason: "drain limit reached with \(pendingMeasured) measured trades unsettled")
        }
    }

    mutating func arrive(now: SimInstant, context: inout SimulationContext<Event>) {
        let notional = parameters.notional.sample(notionals)
        let side: Int8 = sides.bernoulli(parameters.buyProbability) ? 1 : -1
        let measured = now >= windowStart && now < windowEnd
        arrived += 1
        var traceRow = -1
        if tracing {
            if trace.notional.count < ReplicationSpec.traceRowLimit {
                traceRow = trace.notional.count
                trace.notional.append(notional); trace.side.append(side); trace.arrivedAt.append(now.nanosecondsSinceStart)
                trace.executedAt.append(-1); trace.softAt.append(-1); trace.finalAt.append(-1)
            } else {
                trace.rowsDropped += 1
            }
        }
        if measured { offered += 1 }
        let signed = Double(side) * notional
        let accepted = batched ? inventoryCovers(signed) : notional <= freeCapital
        guard accepted else {
            if measured { lost += 1 }
            return
        }
        if traceRow >= 0 { trace.executedAt[traceRow] = now.nanosecondsSinceStart }
        let slot = trades.insert(LiveTrade(notional: notional, side: side, measured: measured,
                                           executedAt: now.nanosecondsSinceStart, traceRow: traceRow))
        if measured { executed += 1; pendingMeasured += 1 }
        exposure.add(notional, at: now)
        net += signed
        netExposure.set(abs(net), at: now)
        if batched {
            openBatch.append(slot)
            openNet += signed
        } else {
            freeCapital -= notional
            submitTransaction(id: slot, context: &context)
        }
    }

    mutating func submitTransaction(id: Int, context: inout SimulationContext<Event>) {
        if context.now >= windowStart && context.now < windowEnd { settlementTransactions += 1 }
        context.schedule(.submit(id: id), after: parameters.connectivity.sampleDuration(connectivity))
    }

    mutating func closeBatch(context: inout SimulationContext<Event>) {
        guard !openBatch.isEmpty else { return }
        unsettledBatches.append(Batch(id: batchesClosed, members: openBatch, net: openNet))
        openBatch.removeAll(keepingCapacity: true)
        openNet = 0
        batchesClosed += 1
        submitTransaction(id: batchesClosed - 1, context: &context)
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

    mutating func settle(_ notification: LayerNotification, now: SimInstant) {
        if batched {
            // A layer reports each id final once, and nothing after final.
            guard let index = unsettledIndex(notification.id) else { return }
            for member in unsettledBatches[index].members { settleTrade(member, notification.kind, now: now) }
            if notification.kind == .final { unsettledBatches.remove(at: index) }
        } else {
            settleTrade(notification.id, notification.kind, now: now)
        }
    }

    /// Batched settlement: batches settle in the order they were sent, and after batches 1...j
    /// settle the unsettled net is the suffix sum of the later batches' nets (open batch included).
    /// A trade is accepted only if every such suffix, plus the trade, stays within the capital:
    /// inventory is never overdrawn whatever the number of batches settled so far.
    func inventoryCovers(_ signed: Double) -> Bool {
        var suffix = openNet + signed
        var low = suffix, high = suffix
        var b = unsettledBatches.count - 1
        while b >= 0 {
            suffix += unsettledBatches[b].net
            low = Swift.min(low, suffix); high = Swift.max(high, suffix)
            b -= 1
        }
        return high <= parameters.capital && low >= -parameters.capital
    }

    /// Soft confirmation or finality of the trade in `slot`; its slot is freed when it is final.
    mutating func settleTrade(_ slot: Int, _ kind: LayerNotification.Kind, now: SimInstant) {
        let t = now.nanosecondsSinceStart
        var trade = trades[slot]
        let latency = t - trade.executedAt
        if !trade.soft {
            trade.soft = true
            if trade.traceRow >= 0 { trace.softAt[trade.traceRow] = t }
            if trade.measured { softLatency.record(latency) }
        }
        guard kind == .final else {
            trades[slot] = trade
            return
        }
        trades.remove(slot)
        if trade.traceRow >= 0 { trace.finalAt[trade.traceRow] = t }
        exposure.add(-trade.notional, at: now)
        net -= Double(trade.side) * trade.notional
        netExposure.set(abs(net), at: now)
        if !batched { freeCapital += trade.notional }
        if trade.measured { finalLatency.record(latency); pendingMeasured -= 1 }
        if now >= windowStart && now < windowEnd { settledInWindow += 1 }
    }

    mutating func checkDone(context: inout SimulationContext<Event>) {
        if !arrivalsOpen && pendingMeasured == 0 {
            context.requestStop(reason: "all measured trades final")
        }
    }
}
