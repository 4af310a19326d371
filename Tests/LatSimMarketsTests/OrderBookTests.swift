import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LatSimMarkets

/// The L2 order book: walking the levels against an independent sum over the level table, and
/// the queue-position models against closed forms (Erlang and hypoexponential fill times under
/// Poisson market orders and cancels; the exact shrink of the probabilistic model).
///
/// Tolerance: a stochastic estimate passes when the theory value lies in its 95% confidence
/// interval (normal quantile 1.96; 4,000 replications, fixed seeds, so each test is
/// deterministic); each test also bounds the half-width so a loose interval cannot pass.
struct OrderBookTests {
    static func book(levels: Int = 5, tick: Double = 0.5, depth: Double = 2, rate: Double = 0,
                     model: QueueModel = .riskAverse) -> OrderBook {
        OrderBook(parameters: OrderBookParameters(levels: levels, tickSize: tick, depthPerLevel: depth,
                                                  replenishRatePerSecond: rate, queueModel: model))
    }

    @Test func levelsSitOneTickEitherSideOfTheMid() {
        var b = OrderBookTests.book()
        b.recentre(mid: 100.25, at: .zero)
        #expect(b.bestBid == 100 && b.bestAsk == 100.5)
        b.recentre(mid: 100.5, at: .zero)   // on a tick: one tick either side
        #expect(b.bestBid == 100 && b.bestAsk == 101)
        // The mid moved up a tick: the old best ask level left the ask side; the others keep their depth.
        b.cancel(.sell, level: 1, quantity: 0.5, at: .zero)    // ask 101.5 holds 1.5
        b.recentre(mid: 100.75, at: .zero)                      // asks 101, 101.5, ...
        #expect(b.bestAsk == 101 && b.depth(.sell, level: 1) == 1.5)
        b.recentre(mid: 101.25, at: .zero)                      // asks 101.5, ...
        #expect(b.depth(.sell, level: 0) == 1.5 && b.depth(.sell, level: 4) == 2)
    }

    /// A market order's average price against the same walk done on a copy of the level table.
    @Test func walkingTheBookMatchesAnIndependentSumOverTheLevels() {
        let stream = RandomStream(rootSeed: 16, replication: 0, component: "walk")
        for trial in 0..<500 {
            var b = OrderBookTests.book(levels: 6, tick: 0.25, depth: 3)
            b.recentre(mid: 2_000 + 10 * stream.uniform(), at: .zero)
            let side: Side = stream.bernoulli(0.5) ? .buy : .sell
            for k in 0..<6 { b.cancel(side.opposite, level: k, quantity: 3 * stream.uniform(), at: .zero) }
            // The independent table: (price, depth) best first, read before the order.
            let table = (0..<6).map { (b.price(tick: b.tick(side.opposite, level: $0)), b.depth(side.opposite, level: $0)) }
            let quantity = 20 * stream.uniform()
            let limit: Double? = trial % 3 == 0 ? table[2].0 : nil
            var left = quantity, notional = 0.0, filled = 0.0
            for (price, depth) in table {
                if let limit, side == .buy ? price > limit : price < limit { break }
                let x = min(left, depth)
                notional += x * price; filled += x; left -= x
            }
            let execution = b.marketOrder(side, quantity: quantity, limit: limit, at: .zero)
            #expect(abs(execution.filled - filled) <= 1e-9, "trial \(trial) seed 16")
            #expect(abs(execution.averagePrice - notional / filled) <= 1e-9 * notional / filled, "trial \(trial) seed 16")
            #expect(execution.isPartial == (filled < quantity - 1e-9), "trial \(trial) seed 16")
            #expect(execution.topPrice == table[0].0)
        }
    }

    @Test func partialFillWhenDepthRunsOutAndSlippageGrowsWithSize() {
        var b = OrderBookTests.book(levels: 3, tick: 1, depth: 2)
        b.recentre(mid: 100.5, at: .zero)       // asks 101, 102, 103 with 2 each
        var small = b, large = b
        let one = small.marketOrder(.buy, quantity: 1, at: .zero)
        let five = large.marketOrder(.buy, quantity: 5, at: .zero)
        #expect(one.averagePrice == 101 && one.slippageFraction == 0)
        #expect(abs(five.averagePrice - (2 * 101 + 2 * 102 + 1 * 103) / 5.0) < 1e-12)
        #expect(five.slippageFraction > 0)
        let all = b.marketOrder(.buy, quantity: 10, at: .zero)
        #expect(all.filled == 6 && all.isPartial && all.levelsTouched == 3)
        #expect(b.marketOrder(.buy, quantity: 1, at: .zero).filled == 0)   // the window is empty now
    }

