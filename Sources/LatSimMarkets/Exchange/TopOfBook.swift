/// A venue's quote with depth: one bid and one ask, each with the quantity available at it.
///
///     var book = TopOfBook()
///     book.refresh(mid: 3_000, halfSpreadFraction: 1e-4, depth: 2)
///     book.take(.buy, limit: 3_000.5, quantity: 1)     // 3_000.3: filled at the ask
///
/// Choice (documented in docs/markets.md): not a full limit order book but a top-of-book quote
/// whose depth is replenished whenever the venue publishes a new mid. An order is
/// immediate-or-cancel and all-or-none: a buy fills at the ask if ask <= limit and the ask's
/// remaining depth covers the quantity; it then consumes that depth, so the first order to be
/// matched takes the liquidity and later ones miss (price-time priority at one price level).
/// Invariant: sizes are never negative; `version` grows by one at every change.
public struct TopOfBook: Sendable, Equatable {
    public var bid: Double = 0
    public var ask: Double = 0
    public var bidSize: Double = 0
    public var askSize: Double = 0
    /// Increases at every change of the book (refresh or fill): a sequence number for market data.
    public var version: Int64 = 0

    public init() {}

    public var mid: Double { (bid + ask) / 2 }
    public var isValid: Bool { version > 0 }

    /// Re-centres the quote on `mid` with half-spread `mid * halfSpreadFraction` and full depth on both sides.
    public mutating func refresh(mid: Double, halfSpreadFraction: Double, depth: Double) {
        bid = mid * (1 - halfSpreadFraction)
        ask = mid * (1 + halfSpreadFraction)
        bidSize = depth
        askSize = depth
        version += 1
    }

    /// The price an order on `side` would pay or receive now (the ask for a buy, the bid for a sell).
    public func price(for side: Side) -> Double { side == .buy ? ask : bid }

    /// The depth an order on `side` can take.
    public func size(for side: Side) -> Double { side == .buy ? askSize : bidSize }

    /// Matches an IOC all-or-none order: the fill price, or nil (missed: price moved past the limit or depth gone).
    public mutating func take(_ side: Side, limit: Double, quantity: Double) -> Double? {
        switch side {
        case .buy:
            guard ask <= limit, askSize >= quantity, askSize > 0 else { return nil }
            askSize -= quantity
            version += 1
            return ask
        case .sell:
            guard bid >= limit, bidSize >= quantity, bidSize > 0 else { return nil }
            bidSize -= quantity
            version += 1
            return bid
        }
    }
}

/// How an order ended at the engine.
public enum OrderOutcome: Sendable, Equatable {
    case filled(price: Double)
    /// The price moved past the limit, or the depth was taken first.
    case missed
    /// Older than the venue's `stale_after` window when it reached the engine.
    case rejectedStale

    public var fillPrice: Double? {
        if case .filled(let p) = self { return p }
        return nil
    }
}
