import LatSimCore
import LatSimNetwork

/// `type: broker`: one Kafka-like topic (the Network layer's `Broker`): partitions that keep
/// order, consumer groups with committed offsets, prefetch, at-least-once redelivery, bounded
/// capacity. Several topics are several broker components.
///
///     - {name: orders-topic, type: broker, partitions: 4, capacity_per_partition: 10000,
///        overflow: drop-newest, prefetch: 8, acknowledge: true, ack_timeout: 200ms, persist_time: 100us}
///     connections:
///       - {from: orders-topic.out, to: engine.in, group: 0, link: 200us}   # one consumer of group 0
///
/// A published message goes to partition `key mod partitions`, is persisted (`persist_time`,
/// in order per partition: a message is stored no earlier than the one published before it)
/// and then stored until every group has committed it; with `acknowledge`, the producer gets
/// a reply once it is stored. Each outgoing connection is one consumer of the group its `group` names; a group's
/// partitions are shared among its consumers round-robin (partition p to consumer p mod n).
/// A consumer acknowledges by replying (a station without `out` does); acknowledgements are
/// cumulative. When a consumer has held unacknowledged messages for `ack_timeout` without
/// progress, its partitions are rewound and redelivered (at least once: duplicates possible).
/// `overflow: block` holds a message at its producer while its partition is full (the
/// station's `Backpressure`), storing it in order when an acknowledgement frees room.
/// While the broker is down, published messages and acknowledgements are lost; its log (and
/// what it was persisting) is kept and delivery resumes when it is back. `recovery: snapshot`:
/// a consumer back from a fault gets the latest value per key of its backlog, then the deltas.
public struct BrokerParameters: Sendable {
    public var partitions: Int
    public var capacityPerPartition: Int
    public var overflow: OverflowPolicy
    public var prefetch: Int
    public var acknowledge: Bool
    public var ackTimeout: SimDuration
    public var replyBytes: Int
    /// Time to persist a message before it is stored and acknowledged; nil: none (no draw).
    public var persistTime: Distribution?
    /// `delivery: pull`: consumers poll every `pollInterval` for up to `maxPollRecords`
    /// messages; a poll that finds none stays open for `pollWait` (a long poll).
    public var pull: Bool
    public var pollInterval: SimDuration
    public var maxPollRecords: Int
    public var pollWait: SimDuration
    /// Producer batching (`batch_size` > 1): messages for one partition accumulate until
    /// `batchSize` of them or `linger` after the first, then go on together.
    public var batchSize: Int
    public var linger: SimDuration
    public var batching: Bool { batchSize > 1 }
    /// `conflate`: a message whose key already has one stored and not yet delivered replaces
    /// it (latest value per key), so a slow consumer gets the newest value, never a backlog.
    public var conflate: Bool
    /// A consumer-group rebalance: when a consumer of a group goes down or comes back, the
    /// whole group receives nothing for this long (0: no pause).
    public var rebalancePause: SimDuration
    /// `recovery: snapshot`: a consumer that comes back after a fault on it is sent the latest
    /// stored value of each key its group has not committed (one message per key, at once) and
    /// then only the messages stored after that point; `replay` (the default) redelivers the
    /// whole backlog after `ack_timeout`.
    public var snapshotRecovery: Bool
    /// The `recovery` key is given (either value): the recovery metrics are recorded.
    public var tracksRecovery: Bool

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["partitions", "capacity_per_partition", "overflow", "prefetch", "acknowledge", "ack_timeout", "reply_bytes",
                            "persist_time", "delivery", "poll_interval", "max_poll_records", "poll_wait", "batch_size", "linger", "conflate", "rebalance_pause", "recovery"])
        partitions = try node.int("partitions", default: 1, range: 1...4_096)
        if let c = node.child("capacity_per_partition"), (try? c.text()) == "unlimited" {
            capacityPerPartition = .max
        } else {
            capacityPerPartition = try node.int("capacity_per_partition", default: .max, range: 1...Int.max)
        }
        overflow = OverflowPolicy(rawValue: try node.string("overflow", default: "drop-newest", oneOf: ["drop-newest", "drop-oldest", "block"]))!
        prefetch = try node.int("prefetch", default: 1, range: 1...1_000_000)
        acknowledge = try node.bool("acknowledge", default: true)
        ackTimeout = try node.duration("ack_timeout", default: .seconds(Int64(1)), allowZero: false)
        replyBytes = try node.int("reply_bytes", default: 0, range: 0...(1 << 30))
        persistTime = node.has("persist_time") ? try node.distribution("persist_time") : nil
        pull = try node.string("delivery", default: "push", oneOf: ["push", "pull"]) == "pull"
        if !pull, let key = ["poll_interval", "max_poll_records", "poll_wait"].first(where: { node.has($0) }) {
            throw ConfigError(location: node.child(key)?.location ?? node.location, path: node.path + "." + key,
                              problem: "applies to pull consumers only", allowed: "delivery: pull with it, or no \(key)",
                              given: "delivery: push")
        }
        pollInterval = try node.duration("poll_interval", default: .milliseconds(Int64(100)), allowZero: false)
        maxPollRecords = try node.int("max_poll_records", default: 500, range: 1...1_000_000)
        pollWait = try node.duration("poll_wait", default: .zero)
        conflate = try node.bool("conflate", default: false)
        rebalancePause = try node.duration("rebalance_pause", default: .zero)
        tracksRecovery = node.has("recovery")
        snapshotRecovery = try node.string("recovery", default: "replay", oneOf: ["replay", "snapshot"]) == "snapshot"
        batchSize = try node.int("batch_size", default: 1, range: 1...1_000_000)
        if batchSize > 1 {
            linger = try node.duration("linger", allowZero: false)
        } else {
            if let l = node.child("linger") {
                throw ConfigError(location: l.location, path: node.path + ".linger", problem: "applies to producer batching only",
                                  allowed: "batch_size above 1 with it, or no linger", given: "batch_size: 1")
            }
            linger = .zero
        }
    }
}