    @Test func replenishmentRefillsTowardTheTargetAtItsRate() {
        var b = OrderBookTests.book(levels: 2, tick: 1, depth: 4, rate: 10)
        b.recentre(mid: 100.5, at: .zero)
        b.marketOrder(.buy, quantity: 4, at: .zero)
        b.advance(to: .zero + .milliseconds(100))
        #expect(abs(b.depth(.sell, level: 0) - 1) < 1e-12)
        b.advance(to: .zero + .seconds(1))
        #expect(b.depth(.sell, level: 0) == 4)
    }

    /// A resting buy with q ahead at the best bid; unit market sells at rate mu and unit cancels at
    /// rate theta; the level refills at once behind it (a large replenishment rate), so someone is
    /// always behind. Returns the fill times of `count` replications.
    static func fillTimes(model: QueueModel, ahead q: Int, behind: Double, replenish: Double,
                          mu: Double, theta: Double, count: Int, seed: UInt64) -> [Double] {
        let stream = RandomStream(rootSeed: seed, replication: 0, component: "queue")
        var times: [Double] = []
        for _ in 0..<count {
            var b = OrderBookTests.book(levels: 1, tick: 1, depth: Double(q) + behind, rate: replenish, model: model)
            b.recentre(mid: 100.5, at: .zero)
            b.cancel(.buy, level: 0, quantity: behind, at: .zero)
            let order = b.placeResting(.buy, level: 0, quantity: 1, at: .zero)!
            #expect(b.resting[order].ahead == Double(q))
            var t = 0.0
            while b.resting[order].remaining > 0 {
                t += stream.exponential(mean: 1 / (mu + theta))
                let now = SimInstant.zero + SimDuration(roundingNanoseconds: t * 1e9)
                if stream.bernoulli(mu / (mu + theta)) {
                    b.marketOrder(.sell, quantity: 1, at: now)
                } else {
                    b.cancel(.buy, level: 0, quantity: 1, at: now)
                }
            }
            times.append(t)
        }
        return times
    }

    static func meanInterval(_ xs: [Double]) -> (mean: Double, halfWidth: Double) {
        let n = Double(xs.count), m = xs.reduce(0, +) / n
        let sd = (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / (n - 1)).squareRoot()
        return (m, 1.96 * sd / n.squareRoot())
    }

    /// Risk-averse: cancels never advance the order (someone is always behind), so it fills at
    /// the (q+1)-th market order: Erlang(q + 1, mu), mean (q + 1) / mu, and
    /// P(fill <= T) = 1 - sum_{k=0}^{q} e^{-mu T} (mu T)^k / k!.
    @Test func riskAverseFillTimeIsErlang() {
        let q = 4, mu = 10.0, theta = 20.0
        let times = OrderBookTests.fillTimes(model: .riskAverse, ahead: q, behind: 1_000, replenish: 1e12,
                                             mu: mu, theta: theta, count: 4_000, seed: 1601)
        let (mean, h) = OrderBookTests.meanInterval(times)
        let theory = Double(q + 1) / mu
        #expect(abs(mean - theory) <= h, "mean \(mean) ± \(h) vs Erlang \(theory), seed 1601")
        #expect(h < 0.03 * theory)
        let horizon = 0.5
        var cdf = 0.0, term = exp(-mu * horizon)
        for k in 0...q { cdf += term; term *= mu * horizon / Double(k + 1) }
        let p = 1 - cdf
        let observed = Double(times.filter { $0 <= horizon }.count) / Double(times.count)
        let hp = 1.96 * (p * (1 - p) / Double(times.count)).squareRoot()
        #expect(abs(observed - p) <= hp, "P(fill <= 0.5 s) \(observed) vs \(p) ± \(hp), seed 1601")
    }

    /// Probabilistic with nobody behind (no replenishment): f(0) = 0, so every cancel advances the
    /// order by its size; the queue ahead is a death process at rate mu + theta, then the order
    /// waits for a market order: Erlang(q, mu + theta) + Exp(mu), mean q / (mu + theta) + 1 / mu.
    @Test func probabilisticWithNobodyBehindIsHypoexponential() {
        let q = 6, mu = 10.0, theta = 20.0
        let times = OrderBookTests.fillTimes(model: .probabilistic(power: 2), ahead: q, behind: 0, replenish: 0,
                                             mu: mu, theta: theta, count: 4_000, seed: 1602)
        let (mean, h) = OrderBookTests.meanInterval(times)
        let theory = Double(q) / (mu + theta) + 1 / mu
        #expect(abs(mean - theory) <= h, "mean \(mean) ± \(h) vs \(theory), seed 1602")
        #expect(h < 0.04 * theory)
        // The same market under risk-averse, with a crowd behind, is slower: (q + 1) / mu.
        let averse = OrderBookTests.fillTimes(model: .riskAverse, ahead: q, behind: 1_000, replenish: 1e12,
                                              mu: mu, theta: theta, count: 1_000, seed: 1603)
        #expect(OrderBookTests.meanInterval(averse).mean > 1.5 * theory)
    }

