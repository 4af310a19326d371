import LatSimCore

/// Per-trade records of one settlement run (tests and traces). Times in ns since start, -1 if never.
public struct SettlementTrace: Sendable {
    public var notional: [Double] = []
    public var side: [Int8] = []
    public var arrivedAt: [Int64] = []
    /// Execution time; -1 for a trade lost to locked capital.
    public var executedAt: [Int64] = []
    public var softAt: [Int64] = []
    public var finalAt: [Int64] = []
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

    let parameters: SettlementScenario
    let batched: Bool
    var layer: SettlementLayer
    let arrivals: RandomStream, notionals: RandomStream, sides: RandomStream, connectivity: RandomStream, fees: RandomStream
    let windowStart: SimInstant, windowEnd: SimInstant
    var trace = SettlementTrace()
    var inWindow: [Bool] = []
    var freeCapital: Double
    var net = 0.0
    var exposure = TimeWeightedValue(start: .zero)
    var netExposure = TimeWeightedValue(start: .zero)
    var openBatch: [Int] = []
    var batchRanges: [Range<Int>] = []
    var batchMembers: [Int] = []
    /// Signed net notional of each closed batch, of the open batch, and which closed batches are final.
    var batchNets: [Double] = []
    var batchFinal: [Bool] = []
    var openNet = 0.0
    var firstUnsettledBatch = 0
    var softLatency = LatencyHistogram()
    var finalLatency = LatencyHistogram()
    var offered = 0, executed = 0, lost = 0, settledInWindow = 0, settlementTransactions = 0
    var pendingMeasured = 0
    var arrivalsOpen = true
    var exposureMean = 0.0, exposureMax = 0.0, netExposureMean = 0.0, netExposureMax = 0.0

    init(parameters: SettlementScenario, design: SettlementDesign, spec: ReplicationSpec) {
        self.parameters = parameters
        batched = design.settlement == .batched
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
        let index = trace.notional.count
        let measured = now >= windowStart && now < windowEnd
        trace.notional.append(notional); trace.side.append(side); trace.arrivedAt.append(now.nanosecondsSinceStart)
        trace.softAt.append(-1); trace.finalAt.append(-1)
        inWindow.append(measured)
        if measured { offered += 1 }
        let signed = Double(side) * notional
        let accepted = batched ? inventoryCovers(signed) : notional <= freeCapital
        guard accepted else {
            trace.executedAt.append(-1)
            if measured { lost += 1 }
            return
        }
        trace.executedAt.append(now.nanosecondsSinceStart)
        if measured { executed += 1; pendingMeasured += 1 }
        exposure.add(notional, at: now)
        net += signed
        netExposure.set(abs(net), at: now)
        if batched {
            openBatch.append(index)
            openNet += signed
        } else {
            freeCapital -= notional
            submitTransaction(id: index, context: &context)
        }
    }

    mutating func submitTransaction(id: Int, context: inout SimulationContext<Event>) {
        if context.now >= windowStart && context.now < windowEnd { settlementTransactions += 1 }
        context.schedule(.submit(id: id), after: parameters.connectivity.sampleDuration(connectivity))
    }

    mutating func closeBatch(context: inout SimulationContext<Event>) {
        guard !openBatch.isEmpty else { return }
        let start = batchMembers.count
        batchMembers.append(contentsOf: openBatch)
        batchRanges.append(start..<batchMembers.count)
        openBatch.removeAll(keepingCapacity: true)
        batchNets.append(openNet)
        batchFinal.append(false)
        openNet = 0
        submitTransaction(id: batchRanges.count - 1, context: &context)
    }

    mutating func settle(_ notification: LayerNotification, now: SimInstant) {
        if batched {
            for member in batchRanges[notification.id] { settleTrade(batchMembers[member], notification.kind, now: now) }
            if notification.kind == .final {
                batchFinal[notification.id] = true
                while firstUnsettledBatch < batchFinal.count && batchFinal[firstUnsettledBatch] { firstUnsettledBatch += 1 }
            }
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
        var b = batchNets.count - 1
        while b >= firstUnsettledBatch {
            if !batchFinal[b] {
                suffix += batchNets[b]
                low = Swift.min(low, suffix); high = Swift.max(high, suffix)
            }
            b -= 1
        }
        return high <= parameters.capital && low >= -parameters.capital
    }

    mutating func settleTrade(_ index: Int, _ kind: LayerNotification.Kind, now: SimInstant) {
        let t = now.nanosecondsSinceStart
        let latency = t - trace.executedAt[index]
        switch kind {
        case .soft:
            guard trace.softAt[index] < 0 else { return }
            trace.softAt[index] = t
            if inWindow[index] { softLatency.record(latency) }
        case .final:
            guard trace.finalAt[index] < 0 else { return }
            if trace.softAt[index] < 0 {
                trace.softAt[index] = t
                if inWindow[index] { softLatency.record(latency) }
            }
            trace.finalAt[index] = t
            let notional = trace.notional[index]
            exposure.add(-notional, at: now)
            net -= Double(trace.side[index]) * notional
            netExposure.set(abs(net), at: now)
            if !batched { freeCapital += notional }
            if inWindow[index] { finalLatency.record(latency); pendingMeasured -= 1 }
            if now >= windowStart && now < windowEnd { settledInWindow += 1 }
        }
    }

    mutating func checkDone(context: inout SimulationContext<Event>) {
        if !arrivalsOpen && pendingMeasured == 0 {
            context.requestStop(reason: "all measured trades final")
        }
    }
}
