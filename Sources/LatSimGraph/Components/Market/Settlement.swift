import LatSimCore
import LatSimNetwork
import LatSimSettlement

/// `type: settlement`: a settlement layer (docs/settlement.md) as a component: an L1 chain
/// (Poisson or slotted blocks, missed slots, a mempool with capacity and fee or FIFO ordering,
/// k-confirmation or epoch finality, reorgs), a rollup on an L1 (sequencer soft confirmation,
/// batches, the L1's finality), or an exchange ledger; a preset by name or a spec.
///
///     - {name: eth, type: settlement, layer: ethereum}
///     - {name: l2, type: settlement, layer: {preset: arbitrum, batch_interval: 30s}, release: soft}
///
/// Every message reaching `in` is a transaction, bidding `fee` (the mempool orders by fee when
/// the layer's `ordering` is `fee`). It leaves when it is final (`release: final`, the default)
/// or soft-confirmed (`release: soft`: included in a block, the sequencer's confirmation, the
/// ledger's update): by `out` when connected, otherwise back to its sender as a confirmation
/// when it wants a reply (a blocking client waits for its settlement; an arbitrageur with
/// `capital_trades` frees the trade's capital), otherwise consumed. Chained (`settlement ->
/// delay -> settlement`: a bridge), the last hop confirms and the reply retraces the route. Its
/// time in the layer counts as service on its paths. A transaction a full mempool refuses is
/// counted `refused` and dropped. Streams: `<name>:...` (the layer's own, by component name).
public struct SettlementParameters: Sendable {
    public var layer: LayerSpec
    public var fee: Double
    /// The confirmation level at which a transaction leaves (an index into `layer.levels`).
    public var releaseLevel: Int
    /// Whether `time_to_<level>` histograms are recorded (off by default: existing outputs unchanged).
    public var levelMetrics: Bool
    public var replyBytes: Int
    /// A constant-product pool living on the chain (`AMMPool.swift`), nil = none.
    public var pool: AMMPoolParameters?
    /// The destination end of a messaging channel (`SettlementChannel.swift`), nil = none.
    public var channel: SettlementChannelParameters?

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["layer", "fee", "release", "level_metrics", "reply_bytes", "pool", "channel"])
        layer = try node.layerSpec("layer")
        fee = try node.double("fee", default: 1, range: 0...1e18)
        channel = try node.child("channel").map { try SettlementChannelParameters(config: $0) }
        let releaseName = try node.string("release", default: channel == nil ? "final" : "soft", oneOf: layer.levelNames)
        if channel != nil && releaseName != "soft" {
            throw node.error("must be soft with a channel (a packet executes when its transaction is included)",
                             allowed: "soft", given: releaseName, key: "release")
        }
        releaseLevel = layer.levelIndex(named: releaseName)!
        levelMetrics = try node.bool("level_metrics", default: false)
        replyBytes = try node.int("reply_bytes", default: 128, range: 0...(1 << 30))
        if let poolNode = node.child("pool") {
            guard case .chain(let chain) = layer else {
                throw poolNode.error("needs a chain layer (the pool's swaps execute in the chain's blocks)",
                                     allowed: "a chain layer: `layer: {type: chain, ...}` or a chain preset", given: layer.summary)
            }
            guard chain.reorgProbability == 0 else {
                throw poolNode.error("needs a chain without reorgs (a reorg would have to roll the pool back)",
                                     allowed: "reorg_probability: 0", given: "reorg_probability: \(chain.reorgProbability)")
            }
            if case .replay = chain.production {
                throw poolNode.error("needs Poisson or slotted blocks (searchers time their bids on the next block)",
                                     allowed: "blocks: {type: poisson, ...} or slots", given: "a replayed block file")
            }
            if channel != nil {
                throw poolNode.error("cannot share a settlement with a channel", allowed: "pool: or channel:, not both", given: "both")
            }
            pool = try AMMPoolParameters(config: poolNode)
        }
        softLevel = layer.softLevel
        finalLevel = layer.finalLevel
        windowLevel = layer.levels.count > finalLevel + 1 ? finalLevel + 1 : nil
        tracksWindow = windowLevel != nil && (releaseLevel > finalLevel || levelMetrics)
    }

    // Derived once (the event handlers read them without building the level list).
    let softLevel: Int
    let finalLevel: Int
    /// The index of the rollup's withdrawal level (after `l1-final`, a fixed delay), if it has one.
    let windowLevel: Int?
    /// Whether a final transaction stays pending until its withdrawal window is over: released
    /// there, or its time recorded.
    let tracksWindow: Bool
}

