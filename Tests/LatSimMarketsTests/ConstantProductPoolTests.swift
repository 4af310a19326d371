import Testing
@testable import LatSimMarkets

/// The pool's closed-form optimal arbitrage against a numerical maximisation of the profit.
struct ConstantProductPoolTests {
    /// Golden-section search of a unimodal function's maximum on [low, high].
    func maximise(_ low: Double, _ high: Double, _ f: (Double) -> Double) -> Double {
        var a = low, b = high
        let r = (5.0.squareRoot() - 1) / 2
        for _ in 0..<200 {
            let c = b - r * (b - a), d = a + r * (b - a)
            if f(c) > f(d) { b = d } else { a = c }
        }
        return (a + b) / 2
    }

    @Test("The closed-form trade maximises profit (golden-section reference) in both directions")
    func optimalTrade() throws {
        let pool = ConstantProductPool(baseReserve: 10_000, quoteReserve: 30_000_000, feeFraction: 0.003)
        // CEX bid above the band: buy base from the pool.
        let bid = 3_030.0, ask = 3_031.0
        let trade = try #require(pool.arbitrage(externalBid: bid, externalAsk: ask))
        #expect(trade.direction == .buyBaseFromPool)
        let best = maximise(0, 1_000_000) { a in pool.baseOut(quoteIn: a) * bid - a }
        // The profit is flat at its maximum: the search resolves the argmax to about 1e-5 relative,
        // so compare both the argmax (1e-5) and the profit (closed form at least as good).
        let profit = { (a: Double) in pool.baseOut(quoteIn: a) * bid - a }
        #expect(abs(trade.amountIn - best) / best < 1e-5, "closed form \(trade.amountIn), numerical \(best)")
        #expect(profit(trade.amountIn) >= profit(best) - 1e-9 * abs(profit(best)))
        #expect(abs(trade.grossProfit - profit(trade.amountIn)) < 1e-9 * abs(profit(best)))
        // After the trade, the marginal price of buying more equals the bid (edge of the band).
        var after = pool
        _ = after.swapQuoteForBase(quoteIn: trade.amountIn)
        let marginalQuotePerBase = 1 / ((after.baseOut(quoteIn: 1e-3)) / 1e-3)
        // The fee joins the reserves, raising the spot by about fee x input / y (1e-5 here): tolerance 5e-5.
        #expect(abs(marginalQuotePerBase / bid - 1) < 5e-5, "marginal \(marginalQuotePerBase) vs bid \(bid)")
        #expect(after.baseReserve * after.quoteReserve >= pool.baseReserve * pool.quoteReserve)
        // CEX ask below the band: sell base to the pool.
        let low = try #require(pool.arbitrage(externalBid: 2_960, externalAsk: 2_961))
        #expect(low.direction == .sellBaseToPool)
        let bestSell = maximise(0, 1_000) { a in pool.quoteOut(baseIn: a) - a * 2_961 }
        #expect(abs(low.amountIn - bestSell) / bestSell < 1e-5, "closed form \(low.amountIn), numerical \(bestSell)")
        #expect(low.grossProfit > 0 && trade.grossProfit > 0)
    }

    @Test("Inside the fee-adjusted band there is no trade")
    func insideBand() {
        let pool = ConstantProductPool(baseReserve: 10_000, quoteReserve: 30_000_000, feeFraction: 0.003)
        #expect(pool.arbitrage(externalBid: 3_000 * 0.998, externalAsk: 3_000 * 1.002) == nil)
        #expect(pool.arbitrage(externalBid: 3_000 * 1.0029, externalAsk: 3_000 * 1.003) == nil)
        #expect(pool.arbitrage(externalBid: 3_000 * 1.0031, externalAsk: 3_000 * 1.0032) != nil)
    }
}
