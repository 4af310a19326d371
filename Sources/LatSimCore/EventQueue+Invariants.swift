extension EventQueue {
    /// Checks the heap property over the whole queue: every parent precedes its children, and
    /// no sequence number is from the future.
    /// O(n): called from tests, and from the run loop only in builds with `LATSIM_INVARIANTS`.
    public func checkInvariants() {
        for index in storage.indices {
            if index > 0 {
                let parent = (index - 1) / EventQueue.arity
                precondition(storage[parent].precedes(storage[index]), "EventQueue heap order violated at index \(index)")
            }
            precondition(storage[index].sequence < nextSequence, "EventQueue sequence from the future at \(index)")
        }
    }

    /// Every pending (time, event) in the order they will run. O(n log n); for tests and traces.
    public func sortedSnapshot() -> [(time: SimInstant, event: Event)] {
        storage.sorted { $0.precedes($1) }.map { (SimInstant(nanosecondsSinceStart: $0.time), $0.event) }
    }
}
