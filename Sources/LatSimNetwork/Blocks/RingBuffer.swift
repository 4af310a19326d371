/// A double-ended queue in a growable ring buffer: O(1) append, popFirst, popLast.
///
///     var q = RingBuffer<Int>()
///     q.append(1); q.append(2)
///     q.popFirst()   // 1
///
/// Invariant: `count <= storage.count`, and storage grows by doubling only when full, so a
/// queue that has reached its steady size allocates nothing more (no allocation per message).
public struct RingBuffer<Element> {
    @usableFromInline var storage: ContiguousArray<Element?>
    @usableFromInline var head = 0
    public private(set) var count = 0

    public init(minimumCapacity: Int = 16) {
        storage = ContiguousArray(repeating: nil, count: Swift.max(4, minimumCapacity))
    }

    public var isEmpty: Bool { count == 0 }
    /// Elements it can hold before growing: its high-water mark (it never shrinks).
    public var capacity: Int { storage.count }

    /// The oldest element, if any.
    public var first: Element? { count == 0 ? nil : storage[head] }

    /// The i-th element from the front (0 is the oldest).
    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "RingBuffer index \(index) out of 0..<\(count)")
            return storage[physical(index)]!
        }
        set {
            precondition(index >= 0 && index < count, "RingBuffer index \(index) out of 0..<\(count)")
            storage[physical(index)] = newValue
        }
    }

    @inline(__always) func physical(_ index: Int) -> Int {
        let p = head &+ index
        return p >= storage.count ? p &- storage.count : p
    }

    /// Adds at the back.
    /// - Complexity: amortised O(1)
    public mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[physical(count)] = element
        count &+= 1
    }

    /// Removes and returns the front element.
    /// - Complexity: O(1)
    @discardableResult
    public mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = head &+ 1 == storage.count ? 0 : head &+ 1
        count &-= 1
        return element
    }

    /// Removes and returns the back element.
    /// - Complexity: O(1)
    @discardableResult
    public mutating func popLast() -> Element? {
        guard count > 0 else { return nil }
        let index = physical(count - 1)
        let element = storage[index]
        storage[index] = nil
        count &-= 1
        return element
    }

    public mutating func removeAll() {
        while popFirst() != nil {}
    }

    mutating func grow() {
        var bigger = ContiguousArray<Element?>(repeating: nil, count: storage.count * 2)
        for index in 0..<count { bigger[index] = storage[physical(index)] }
        storage = bigger
        head = 0
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
