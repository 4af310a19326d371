/// A Kafka/RabbitMQ-like broker for one topic: partitions that keep order, consumer groups
/// with committed offsets, at-least-once redelivery, bounded capacity with a stated policy.
///
///     var broker = Broker<Int64>(partitions: 4, groups: 1, capacityPerPartition: 10_000,
///                                overflow: .dropNewest, prefetch: 8)
///     _ = broker.publish(42, partition: 1, at: now)
///     while let d = broker.nextDelivery(group: 0, partition: 1) { send(d.message, d.offset) }
///     broker.acknowledge(group: 0, partition: 1, offset: d.offset)     // when the consumer is done
///     broker.consumerFailed(group: 0, partition: 1)                   // unacked ones are redelivered
///
/// Each partition is a log with absolute offsets. A group has, per partition, a committed
/// offset (everything below is acknowledged) and a delivery cursor (everything below was
/// sent); at most `prefetch` messages are delivered and unacknowledged per (group, partition).
/// A message leaves the log when every group has committed it. Acknowledgements are
/// cumulative, as in Kafka: a consumer processes a partition in order.
///
/// Ledger: `sent` = messages offered to the broker (accepted or dropped), `delivered` =
/// messages committed by every group (removed), `dropped` = overflow drops, in flight = stored.
/// Invariant: `ledger.inFlight == storedCount` (checked by `reconciles`).
public struct Broker<Message> {
    @usableFromInline struct Entry {
        var message: Message
        var published: SimInstant
    }
    struct Cursor {
        var committed: Int64 = 0
        var nextDelivery: Int64 = 0
        /// One past the highest offset ever delivered (an offset below it is a redelivery).
        var highestDelivered: Int64 = 0
    }

    public enum PublishOutcome {
        case accepted(offset: Int64)
        /// The arriving message (`.overflowNewest`) or the oldest stored one (`.overflowOldest`) was dropped.
        case dropped(Message, MessageLedger.DropReason)
        /// The partition is full and the policy is `.block`: the producer keeps the message and must retry.
        case rejected
    }

    public let partitionCount: Int
    public let groupCount: Int
    public let capacityPerPartition: Int
    public let overflow: OverflowPolicy
    public let prefetch: Int

    var logs: [RingBuffer<Entry>]
    var baseOffsets: [Int64]
    /// cursors[group * partitionCount + partition]
    var cursors: [Cursor]

    public private(set) var ledger = MessageLedger()
    public private(set) var published: Int64 = 0
    public private(set) var delivered: Int64 = 0
    public private(set) var redelivered: Int64 = 0
    public private(set) var acknowledged: Int64 = 0
    public private(set) var rejected: Int64 = 0
    /// Messages stored, over time (all partitions).
    public private(set) var storedLength: TimeWeightedValue

    public init(partitions: Int, groups: Int = 1, capacityPerPartition: Int = .max, overflow: OverflowPolicy = .dropNewest,
                prefetch: Int = 1, start: SimInstant = .zero) {
        precondition(partitions >= 1 && groups >= 1 && capacityPerPartition >= 1 && prefetch >= 1)
        partitionCount = partitions
        groupCount = groups
        self.capacityPerPartition = capacityPerPartition
        self.overflow = overflow
        self.prefetch = prefetch
        logs = (0..<partitions).map { _ in RingBuffer() }
        baseOffsets = [Int64](repeating: 0, count: partitions)
        cursors = [Cursor](repeating: Cursor(), count: partitions * groups)
        storedLength = TimeWeightedValue(start: start)
    }

    /// Messages held (published and not yet committed by every group).
    public var storedCount: Int64 { Int64(logs.reduce(0) { $0 + $1.count }) }

    /// Delivered and not acknowledged, over every group and partition.
    public var unacknowledgedCount: Int64 { cursors.reduce(0) { $0 + ($1.nextDelivery - $1.committed) } }

    public func stored(partition: Int) -> Int { logs[partition].count }

    /// Appends a message to a partition, or applies the overflow policy when the partition is full.
    public mutating func publish(_ message: Message, partition: Int, at now: SimInstant) -> PublishOutcome {
        if logs[partition].count >= capacityPerPartition {
            switch overflow {
            case .block:
                rejected &+= 1
                return .rejected
            case .dropNewest:
                ledger.recordSent()
                ledger.recordDropped(.overflowNewest)
                return .dropped(message, .overflowNewest)
            case .dropOldest:
                // The oldest stored message is dropped only if no group holds it (delivered and
                // unacknowledged): a message being processed is never retracted. Otherwise the
                // arriving one is dropped.
                let base = baseOffsets[partition]
                var held = false
                for g in 0..<groupCount where cursors[g * partitionCount + partition].nextDelivery > base { held = true }
                if held {
                    ledger.recordSent()
                    ledger.recordDropped(.overflowNewest)
                    return .dropped(message, .overflowNewest)
                }
                let victim = logs[partition].popFirst()!
                baseOffsets[partition] += 1
                storedLength.add(-1, at: now)
                for g in 0..<groupCount {
                    let i = g * partitionCount + partition
                    cursors[i].committed = Swift.max(cursors[i].committed, baseOffsets[partition])
                    cursors[i].nextDelivery = Swift.max(cursors[i].nextDelivery, baseOffsets[partition])
                    cursors[i].highestDelivered = Swift.max(cursors[i].highestDelivered, baseOffsets[partition])
                }
                ledger.recordDropped(.overflowOldest)
                append(message, partition: partition, at: now)
                return .dropped(victim.message, .overflowOldest)
            }
        }
        return .accepted(offset: append(message, partition: partition, at: now))
    }

