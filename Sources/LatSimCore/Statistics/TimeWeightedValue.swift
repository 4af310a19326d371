/// The time-weighted mean and the maximum of a piecewise-constant quantity (a queue length,
/// unsettled exposure), in O(1) memory.
///
///     var q = TimeWeightedValue(start: .zero)
///     q.set(3, at: SimInstant(nanosecondsSinceStart: 10))
///     q.set(0, at: SimInstant(nanosecondsSinceStart: 30))
///     q.mean(until: SimInstant(nanosecondsSinceStart: 40))   // 3 * 20 / 40 = 1.5
///
/// Invariant: updates come in non-decreasing time order. The integral is kept exactly in
/// value * nanoseconds as a `Double` sum of products.
public struct TimeWeightedValue: Sendable, Equatable {
    public private(set) var current: Double
    public private(set) var maximum: Double
    public private(set) var start: SimInstant
    public private(set) var lastChange: SimInstant
    /// Integral of the value over time since `start`, in value x nanoseconds.
    public private(set) var integral: Double = 0

    public init(start: SimInstant, initial: Double = 0) {
        self.current = initial
        self.maximum = initial
        self.start = start
        self.lastChange = start
    }

    /// Sets the value from time `time` on.
    public mutating func set(_ value: Double, at time: SimInstant) {
        precondition(time >= lastChange, "TimeWeightedValue updated in the past")
        integral += current * Double((time - lastChange).nanoseconds)
        lastChange = time
        current = value
        if value > maximum { maximum = value }
    }

    public mutating func add(_ delta: Double, at time: SimInstant) { set(current + delta, at: time) }

    /// Restarts the measurement at `time` (the end of a warm-up), keeping the current value.
    public mutating func reset(at time: SimInstant) {
        precondition(time >= lastChange, "TimeWeightedValue reset in the past")
        start = time
        lastChange = time
        integral = 0
        maximum = current
    }

    /// The integral up to `end`, in value x nanoseconds.
    public func integral(until end: SimInstant) -> Double {
        integral + current * Double(Swift.max(0, (end - lastChange).nanoseconds))
    }

    /// The time-weighted mean over [start, end].
    public func mean(until end: SimInstant) -> Double {
        let span = Double((end - start).nanoseconds)
        return span > 0 ? integral(until: end) / span : current
    }
}
