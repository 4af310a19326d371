/// Storage for items that are pending: a slot per live item, reused once the item retires.
///
///     var pool = SlotPool<Double>()
///     let a = pool.insert(2.5)      // slot 0
///     pool[a] += 1                  // 3.5
///     pool.remove(a)                // slot 0 is free again
///     pool.insert(7)                // reuses slot 0
///
/// Why: a model that appended one record per processed trade, attempt or fill grew with the
/// run's length; with slots, memory grows with the items alive at once (`capacity` is their
/// high-water mark), however long the run. Freed slots are reused last-freed first, so slot
/// numbers depend only on the order of inserts and removals (deterministic).
/// Invariant: `liveCount + free.count == capacity`; a slot is in `free` exactly when it holds no item.
public struct SlotPool<Element> {
    @usableFromInline var storage = ContiguousArray<Element?>()
    @usableFromInline var free = ContiguousArray<Int>()

    public init() {}

    /// Items currently stored.
    public var liveCount: Int { storage.count - free.count }
    /// Slots ever allocated: the largest number of items alive at once.
    public var capacity: Int { storage.count }

    /// Stores an item and returns its slot.
    /// - Complexity: amortised O(1)
    @inlinable
    public mutating func insert(_ element: Element) -> Int {
        if let slot = free.popLast() {
            storage[slot] = element
            return slot
        }
        storage.append(element)
        return storage.count - 1
    }

    /// Removes and returns the item in `slot`, freeing the slot.
    /// - Complexity: O(1)
    @inlinable @discardableResult
    public mutating func remove(_ slot: Int) -> Element {
        guard let element = storage[slot] else { preconditionFailure("SlotPool: slot \(slot) is free") }
        storage[slot] = nil
        free.append(slot)
        return element
    }

    /// Whether `slot` holds an item.
    @inlinable
    public func contains(_ slot: Int) -> Bool { slot >= 0 && slot < storage.count && storage[slot] != nil }

    /// The item in a live slot.
    @inlinable
    public subscript(slot: Int) -> Element {
        get {
            guard let element = storage[slot] else { preconditionFailure("SlotPool: slot \(slot) is free") }
            return element
        }
        set { precondition(storage[slot] != nil, "SlotPool: slot \(slot) is free"); storage[slot] = newValue }
    }
}

extension SlotPool: Sendable where Element: Sendable {}
