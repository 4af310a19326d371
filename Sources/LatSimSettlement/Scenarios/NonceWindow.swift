/// Records keyed by consecutive ids (nonces), kept from the oldest live id to the newest: an
/// array with a moving base, O(1) access without hashing.
///
///     var window = NonceWindow<Int>()
///     window[0] = 10; window[1] = 11      // ids are added in order
///     window[0] = nil                     // retired: the window starts at 1
///
/// Memory: the span from the oldest live id to the newest (retired ids before the oldest live
/// one are dropped, amortised O(1) per id), so a long run keeps only what is in flight; an id
/// that never retires keeps the ids after it (they are pending behind it).
/// Invariant: `storage[head]` is live (or `head == storage.count`); ids below `base + head` are retired.
struct NonceWindow<Element> {
    var storage = ContiguousArray<Element?>()
    /// The id of `storage[0]`.
    var base = 0
    /// The first live index.
    var head = 0
    /// Live records.
    private(set) var count = 0

    /// The slots held: the high-water mark of the span in flight (tests).
    var capacity: Int { storage.capacity }

    /// The record of id `id`, nil once retired (or before it was added). Setting the next id
    /// adds it; setting nil retires one.
    subscript(id: Int) -> Element? {
        get {
            let index = id - base
            return index >= head && index < storage.count ? storage[index] : nil
        }
        set {
            let index = id - base
            if index == storage.count {
                guard let newValue else { return }
                storage.append(newValue)
                count += 1
                return
            }
            precondition(index >= head && index < storage.count && storage[index] != nil, "NonceWindow: id \(id) is not live")
            guard newValue == nil else { storage[index] = newValue; return }
            storage[index] = nil
            count -= 1
            while head < storage.count && storage[head] == nil { head += 1 }
            // Drop the dead prefix once it dominates: amortised O(1) per id.
            if head >= 32 && head * 2 >= storage.count {
                storage.removeFirst(head)
                base += head
                head = 0
            }
        }
    }
}
