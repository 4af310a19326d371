#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Closed forms for arbitrage of a constant-product pool with fees against a frictionless
/// external market (Milionis, Moallemi and Roughgarden, "Automated Market Making and Arbitrage
/// Profits in the Presence of Fees", 2023), derived in docs/markets.md section 3.
///
///     let theory = ArbitrageWithFeesTheory(volatilityPerSqrtYear: 0.8, blockRatePerYear: 31_536_000 / 12, feeFraction: 0.003)
///     theory.tradeProbability               // per block
///     theory.profitRateOverPoolValuePerYear // E[arbitrage profit per year] / V(P)
///
/// Assumptions: the external log price is a driftless Brownian motion (GBM with price drift
/// sigma^2 / 2) with volatility sigma; blocks arrive as a Poisson process of rate lambda; at
/// each block an arbitrageur with no latency and no gas trades the pool to the edge of its
/// band; the fee is taken on the input and kept apart from the reserves (x y constant).
/// With gamma = -ln(1 - fee) and eta = sqrt(2 lambda) / sigma:
///     P(trade in a block)      = 1 / (1 + gamma eta)
///     E[profit per year] / V   = (sigma^2 / 8) P(trade) e^{gamma / 2} / (1 - sigma^2 / (8 lambda))
/// (A fee charged in the numeraire instead replaces e^{gamma/2} by cosh(gamma/2).)
public struct ArbitrageWithFeesTheory: Sendable, Equatable {
    public var volatilityPerSqrtYear: Double
    public var blockRatePerYear: Double
    public var feeFraction: Double

    public init(volatilityPerSqrtYear: Double, blockRatePerYear: Double, feeFraction: Double) {
        precondition(volatilityPerSqrtYear > 0 && blockRatePerYear > 0 && feeFraction >= 0 && feeFraction < 1)
        self.volatilityPerSqrtYear = volatilityPerSqrtYear
        self.blockRatePerYear = blockRatePerYear
        self.feeFraction = feeFraction
    }

    /// gamma = -ln(1 - fee): the band's half-width in log price.
    public var gamma: Double { -log1p(-feeFraction) }

    /// eta = sqrt(2 lambda) / sigma: the rate of the exponential tails of the mispricing.
    public var eta: Double { (2 * blockRatePerYear).squareRoot() / volatilityPerSqrtYear }

    /// The stationary probability that the pool's price lies outside the band when a block comes.
    public var tradeProbability: Double { 1 / (1 + gamma * eta) }

    /// The expected arbitrage profit per year over the pool value V(P) = 2 sqrt(x y P); infinite
    /// when lambda <= sigma^2 / 8 (blocks too rare for the expectation to exist).
    public var profitRateOverPoolValuePerYear: Double {
        let sigma2 = volatilityPerSqrtYear * volatilityPerSqrtYear
        guard 8 * blockRatePerYear > sigma2 else { return .infinity }
        return sigma2 / 8 * tradeProbability * exp(gamma / 2) / (1 - sigma2 / (8 * blockRatePerYear))
    }
}