struct SettlementState {
    struct Pending {
        var message: Int32
        var arrival: SimInstant
        var measured: Bool
        var released: Bool
        /// The levels reached so far, bit i for `layer.levels[i]` (each recorded once).
        var reached: UInt64 = 0
    }

    let parameters: SettlementParameters
    var layer: SettlementLayer
    /// Transactions submitted and not final yet, by layer id (memory follows the pending ones).
    var pending: [Int: Pending] = [:]
    var nextID = 0
    // Measured statistics.
    var received: Int64 = 0
    var refused: Int64 = 0
    var soft = LatencyHistogram()
    var final = LatencyHistogram()
    /// Time from arrival to each level, by index in `layer.levels` (recorded with `level_metrics`).
    var levels: [LatencyHistogram]
    /// Final transactions still pending until their withdrawal window is over.
    var inWindow = 0
    /// The chain's block-building counters at the warm-up's end (included, reverted, gas paid,
    /// auction losses): the measured figures are the counters minus these.
    var chainBaseline: (included: Int64, reverted: Int64, gas: Double, lostBids: Int64) = (0, 0, 0, 0)
    /// The pool on the chain (`pool:`), nil = none.
    var amm: AMMPoolState?
    /// The channel's packets and statistics (`channel:`), nil = none.
    var channel: SettlementChannelState?

    init(parameters: SettlementParameters, name: String, replication: ReplicationSpec) {
        self.parameters = parameters
        layer = SettlementLayer(spec: parameters.layer, role: name, replication: replication)
        amm = parameters.pool.map { AMMPoolState(parameters: $0) }
        amm?.keepRecords = replication.keepTrace
        channel = parameters.channel.map { SettlementChannelState(parameters: $0, replication: replication) }
        if channel != nil { layer.recordBlockTimes = replication.keepTrace }
        levels = Array(repeating: LatencyHistogram(), count: parameters.layer.levels.count)
    }

    mutating func resetStatistics() {
        received = 0; refused = 0; soft = LatencyHistogram(); final = LatencyHistogram()
        levels = Array(repeating: LatencyHistogram(), count: levels.count)
        if let chain = layer.chain { chainBaseline = (chain.includedCount, chain.revertedCount, chain.gasPaid, chain.lostBidCount) }
        amm?.resetStatistics()
        channel?.resetStatistics()
    }

    /// Marks `level` reached by `entry`; records its time the first time (measured entries, `level_metrics`).
    mutating func reach(_ entry: inout Pending, level: Int, elapsed: SimDuration) {
        let bit: UInt64 = 1 << UInt64(level)
        guard entry.reached & bit == 0 else { return }
        entry.reached |= bit
        if entry.measured && parameters.levelMetrics { levels[level].record(elapsed) }
    }
}

extension GraphModel {
    static let settlementStartTimer: Int32 = 9
    /// A final transaction's withdrawal window is over (payload: its layer id).
    static let settlementWindowTimer: Int32 = 8

    static let settlementMetrics: [ComponentMetric] = [
        ComponentMetric("transactions", "count", "transactions received") { m, g, _ in m.settlementSum(g) { Double($0.received) } },
        ComponentMetric("refused", "count", "transactions a full mempool refused (dropped)") { m, g, _ in m.settlementSum(g) { Double($0.refused) } },
    ] + ComponentMetric.histogram("soft_latency", "time from arrival to soft confirmation (ns)") { m, g in m.settlementHistogram(g) { $0.soft } }
      + ComponentMetric.histogram("final_latency", "time from arrival to finality (ns)") { m, g in m.settlementHistogram(g) { $0.final } }
      + [ComponentMetric("pending_end", "count", "transactions submitted and not final at the end") { m, g, _ in
             m.settlementSum(g) { Double($0.pending.count - $0.inWindow) } }]