    @discardableResult
    mutating func append(_ message: Message, partition: Int, at now: SimInstant) -> Int64 {
        ledger.recordSent()
        published &+= 1
        let offset = baseOffsets[partition] + Int64(logs[partition].count)
        logs[partition].append(Entry(message: message, published: now))
        storedLength.add(1, at: now)
        return offset
    }

    /// The next message to deliver to `group` from `partition`, or nil when none is ready or
    /// `prefetch` messages are already unacknowledged. Advances the delivery cursor.
    public mutating func nextDelivery(group: Int, partition: Int) -> (offset: Int64, message: Message, published: SimInstant, isRedelivery: Bool)? {
        let i = group * partitionCount + partition
        let c = cursors[i]
        let end = baseOffsets[partition] + Int64(logs[partition].count)
        guard c.nextDelivery < end, c.nextDelivery - c.committed < Int64(prefetch) else { return nil }
        let entry = logs[partition][Int(c.nextDelivery - baseOffsets[partition])]
        let isRedelivery = c.nextDelivery < c.highestDelivered
        if isRedelivery { redelivered &+= 1 } else { delivered &+= 1 }
        cursors[i].nextDelivery += 1
        cursors[i].highestDelivered = Swift.max(c.highestDelivered, c.nextDelivery + 1)
        return (c.nextDelivery, entry.message, entry.published, isRedelivery)
    }

    /// Commits every offset up to and including `offset` for `group`; removes messages every group has committed.
    public mutating func acknowledge(group: Int, partition: Int, offset: Int64, at now: SimInstant) {
        acknowledge(group: group, partition: partition, offset: offset, at: now) { _ in }
    }

    /// As `acknowledge`, handing each message removed from the log (committed by every group) to `removed`.
    public mutating func acknowledge(group: Int, partition: Int, offset: Int64, at now: SimInstant, removed: (Message) -> Void) {
        let i = group * partitionCount + partition
        guard offset >= cursors[i].committed, offset < cursors[i].nextDelivery else { return }   // stale or duplicate ack
        acknowledged &+= offset + 1 - cursors[i].committed
        cursors[i].committed = offset + 1
        var minimum = Int64.max
        for g in 0..<groupCount { minimum = Swift.min(minimum, cursors[g * partitionCount + partition].committed) }
        while baseOffsets[partition] < minimum, let entry = logs[partition].popFirst() {
            removed(entry.message)
            baseOffsets[partition] += 1
            ledger.recordDelivered()
            storedLength.add(-1, at: now)
        }
    }

    /// Consumer lag of `group` on `partition`: messages appended (ever) minus those it committed.
    public func lag(group: Int, partition: Int) -> Int64 {
        baseOffsets[partition] + Int64(logs[partition].count) - cursors[group * partitionCount + partition].committed
    }

    /// Conflation: replaces the message stored at `offset` by `message` (a newer value of the
    /// same key) if no group has been delivered it yet; returns the replaced one, or nil (the
    /// offset is gone or was delivered). The newer value takes the older one's place in order.
    public mutating func replace(partition: Int, offset: Int64, with message: Message) -> Message? {
        let base = baseOffsets[partition]
        guard offset >= base, offset < base + Int64(logs[partition].count) else { return nil }
        for g in 0..<groupCount where cursors[g * partitionCount + partition].nextDelivery > offset { return nil }
        let index = Int(offset - base)
        let old = logs[partition][index].message
        logs[partition][index].message = message
        return old
    }

    /// One past the last offset stored in `partition`.
    public func endOffset(partition: Int) -> Int64 { baseOffsets[partition] + Int64(logs[partition].count) }

    /// The message stored at `offset` (between the oldest stored and `endOffset`).
    public func message(partition: Int, offset: Int64) -> Message {
        logs[partition][Int(offset - baseOffsets[partition])].message
    }

    /// Snapshot recovery: `group` skips everything stored in `partition` (it is committed, not
    /// delivered); messages every group has committed are removed and handed to `removed`.
    public mutating func skip(group: Int, partition: Int, at now: SimInstant, removed: (Message) -> Void) {
        let i = group * partitionCount + partition
        let end = endOffset(partition: partition)
        guard end > cursors[i].committed else { return }
        cursors[i].nextDelivery = end
        cursors[i].highestDelivered = Swift.max(cursors[i].highestDelivered, end)
        acknowledge(group: group, partition: partition, offset: end - 1, at: now, removed: removed)
    }

    /// Delivered and not yet acknowledged by `group` on `partition`.
    public func unacknowledged(group: Int, partition: Int) -> Int64 {
        let c = cursors[group * partitionCount + partition]
        return c.nextDelivery - c.committed
    }

    /// Whether `partition` has room for one more message.
    public func hasRoom(partition: Int) -> Bool { logs[partition].count < capacityPerPartition }

    /// The consumer of (`group`, `partition`) failed: every unacknowledged message will be delivered again.
    public mutating func consumerFailed(group: Int, partition: Int) {
        let i = group * partitionCount + partition
        cursors[i].nextDelivery = cursors[i].committed
    }

    /// Restarts the time-weighted statistics at `now` (warm-up); counters are kept whole-run for the ledger.
    public mutating func resetStatistics(at now: SimInstant) { storedLength.reset(at: now) }

    /// The ledger identity: sent = delivered (committed by all) + dropped + stored.
    public var reconciles: Bool { ledger.reconciles(holding: storedCount) }
}
