import LatSimCore
import LatSimNetwork
import LatSimSettlement

/// `channel:` of a `settlement`: the destination end of a cross-chain messaging channel. Every
/// message reaching `in` is a packet relayed to this layer; it executes when its transaction
/// is included (soft confirmation), and then leaves (by `out`, or as a confirmation back to
/// its sender).
///
///     - {name: destination, type: settlement, layer: cometbft,
///        channel: {ordering: ordered, failure_probability: 0.05, retry_delay: 30s}}
///
/// - An execution fails with `failure_probability` (the instance's stream, one draw per
///   landed copy, only when the probability is above 0); the relayer resubmits the packet
///   `retry_delay` later, in a new transaction.
/// - `ordering: ordered` (IBC's ordered channels): packets of one sender (a producer and key)
///   carry their sequence numbers as nonces, from 1. Packet n is submitted only once it has
///   arrived and n-1 has been submitted; the time it waits for that is its head-of-line delay.
///   A packet that lands while an earlier nonce has not executed fails (and is retried). When
///   n fails, every later packet already submitted is invalidated (its copy lands stale and is
///   ignored) and held again until n's retry is submitted. So packets execute in nonce order.
/// - `ordering: unordered`: each packet is submitted when it arrives and executes when it lands.
///
/// A copy of a nonce already held or executed (a sender's retry) is counted stale and dropped.
/// A copy the mempool refuses is dropped (counted `refused`); on an ordered channel the packets
/// behind it then never execute. Memory: the packets held or in flight, and a record per
/// transaction in the mempool, each retired when done.
public struct SettlementChannelParameters: Sendable {
    public enum Ordering: String, Sendable, CaseIterable { case ordered, unordered }
    public var ordering: Ordering
    public var failureProbability: Double
    public var retryDelay: SimDuration

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["ordering", "failure_probability", "retry_delay"])
        ordering = Ordering(rawValue: try node.string("ordering", default: "unordered", oneOf: Ordering.allCases.map(\.rawValue)))!
        failureProbability = try node.double("failure_probability", default: 0, range: 0...0.99)
        // At least 1 us (`interval`): a zero retry would loop at one instant.
        retryDelay = try node.interval("retry_delay", default: .seconds(30 as Int64))
    }
}

struct SettlementChannelState {
    /// A packet of an ordered lane, from its arrival to its execution.
    struct Entry {
        var message: Int32
        /// Since when it waits behind an earlier nonce (ns), or -1.
        var heldSince: Int64 = -1
        var headOfLine: Int64 = 0
        /// The current attempt: a landed copy of an older one is stale.
        var attempt: Int32 = 0
        var retryPending = false
    }

    /// The packets of one sender on an ordered channel, by nonce.
    struct Lane {
        var nextToRelease: UInt32 = 1
        var nextToExecute: UInt32 = 1
        var entries: [UInt32: Entry] = [:]
    }

    let parameters: SettlementChannelParameters
    /// Ordered lanes by sender: producer << 32 | key.
    var lanes: [UInt64: Lane] = [:]
    /// Copies in the layer, by layer id: the packet and its attempt.
    var copies: [Int: (message: Int32, attempt: Int32)] = [:]
    /// The end of the horizon (executions after it, in a drain, are not in `executed_per_hour`).
    let horizonEnd: SimInstant
    let horizonHours: Double
    // Measured statistics.
    var executed: Int64 = 0
    var executedInHorizon: Int64 = 0
    var failedAttempts: Int64 = 0
    var staleDeliveries: Int64 = 0
    var headOfLine = LatencyHistogram()
    /// With a trace (tests): the first `ReplicationSpec.traceRowLimit` arrivals and executions
    /// (ns), with the executed packet's nonce and head-of-line delay.
    let keepRecords: Bool
    var arrivals: [(nonce: UInt32, at: Int64)] = []
    var executions: [(nonce: UInt32, at: Int64, headOfLine: Int64)] = []

    init(parameters: SettlementChannelParameters, replication: ReplicationSpec) {
        self.parameters = parameters
        horizonEnd = .zero + replication.warmUp + replication.horizon
        horizonHours = Double(replication.horizon.nanoseconds) / 3.6e12
        keepRecords = replication.keepTrace
    }

    /// Reads lane `lane` (created empty if new) in place.
    mutating func withLane<T>(_ lane: UInt64, _ body: (inout Lane) -> T) -> T { body(&lanes[lane, default: Lane()]) }

    mutating func resetStatistics() {
        executed = 0; executedInHorizon = 0; failedAttempts = 0; staleDeliveries = 0; headOfLine = LatencyHistogram()
    }
}