    /// Block building on a chain layer (recorded only when the chain auctions its blocks, has an
    /// express lane, reverts or charges gas: `GraphSpec.Component.metrics`).
    static let settlementBlockMetrics: [ComponentMetric] = [
        ComponentMetric("included", "count", "inclusions of the component's transactions in blocks (a re-inclusion after a reorg counts again)") { m, g, _ in
            m.settlementChainSum(g) { Double($0.includedCount - $1.included) } },
        ComponentMetric("reverted", "count", "inclusions that reverted (still included and final, gas paid)") { m, g, _ in
            m.settlementChainSum(g) { Double($0.revertedCount - $1.reverted) } },
        ComponentMetric("revert_rate", "ratio", "reverted / included (NaN with no inclusion)") { m, g, _ in
            let included = m.settlementChainSum(g) { Double($0.includedCount - $1.included) }
            return included > 0 ? m.settlementChainSum(g) { Double($0.revertedCount - $1.reverted) } / included : .nan },
        ComponentMetric("gas_paid", "gas", "gas paid: per inclusion, and per lost block with losing_bundle_pays: gas") { m, g, _ in
            m.settlementChainSum(g) { $0.gasPaid - $1.gas } },
        ComponentMetric("lost_bids", "count", "auction losses: a transaction left out of a block it bid for, once per block") { m, g, _ in
            m.settlementChainSum(g) { Double($0.lostBidCount - $1.lostBids) } },
    ]

    /// Sums `f(chain, baseline)` over the group's instances whose layer is a chain; NaN when none is.
    func settlementChainSum(_ g: Int, _ f: (Chain, (included: Int64, reverted: Int64, gas: Double, lostBids: Int64)) -> Double) -> Double {
        var total = 0.0, any = false
        for instance in instances(of: g) {
            let state = settlements[Int(instanceInfo[Int(instance)].local)]
            guard case .chain = state.parameters.layer, let chain = state.layer.chain else { continue }
            total += f(chain, state.chainBaseline)
            any = true
        }
        return any ? total : .nan
    }

    /// With `level_metrics: true`: `time_to_<level>` (mean, percentiles, max, count) for each level of the layer.
    static func settlementLevelMetrics(_ parameters: SettlementParameters) -> [ComponentMetric] {
        parameters.layer.levels.enumerated().flatMap { index, level in
            ComponentMetric.histogram("time_to_" + level.metricName, "time from arrival to the \(level.name) level (\(level)) (ns)") { m, g in
                m.settlementHistogram(g) { $0.levels[index] }
            }
        }
    }