struct BrokerState {
    let parameters: BrokerParameters
    var broker: Broker<Int32>
    /// Consumers: their connection and group, and partition assignment [group * partitions + p] -> consumer.
    var consumerConnection: [Int32] = []
    var consumerGroup: [Int] = []
    var assignment: [Int] = []
    /// Per (group, partition), [group * partitions + p]: the last acknowledgement, or the first
    /// delivery after none was outstanding. A partition whose outstanding deliveries see no
    /// progress for `ack_timeout` is rewound, even while its consumer acknowledges another one.
    var lastProgress: [SimInstant] = []
    /// Per consumer: whether its acknowledgement timer is pending.
    var timerArmed: [Bool] = []
    var groups = 1
    /// Per partition: when the last message published to it is persisted (persistence is FIFO).
    var persistedUntil: [SimInstant]
    /// Per partition, `overflow: block`: messages held at their producers while the partition
    /// is full, stored in order as acknowledgements free room (the station's mechanism).
    var held: [Backpressure<Int32>]
    /// `delivery: pull`, per consumer: messages its open poll may still take (0: no poll open),
    /// and until when a poll that found nothing stays open (a long poll).
    var pollBudget: [Int] = []
    var pollOpenUntil: [SimInstant] = []
    /// A poll is gathering across its consumer's partitions (it closes when they are done).
    var polling = false
    /// Producer batching, per partition: the open batch, and its generation (a linger timer
    /// of an earlier batch, closed by size, is ignored).
    var batch: [RingBuffer<Int32>]
    var batchGeneration: [Int32]
    /// `conflate`, per partition: key -> the offset of its latest stored message.
    var latestOffset: [[UInt32: Int64]]
    /// `rebalance_pause`, per group: no delivery before this time.
    var pausedUntil: [SimInstant] = []
    /// `recovery`, per (group, partition): a consumer's recovery after its restart: when it
    /// began, the offset the group must commit to be caught up (replay; -1: none under way),
    /// the snapshot messages not yet acknowledged (snapshot; -1: none under way).
    var recoveryStart: [SimInstant] = []
    var recoveryTarget: [Int64] = []
    var snapshotPending: [Int] = []
    /// Measured: recoveries completed, their total and largest time (ns), messages sent to
    /// recovering consumers from the backlog (replay) or in snapshots, snapshots sent.
    var recoveries: Int64 = 0
    var recoveryTotal: Int64 = 0
    var recoveryMax: Int64 = 0
    var replayed: Int64 = 0
    var snapshots: Int64 = 0

    init(parameters: BrokerParameters, consumers: Int) {
        self.parameters = parameters
        broker = Broker(partitions: parameters.partitions, groups: 1)
        persistedUntil = Array(repeating: .zero, count: parameters.partitions)
        held = Array(repeating: Backpressure(), count: parameters.overflow == .block ? parameters.partitions : 0)
        batch = (0..<(parameters.batching ? parameters.partitions : 0)).map { _ in RingBuffer() }
        batchGeneration = Array(repeating: 0, count: parameters.batching ? parameters.partitions : 0)
        latestOffset = Array(repeating: [:], count: parameters.conflate ? parameters.partitions : 0)
    }

    /// Consumer lag over time per (group, partition), [group * partitions + p]: messages
    /// stored in the partition so far minus those the group committed.
    var lag: [TimeWeightedValue] = []

