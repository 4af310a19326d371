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
    /// What a market message says (prices, quotes, orders, acknowledgements); `.none` elsewhere.
    public var kind: MarketMessageKind = .none
    /// An order's side (0 buy, 1 sell).
    public var side: UInt8 = 0
    /// A market message's integer field: a quote's book version, an acknowledged order's
    /// opportunity episode (-1: none open when it filled).
    public var tag: Int64 = -1
    /// A market message's numbers: a price (`value0`); a quote (bid, ask, bid size, ask size);
    /// an order (limit, quantity, fill price or NaN, the fill's number in the run's order of fills).
    public var value0: Double = 0
    public var value1: Double = 0
    public var value2: Double = 0
    public var value3: Double = 0
    /// Connections to retrace for a reply (most recent last), a bounded stack.
    public var returnDepth: UInt8 = 0
    public var returns: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1, -1, -1)

    public static let returnCapacity = 8
}

/// The kinds of market message (the market components': price source, venue, arbitrageur).
public enum MarketMessageKind: UInt8, Sendable {
    case none, price, quote, request, order
    /// A completed trade's transfer to settlement (an arbitrageur's `settle` port).
    case transfer
    /// A market maker's cancel-replace for one side (`side`, price `value0`, size `value1`; size 0:
    /// a cancel), confirmed back with `value2` the status (1 placed, 0 nothing placed, -1 refused,
    /// -2 older than the order it would replace) and `value3` the quantity it cancelled.
    case place
    /// A venue's report of a fill of a maker's resting order: price `value0`, quantity `value1`,
    /// remaining `value2`, quantity ahead at placement `value3`, placed at `offset` ns, filled at `tag` ns, the book's
    /// version after the fill in `key` (its low 32 bits).
    case fill
    /// A swap to a settlement's pool (a dex-arbitrageur's), and its receipt coming back.
    case swap
    /// A pool's reserves after a block (a settlement's `blocks` port).
    case poolState
    /// A trade flow's settlement transaction (`slot`: its trade or batch, `value0`: its signed
    /// notional); the settlement answers it with a soft notice (`tag` = `GraphModel.softNoticeTag`)
    /// and at its release.
    case trade
}

/// Where the time of a message goes: on links, waiting in queues, in service (or a delay).
public enum TimeBucket: Sendable {
    case wire, wait, service
}

/// The messages in flight, in slots reused through a free list: memory grows with the
/// number of messages pending, never with the number processed.
///
/// A reference type over raw, manually grown buffers of trivial values: a message is read and
/// written in place (`pool[m].wire += ...`) with no copy-on-write uniqueness check, bounds
/// check or reference count per access (the engine touches the pool several times per event;
/// benchmarks/README.md has the measurement). One pool belongs to one `GraphModel` run and is
/// never shared between threads; copying the model shares it, so a model is not copied during
/// a run (`GraphRun` builds it once).
///
/// Invariant: a slot is either free (on the free list) or live; `live == used - freeCount`.
/// Debug builds trap a slot released twice or handed out while live.
public final class MessagePool {
    @exclusivity(unchecked) var messages: UnsafeMutablePointer<GraphMessage>
    @exclusivity(unchecked) var stamps: UnsafeMutablePointer<PathStamp>
    @exclusivity(unchecked) var free: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var capacity: Int
    /// Slots ever handed out (the high-water mark of the buffers).
    @exclusivity(unchecked) var used = 0
    @exclusivity(unchecked) var freeCount = 0
    @exclusivity(unchecked) public private(set) var live = 0
    @exclusivity(unchecked) public private(set) var peakLive = 0
    public let pathCount: Int
    #if LATSIM_INVARIANTS
    @exclusivity(unchecked) var isLive: [Bool] = []
    #endif

    public init(pathCount: Int) {
        precondition(_isPOD(GraphMessage.self) && _isPOD(PathStamp.self), "pool buffers hold trivial values only")
        self.pathCount = pathCount
        capacity = 64
        messages = .allocate(capacity: capacity)
        stamps = .allocate(capacity: capacity * Swift.max(pathCount, 1))
        free = .allocate(capacity: capacity)
    }

