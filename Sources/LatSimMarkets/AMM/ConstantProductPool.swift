#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A constant-product pool (Uniswap v2 style) with a fee taken on the input.
///
///     var pool = ConstantProductPool(baseReserve: 10_000, quoteReserve: 30_000_000, feeFraction: 0.0005)
///     let out = pool.swapQuoteForBase(quoteIn: 3_000)       // about 0.9995 base
///
/// A swap of input a (after the fee, (1 - fee) a enters the invariant) gives out
///     base out  = x - x y / (y + (1 - fee) a)     (quote in)
///     quote out = y - x y / (x + (1 - fee) a)     (base in)
/// With `FeeDestination.reserves` (Uniswap v2) the whole input, fee included, joins the reserves,
/// so x y grows with every swap; with `.separate` (the convention of Milionis, Moallemi and
/// Roughgarden 2023) the fee is set aside (`feesBase`, `feesQuote`) and x y stays constant.
/// The marginal price of buying base is P / (1 - fee) and of selling it P (1 - fee), P = y / x:
/// in log price, a no-trade band of half-width -ln(1 - fee) around P (`band`).
/// Invariant: reserves stay positive; `x y` never decreases across swaps.
public struct ConstantProductPool: Sendable, Equatable {
    /// Where the fee goes.
    public enum FeeDestination: String, Sendable, Equatable, CaseIterable {
        /// The fee joins the reserves (Uniswap v2): x y grows.
        case reserves
        /// The fee is kept apart from the reserves: x y is constant.
        case separate
    }

    public private(set) var baseReserve: Double
    public private(set) var quoteReserve: Double
    public let feeFraction: Double
    public let feeDestination: FeeDestination
    /// Fees set aside (only with `.separate`), in the input's currency.
    public private(set) var feesBase = 0.0
    public private(set) var feesQuote = 0.0

    public init(baseReserve: Double, quoteReserve: Double, feeFraction: Double, feeDestination: FeeDestination = .reserves) {
        precondition(baseReserve > 0 && quoteReserve > 0 && feeFraction >= 0 && feeFraction < 1)
        self.baseReserve = baseReserve
        self.quoteReserve = quoteReserve
        self.feeFraction = feeFraction
        self.feeDestination = feeDestination
    }

    /// The spot price, quote per base: y / x.
    public var price: Double { quoteReserve / baseReserve }

    /// The invariant x y.
    public var invariant: Double { baseReserve * quoteReserve }

    /// The half-width of the no-trade band in log price: gamma = -ln(1 - fee).
    public var logBandHalfWidth: Double { -log1p(-feeFraction) }

    /// The value of a pool with this invariant whose price equals `price` (2 sqrt(x y price)):
    /// the normalisation of arbitrage profits in Milionis, Moallemi and Roughgarden.
    public func value(atPrice price: Double) -> Double { 2 * (invariant * price).squareRoot() }

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
        switch feeDestination {
        case .reserves: quoteReserve += a
        case .separate: quoteReserve += (1 - feeFraction) * a; feesQuote += feeFraction * a
        }
        return out
    }

    public mutating func swapBaseForQuote(baseIn a: Double) -> Double {
        let out = quoteOut(baseIn: a)
        quoteReserve -= out
        switch feeDestination {
        case .reserves: baseReserve += a
        case .separate: baseReserve += (1 - feeFraction) * a; feesBase += feeFraction * a
        }
        return out
    }

    /// Executes `swap` if the pool still gives at least its minimum output (the re-check at
    /// execution): the output, or nil (reverted, the pool unchanged).
    public mutating func execute(_ swap: AMMSwap) -> Double? {
        switch swap.direction {
        case .buyBaseFromPool:
            guard baseOut(quoteIn: swap.amountIn) >= swap.minimumOut else { return nil }
            return swapQuoteForBase(quoteIn: swap.amountIn)
        case .sellBaseToPool:
            guard quoteOut(baseIn: swap.amountIn) >= swap.minimumOut else { return nil }
            return swapBaseForQuote(baseIn: swap.amountIn)
        }
    }

    /// The no-trade band against an external market where base sells at `externalBid` and buys
    /// at `externalAsk` (both net of the external fee): [bid (1 - fee), ask / (1 - fee)].
    public func band(externalBid: Double, externalAsk: Double) -> ArbitrageBand {
        ArbitrageBand(lowerPrice: externalBid * (1 - feeFraction), upperPrice: externalAsk / (1 - feeFraction))
    }

    /// The trade that brings the pool to the edge of its fee-adjusted no-arbitrage band against
    /// an external market where base can be sold at `externalBid` and bought at `externalAsk`
    /// (both net of the external fee), or nil when the pool is inside the band.
    ///
    /// Buying base from the pool pays P/(1 - fee) at the margin: profitable while P/(1 - fee) <
    /// bid; the optimal quote input makes the marginal price equal the bid, i.e. the effective
    /// quote reserve y' = sqrt(x y bid (1 - fee)), input (y' - y)/(1 - fee). Selling base to the
    /// pool mirrors it with x' = sqrt(x y / (ask / (1 - fee))). Profit is gross of gas. With
    /// `.separate` the pool ends exactly at the edge; with `.reserves` the fee joining the
    /// reserves leaves it inside by about fee x input / reserve.
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

/// The prices between which a pool's spot price leaves no arbitrage against an external market.
///
///     pool.band(externalBid: 2_999, externalAsk: 3_001).contains(pool.price)
public struct ArbitrageBand: Sendable, Equatable {
    /// Below it, buying base from the pool and selling it outside pays.
    public var lowerPrice: Double
    /// Above it, buying base outside and selling it to the pool pays.
    public var upperPrice: Double

    public func contains(_ price: Double) -> Bool { price >= lowerPrice && price <= upperPrice }
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

/// A swap as submitted to the chain: it executes only if the pool still gives `minimumOut`.
public struct AMMSwap: Sendable, Equatable {
    public var direction: AMMArbitrageTrade.Direction
    public var amountIn: Double
    public var minimumOut: Double

    public init(direction: AMMArbitrageTrade.Direction, amountIn: Double, minimumOut: Double) {
        self.direction = direction
        self.amountIn = amountIn
        self.minimumOut = minimumOut
    }
}