    var heldCount: Int { held.reduce(0) { $0 + $1.count } }

    mutating func resetStatistics(at now: SimInstant) {
        broker.resetStatistics(at: now)
        for p in held.indices { held[p].resetStatistics(at: now) }
        for k in lag.indices { lag[k].reset(at: now) }
        recoveries = 0; recoveryTotal = 0; recoveryMax = 0; replayed = 0; snapshots = 0
    }

    /// A recovery of (group, partition) `slot` is complete at `now`.
    mutating func recovered(_ slot: Int, at now: SimInstant, measuring: Bool) {
        recoveryTarget[slot] = -1
        snapshotPending[slot] = -1
        guard measuring else { return }
        let t = (now - recoveryStart[slot]).nanoseconds
        recoveries &+= 1
        recoveryTotal &+= t
        recoveryMax = Swift.max(recoveryMax, t)
    }

    /// Brings every group's lag on `partition` up to date (after a store, a drop or a commit).
    @inline(__always)
    mutating func updateLag(partition: Int, at now: SimInstant) {
        for g in 0..<groups { lag[g * parameters.partitions + partition].set(Double(broker.lag(group: g, partition: partition)), at: now) }
    }
}

extension GraphModel {
    static let brokerAckTimer: Int32 = 1, brokerPersistTimer: Int32 = 2, brokerPollTimer: Int32 = 3, brokerLingerTimer: Int32 = 4,
               brokerRebalanceTimer: Int32 = 5
    static let brokerDropped = 0, brokerRewinds = 1, brokerBatches = 2, brokerBatched = 3, brokerConflated = 4, brokerRebalances = 5