    deinit {
        messages.deallocate()
        stamps.deallocate()
        free.deallocate()
    }

    /// A new message created at `now`, its mark at `now`.
    /// - Complexity: amortised O(1)
    @inline(__always)
    public func allocate(created now: SimInstant) -> Int32 {
        var message = GraphMessage()
        message.created = now
        message.mark = now
        let slot = take()
        (messages + Int(slot)).initialize(to: message)
        clearStamps(slot)
        return slot
    }

    /// A copy of message `index` (fan-out, retries): the same id, accounting and path stamps.
    @inline(__always)
    public func copy(_ index: Int32) -> Int32 {
        let slot = take()
        (messages + Int(slot)).initialize(to: messages[Int(index)])
        if pathCount > 0 {
            (stamps + Int(slot) * pathCount).update(from: stamps + Int(index) * pathCount, count: pathCount)
        }
        return slot
    }

    @inline(__always)
    func clearStamps(_ slot: Int32) {
        for p in 0..<pathCount { stamps[Int(slot) * pathCount + p] = PathStamp() }
    }

    /// A free slot (reused first), growing the buffers when none is left.
    @inline(__always)
    func take() -> Int32 {
        live &+= 1
        if live > peakLive { peakLive = live }
        let slot: Int32
        if freeCount > 0 {
            freeCount &-= 1
            slot = free[freeCount]
        } else {
            if used == capacity { grow() }
            slot = Int32(used)
            used &+= 1
            #if LATSIM_INVARIANTS
            isLive.append(false)
            #endif
        }
        #if LATSIM_INVARIANTS
        precondition(!isLive[Int(slot)], "message slot \(slot) on the free list is live")
        isLive[Int(slot)] = true
        #endif
        return slot
    }

    func grow() {
        precondition(capacity < Int(Int32.max) / 2, "more than 2^30 messages pending")
        let newCapacity = capacity * 2
        let newMessages = UnsafeMutablePointer<GraphMessage>.allocate(capacity: newCapacity)
        newMessages.moveInitialize(from: messages, count: used)
        messages.deallocate()
        messages = newMessages
        let width = Swift.max(pathCount, 1)
        let newStamps = UnsafeMutablePointer<PathStamp>.allocate(capacity: newCapacity * width)
        newStamps.moveInitialize(from: stamps, count: used * width)
        stamps.deallocate()
        stamps = newStamps
        let newFree = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newFree.moveInitialize(from: free, count: freeCount)
        free.deallocate()
        free = newFree
        capacity = newCapacity
    }

    /// Returns a slot to the free list.
    @inline(__always)
    public func release(_ index: Int32) {
        #if LATSIM_INVARIANTS
        precondition(isLive[Int(index)], "message \(index) released twice")
        isLive[Int(index)] = false
        #endif
        live &-= 1
        free[freeCount] = index
        freeCount &+= 1
    }

    @inline(__always)
    public subscript(index: Int32) -> GraphMessage {
        unsafeAddress { UnsafePointer(messages + Int(index)) }
        unsafeMutableAddress { messages + Int(index) }
    }

    /// Attributes the time since the message's mark to `bucket` and moves the mark to `now`.
    @inline(__always)
    public func account(_ index: Int32, _ bucket: TimeBucket, at now: SimInstant) {
        let message = messages + Int(index)
        let elapsed = (now - message.pointee.mark).nanoseconds
        switch bucket {
        case .wire: message.pointee.wire &+= elapsed
        case .wait: message.pointee.wait &+= elapsed
        case .service: message.pointee.service &+= elapsed
        }
        message.pointee.mark = now
    }

    @inline(__always) public func stamp(_ index: Int32, path: Int) -> PathStamp { stamps[Int(index) * pathCount + path] }
    @inline(__always) public func setStamp(_ index: Int32, path: Int, _ stamp: PathStamp) { stamps[Int(index) * pathCount + path] = stamp }

    /// Bytes held by the pool's buffers.
    public var memoryBytes: Int {
        capacity * (MemoryLayout<GraphMessage>.stride + Swift.max(pathCount, 1) * MemoryLayout<PathStamp>.stride + 4)
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
