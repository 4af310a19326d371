import Foundation
import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// The `market-maker` component on a venue's order book, against independent references: the
/// time to fill of an order behind a known queue (a closed form under the risk-averse model, a
/// Monte Carlo of the queue written here under the probabilistic one), the fill rate at the touch
/// against the market-order flow, and adverse selection against latency on common random numbers.
@Suite struct MarketMakerTests {
    /// A fixed mid of 100.5 (tick 1: best bid 100, best ask 101), `queue` units per level refilled
    /// at once, Poisson market orders of size 1 (`rate` per second per side), Poisson cancels of
    /// size 1 (`cancelRate` per second per side, each at one of 4 levels), a maker of size 1 at the
    /// touch, every link 0 ms.
    static func queueGraph(queue: Double, rate: Double, cancelRate: Double, model: String = "risk-averse",
                           marketOrderSize: Double = 1, replenish: Double = 1e12) -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 100.5, volatility_per_sqrt_year: 0}, tick_interval: 50ms}
          - {name: alpha, type: venue,
             book: {levels: 4, tick_size: 1, depth_per_level: \(queue), replenish_rate: \(replenish), queue_model: \(model),
                    market_order_rate: \(rate), market_order_size: \(marketOrderSize), cancel_rate: \(cancelRate), cancel_size: 1}}
          - {name: mm, type: market-maker, size: 1}
        connections:
          - {from: market.out, to: alpha.in, link: 0ms}
          - {from: mm.out, to: alpha.in, link: 0ms}
          - {from: alpha.out, to: mm.in, link: 0ms}
        """
    }

    /// P(Erlang(k, rate) <= t).
    static func erlangCDF(_ k: Int, _ rate: Double, _ t: Double) -> Double {
        guard t > 0 else { return 0 }
        var term = exp(-rate * t), sum = 0.0
        for j in 0..<k {
            sum += term
            term *= rate * t / Double(j + 1)
        }
        return 1 - sum
    }

    /// P(Exp(a) + Erlang(k, rate) <= t), by the trapezoid rule over the exponential's density.
    static func hypoexponentialCDF(a: Double, k: Int, rate: Double, _ t: Double) -> Double {
        let n = 4_000, h = t / Double(n)
        var total = 0.0
        for i in 0...n {
            let s = Double(i) * h
            let w = (i == 0 || i == n) ? 0.5 : 1
            total += w * a * exp(-a * s) * erlangCDF(k, rate, t - s)
        }
        return total * h
    }

    static func quantile(_ p: Double, _ cdf: (Double) -> Double) -> Double {
        var low = 0.0, high = 100.0
        for _ in 0..<80 {
            let mid = (low + high) / 2
            if cdf(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Checks the maker's time-to-fill mean, median and 90th percentile against `cdf` and `mean`.
    /// Tolerance: 4.5 standard errors (the mean's from the sample's sd; a quantile's from
    /// sqrt(p(1-p)/n) / density, the density by a central difference), plus the histogram's 0.4%.
    static func expectTimeToFill(_ result: ReplicationResult, mean: Double, sd: Double, cdf: (Double) -> Double,
                                 _ label: String) throws {
        let n = try #require(result.value("mm.time_to_fill_count"))
        #expect(n > 1_000, "\(label): \(n) fills")
        let measured = try #require(result.value("mm.time_to_fill_mean")) * 1e-9
        #expect(abs(measured - mean) <= 4.5 * sd / n.squareRoot(), "\(label): mean time to fill \(measured) s, theory \(mean) s")
        for (p, name) in [(0.5, "mm.time_to_fill_p50"), (0.9, "mm.time_to_fill_p90")] {
            let q = quantile(p, cdf)
            let density = (cdf(q * 1.01) - cdf(q * 0.99)) / (q * 0.02)
            let tolerance = 4.5 * (p * (1 - p) / n).squareRoot() / density + q / 256
            let value = try #require(result.value(name)) * 1e-9
            #expect(abs(value - q) <= tolerance, "\(label): \(name) \(value) s, theory \(q) s +- \(tolerance)")
        }
    }

    @Test("Risk-averse queue: the order behind Q fills at the (Q+1)-th market order; cancels help only while nobody is behind it")
    func riskAverseTimeToFill() throws {
        let q = 3, mu = 20.0
        // No cancels: T ~ Erlang(Q + 1, mu).
        let plain = try GraphSupport.run(Self.queueGraph(queue: Double(q), rate: mu, cancelRate: 0), seed: 3, horizon: .seconds(Int64(150)))
        try Self.expectTimeToFill(plain, mean: Double(q + 1) / mu, sd: Double(q + 1).squareRoot() / mu,
                                  cdf: { Self.erlangCDF(q + 1, mu, $0) }, "no cancels")
        // Cancels at rate 200 per side over 4 levels: 50 per second at the order's level. At
        // placement nobody is behind (the level holds exactly Q), so the first cancel or market
        // order moves it to Q - 1; then the level refills behind it and, risk-averse, cancels come
        // from behind: T ~ Exp(mu + 50) + Erlang(Q, mu).
        let a = mu + 200.0 / 4
        let cancels = try GraphSupport.run(Self.queueGraph(queue: Double(q), rate: mu, cancelRate: 200), seed: 4, horizon: .seconds(Int64(150)))
        let mean = 1 / a + Double(q) / mu, sd = (1 / (a * a) + Double(q) / (mu * mu)).squareRoot()
        try Self.expectTimeToFill(cancels, mean: mean, sd: sd, cdf: { Self.hypoexponentialCDF(a: a, k: q, rate: mu, $0) }, "cancels")
        // The queue ahead at placement is the level's depth.
        #expect(abs(try #require(cancels.value("mm.queue_ahead_at_placement_mean")) - Double(q)) < 1e-9)
    }

    /// An independent Monte Carlo of one order's queue under the probabilistic model: the level
    /// holds `queue` others after every refill, the order starts with all of them ahead; a
    /// market order of size 1 trades the queue ahead first; a cancel of 1 advances it by
    /// f(q) / (f(q) + f(b)), f(x) = x^power, plus the share of the back beyond b.
    static func probabilisticMeanTimeToFill(queue: Double, mu: Double, cancelAtLevel: Double, power: Double, orders: Int) -> Double {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992
        }
        var total = 0.0
        for _ in 0..<orders {
            var ahead = queue, remaining = 1.0, t = 0.0
            while remaining > 1e-12 {
                t += -log(uniform()) / (mu + cancelAtLevel)
                if uniform() < mu / (mu + cancelAtLevel) {
                    let past = 1 - ahead
                    ahead = max(0, ahead - 1)
                    if past > 0 { remaining -= min(remaining, past) }
                } else {
                    let q = min(ahead, queue), b = queue - q
                    let fq = q > 0 ? pow(q, power) : 0, fb = b > 0 ? pow(b, power) : 0
                    if fq + fb > 0 {
                        ahead = max(0, q - fq / (fq + fb) - max(0, fb / (fq + fb) - b))
                    }
                }
            }
            total += t
        }
        return total / Double(orders)
    }

    @Test("Probabilistic queue: filled quantity per quoted second against a Monte Carlo of the queue written in the test")
    func probabilisticFillRate() throws {
        let q = 3.0, mu = 20.0, cancelRate = 200.0
        let result = try GraphSupport.run(Self.queueGraph(queue: q, rate: mu, cancelRate: cancelRate, model: "probabilistic"),
                                          seed: 6, horizon: .seconds(Int64(100)))
        let reference = Self.probabilisticMeanTimeToFill(queue: q, mu: mu, cancelAtLevel: cancelRate / 4, power: 2, orders: 100_000)
        // Renewal: an order of 1 is replaced at once when it fills, so quantity per quoted second = 1 / E[T].
        let quantity = try #require(result.value("mm.filled_bid_quantity")) + (try #require(result.value("mm.filled_ask_quantity")))
        let quoted = (try #require(result.value("mm.quoted_bid_time")) + (try #require(result.value("mm.quoted_ask_time")))) * 1e-9
        let rate = quantity / quoted
        // About 2 x 100 s / E[T] orders (over 1,000 here); the renewal count's relative sd is about
        // cv / sqrt(n) < 2.5%: 10% is over 4 sd. The risk-averse model gives 1 / 0.164 s, 40% lower.
        #expect(abs(rate * reference - 1) < 0.10, "filled \(rate) per quoted second, Monte Carlo 1 / \(reference) s")
        #expect(quoted > 199, "quoted \(quoted) s of 200")
    }

    @Test("At the touch with nobody ahead, every market order fills the maker's order on its side")
    func fillRateAtTheTouch() throws {
        // 1e-9 per level, never refilled: market orders of 2 take the maker's 1 after the 1e-9 ahead.
        let yaml = Self.queueGraph(queue: 1e-9, rate: 20, cancelRate: 0, marketOrderSize: 2, replenish: 0)
        let result = try GraphSupport.run(yaml, seed: 8, horizon: .seconds(Int64(100)))
        let orders = try #require(result.value("alpha.background_market_orders_count"))
        let bids = try #require(result.value("mm.fills_bid_count")), asks = try #require(result.value("mm.fills_ask_count"))
        #expect(bids + asks == orders, "fills \(bids) + \(asks), market orders \(orders)")
        // Each side's market orders are Poisson(20 x 100 s): 4.5 sd of 2,000 is 201.
        for name in ["mm.fill_rate_bid", "mm.fill_rate_ask"] {
            let rate = try #require(result.value(name))
            #expect(abs(rate - 20) <= 4.5 * (2_000.0).squareRoot() / 100, "\(name) \(rate), market orders 20 per second per side")
        }
    }

    /// experiments/graph-market-maker.yaml's market with the maker's links at `latency` each way.
    static func latencyGraph(_ latency: String) -> String {
        """
        components:
          - {name: market, type: price-source,
             fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8, jump_rate_per_year: 157680000, jump_sd_log: 0.0005},
             tick_interval: {type: exponential, mean: 20ms}, opportunity_size: 0.25}
          - {name: alpha, type: venue, taker_fee_bps: 1,
             book: {levels: 10, tick_size: 0.5, depth_per_level: 2, replenish_rate: 20, maker_fee_bps: -0.5, market_order_rate: 20,
                    market_order_size: 0.5, market_order_size_distribution: exponential, cancel_rate: 40, cancel_size: 0.5,
                    cancel_size_distribution: exponential}}
          - {name: beta, type: venue, half_spread_bps: 0.5, depth: 1, taker_fee_bps: 1}
          - {name: mm, type: market-maker, size: 0.5, inventory_limit: 5}
          - {name: arb, type: arbitrageur, design: async, order_size: 0.5}
        connections:
          - {from: market.out, to: alpha.in, link: 0ms}
          - {from: market.out, to: beta.in, link: 5ms}
          - {from: mm.out, to: alpha.in, link: \(latency)}
          - {from: alpha.out, to: mm.in, link: \(latency)}
          - {from: arb.out, to: alpha.in, link: 1ms}
          - {from: arb.out, to: beta.in, link: 1ms}
          - {from: alpha.out, to: arb.in, link: 1ms}
          - {from: beta.out, to: arb.in, link: 1ms}
        """
    }

    @Test("A remote maker's stale quotes are hit more: its edge at fill is lower than a colocated maker's, on the same market")
    func latencyCostsEdge() throws {
        // Paired on common random numbers (same seed: the same prices, background flow and arbitrageur draws).
        var differences: [Double] = []
        for seed in UInt64(1)...6 {
            let near = try GraphSupport.run(Self.latencyGraph("100us"), seed: seed, horizon: .seconds(Int64(20)))
            let far = try GraphSupport.run(Self.latencyGraph("5ms"), seed: seed, horizon: .seconds(Int64(20)))
            differences.append(try #require(near.value("mm.edge_at_fill_mean_bps")) - (try #require(far.value("mm.edge_at_fill_mean_bps"))))
            #expect(try #require(far.value("mm.requote_latency_mean")) == 10_000_000)
        }
        // A one-sided paired t bound at 97.5% (t = 2.571 with 5 degrees of freedom) above 0.
        let mean = differences.reduce(0, +) / 6
        let sd = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5).squareRoot()
        #expect(mean - 2.571 * sd / 6.0.squareRoot() > 0, "colocated minus remote edge per seed: \(differences) bps")
    }

    @Test("Config errors: a maker to a venue without book:, no feed with push, poll_interval with push")
    func configErrors() throws {
        let noBook = """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 100}, tick_interval: 20ms}
              - {name: alpha, type: venue}
              - {name: mm, type: market-maker, market_data: pull}
            connections:
              - {from: market.out, to: alpha.in, link: 0ms}
              - {from: mm.out, to: alpha.in, link: 0ms}
            """
        #expect { try GraphSupport.spec(noBook) } throws: { "\($0)".contains("without book:") && "\($0)".contains("test.yaml") }
        let noFeed = Self.queueGraph(queue: 1, rate: 1, cancelRate: 0).replacingOccurrences(of: "  - {from: alpha.out, to: mm.in, link: 0ms}", with: "")
        #expect { try GraphSupport.spec(noFeed) } throws: { "\($0)".contains("does not feed it") }
        let poll = Self.queueGraph(queue: 1, rate: 1, cancelRate: 0).replacingOccurrences(of: "market-maker, size: 1}", with: "market-maker, size: 1, poll_interval: 5ms}")
        #expect { try GraphSupport.spec(poll) } throws: { "\($0)".contains("poll_interval") && "\($0)".contains("market_data: pull") }
        let badSize = Self.queueGraph(queue: 1, rate: 1, cancelRate: 0).replacingOccurrences(of: "market-maker, size: 1}", with: "market-maker, size: -1}")
        #expect { try GraphSupport.spec(badSize) } throws: { "\($0)".contains("size") }
    }

    @Test("A polling maker quotes from snapshot replies; no fills: the fill metrics are NaN")
    func pollingAndNaN() throws {
        let yaml = Self.queueGraph(queue: 1, rate: 0, cancelRate: 0)
            .replacingOccurrences(of: "market-maker, size: 1}", with: "market-maker, size: 1, market_data: pull, poll_interval: 10ms}")
            .replacingOccurrences(of: "  - {from: alpha.out, to: mm.in, link: 0ms}", with: "")
        let result = try GraphSupport.run(yaml, seed: 1, horizon: .seconds(Int64(2)))
        #expect(try #require(result.value("mm.market_data_received_count")) > 150)
        #expect(try #require(result.value("mm.quoted_bid_time")) > 1.9e9)
        #expect(result.value("mm.fill_rate_bid") == 0)
        for name in ["mm.time_to_fill_mean", "mm.edge_at_fill_mean_bps", "mm.markout_1s_mean_bps", "mm.queue_ahead_at_placement_mean"] {
            #expect(try #require(result.value(name)).isNaN, "\(name)")
        }
    }
}
