/// Backpressure (`overflow: block`): jobs held at their senders while the place they go to is
/// full, admitted in arrival order as room frees. The one mechanism behind a station's and a
/// broker's `block`: the holder asks `hold` when it is full and `admit` each time room frees.
///
///     var held = Backpressure<Int32>()
///     held.hold(7, level: 0, at: now)                  // full: the sender keeps job 7
///     if let next = held.admit(at: later) { store(next.job, arrivedAt: next.arrival) }
///
/// The held time is the job's: `admit` returns when its sender first tried (`arrival`), so the
/// holder can count it as waiting. Invariant: `count` is the number held; `heldLength` follows
/// it over time; `blockedCount` counts the jobs ever held since the last reset.
public struct Backpressure<Job> {
    @usableFromInline var held = RingBuffer<(job: Job, arrival: SimInstant, level: Int)>()
    /// Jobs held since the last reset.
    public private(set) var blockedCount: Int64 = 0
    /// Jobs held, over time.
    public private(set) var heldLength: TimeWeightedValue

    public init(start: SimInstant = .zero) { heldLength = TimeWeightedValue(start: start) }

    /// Jobs held now.
    public var count: Int { held.count }
    public var isEmpty: Bool { held.isEmpty }

    /// The sender of `job` is pushed back: the job waits here, behind the ones held before it.
    public mutating func hold(_ job: Job, level: Int = 0, at now: SimInstant) {
        blockedCount &+= 1
        held.append((job, now, level))
        heldLength.set(Double(held.count), at: now)
    }

    /// The oldest held job, now admitted (room freed), with the time its sender first tried.
    public mutating func admit(at now: SimInstant) -> (job: Job, arrival: SimInstant, level: Int)? {
        guard let h = held.popFirst() else { return nil }
        heldLength.set(Double(held.count), at: now)
        return h
    }

    /// Hands every held job to `lost`, oldest first, and holds none (a crash).
    public mutating func removeAll(at now: SimInstant, lost: (Job) -> Void) {
        for k in 0..<held.count { lost(held[k].job) }
        held.removeAll()
        heldLength.set(0, at: now)
    }

    /// Restarts the statistics at `now` (the end of the warm-up), keeping the jobs held.
    public mutating func resetStatistics(at now: SimInstant) {
        blockedCount = 0
        heldLength.reset(at: now)
    }
}
