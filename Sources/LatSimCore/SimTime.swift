/// An interval of simulated time, in integer nanoseconds.
///
///     let hop = SimDuration.milliseconds(2) + .microseconds(250)   // 2.25 ms
///     let deadline = SimInstant.zero + hop
///
/// Invariant: time is never accumulated in `Double`. Arithmetic saturates at the bounds of
/// `Int64` instead of trapping, so a pathological draw (a heavy-tailed latency) yields
/// "never" (`SimInstant.distantFuture`) rather than a crash.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in nanoseconds.
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)
    /// The largest representable interval (about 292 years).
    public static let max = SimDuration(nanoseconds: .max)

    @inlinable public static func nanoseconds(_ value: Int64) -> SimDuration { SimDuration(nanoseconds: value) }
    @inlinable public static func microseconds(_ value: Int64) -> SimDuration { SimDuration(nanoseconds: saturatingMultiply(value, 1_000)) }
    @inlinable public static func milliseconds(_ value: Int64) -> SimDuration { SimDuration(nanoseconds: saturatingMultiply(value, 1_000_000)) }
    @inlinable public static func seconds(_ value: Int64) -> SimDuration { SimDuration(nanoseconds: saturatingMultiply(value, 1_000_000_000)) }

    /// Rounds a real number of nanoseconds to the nearest nanosecond, saturating; NaN maps to `.max`.
    @inlinable public init(roundingNanoseconds value: Double) {
        if value.isNaN || value >= 9.223372036854775e18 { self.nanoseconds = .max }
        else if value <= -9.223372036854775e18 { self.nanoseconds = .min }
        else {
            // Round half away from zero, as `value.rounded()`, without its libm call (`round`
            // was 2% of the network graph's samples): truncate, then look at the fraction,
            // which is exact (below 2^52 a double's fractional part is representable; above,
            // the value is an integer and the fraction 0).
            let truncated = Int64(value)
            let fraction = value - Double(truncated)
            self.nanoseconds = fraction >= 0.5 ? truncated + 1 : (fraction <= -0.5 ? truncated - 1 : truncated)
        }
    }

    /// Rounds a real number of seconds to the nearest nanosecond, saturating.
    @_disfavoredOverload
    @inlinable public static func seconds(_ value: Double) -> SimDuration { SimDuration(roundingNanoseconds: value * 1e9) }

    /// The interval in seconds, for reporting only (never for accumulating time).
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: saturatingAdd(lhs.nanoseconds, rhs.nanoseconds))
    }
    @inlinable public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: saturatingSubtract(lhs.nanoseconds, rhs.nanoseconds))
    }
    @inlinable public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: saturatingMultiply(lhs.nanoseconds, rhs))
    }
    /// Scales by a real factor, rounding to the nearest nanosecond and saturating.
    @inlinable public func scaled(by factor: Double) -> SimDuration {
        SimDuration(roundingNanoseconds: Double(nanoseconds) * factor)
    }
    @inlinable public static func += (lhs: inout SimDuration, rhs: SimDuration) { lhs = lhs + rhs }

    public var description: String { SimDuration.format(nanoseconds: nanoseconds) }
}

/// A point in simulated time: nanoseconds since the start of the run.
///
///     var now = SimInstant.zero
///     now = now + .milliseconds(5)
///     let elapsed: SimDuration = now - .zero
///
/// Only `instant ± duration` and `instant - instant` exist; adding two instants does not compile.
public struct SimInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the simulation.
    public var nanosecondsSinceStart: Int64

    @inlinable public init(nanosecondsSinceStart: Int64) { self.nanosecondsSinceStart = nanosecondsSinceStart }

    public static let zero = SimInstant(nanosecondsSinceStart: 0)
    /// A point after every reachable time: "never".
    public static let distantFuture = SimInstant(nanosecondsSinceStart: .max)

    @inlinable public static func < (lhs: SimInstant, rhs: SimInstant) -> Bool { lhs.nanosecondsSinceStart < rhs.nanosecondsSinceStart }
    @inlinable public static func + (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: saturatingAdd(lhs.nanosecondsSinceStart, rhs.nanoseconds))
    }
    @inlinable public static func - (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: saturatingSubtract(lhs.nanosecondsSinceStart, rhs.nanoseconds))
    }
    @inlinable public static func - (lhs: SimInstant, rhs: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: saturatingSubtract(lhs.nanosecondsSinceStart, rhs.nanosecondsSinceStart))
    }
    @inlinable public static func += (lhs: inout SimInstant, rhs: SimDuration) { lhs = lhs + rhs }

    /// Seconds since start, for reporting only.
    public var secondsSinceStart: Double { Double(nanosecondsSinceStart) / 1e9 }

    public var description: String { "t+" + SimDuration.format(nanoseconds: nanosecondsSinceStart) }
}

@inlinable func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (value, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : value
}

@inlinable func saturatingSubtract(_ a: Int64, _ b: Int64) -> Int64 {
    let (value, overflow) = a.subtractingReportingOverflow(b)
    return overflow ? (b < 0 ? .max : .min) : value
}

@inlinable func saturatingMultiply(_ a: Int64, _ b: Int64) -> Int64 {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? ((a < 0) != (b < 0) ? .min : .max) : value
}
