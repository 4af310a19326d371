@_exported import LatSimCore

/// The side of an order, from the point of view of the party that sends it.
///
///     let side = Side.buy
///     side.sign        // +1: a buy gains when the price rises
///
/// Invariant: `sign` is +1 for buy and -1 for sell; `opposite.opposite == self`.
public enum Side: Int, Sendable, Equatable {
    case buy = 0
    case sell = 1

    /// +1 for a buy, -1 for a sell.
    @inlinable public var sign: Double { self == .buy ? 1 : -1 }
    @inlinable public var opposite: Side { self == .buy ? .sell : .buy }
}

/// Seconds in the year used by the price processes (365 days: crypto markets trade every day).
public let secondsPerYear: Double = 365 * 86_400
