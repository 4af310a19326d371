/// A constant-product pool (Uniswap v2 style) with a fee taken on the input.
///
///     var pool = ConstantProductPool(baseReserve: 10_000, quoteReserve: 30_000_000, feeFraction: 0.0005)
///     let out = pool.swapQuoteForBase(quoteIn: 3_000)       // about 0.9995 base
///
/// A swap of input a (after the fee, (1 - fee) a enters the invariant) gives out
///     base out  = x - x y / (y + (1 - fee) a)     (quote in)
///     quote out = y - x y / (x + (1 - fee) a)     (base in)
/// and the whole input, fee included, joins the reserves, so x y never decreases.
/// Invariant: reserves stay positive; `x y` is non-decreasing across swaps.
public struct ConstantProductPool: Sendable, Equatable {
    public private(set) var baseReserve: Double
    public private(set) var quoteReserve: Double
    public let feeFraction: Double

    public init(baseReserve: Double, quoteReserve: Double, feeFraction: Double) {
        precondition(baseReserve > 0 && quoteReserve > 0 && feeFraction >= 0 && feeFraction < 1)
        self.baseReserve = baseReserve
        self.quoteReserve = quoteReserve
        self.feeFraction = feeFraction
    }

    /// The spot price, quote per base: y / x.
    public var price: Double { quoteReserve / baseReserve }

    /// Base out for `quoteIn` quote in, without changing the pool.
    public func baseOut(quoteIn a: Double) -> Double {
        baseReserve - baseReserve * quoteReserve / (quoteReserve + (1 - feeFraction) * a)
    }

    /// Quote out for `baseIn` base in, without changing the pool.
    public func quoteOut(baseIn a: Double) -> Double {
        quoteReserve - baseReserve * quoteReserve / (baseReserve + (1 - feeFraction) * a)
    }

    public mutating func swapQuoteForBase(quoteIn a: Double) -> Double {
        let out = baseOut(quoteIn: a)
        baseReserve -= out
        quoteReserve += a
        return out
    }

    public mutating func swapBaseForQuote(baseIn a: Double) -> Double {
        let out = quoteOut(baseIn: a)
        quoteReserve -= out
        baseReserve += a
        return out
    }

    /// The trade that brings the pool to the edge of its fee-adjusted no-arbitrage band against
    /// an external market where base can be sold at `externalBid` and bought at `externalAsk`
    /// (both net of the external fee), or nil when the pool is inside the band.
    ///
    /// Buying base from the pool pays P/(1 - fee) at the margin: profitable while P/(1 - fee) <
    /// bid; the optimal quote input makes the marginal price equal the bid, i.e. the effective
    /// quote reserve y' = sqrt(x y bid (1 - fee)), input (y' - y)/(1 - fee). Selling base to the
    /// pool mirrors it with x' = sqrt(x y / (ask / (1 - fee))). Profit is gross of gas.
    public func arbitrage(externalBid: Double, externalAsk: Double) -> AMMArbitrageTrade? {
        let k = baseReserve * quoteReserve
        let keep = 1 - feeFraction
        if price / keep < externalBid {
            let target = (k * externalBid * keep).squareRoot()
            let quoteIn = (target - quoteReserve) / keep
            guard quoteIn > 0 else { return nil }
            let out = baseOut(quoteIn: quoteIn)
            return AMMArbitrageTrade(direction: .buyBaseFromPool, amountIn: quoteIn, expectedOut: out,
                                     grossProfit: out * externalBid - quoteIn)
        }
        if price * keep > externalAsk {
            let target = (k / (externalAsk / keep)).squareRoot()
            let baseIn = (target - baseReserve) / keep
            guard baseIn > 0 else { return nil }
            let out = quoteOut(baseIn: baseIn)
            return AMMArbitrageTrade(direction: .sellBaseToPool, amountIn: baseIn, expectedOut: out,
                                     grossProfit: out - baseIn * externalAsk)
        }
        return nil
    }
}

/// An arbitrage swap against a pool: what goes in, what should come out, and the profit at the external prices.
public struct AMMArbitrageTrade: Sendable, Equatable {
    public enum Direction: Sendable, Equatable {
        /// Quote in, base out; the base is sold on the CEX.
        case buyBaseFromPool
        /// Base in, quote out; the base is bought on the CEX.
        case sellBaseToPool
    }
    public var direction: Direction
    /// Quote for `buyBaseFromPool`, base for `sellBaseToPool`.
    public var amountIn: Double
    /// Base for `buyBaseFromPool`, quote for `sellBaseToPool`.
    public var expectedOut: Double
    /// Profit at the external prices used to size the trade, before gas.
    public var grossProfit: Double
    /// The base quantity to hedge on the CEX.
    public var baseQuantity: Double { direction == .buyBaseFromPool ? expectedOut : amountIn }
}