extension GraphModel {
    /// A channel's retry timer (payload: the packet's message).
    static let channelRetryTimer: Int32 = 10

    static let settlementChannelMetrics: [ComponentMetric] = [
        ComponentMetric("executed", "count", "packets executed") { m, g, _ in m.channelSum(g) { Double($0.executed) } },
        ComponentMetric("executed_per_hour", "1/h", "packets executed between the warm-up's end and the horizon's end, per hour of the horizon (a drain's executions not counted)") { m, g, _ in
            m.channelSum(g) { Double($0.executedInHorizon) / $0.horizonHours } },
        ComponentMetric("failed_attempts", "count", "executions that failed (each retried after retry_delay)") { m, g, _ in
            m.channelSum(g) { Double($0.failedAttempts) } },
        ComponentMetric("stale_deliveries", "count", "landed copies ignored (invalidated by an earlier nonce's failure, or of a packet already executed)") { m, g, _ in
            m.channelSum(g) { Double($0.staleDeliveries) } },
    ] + ComponentMetric.histogram("head_of_line_delay", "time a packet waited behind an earlier nonce before its execution (ns; 0 on an unordered channel)") { m, g in
        var h = LatencyHistogram()
        for i in m.instances(of: g) { if let c = m.settlements[Int(m.instanceInfo[Int(i)].local)].channel { h.merge(c.headOfLine) } }
        return h
    }

    func channelSum(_ g: Int, _ f: (SettlementChannelState) -> Double) -> Double {
        instances(of: g).reduce(0) { total, i in settlements[Int(instanceInfo[Int(i)].local)].channel.map { total + f($0) } ?? total }
    }

    @inline(__always)
    func channelLane(_ m: Int32) -> UInt64 { UInt64(UInt32(bitPattern: pool[m].producer)) << 32 | UInt64(pool[m].key) }