    /// With n = 1, a unit cancel at a level of D others, q ahead, moves q to q (D - 1) / D, so after
    /// k unit cancels (no trades) q_k = q_0 (D_0 - k) / D_0 exactly.
    @Test func probabilisticLinearShrinksTheQueueProportionally() {
        var c = OrderBookTests.book(levels: 1, tick: 1, depth: 100, rate: 70, model: .probabilistic(power: 1))
        c.recentre(mid: 100.5, at: .zero)
        c.cancel(.buy, level: 0, quantity: 70, at: .zero)
        let o = c.placeResting(.buy, level: 0, quantity: 1, at: .zero)!   // 30 ahead
        #expect(c.resting[o].ahead == 30)
        c.advance(to: .zero + .seconds(1))                                  // 70 joined behind
        #expect(c.depth(.buy, level: 0) == 100)
        let later = SimInstant.zero + .seconds(1)
        for _ in 0..<50 { c.cancel(.buy, level: 0, quantity: 1, at: later) }
        #expect(abs(c.resting[o].ahead - 30.0 * 50 / 100) < 1e-9, "ahead \(c.resting[o].ahead)")
    }

    /// One cancel against the formula of the docs, for n = 2, with and without overflow behind.
    @Test func probabilisticSingleCancelFollowsTheFormula() {
        let model = QueueModel.probabilistic(power: 2)
        // q = 3, b = 4, c = 2: advance 2 * 9 / 25 = 0.72.
        #expect(abs(model.aheadAfterCancel(ahead: 3, behind: 4, cancelled: 2) - (3 - 0.72)) < 1e-12)
        // q = 4, b = 1, c = 3: front 3 * 16/17, back share 3/17 <= 1: no overflow.
        #expect(abs(model.aheadAfterCancel(ahead: 4, behind: 1, cancelled: 3) - (4 - 48.0 / 17)) < 1e-12)
        // q = 1, b = 3, c = 3.5: back share 3.5 * 9/10 = 3.15 > 3: 0.15 more from ahead.
        #expect(abs(model.aheadAfterCancel(ahead: 1, behind: 3, cancelled: 3.5) - (1 - 0.35 - 0.15)) < 1e-12)
        #expect(QueueModel.riskAverse.aheadAfterCancel(ahead: 3, behind: 4, cancelled: 2) == 3)
        #expect(QueueModel.riskAverse.aheadAfterCancel(ahead: 3, behind: 4, cancelled: 6) == 1)
    }

    /// Trades fill tracked orders in queue order; a mid that moves through a resting order fills it.
    @Test func tradesFillRestingOrdersInQueueOrderAndFeesApply() {
        var b = OrderBook(parameters: OrderBookParameters(levels: 3, tickSize: 1, depthPerLevel: 2, replenishRatePerSecond: 0,
                                                          makerFeeFraction: -1e-4, takerFeeFraction: 2e-4))
        b.recentre(mid: 100.5, at: .zero)
        let first = b.placeResting(.sell, level: 0, quantity: 1, at: .zero)!    // 2 ahead
        let second = b.placeResting(.sell, level: 0, quantity: 1, at: .zero)!   // 3 ahead
        #expect(b.resting[first].ahead == 2 && b.resting[second].ahead == 3)
        let e = b.marketOrder(.buy, quantity: 3.5, at: .zero)
        #expect(e.filled == 3.5 && e.averagePrice == 101)
        #expect(b.resting[first].remaining == 0 && b.resting[second].remaining == 0.5)
        #expect(b.depth(.sell, level: 0) == 0)
        #expect(abs(b.takerFee(notional: e.notional) - 3.5 * 101 * 2e-4) < 1e-12)
        #expect(b.makerFee(notional: b.resting[first].filledNotional) < 0)
        let bid = b.placeResting(.buy, level: 1, quantity: 1, at: .zero)!       // at 99
        b.recentre(mid: 98.5, at: .zero)                                         // best bid 98: through 99
        #expect(b.resting[bid].remaining == 0 && b.resting[bid].filledNotional == 99)
    }
}
