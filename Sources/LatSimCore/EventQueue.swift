import CGSL

/// A priority queue of pending events ordered by (time, sequence): the earliest time first,
/// and among equal times the one scheduled first (FIFO).
///
///     var queue = EventQueue<String>()
///     queue.push("b", at: SimInstant(nanosecondsSinceStart: 5))
///     queue.push("a", at: SimInstant(nanosecondsSinceStart: 5))
///     queue.popMin()?.event   // "b": equal times run in scheduling order
///
/// A 4-ary min-heap stored inline in a `ContiguousArray`: events are value types, nothing is
/// allocated per event, and memory grows with the number of events pending, never with the
/// number processed. The sequence number is a 64-bit counter assigned at `push`, so the order
/// is total and deterministic.
public struct EventQueue<Event> {
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable init(time: Int64, sequence: UInt64, event: Event) {
            self.time = time
            self.sequence = sequence
            self.event = event
        }

        @inlinable @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            // One 128-bit comparison of (time, sequence): branch-free. Times are never negative.
            (UInt128(UInt64(bitPattern: time)) << 64 | UInt128(sequence))
                < (UInt128(UInt64(bitPattern: other.time)) << 64 | UInt128(other.sequence))
        }
    }

    @usableFromInline var storage: ContiguousArray<Entry>
    @usableFromInline var nextSequence: UInt64 = 0

    @inlinable public init() { storage = [] }

    /// The number of pending events.
    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }
    /// Slots allocated; `capacity * bytesPerEntry` is the queue's memory.
    @inlinable public var capacity: Int { storage.capacity }
    /// Bytes one pending event occupies in the queue's storage.
    public static var bytesPerEntry: Int { MemoryLayout<Entry>.stride }
    /// How many events have ever been pushed (the next sequence number).
    @inlinable public var pushedCount: UInt64 { nextSequence }

    @inlinable public mutating func reserveCapacity(_ n: Int) { storage.reserveCapacity(n) }

    /// The earliest pending event's time, or nil when empty.
    /// - Complexity: O(1)
    @inlinable public var minTime: SimInstant? {
        storage.isEmpty ? nil : SimInstant(nanosecondsSinceStart: storage[0].time)
    }

    /// The earliest pending event, without removing it.
    /// - Complexity: O(1)
    @inlinable public var min: (time: SimInstant, event: Event)? {
        storage.isEmpty ? nil : (SimInstant(nanosecondsSinceStart: storage[0].time), storage[0].event)
    }

    /// The earliest of the root's children: the next event once the root is handled, unless
    /// that handler schedules an earlier one. Nil with fewer than two events.
    /// - Complexity: O(1) (at most four comparisons)
    @inlinable public var earliestChildOfRoot: Event? {
        let n = storage.count
        guard n > 1 else { return nil }
        return storage.withUnsafeBufferPointer { heap in
            var best = 1, child = 2
            let end = Swift.min(n, 5)
            while child < end {
                if heap[child].precedes(heap[best]) { best = child }
                child &+= 1
            }
            return heap[best].event
        }
    }

    /// Adds an event at `time`; it runs after every pending event with an earlier time or the same time.
    /// - Complexity: O(log n)
    @inlinable public mutating func push(_ event: Event, at time: SimInstant) {
        let entry = Entry(time: time.nanosecondsSinceStart, sequence: nextSequence, event: event)
        nextSequence &+= 1
        storage.append(entry)
        siftUp(from: storage.count - 1, entry)
    }

    /// Removes and returns the earliest event.
    /// - Complexity: O(log n)
    @inlinable public mutating func popMin() -> (time: SimInstant, event: Event)? {
        guard !storage.isEmpty else { return nil }
        let last = storage.removeLast()
        if storage.isEmpty { return (SimInstant(nanosecondsSinceStart: last.time), last.event) }
        let top = storage[0]
        siftDown(from: 0, last)
        return (SimInstant(nanosecondsSinceStart: top.time), top.event)
    }

    /// Removes the earliest event without returning it.
    /// - Complexity: O(log n)
    @inlinable public mutating func removeMin() {
        precondition(!storage.isEmpty, "removeMin on an empty EventQueue")
        let last = storage.removeLast()
        if !storage.isEmpty { siftDown(from: 0, last) }
    }

    /// Replaces the earliest event by a new one in a single sift (cheaper than pop then push).
    /// The new event gets the next sequence number, exactly as `push` would give it.
    /// - Complexity: O(log n)
    @inlinable public mutating func replaceMin(with event: Event, at time: SimInstant) {
        precondition(!storage.isEmpty, "replaceMin on an empty EventQueue")
        let entry = Entry(time: time.nanosecondsSinceStart, sequence: nextSequence, event: event)
        nextSequence &+= 1
        siftDown(from: 0, entry)
    }

    /// Removes every event, keeping the sequence counter (order stays FIFO across a clear).
    public mutating func removeAll(keepingCapacity: Bool = false) {
        storage.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Children per node: a 4-ary heap is half as deep as a binary one, and the four
    /// siblings are adjacent in memory (benchmarks/README.md has the measurements).
    @usableFromInline static var arity: Int { 4 }

    @inlinable @inline(__always)
    mutating func siftUp(from start: Int, _ entry: Entry) {
        storage.withUnsafeMutableBufferPointer { heap in
            var index = start
            while index > 0 {
                let parent = (index &- 1) >> 2
                if !entry.precedes(heap[parent]) { break }
                heap[index] = heap[parent]
                index = parent
            }
            heap[index] = entry
        }
    }

    /// Fills the hole at `start` with `entry`, bottom-up (Floyd's trick): the hole first
    /// descends along the smallest children to a leaf, choosing among siblings without
    /// branches, then `entry` rises from there. An entry that replaces the root (the hold
    /// pattern of a simulation) usually belongs near the leaves, so this skips most
    /// comparisons with `entry`, and the unpredictable branches.
    @inlinable @inline(__always)
    mutating func siftDown(from start: Int, _ entry: Entry) {
        storage.withUnsafeMutableBufferPointer { heap in
            let n = heap.count
            var index = start
            var first = 4 &* index &+ 1
            // Below ~2,000 entries (48 KiB) the heap sits in L1/L2 and prefetching only costs.
            let prefetch = n > 2_048
            while first &+ 3 < n {
                // The next level's sibling groups are in a different part of the array: ask for
                // them now, while this level is compared (memory-level parallelism for big heaps).
                let grandchildren = 4 &* first &+ 1
                if prefetch && grandchildren < n {
                    let base = UnsafeRawPointer(heap.baseAddress! + grandchildren)
                    let stride = MemoryLayout<Entry>.stride
                    // Four groups of four 24-byte entries: 384 bytes, six 64-byte lines.
                    var offset = 0
                    while offset < 16 &* stride {
                        latsim_prefetch(base + offset)
                        offset &+= 64
                    }
                }
                // Tournament of the four siblings, branch-free.
                let a = first &+ (heap[first &+ 1].precedes(heap[first]) ? 1 : 0)
                let b = first &+ 2 &+ (heap[first &+ 3].precedes(heap[first &+ 2]) ? 1 : 0)
                let child = heap[b].precedes(heap[a]) ? b : a
                heap[index] = heap[child]
                index = child
                first = 4 &* index &+ 1
            }
            if first < n {
                var child = first
                var other = first &+ 1
                while other < n {
                    if heap[other].precedes(heap[child]) { child = other }
                    other &+= 1
                }
                heap[index] = heap[child]
                index = child
            }
            while index > start {
                let parent = (index &- 1) >> 2
                if !entry.precedes(heap[parent]) { break }
                heap[index] = heap[parent]
                index = parent
            }
            heap[index] = entry
        }
    }
}

extension EventQueue: Sendable where Event: Sendable {}
extension EventQueue.Entry: Sendable where Event: Sendable {}
