import LatSimCore

/// Pending transactions in inclusion order: a binary min-heap on (priority, arrival, sequence).
///
///     var pool = Mempool()
///     pool.insert(id: 7, priority: -fee, arrival: 1_000, sequence: 0)   // fee order: higher fee = lower key
///     let next = pool.popMin()                                           // (id: 7, ...)
///
/// FIFO is the special case of equal priorities: the arrival time, then the submission sequence,
/// decides. A transaction returned by a reorg keeps its original keys, so it goes back to its place.
/// Invariant: every parent sorts before its children (checked in debug builds by `checkInvariants`).
public struct Mempool: Sendable {
    public struct Entry: Sendable, Equatable {
        public var id: Int
        /// Lower is included first (a fee-ordered pool stores -fee).
        public var priority: Double
        /// Arrival time in ns since start.
        public var arrival: Int64
        public var sequence: UInt64
        @inlinable func sortsBefore(_ other: Entry) -> Bool {
            if priority != other.priority { return priority < other.priority }
            if arrival != other.arrival { return arrival < other.arrival }
            return sequence < other.sequence
        }
    }

    @usableFromInline var heap = ContiguousArray<Entry>()

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// - Complexity: O(log n)
    public mutating func insert(id: Int, priority: Double, arrival: Int64 = 0, sequence: UInt64) {
        heap.append(Entry(id: id, priority: priority, arrival: arrival, sequence: sequence))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].sortsBefore(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the entry that sorts first.
    /// - Complexity: O(log n)
    public mutating func popMin() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        let n = heap.count
        while true {
            let left = 2 * parent + 1
            if left >= n { break }
            var best = left
            if left + 1 < n && heap[left + 1].sortsBefore(heap[left]) { best = left + 1 }
            guard heap[best].sortsBefore(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }

    /// Removes every entry whose id `remove` selects and restores the heap order; returns how
    /// many it removed (a builder dropping the bundles that lost a block's auction).
    /// - Complexity: O(n log n)
    @discardableResult
    public mutating func removeAll(where remove: (Int) -> Bool) -> Int {
        let kept = heap.filter { !remove($0.id) }
        let removed = heap.count - kept.count
        guard removed > 0 else { return 0 }
        heap.removeAll(keepingCapacity: true)
        for entry in kept { insert(id: entry.id, priority: entry.priority, arrival: entry.arrival, sequence: entry.sequence) }
        return removed
    }

    /// Checks the heap order (tests, debug builds).
    public func checkInvariants() {
        for index in heap.indices.dropFirst() {
            precondition(!heap[index].sortsBefore(heap[(index - 1) / 2]), "mempool heap order violated at \(index)")
        }
    }
}