    /// A packet arrives at the channel.
    mutating func channelReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if settlements[local].channel!.keepRecords && settlements[local].channel!.arrivals.count < ReplicationSpec.traceRowLimit {
            settlements[local].channel!.arrivals.append((pool[m].sequence, context.now.nanosecondsSinceStart))
        }
        guard settlements[local].channel!.parameters.ordering == .ordered else {
            channelSubmit(local, instance: instance, m, attempt: 0, context: &context)
            return
        }
        let lane = channelLane(m), nonce = pool[m].sequence
        // The lane is read and written in place (a copy would copy its entries).
        let (nextToExecute, nextToRelease, held) = settlements[local].channel!.withLane(lane) { ($0.nextToExecute, $0.nextToRelease, $0.entries[nonce] != nil) }
        guard nonce >= nextToExecute && !held else {
            // A copy of a nonce already held or executed.
            if measuring { settlements[local].channel!.staleDeliveries += 1 }
            discard(m)
            return
        }
        var entry = SettlementChannelState.Entry(message: m)
        if nonce != nextToRelease { entry.heldSince = context.now.nanosecondsSinceStart }
        settlements[local].channel!.lanes[lane]!.entries[nonce] = entry
        if nonce == nextToRelease { channelReleaseRun(local, instance: instance, lane: lane, context: &context) }
    }

    /// Submits, in nonce order, every packet of the lane that has arrived and is not waiting
    /// for a retry, from `nextToRelease` on.
    mutating func channelReleaseRun(_ local: Int, instance: Int32, lane: UInt64, context: inout SimulationContext<GraphEvent>) {
        let now = context.now.nanosecondsSinceStart
        while true {
            let nonce = settlements[local].channel!.lanes[lane]!.nextToRelease
            guard var entry = settlements[local].channel!.lanes[lane]!.entries[nonce], !entry.retryPending else { return }
            if entry.heldSince >= 0 {
                entry.headOfLine += now - entry.heldSince
                entry.heldSince = -1
                settlements[local].channel!.lanes[lane]!.entries[nonce] = entry
            }
            settlements[local].channel!.lanes[lane]!.nextToRelease = nonce &+ 1
            channelSubmit(local, instance: instance, entry.message, attempt: entry.attempt, context: &context)
        }
    }

    /// A copy of packet `m` (attempt `attempt`) becomes a transaction of the layer.
    mutating func channelSubmit(_ local: Int, instance: Int32, _ m: Int32, attempt: Int32, context: inout SimulationContext<GraphEvent>) {
        pool.account(m, .wait, at: context.now)
        let id = settlements[local].nextID
        settlements[local].nextID = (id + 1) & Int(Int32.max)
        if measuring { settlements[local].received += 1 }
        let accepted = settlements[local].layer.submit(id: id, fee: settlements[local].parameters.fee, context: &context) {
            GraphModel.layerTimer(instance, $0)
        }
        guard accepted else {
            if measuring { settlements[local].refused += 1 }
            if settlements[local].channel!.parameters.ordering == .ordered {
                let lane = channelLane(m)
                settlements[local].channel!.lanes[lane]!.entries[pool[m].sequence] = nil
            }
            discard(m)
            return
        }
        settlements[local].pending[id] = SettlementState.Pending(message: m, arrival: context.now, measured: measuring, released: false)
        settlements[local].channel!.copies[id] = (m, attempt)
    }

    /// A copy lands in a block (layer id `id`): stale, a failure, or the packet's execution.
    mutating func channelLanded(_ local: Int, instance: Int32, id: Int, context: inout SimulationContext<GraphEvent>) {
        guard let (m, attempt) = settlements[local].channel!.copies.removeValue(forKey: id) else {
            // A re-inclusion after a reorg: the copy landed already.
            if measuring { settlements[local].channel!.staleDeliveries += 1 }
            return
        }
        let p = settlements[local].channel!.parameters
        var headOfLine: Int64 = 0
        if p.ordering == .ordered {
            let lane = channelLane(m), nonce = pool[m].sequence
            let nextToExecute = settlements[local].channel!.lanes[lane]!.nextToExecute
            guard let entry = settlements[local].channel!.lanes[lane]!.entries[nonce], entry.attempt == attempt else {
                if measuring { settlements[local].channel!.staleDeliveries += 1 }
                return
            }
            if nonce != nextToExecute || (p.failureProbability > 0 && streams[Int(instance)].bernoulli(p.failureProbability)) {
                channelFail(local, instance: instance, m, context: &context)
                return
            }
            headOfLine = entry.headOfLine
            settlements[local].channel!.lanes[lane]!.entries[nonce] = nil
            settlements[local].channel!.lanes[lane]!.nextToExecute = nonce &+ 1
        } else if p.failureProbability > 0 && streams[Int(instance)].bernoulli(p.failureProbability) {
            channelFail(local, instance: instance, m, context: &context)
            return
        }
        if measuring {
            settlements[local].channel!.executed += 1
            if context.now < settlements[local].channel!.horizonEnd { settlements[local].channel!.executedInHorizon += 1 }
            settlements[local].channel!.headOfLine.record(headOfLine)
        }
        if settlements[local].channel!.keepRecords && settlements[local].channel!.executions.count < ReplicationSpec.traceRowLimit {
            settlements[local].channel!.executions.append((pool[m].sequence, context.now.nanosecondsSinceStart, headOfLine))
        }
        settlementRelease(local, instance: instance, m, context: &context)
    }

    /// Packet `m`'s execution failed: retried after `retry_delay`; on an ordered channel every
    /// later packet already submitted is invalidated and held again.
    mutating func channelFail(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { settlements[local].channel!.failedAttempts += 1 }
        if settlements[local].channel!.parameters.ordering == .ordered {
            let lane = channelLane(m), nonce = pool[m].sequence
            let now = context.now.nanosecondsSinceStart
            settlements[local].channel!.lanes[lane]!.entries[nonce]!.attempt &+= 1
            settlements[local].channel!.lanes[lane]!.entries[nonce]!.retryPending = true
            let nextToRelease = settlements[local].channel!.lanes[lane]!.nextToRelease
            var k = nonce &+ 1
            while k < nextToRelease {
                if settlements[local].channel!.lanes[lane]!.entries[k] != nil {
                    settlements[local].channel!.lanes[lane]!.entries[k]!.attempt &+= 1
                    settlements[local].channel!.lanes[lane]!.entries[k]!.heldSince = now
                }
                k &+= 1
            }
            settlements[local].channel!.lanes[lane]!.nextToRelease = Swift.min(nextToRelease, nonce)
        }
        context.schedule(.timer(component: instance, code: GraphModel.channelRetryTimer, payload: m),
                         after: settlements[local].channel!.parameters.retryDelay)
    }

    /// A failed packet's retry: resubmitted (ordered: with the packets held behind it).
    mutating func channelRetry(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        guard settlements[local].channel!.parameters.ordering == .ordered else {
            channelSubmit(local, instance: instance, m, attempt: 0, context: &context)
            return
        }
        let lane = channelLane(m)
        settlements[local].channel!.lanes[lane]!.entries[pool[m].sequence]!.retryPending = false
        channelReleaseRun(local, instance: instance, lane: lane, context: &context)
    }
}
