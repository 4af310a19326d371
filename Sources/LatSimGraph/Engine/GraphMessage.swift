import LatSimCore

/// A message travelling through a component graph: a value type stored in a `MessagePool`
/// and named by its slot there, so an event carries a 32-bit index, never the message.
///
///     let m = pool.allocate(created: now)
///     pool[m].sizeBytes = 256
///     pool.account(m, .wire, at: arrival)   // attributes the time since the last mark
///
/// Time accounting: every message has a `mark`, the last instant its time was attributed.
/// Each transition (leaving a link, starting service, ending service, ...) adds `now - mark`
/// to one of three buckets (wire, wait, service) and moves the mark, so at any instant
/// `wire + wait + service == mark - created` exactly: a path's per-hop breakdown sums to its
/// end-to-end latency by construction.
public struct GraphMessage {
    /// The logical message: shared by a request and its retries, and by a request and its reply.
    public var id: UInt32 = 0
    /// A routing and ordering key (hash routing, partitions, per-key sequence checks).
    public var key: UInt32 = 0
    /// The number of this message among its origin's messages (starting at 1): ordering checks.
    public var sequence: UInt32 = 0
    /// The component instance that created it; replies end there (a broker's delivery is the broker's).
    public var origin: Int32 = -1
    /// The instance that first created the message: ordering is checked per producer.
    public var producer: Int32 = -1
    /// The origin's slot (a client's window slot) and the attempt number.
    public var slot: Int32 = -1
    public var attempt: UInt16 = 0
    /// Priority level at stations (0 first).
    public var priority: UInt8 = 0
    /// True once it travels back towards its origin.
    public var isReply: Bool = false
    /// A reply that refuses the request (a station's `overflow: reject` or `reject_probability`).
    public var isRejected: Bool = false
    /// The origin waits for a reply (a client's request, a closed source's message, a broker's delivery).
    public var wantsReply: Bool = false
    /// The session of the station serving it (a crash starts a new one and voids older jobs).
    public var epoch: UInt16 = 0
    /// Bytes on the wire (bandwidth).
    public var sizeBytes: UInt32 = 0
    /// The broker offset it was delivered at (for acknowledgements), and its partition.
    public var offset: Int64 = -1
    public var partition: Int32 = -1
    public var created: SimInstant = .zero
    public var mark: SimInstant = .zero
    public var wire: Int64 = 0
    public var wait: Int64 = 0
    public var service: Int64 = 0
    /// Connections to retrace for a reply (most recent last), a bounded stack.
    public var returnDepth: UInt8 = 0
    public var returnOverflow: Bool = false
    public var returns: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1, -1, -1)

    public static let returnCapacity = 8
}

/// Where the time of a message goes: on links, waiting in queues, in service (or a delay).
public enum TimeBucket: Sendable {
    case wire, wait, service
}

/// The messages in flight, in slots reused through a free list: memory grows with the
/// number of messages pending, never with the number processed.
///
/// Invariant: a slot is either free (on the free list) or live; `live == count - free`.
public struct MessagePool {
    var storage: ContiguousArray<GraphMessage> = []
    var free: ContiguousArray<Int32> = []
    /// Per message and measured path: the path's stamp (-1: not on the path).
    var stamps: ContiguousArray<PathStamp> = []
    public let pathCount: Int
    #if LATSIM_INVARIANTS
    /// Debug builds: which slots are live, to trap a message released twice or used after release.
    var isLive: [Bool] = []
    #endif
    public private(set) var live = 0
    public private(set) var peakLive = 0

    public init(pathCount: Int) { self.pathCount = pathCount }

    /// A new message created at `now`, its mark at `now`.
    /// - Complexity: amortised O(1)
    public mutating func allocate(created now: SimInstant) -> Int32 {
        var message = GraphMessage()
        message.created = now
        message.mark = now
        return insert(message)
    }

    /// A copy of message `index` (fan-out, retries): the same id, accounting and path stamps.
    public mutating func copy(_ index: Int32) -> Int32 {
        let copy = insert(storage[Int(index)])
        for p in 0..<pathCount { stamps[Int(copy) * pathCount + p] = stamps[Int(index) * pathCount + p] }
        return copy
    }

    mutating func insert(_ message: GraphMessage) -> Int32 {
        live += 1
        if live > peakLive { peakLive = live }
        if let slot = free.popLast() {
            #if LATSIM_INVARIANTS
            precondition(!isLive[Int(slot)], "message slot \(slot) on the free list is live")
            isLive[Int(slot)] = true
            #endif
            storage[Int(slot)] = message
            for p in 0..<pathCount { stamps[Int(slot) * pathCount + p] = PathStamp() }
            return slot
        }
        storage.append(message)
        #if LATSIM_INVARIANTS
        isLive.append(true)
        #endif
        for _ in 0..<pathCount { stamps.append(PathStamp()) }
        return Int32(storage.count - 1)
    }

    /// Returns a slot to the free list.
    public mutating func release(_ index: Int32) {
        #if LATSIM_INVARIANTS
        precondition(isLive[Int(index)], "message \(index) released twice")
        isLive[Int(index)] = false
        #endif
        live -= 1
        free.append(index)
    }

    public subscript(index: Int32) -> GraphMessage {
        get { storage[Int(index)] }
        _modify { yield &storage[Int(index)] }
    }

    /// Attributes the time since the message's mark to `bucket` and moves the mark to `now`.
    public mutating func account(_ index: Int32, _ bucket: TimeBucket, at now: SimInstant) {
        storage.withUnsafeMutableBufferPointer { messages in
            let elapsed = (now - messages[Int(index)].mark).nanoseconds
            switch bucket {
            case .wire: messages[Int(index)].wire &+= elapsed
            case .wait: messages[Int(index)].wait &+= elapsed
            case .service: messages[Int(index)].service &+= elapsed
            }
            messages[Int(index)].mark = now
        }
    }

    public func stamp(_ index: Int32, path: Int) -> PathStamp { stamps[Int(index) * pathCount + path] }
    public mutating func setStamp(_ index: Int32, path: Int, _ stamp: PathStamp) { stamps[Int(index) * pathCount + path] = stamp }

    /// Bytes held by the pool's storage.
    public var memoryBytes: Int {
        storage.capacity * MemoryLayout<GraphMessage>.stride + stamps.capacity * MemoryLayout<PathStamp>.stride
            + free.capacity * 4
    }
}

/// Where a message entered a measured path: the time and its accounting then.
public struct PathStamp: Sendable {
    public var start: Int64 = -1
    public var wire: Int64 = 0
    public var wait: Int64 = 0
    public var service: Int64 = 0
    public init() {}
    public init(start: Int64, wire: Int64, wait: Int64, service: Int64) {
        self.start = start
        self.wire = wire
        self.wait = wait
        self.service = service
    }
    public var isActive: Bool { start >= 0 }
}