    func settlementSum(_ g: Int, _ f: (SettlementState) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(settlements[Int(instanceInfo[Int($1)].local)]) }
    }

    func settlementHistogram(_ g: Int, _ f: (SettlementState) -> LatencyHistogram) -> LatencyHistogram {
        var h = LatencyHistogram()
        for i in instances(of: g) { h.merge(f(settlements[Int(instanceInfo[Int(i)].local)])) }
        return h
    }

    /// A layer event as this instance's timer: code = the event's case, payload = its id.
    static func layerTimer(_ instance: Int32, _ event: LayerEvent) -> GraphEvent {
        switch event {
        case .block: return .timer(component: instance, code: 0, payload: 0)
        case .softConfirm(let id): return .timer(component: instance, code: 1, payload: Int32(truncatingIfNeeded: id))
        case .batchTimer: return .timer(component: instance, code: 2, payload: 0)
        case .batchPost(let batch): return .timer(component: instance, code: 3, payload: Int32(truncatingIfNeeded: batch))
        case .ledgerSettle(let id): return .timer(component: instance, code: 4, payload: Int32(truncatingIfNeeded: id))
        }
    }

    static func layerEvent(code: Int32, payload: Int32) -> LayerEvent {
        switch code {
        case 0: return .block
        case 1: return .softConfirm(id: Int(payload))
        case 2: return .batchTimer
        case 3: return .batchPost(batch: Int(payload))
        default: return .ledgerSettle(id: Int(payload))
        }
    }

    /// The layer starts at time zero (its first block, its first batch timer).
    func startSettlement(instance: Int32) -> [(GraphEvent, SimInstant)] {
        [(.timer(component: instance, code: GraphModel.settlementStartTimer, payload: 0), .zero)]
    }

    mutating func settlementReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if settlements[local].channel != nil {
            channelReceive(local, instance: instance, m, context: &context)
            return
        }
        let id = settlements[local].nextID
        // Layer ids travel in 32-bit timer payloads: they wrap after 2^31 transactions of one instance.
        settlements[local].nextID = (id + 1) & Int(Int32.max)
        if measuring { settlements[local].received += 1 }
        // A swap to the pool bids its own fee (a priority fee, or a bundle's bid in an auction).
        let isSwap = settlements[local].amm != nil && pool[m].kind == .swap
        let fee = isSwap ? pool[m].value2 : settlements[local].parameters.fee
        let accepted = settlements[local].layer.submit(id: id, fee: fee, context: &context) {
            GraphModel.layerTimer(instance, $0)
        }
        guard accepted else {
            if measuring { settlements[local].refused += 1 }
            discard(m)
            return
        }
        settlements[local].pending[id] = SettlementState.Pending(message: m, arrival: context.now, measured: measuring, released: false)
        if isSwap && pool[m].side & GraphModel.swapBundle != 0 { settlements[local].amm!.bundles.append(id) }
    }

    mutating func settlementTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.settlementStartTimer {
            settlements[local].layer.start(context: &context) { GraphModel.layerTimer(instance, $0) }
            if settlements[local].amm != nil {
                // The pool's first state, and the searchers' first lead instants.
                poolAfterBlock(local, instance: instance, context: &context)
            }
            return
        }
        let hasPool = settlements[local].amm != nil
        if hasPool && code == 0 {
            // The block is sealed after every other event at its instant (a swap sent at the
            // sealing instant over a zero-latency link is in it), within a bound.
            if context.hasOtherEventNow && settlements[local].amm!.deferrals < AMMPoolState.deferralLimit {
                settlements[local].amm!.deferrals += 1
                context.schedule(.timer(component: instance, code: 0, payload: 0), at: context.now)
                return
            }
            settlements[local].amm!.deferrals = 0
            poolBeforeBlock(local, now: context.now)
        }
        if code == GraphModel.channelRetryTimer {
            channelRetry(local, instance: instance, payload, context: &context)
            return
        }
        if code == GraphModel.settlementWindowTimer {
            settlementWindowEnd(local, instance: instance, id: Int(payload), context: &context)
            return
        }
        settlements[local].layer.handle(GraphModel.layerEvent(code: code, payload: payload), context: &context) {
            GraphModel.layerTimer(instance, $0)
        }
        let release = settlements[local].parameters.releaseLevel, finalLevel = settlements[local].parameters.finalLevel
        let softLevel = settlements[local].parameters.softLevel, tracksWindow = settlements[local].parameters.tracksWindow
        for reached in settlements[local].layer.levelNotifications {
            guard var entry = settlements[local].pending[reached.id] else { continue }
            settlements[local].reach(&entry, level: reached.level, elapsed: context.now - entry.arrival)
            let releasing = reached.level >= release && !entry.released
            if releasing { entry.released = true }
            settlements[local].pending[reached.id] = entry
            if releasing { settlementRelease(local, instance: instance, entry.message, context: &context) }
        }
        let notifications = settlements[local].layer.notifications
        let hasChannel = settlements[local].channel != nil
        for notification in notifications {
            guard var entry = settlements[local].pending[notification.id] else { continue }
            let elapsed = context.now - entry.arrival
            if hasChannel && notification.kind == .soft {
                // A packet's copy lands: the channel decides (stale, failed or executed); it is
                // still followed to finality, never released again.
                if entry.measured && !entry.released { settlements[local].soft.record(elapsed) }
                settlements[local].reach(&entry, level: softLevel, elapsed: elapsed)
                entry.released = true
                settlements[local].pending[notification.id] = entry
                channelLanded(local, instance: instance, id: notification.id, context: &context)
                continue
            }
            if hasPool && notification.kind == .soft && pool[entry.message].kind == .swap {
                // Executed in block order; its receipt leaves at once (a swap is not followed to finality).
                if entry.measured { settlements[local].soft.record(elapsed) }
                // The chain's own revert draw (a short list: the block's reverted inclusions).
                let reverted = settlements[local].layer.chain?.reverted.contains(notification.id) ?? false
                settlements[local].pending[notification.id] = nil
                poolExecute(local, instance: instance, entry.message, reverted: reverted, context: &context)
                continue
            }
            switch notification.kind {
            case .soft:
                if entry.measured { settlements[local].soft.record(elapsed) }
                settlements[local].reach(&entry, level: softLevel, elapsed: elapsed)
                let releasing = release <= softLevel && !entry.released
                if releasing { entry.released = true }
                settlements[local].pending[notification.id] = entry
                if releasing {
                    settlementRelease(local, instance: instance, entry.message, context: &context)
                } else if pool[entry.message].kind == .trade && !entry.released {
                    settlementSoftNotice(entry.message, instance: instance, local: local, context: &context)
                }
            case .final:
                if entry.measured { settlements[local].final.record(elapsed) }
                settlements[local].reach(&entry, level: finalLevel, elapsed: elapsed)
                if tracksWindow {
                    // Pending until the withdrawal window is over (released there when `release` is that level).
                    let releasing = release <= finalLevel && !entry.released
                    if releasing { entry.released = true }
                    settlements[local].pending[notification.id] = entry
                    settlements[local].inWindow += 1
                    context.schedule(.timer(component: instance, code: GraphModel.settlementWindowTimer,
                                            payload: Int32(truncatingIfNeeded: notification.id)),
                                     after: settlements[local].layer.withdrawalDelay)
                    if releasing { settlementRelease(local, instance: instance, entry.message, context: &context) }
                } else {
                    settlements[local].pending[notification.id] = nil
                    if !entry.released { settlementRelease(local, instance: instance, entry.message, context: &context) }
                }
            }
        }
        if hasPool && code == 0 { poolAfterBlock(local, instance: instance, context: &context) }
    }

    /// A final transaction's withdrawal window is over: the rollup's last level.
    mutating func settlementWindowEnd(_ local: Int, instance: Int32, id: Int, context: inout SimulationContext<GraphEvent>) {
        guard var entry = settlements[local].pending.removeValue(forKey: id), let level = settlements[local].parameters.windowLevel else { return }
        settlements[local].inWindow -= 1
        settlements[local].reach(&entry, level: level, elapsed: context.now - entry.arrival)
        if !entry.released { settlementRelease(local, instance: instance, entry.message, context: &context) }
    }

    /// The tag of a soft notice: a copy of a trade flow's transaction sent back to it at soft
    /// confirmation when the transaction is released later (the trade flow records its soft latency).
    static let softNoticeTag: Int64 = -2

    /// A trade flow's transaction is soft-confirmed: a copy goes back to its sender as a soft
    /// notice, when this settlement answers its sender itself (`out` unconnected).
    mutating func settlementSoftNotice(_ m: Int32, instance: Int32, local: Int, context: inout SimulationContext<GraphEvent>) {
        guard !hasOutput(instance), pool[m].wantsReply else { return }
        let notice = pool.copy(m)
        pool[notice].tag = GraphModel.softNoticeTag
        pool.account(notice, .service, at: context.now)
        reply(notice, sizeBytes: settlements[local].parameters.replyBytes, context: &context)
    }

    /// A settled transaction leaves: by `out` when connected (a confirmation, if it wants one,
    /// then comes from downstream: the next layer of a bridge, an acknowledging sink), otherwise
    /// back to its sender as a confirmation when it wants one, otherwise consumed.
    mutating func settlementRelease(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool.account(m, .service, at: context.now)
        if hasOutput(instance) {
            forward(m, from: instance, context: &context)
        } else if pool[m].wantsReply {
            reply(m, sizeBytes: settlements[local].parameters.replyBytes, context: &context)
        } else {
            discard(m)
        }
    }
}
