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
    public enum Release: String, Sendable, CaseIterable { case soft, final }
    public var layer: LayerSpec
    public var fee: Double
    public var release: Release
    public var replyBytes: Int

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["layer", "fee", "release", "reply_bytes"])
        layer = try node.layerSpec("layer")
        fee = try node.double("fee", default: 1, range: 0...1e18)
        release = Release(rawValue: try node.string("release", default: "final", oneOf: Release.allCases.map(\.rawValue)))!
        replyBytes = try node.int("reply_bytes", default: 128, range: 0...(1 << 30))
    }
}

struct SettlementState {
    struct Pending {
        var message: Int32
        var arrival: SimInstant
        var measured: Bool
        var released: Bool
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

    init(parameters: SettlementParameters, name: String, replication: ReplicationSpec) {
        self.parameters = parameters
        layer = SettlementLayer(spec: parameters.layer, role: name, replication: replication)
    }

    mutating func resetStatistics() {
        received = 0; refused = 0; soft = LatencyHistogram(); final = LatencyHistogram()
    }
}

extension GraphModel {
    static let settlementStartTimer: Int32 = 9

    static let settlementMetrics: [ComponentMetric] = [
        ComponentMetric("transactions", "count", "transactions received") { m, g, _ in m.settlementSum(g) { Double($0.received) } },
        ComponentMetric("refused", "count", "transactions a full mempool refused (dropped)") { m, g, _ in m.settlementSum(g) { Double($0.refused) } },
    ] + ComponentMetric.histogram("soft_latency", "time from arrival to soft confirmation (ns)") { m, g in m.settlementHistogram(g) { $0.soft } }
      + ComponentMetric.histogram("final_latency", "time from arrival to finality (ns)") { m, g in m.settlementHistogram(g) { $0.final } }
      + [ComponentMetric("pending_end", "count", "transactions submitted and not final at the end") { m, g, _ in
             m.settlementSum(g) { Double($0.pending.count) } }]

    func settlementSum(_ g: Int, _ f: (SettlementState) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(settlements[Int(instanceLocal[Int($1)])]) }
    }

    func settlementHistogram(_ g: Int, _ f: (SettlementState) -> LatencyHistogram) -> LatencyHistogram {
        var h = LatencyHistogram()
        for i in instances(of: g) { h.merge(f(settlements[Int(instanceLocal[Int(i)])])) }
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
        let id = settlements[local].nextID
        // Layer ids travel in 32-bit timer payloads: they wrap after 2^31 transactions of one instance.
        settlements[local].nextID = (id + 1) & Int(Int32.max)
        if measuring { settlements[local].received += 1 }
        let accepted = settlements[local].layer.submit(id: id, fee: settlements[local].parameters.fee, context: &context) {
            GraphModel.layerTimer(instance, $0)
        }
        guard accepted else {
            if measuring { settlements[local].refused += 1 }
            discard(m)
            return
        }
        settlements[local].pending[id] = SettlementState.Pending(message: m, arrival: context.now, measured: measuring, released: false)
    }

    mutating func settlementTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.settlementStartTimer {
            settlements[local].layer.start(context: &context) { GraphModel.layerTimer(instance, $0) }
            return
        }
        settlements[local].layer.handle(GraphModel.layerEvent(code: code, payload: payload), context: &context) {
            GraphModel.layerTimer(instance, $0)
        }
        let notifications = settlements[local].layer.notifications
        let release = settlements[local].parameters.release
        for notification in notifications {
            guard var entry = settlements[local].pending[notification.id] else { continue }
            let elapsed = context.now - entry.arrival
            switch notification.kind {
            case .soft:
                if entry.measured { settlements[local].soft.record(elapsed) }
                if release == .soft && !entry.released {
                    entry.released = true
                    settlements[local].pending[notification.id] = entry
                    settlementRelease(local, instance: instance, entry.message, context: &context)
                }
            case .final:
                if entry.measured { settlements[local].final.record(elapsed) }
                settlements[local].pending[notification.id] = nil
                if !entry.released { settlementRelease(local, instance: instance, entry.message, context: &context) }
            }
        }
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