    static let brokerMetrics: [ComponentMetric] = [
        ComponentMetric("published", "count", "messages stored (whole run)") { m, g, _ in m.brokerTotal(g) { Double($0.published) } },
        ComponentMetric("delivered", "count", "first deliveries to consumers (whole run)") { m, g, _ in m.brokerTotal(g) { Double($0.delivered) } },
        ComponentMetric("redelivered", "count", "deliveries of a message delivered before (whole run)") { m, g, _ in
            m.brokerTotal(g) { Double($0.redelivered) } },
        ComponentMetric("dropped", "count", "messages dropped by the overflow policy") { m, g, _ in
            Double(m.groupStats[g].counters[brokerDropped]) },
        ComponentMetric("rewinds", "count", "consumer partitions rewound after an acknowledgement timeout") { m, g, _ in
            Double(m.groupStats[g].counters[brokerRewinds]) },
        ComponentMetric("stored_mean", "messages", "time-weighted messages stored") { m, g, end in
            m.brokerTotal(g) { $0.storedLength.mean(until: end) } },
        ComponentMetric("stored_max", "messages", "most messages stored at once (one instance)") { m, g, _ in
            m.instances(of: g).reduce(0) { Swift.max($0, m.brokers[Int(m.instanceInfo[Int($1)].local)].broker.storedLength.maximum) } },
        ComponentMetric("stored_end", "messages", "messages stored at the end") { m, g, _ in m.brokerTotal(g) { Double($0.storedCount) } },
        ComponentMetric("blocked", "count", "messages held at their producers by a full partition (overflow: block)") { m, g, _ in
            Double(m.instances(of: g).reduce(Int64(0)) { t, i in
                t + m.brokers[Int(m.instanceInfo[Int(i)].local)].held.reduce(Int64(0)) { $0 + $1.blockedCount } }) },
        ComponentMetric("held_mean", "messages", "time-weighted messages held at producers by a full partition (overflow: block)") { m, g, end in
            Double(m.instances(of: g).reduce(0.0) { t, i in
                t + m.brokers[Int(m.instanceInfo[Int(i)].local)].held.reduce(0.0) { $0 + $1.heldLength.mean(until: end) } }) },
        ComponentMetric("held_end", "messages", "messages held at producers at the end (overflow: block)") { m, g, _ in
            Double(m.instances(of: g).reduce(0) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].heldCount }) },
        ComponentMetric("conflated", "count", "stored messages replaced by a newer one of the same key before delivery (conflate)") { m, g, _ in
            Double(m.groupStats[g].counters[brokerConflated]) },
        ComponentMetric("rebalances", "count", "consumer-group rebalances (a consumer went down or came back; rebalance_pause above 0)") { m, g, _ in
            Double(m.groupStats[g].counters[brokerRebalances]) },
        ComponentMetric("batches", "count", "producer batches sent on (batch_size above 1)") { m, g, _ in
            Double(m.groupStats[g].counters[brokerBatches]) },
        ComponentMetric("batch_size_mean", "messages", "mean messages per producer batch") { m, g, _ in
            let n = m.groupStats[g].counters[brokerBatches]
            return n > 0 ? Double(m.groupStats[g].counters[brokerBatched]) / Double(n) : .nan },
        ComponentMetric("lag_mean", "messages", "time-weighted consumer lag (stored minus committed) of one (group, partition), averaged over them") { m, g, end in
            var total = 0.0, pairs = 0
            for i in m.instances(of: g) {
                for l in m.brokers[Int(m.instanceInfo[Int(i)].local)].lag { total += l.mean(until: end); pairs += 1 }
            }
            return pairs > 0 ? total / Double(pairs) : .nan },
        ComponentMetric("lag_peak", "messages", "largest consumer lag of one (group, partition) during the measurement") { m, g, _ in
            m.instances(of: g).reduce(Double.nan) { best, i in
                m.brokers[Int(m.instanceInfo[Int(i)].local)].lag.reduce(best) { $0.isNaN ? $1.maximum : Swift.max($0, $1.maximum) } } },
        ComponentMetric("lag_max", "messages", "largest backlog of one group on one partition at the end (stored, not committed)") { m, g, _ in
            m.instances(of: g).reduce(0.0) { best, i in
                let b = m.brokers[Int(m.instanceInfo[Int(i)].local)]
                return Swift.max(best, (0..<b.parameters.partitions).reduce(0.0) { Swift.max($0, Double(b.broker.stored(partition: $1))) })
            } },
    ]

    /// With a `recovery` key (either value): how consumers restarted after a fault caught up.
    static let brokerRecoveryMetrics: [ComponentMetric] = [
        ComponentMetric("recoveries", "count", "consumer partitions caught up after their consumer restarted (recovery)") { m, g, _ in
            Double(m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].recoveries }) },
        ComponentMetric("recovery_time_mean", "ns", "mean time from a consumer's restart until its group committed the backlog of the partition (recovery)") { m, g, _ in
            let n = m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].recoveries }
            let t = m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].recoveryTotal }
            return n > 0 ? Double(t) / Double(n) : .nan },
        ComponentMetric("recovery_time_max", "ns", "longest time from a consumer's restart until it caught up on one partition (recovery)") { m, g, _ in
            let n = m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].recoveries }
            return n > 0 ? Double(m.instances(of: g).reduce(Int64(0)) { Swift.max($0, m.brokers[Int(m.instanceInfo[Int($1)].local)].recoveryMax) }) : .nan },
        ComponentMetric("replayed", "count", "messages sent to restarted consumers to recover: the backlog (replay) or the snapshots (snapshot)") { m, g, _ in
            Double(m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].replayed }) },
        ComponentMetric("snapshots", "count", "snapshots sent to restarted consumers, one per (consumer, partition) (recovery: snapshot)") { m, g, _ in
            Double(m.instances(of: g).reduce(Int64(0)) { $0 + m.brokers[Int(m.instanceInfo[Int($1)].local)].snapshots }) },
    ]

    func brokerTotal(_ g: Int, _ f: (Broker<Int32>) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(brokers[Int(instanceInfo[Int($1)].local)].broker) }
    }

    /// Consumers and their partitions, from the broker's outgoing connections.
    mutating func configureBroker(_ local: Int) {
        guard let instance = instanceInfo.indices.first(where: { instanceInfo[$0].type == .broker && Int(instanceInfo[$0].local) == local }) else { return }
        let first = Int(outStart[instance]), end = Int(outStart[instance + 1])
        var state = brokers[local]
        for k in first..<end {
            let c = outConnections[k]
            state.consumerConnection.append(c)
            state.consumerGroup.append(spec.connections[Int(connectionSpec[Int(c)])].group)
        }
        let groupIDs = Array(Set(state.consumerGroup)).sorted()
        state.consumerGroup = state.consumerGroup.map { groupIDs.firstIndex(of: $0)! }
        state.groups = groupIDs.count
        let p = state.parameters
        state.broker = Broker(partitions: p.partitions, groups: state.groups, capacityPerPartition: p.capacityPerPartition,
                              overflow: p.overflow, prefetch: p.prefetch)
        state.assignment = []
        for g in 0..<state.groups {
            let members = state.consumerGroup.indices.filter { state.consumerGroup[$0] == g }
            for partition in 0..<p.partitions { state.assignment.append(members[partition % members.count]) }
        }
        state.lastProgress = Array(repeating: .zero, count: state.groups * p.partitions)
        state.lag = Array(repeating: TimeWeightedValue(start: .zero), count: state.groups * p.partitions)
        state.pausedUntil = Array(repeating: .zero, count: state.groups)
        state.recoveryStart = Array(repeating: .zero, count: state.groups * p.partitions)
        state.recoveryTarget = Array(repeating: -1, count: state.groups * p.partitions)
        state.snapshotPending = Array(repeating: -1, count: state.groups * p.partitions)
        state.timerArmed = Array(repeating: false, count: state.consumerConnection.count)
        state.pollBudget = Array(repeating: 0, count: state.consumerConnection.count)
        state.pollOpenUntil = Array(repeating: .zero, count: state.consumerConnection.count)
        brokers[local] = state
    }

    /// A published message arrived: batched first when `batch_size` is above 1.
    mutating func brokerPublish(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let p = brokers[local].parameters
        guard p.batching else {
            brokerIngest(local, instance: instance, m, context: &context)
            return
        }
        let partition = Int(pool[m].key % UInt32(p.partitions))
        brokers[local].batch[partition].append(m)
        if brokers[local].batch[partition].count == 1 {
            let payload = brokers[local].batchGeneration[partition] << 12 | Int32(partition)
            context.schedule(.timer(component: instance, code: GraphModel.brokerLingerTimer, payload: payload), after: p.linger)
        }
        if brokers[local].batch[partition].count >= p.batchSize { brokerFlush(local, instance: instance, partition: partition, context: &context) }
    }

    /// A producer batch goes on: its messages are persisted and stored in order.
    mutating func brokerFlush(_ local: Int, instance: Int32, partition: Int, context: inout SimulationContext<GraphEvent>) {
        brokers[local].batchGeneration[partition] = (brokers[local].batchGeneration[partition] &+ 1) & 0x7_FFFF
        let g = Int(instanceInfo[Int(instance)].group)
        if measuring {
            groupStats[g].counters[GraphModel.brokerBatches] &+= 1
            groupStats[g].counters[GraphModel.brokerBatched] &+= Int64(brokers[local].batch[partition].count)
        }
        while let m = brokers[local].batch[partition].popFirst() {
            pool.account(m, .wait, at: context.now)
            brokerIngest(local, instance: instance, m, context: &context)
        }
    }

    /// A message (or one of a batch) reaches the topic: persisted first (in order per partition) when `persist_time` is set.
    mutating func brokerIngest(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        guard let persist = brokers[local].parameters.persistTime else {
            brokerStore(local, instance: instance, m, context: &context)
            return
        }
        let now = context.now
        let partition = Int(pool[m].key % UInt32(brokers[local].parameters.partitions))
        pool.account(m, .wait, at: now)
        let done = Swift.max(now + persist.sampleDuration(streams[Int(instance)]), brokers[local].persistedUntil[partition])
        brokers[local].persistedUntil[partition] = done
        context.schedule(.timer(component: instance, code: GraphModel.brokerPersistTimer, payload: m), at: done)
    }

    /// Stores a (persisted) message in its partition, acknowledges it and delivers what it can.
    /// `admitted`: a held message let in by `brokerAdmitHeld` (it goes before the ones still held).
    mutating func brokerStore(_ local: Int, instance: Int32, _ m: Int32, admitted: Bool = false, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        let partition = Int(pool[m].key % UInt32(brokers[local].parameters.partitions))
        // `block`: behind the messages already held (order per partition is kept).
        if !admitted && !brokers[local].held.isEmpty && !brokers[local].held[partition].isEmpty {
            brokers[local].held[partition].hold(m, at: now)
            return
        }
        if brokers[local].parameters.conflate, let offset = brokers[local].latestOffset[partition][pool[m].key],
           let old = brokers[local].broker.replace(partition: partition, offset: offset, with: m) {
            // The newer value takes the pending one's place: stored (and acknowledged) without a new offset.
            if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.brokerConflated] &+= 1 }
            discard(old)
            if brokers[local].parameters.acknowledge && pool[m].wantsReply {
                reply(pool.copy(m), sizeBytes: brokers[local].parameters.replyBytes, context: &context)
            }
            pool[m].returnDepth = 0
            return
        }
        switch brokers[local].broker.publish(m, partition: partition, at: now) {
        case .accepted(let offset):
            if brokers[local].parameters.conflate { brokers[local].latestOffset[partition][pool[m].key] = offset }
            if brokers[local].parameters.acknowledge && pool[m].wantsReply {
                let ack = pool.copy(m)
                reply(ack, sizeBytes: brokers[local].parameters.replyBytes, context: &context)
            }
            pool[m].returnDepth = 0
            brokers[local].updateLag(partition: partition, at: now)
            for g in 0..<brokers[local].groups { deliver(local, instance: instance, group: g, partition: partition, context: &context) }
        case .dropped(let victim, _):
            if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.brokerDropped] &+= 1 }
            instanceLost[Int(instance)] &+= 1
            discard(victim)
            if victim != m {
                if brokers[local].parameters.acknowledge && pool[m].wantsReply {
                    reply(pool.copy(m), sizeBytes: brokers[local].parameters.replyBytes, context: &context)
                }
                pool[m].returnDepth = 0
                brokers[local].updateLag(partition: partition, at: now)
                for g in 0..<brokers[local].groups { deliver(local, instance: instance, group: g, partition: partition, context: &context) }
            }
        case .rejected:
            // Full under `block`: the producer is pushed back; its message (and its acknowledgement,
            // so a client's window stalls) waits until an acknowledgement frees room.
            brokers[local].held[partition].hold(m, at: now)
        }
    }

    /// `block`: room freed in `partition`; stores the held messages that now fit, oldest first.
    mutating func brokerAdmitHeld(_ local: Int, instance: Int32, partition: Int, context: inout SimulationContext<GraphEvent>) {
        guard !brokers[local].held.isEmpty else { return }
        while brokers[local].broker.hasRoom(partition: partition), let h = brokers[local].held[partition].admit(at: context.now) {
            brokerStore(local, instance: instance, h.job, admitted: true, context: &context)
        }
    }

    /// Delivers what (group, partition) may receive now to its consumer: at once when it is
    /// pushed to, within an open poll's budget when it pulls.
    mutating func deliver(_ local: Int, instance: Int32, group: Int, partition: Int, context: inout SimulationContext<GraphEvent>) {
        guard !instanceInfo[Int(instance)].down else { return }
        let slot = group * brokers[local].parameters.partitions + partition
        let consumer = brokers[local].assignment[slot]
        let now = context.now
        if now < brokers[local].pausedUntil[group] { return }   // the group is rebalancing
        let pull = brokers[local].parameters.pull
        if pull && (brokers[local].pollBudget[consumer] == 0 || brokers[local].pollOpenUntil[consumer] < now) { return }
        if brokers[local].broker.unacknowledged(group: group, partition: partition) == 0 { brokers[local].lastProgress[slot] = now }
        var sent = 0
        while !pull || brokers[local].pollBudget[consumer] > 0, let d = brokers[local].broker.nextDelivery(group: group, partition: partition) {
            sent += 1
            if pull { brokers[local].pollBudget[consumer] -= 1 }
            if measuring && d.offset < brokers[local].recoveryTarget[slot] { brokers[local].replayed &+= 1 }
            pool.account(d.message, .wait, at: now)
            let copy = pool.copy(d.message)
            pool[copy].origin = instance
            pool[copy].wantsReply = true
            pool[copy].isReply = false
            pool[copy].returnDepth = 0
            pool[copy].offset = d.offset
            pool[copy].partition = Int32(partition)
            if !brokers[local].timerArmed[consumer] {
                brokers[local].timerArmed[consumer] = true
                context.schedule(.timer(component: instance, code: GraphModel.brokerAckTimer, payload: Int32(consumer)),
                                 after: brokers[local].parameters.ackTimeout)
            }
            instanceOut[Int(instance)] &+= 1
            transmit(copy, over: brokers[local].consumerConnection[consumer], context: &context)
        }
        // A long poll answers with the first messages that arrive, then closes.
        if pull && sent > 0 && !brokers[local].polling { brokers[local].pollBudget[consumer] = 0 }
    }

    /// `delivery: pull`: each consumer's first poll, at a phase drawn uniformly in one interval
    /// (from the broker's stream, in consumer order), then every `poll_interval`.
    func startBroker(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let p = brokers[local].parameters
        guard p.pull else { return [] }
        return brokers[local].consumerConnection.indices.map { consumer in
            let phase = SimDuration(nanoseconds: Int64(streams[Int(instance)].uniform() * Double(p.pollInterval.nanoseconds)))
            return (.timer(component: instance, code: GraphModel.brokerPollTimer, payload: Int32(consumer)), SimInstant.zero + phase)
        }
    }

    /// A pull consumer polls: it takes up to `max_poll_records` from its partitions (in order);
    /// a poll that finds nothing stays open for `poll_wait`.
    mutating func brokerPoll(_ local: Int, instance: Int32, consumer: Int, context: inout SimulationContext<GraphEvent>) {
        let p = brokers[local].parameters
        let now = context.now
        context.schedule(.timer(component: instance, code: GraphModel.brokerPollTimer, payload: Int32(consumer)), after: p.pollInterval)
        guard !instanceInfo[Int(instance)].down else { return }
        brokers[local].pollBudget[consumer] = p.maxPollRecords
        brokers[local].pollOpenUntil[consumer] = now + p.pollWait
        brokers[local].polling = true
        let group = brokers[local].consumerGroup[consumer]
        for partition in 0..<p.partitions where brokers[local].assignment[group * p.partitions + partition] == consumer {
            deliver(local, instance: instance, group: group, partition: partition, context: &context)
        }
        brokers[local].polling = false
        if brokers[local].pollBudget[consumer] < p.maxPollRecords || p.pollWait == .zero { brokers[local].pollBudget[consumer] = 0 }
    }

    /// A consumer's acknowledgement (its reply to a delivery) arrived.
    mutating func brokerAcknowledged(_ local: Int, _ m: Int32, connection c: Int32, context: inout SimulationContext<GraphEvent>) {
        let instance = pool[m].origin
        guard let consumer = brokers[local].consumerConnection.firstIndex(of: c) else { discard(m); return }
        let group = brokers[local].consumerGroup[consumer]
        let partition = Int(pool[m].partition), offset = pool[m].offset
        discard(m)
        let slot = group * brokers[local].parameters.partitions + partition
        if offset <= GraphModel.snapshotOffset {
            // A snapshot message: the recovery is over when the consumer has acknowledged them all.
            if brokers[local].snapshotPending[slot] > 0 {
                brokers[local].snapshotPending[slot] -= 1
                if brokers[local].snapshotPending[slot] == 0 { brokers[local].recovered(slot, at: context.now, measuring: measuring) }
            }
            return
        }
        var removed: [Int32] = []
        brokers[local].broker.acknowledge(group: group, partition: partition, offset: offset, at: context.now) { removed.append($0) }
        for r in removed { discard(r) }
        brokers[local].updateLag(partition: partition, at: context.now)
        if brokers[local].recoveryTarget[slot] >= 0 && offset + 1 >= brokers[local].recoveryTarget[slot] {
            brokers[local].recovered(slot, at: context.now, measuring: measuring)
        }
        brokers[local].lastProgress[slot] = context.now
        if !removed.isEmpty { brokerAdmitHeld(local, instance: instance, partition: partition, context: &context) }
        deliver(local, instance: instance, group: group, partition: partition, context: &context)
    }

    mutating func brokerTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == GraphModel.brokerRebalanceTimer {
            let group = Int(payload)
            guard context.now >= brokers[local].pausedUntil[group] else { return }   // a later rebalance extended the pause
            for partition in 0..<brokers[local].parameters.partitions {
                deliver(local, instance: instance, group: group, partition: partition, context: &context)
            }
            return
        }
        if code == GraphModel.brokerLingerTimer {
            let partition = Int(payload & 0xFFF)
            if payload >> 12 == brokers[local].batchGeneration[partition] && !brokers[local].batch[partition].isEmpty {
                brokerFlush(local, instance: instance, partition: partition, context: &context)
            }
            return
        }
        if code == GraphModel.brokerPollTimer {
            brokerPoll(local, instance: instance, consumer: Int(payload), context: &context)
            return
        }
        if code == GraphModel.brokerPersistTimer {
            pool.account(payload, .service, at: context.now)
            brokerStore(local, instance: instance, payload, context: &context)
            return
        }
        let consumer = Int(payload)
        let now = context.now
        let p = brokers[local].parameters
        let group = brokers[local].consumerGroup[consumer]
        let partitions = (0..<p.partitions).filter { brokers[local].assignment[group * p.partitions + $0] == consumer }
        // Each outstanding partition of this consumer on its own: one stalled partition is rewound
        // even while the consumer acknowledges the others.
        var wait: SimDuration? = nil
        for partition in partitions where brokers[local].broker.unacknowledged(group: group, partition: partition) > 0 {
            let slot = group * p.partitions + partition
            let idle = now - brokers[local].lastProgress[slot]
            if idle >= p.ackTimeout && !instanceInfo[Int(instance)].down {
                if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.brokerRewinds] &+= 1 }
                brokers[local].broker.consumerFailed(group: group, partition: partition)
                deliver(local, instance: instance, group: group, partition: partition, context: &context)
                brokers[local].lastProgress[slot] = now
                wait = min(wait ?? p.ackTimeout, p.ackTimeout)
            } else {
                let left = idle >= p.ackTimeout ? p.ackTimeout : p.ackTimeout - idle
                wait = min(wait ?? left, left)
            }
        }
        guard let wait else {
            brokers[local].timerArmed[consumer] = false
            return
        }
        context.schedule(.timer(component: instance, code: GraphModel.brokerAckTimer, payload: payload), after: wait)
    }

    mutating func brokerResume(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        for g in 0..<brokers[local].groups {
            for partition in 0..<brokers[local].parameters.partitions {
                deliver(local, instance: instance, group: g, partition: partition, context: &context)
            }
        }
    }

    /// A consumer went down or came back: each broker group it belongs to (with a
    /// `rebalance_pause`) stops delivering for the pause.
    mutating func brokerMembershipChanged(_ consumerInstance: Int32, context: inout SimulationContext<GraphEvent>) {
        for local in brokers.indices where brokers[local].parameters.rebalancePause > .zero {
            let pause = brokers[local].parameters.rebalancePause
            for (k, c) in brokers[local].consumerConnection.enumerated() where connectionTarget[Int(c)] == consumerInstance {
                let group = brokers[local].consumerGroup[k]
                let instance = connectionSource[Int(c)]
                let until = context.now + pause
                guard until > brokers[local].pausedUntil[group] else { continue }
                brokers[local].pausedUntil[group] = until
                if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.brokerRebalances] &+= 1 }
                context.schedule(.timer(component: instance, code: GraphModel.brokerRebalanceTimer, payload: Int32(group)), at: until)
            }
        }
    }

    /// A snapshot message carries the offset `snapshotOffset - point`, `point` being the first
    /// offset after the snapshot (where the deltas start; an acknowledging sink expects it
    /// next); its acknowledgement commits nothing.
    static let snapshotOffset: Int64 = -2

    /// A consumer came back after a fault on it: for each broker with a `recovery` key and each
    /// partition assigned to it, a recovery starts. `snapshot`: the latest stored value of each
    /// key its group has not committed goes out at once (one message per key, in the order of
    /// those values' offsets, past `prefetch`), and the group's cursor moves past the backlog
    /// (the older values are superseded: committed), so only later messages follow. `replay`:
    /// the backlog is redelivered as usual; the recovery ends when the group commits it.
    mutating func brokerConsumerRestarted(_ consumerInstance: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        for local in brokers.indices where brokers[local].parameters.tracksRecovery {
            let p = brokers[local].parameters
            for (consumer, c) in brokers[local].consumerConnection.enumerated() where connectionTarget[Int(c)] == consumerInstance {
                let group = brokers[local].consumerGroup[consumer]
                let instance = connectionSource[Int(c)]
                guard !instanceInfo[Int(instance)].down else { continue }   // a broker that is down sends nothing
                for partition in 0..<p.partitions where brokers[local].assignment[group * p.partitions + partition] == consumer {
                    let slot = group * p.partitions + partition
                    brokers[local].recoveryStart[slot] = now
                    let end = brokers[local].broker.endOffset(partition: partition)
                    let committed = end - brokers[local].broker.lag(group: group, partition: partition)
                    guard end > committed else {
                        brokers[local].recovered(slot, at: now, measuring: measuring)   // nothing to recover
                        continue
                    }
                    guard p.snapshotRecovery else {
                        brokers[local].recoveryTarget[slot] = end
                        brokers[local].snapshotPending[slot] = -1
                        continue
                    }
                    brokers[local].recoveryTarget[slot] = -1
                    // The latest value of each key in committed..<end, sent in offset order.
                    var latest: [UInt32: Int64] = [:]
                    for offset in committed..<end { latest[pool[brokers[local].broker.message(partition: partition, offset: offset)].key] = offset }
                    let offsets = latest.values.sorted()
                    var copies: [Int32] = []
                    copies.reserveCapacity(offsets.count)
                    for offset in offsets {
                        let original = brokers[local].broker.message(partition: partition, offset: offset)
                        pool.account(original, .wait, at: now)
                        let copy = pool.copy(original)
                        pool[copy].origin = instance
                        pool[copy].wantsReply = true
                        pool[copy].isReply = false
                        pool[copy].returnDepth = 0
                        pool[copy].offset = GraphModel.snapshotOffset - end
                        pool[copy].partition = Int32(partition)
                        copies.append(copy)
                    }
                    var removed: [Int32] = []
                    brokers[local].broker.skip(group: group, partition: partition, at: now) { removed.append($0) }
                    for r in removed { discard(r) }
                    brokers[local].updateLag(partition: partition, at: now)
                    brokers[local].lastProgress[slot] = now
                    brokers[local].snapshotPending[slot] = copies.count
                    if measuring {
                        brokers[local].snapshots &+= 1
                        brokers[local].replayed &+= Int64(copies.count)
                    }
                    for copy in copies {
                        instanceOut[Int(instance)] &+= 1
                        transmit(copy, over: c, context: &context)
                    }
                    if !removed.isEmpty { brokerAdmitHeld(local, instance: instance, partition: partition, context: &context) }
                    deliver(local, instance: instance, group: group, partition: partition, context: &context)
                }
            }
        }
    }
}
