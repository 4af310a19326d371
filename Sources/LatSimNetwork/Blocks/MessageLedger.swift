/// Counts of messages through one link or broker, so that every message is accounted for.
///
///     var ledger = MessageLedger()
///     ledger.recordSent(); ledger.recordDropped(.loss)
///     ledger.reconciles        // true: sent 1 = delivered 0 + dropped 1 + in flight 0
///
/// Invariant: `sent == delivered + dropped + inFlight` at every instant; `inFlight` is derived,
/// so the check that matters is that it never goes negative and that whoever holds a message
/// at the end of a run can account for `inFlight` of them (`reconciles(holding:)`).
public struct MessageLedger: Sendable, Equatable {
    /// Why a message was dropped: every drop has a stated cause.
    public enum DropReason: Int, Sendable, CaseIterable {
        /// The link's random loss (loss probability).
        case loss = 0
        /// The link or the receiving node was down and the fault policy is "lost".
        case outage = 1
        /// A full queue dropped the newest (arriving) message.
        case overflowNewest = 2
        /// A full queue dropped its oldest message to make room.
        case overflowOldest = 3

        public var name: String {
            switch self {
            case .loss: return "loss"
            case .outage: return "outage"
            case .overflowNewest: return "overflow_newest"
            case .overflowOldest: return "overflow_oldest"
            }
        }
    }

    public private(set) var sent: Int64 = 0
    public private(set) var delivered: Int64 = 0
    /// Drops by reason (indexed by `DropReason.rawValue`).
    public private(set) var droppedByReason: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)

    public init() {}

    public var dropped: Int64 { droppedByReason.0 + droppedByReason.1 + droppedByReason.2 + droppedByReason.3 }
    /// Sent and neither delivered nor dropped yet.
    public var inFlight: Int64 { sent - delivered - dropped }

    public func dropped(_ reason: DropReason) -> Int64 {
        switch reason {
        case .loss: return droppedByReason.0
        case .outage: return droppedByReason.1
        case .overflowNewest: return droppedByReason.2
        case .overflowOldest: return droppedByReason.3
        }
    }

    @inline(__always) public mutating func recordSent() { sent &+= 1 }
    @inline(__always) public mutating func recordDelivered() {
        delivered &+= 1
        #if LATSIM_INVARIANTS
        precondition(inFlight >= 0, "ledger: more delivered than sent")
        #endif
    }
    public mutating func recordDropped(_ reason: DropReason) {
        switch reason {
        case .loss: droppedByReason.0 &+= 1
        case .outage: droppedByReason.1 &+= 1
        case .overflowNewest: droppedByReason.2 &+= 1
        case .overflowOldest: droppedByReason.3 &+= 1
        }
        #if LATSIM_INVARIANTS
        precondition(inFlight >= 0, "ledger: more dropped than sent")
        #endif
    }

    /// True when no count is negative and the holder's own count of messages it still holds
    /// equals `inFlight`: sent = delivered + dropped + in flight, checked independently.
    public func reconciles(holding heldCount: Int64) -> Bool {
        delivered >= 0 && dropped >= 0 && inFlight >= 0 && sent == delivered + dropped + heldCount
    }

    /// Adds another ledger's counts (to total over many links).
    public mutating func merge(_ other: MessageLedger) {
        sent += other.sent
        delivered += other.delivered
        droppedByReason.0 += other.droppedByReason.0
        droppedByReason.1 += other.droppedByReason.1
        droppedByReason.2 += other.droppedByReason.2
        droppedByReason.3 += other.droppedByReason.3
    }

    public static func == (lhs: MessageLedger, rhs: MessageLedger) -> Bool {
        lhs.sent == rhs.sent && lhs.delivered == rhs.delivered && lhs.droppedByReason == rhs.droppedByReason
    }
}
