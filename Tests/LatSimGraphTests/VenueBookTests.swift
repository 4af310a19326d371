import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// The venue's `book:` option: background market orders walking the book against a hand
/// computation over its levels, the metric schema with and without a book, and config errors.
@Suite struct VenueBookTests {
    /// One venue at a constant mid of 3000.25 (tick 0.5: best bid 3000, best ask 3000.5) with
    /// 2 units per level refilled at once, and background market orders of constant size 3: a buy
    /// takes 2 at 3000.5 and 1 at 3001 (average 3000.6667), a sell 2 at 3000 and 1 at 2999.5.
    static func graph(size: Double, bots: Bool = false) -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000.25, volatility_per_sqrt_year: 0}, tick_interval: 20ms}
          - {name: alpha, type: venue, taker_fee_bps: 1,
             book: {levels: 4, tick_size: 0.5, depth_per_level: 2, replenish_rate: 1e12, market_order_rate: 50,
                    market_order_size: \(size)}}
        connections:
          - {from: market.out, to: alpha.in, link: 0ms}
        """
    }

    @Test("Background market orders walk the book: mean slippage against the walk over the level table")
    func backgroundSlippageMatchesTheWalk() throws {
        let result = try GraphSupport.run(Self.graph(size: 3), seed: 5, horizon: .seconds(Int64(20)))
        let buy = ((2 * 3000.5 + 3001) / 3 - 3000.5) / 3000.5 * 1e4
        let sell = (3000 - (2 * 3000 + 2999.5) / 3) / 3000 * 1e4
        let n = try #require(result.value("alpha.background_market_orders_count"))
        let slippage = try #require(result.value("alpha.background_slippage_mean_bps"))
        // The side is a fair coin per order; the two values differ by 0.02%, so the mix moves the mean by less than that.
        #expect(n > 1_500)
        #expect(slippage >= min(buy, sell) - 1e-9 && slippage <= max(buy, sell) + 1e-9, "slippage \(slippage) bps, buy \(buy), sell \(sell)")
        // An order that fits the best level does not slip.
        let small = try GraphSupport.run(Self.graph(size: 1.5), seed: 5, horizon: .seconds(Int64(5)))
        #expect(small.value("alpha.background_slippage_mean_bps") == 0)
        // No strategy traded: their metrics are NaN, not 0.
        #expect(try #require(result.value("alpha.taker_slippage_mean_bps")).isNaN)
        #expect(try #require(result.value("alpha.taker_fill_ratio")).isNaN)
        #expect(result.value("alpha.taker_orders_count") == 0)
    }

    @Test("Book metrics are recorded for a venue with book: only")
    func bookMetricsOnlyWithABook() throws {
        let names = GraphRun.metricSchema(try GraphSupport.spec(Self.graph(size: 1))).map(\.name)
        #expect(names.contains("alpha.taker_partial_fills_count") && names.contains("alpha.background_cancels_count"))
        let plain = """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 100}, tick_interval: 20ms}
              - {name: alpha, type: venue}
            connections:
              - {from: market.out, to: alpha.in, link: 0ms}
            """
        let plainNames = GraphRun.metricSchema(try GraphSupport.spec(plain)).map(\.name)
        #expect(!plainNames.contains { $0.hasPrefix("alpha.taker_") || $0.hasPrefix("alpha.background_") || $0.hasPrefix("alpha.book_") })
        #expect(plainNames.contains("alpha.fill_reports_count"))
    }

    @Test("Bots' orders on book venues: partial fills counted, fill ratio in (0, 1), traded quantity balances")
    func botsTakeFromTheBook() throws {
        let yaml = """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8},
                 tick_interval: {type: exponential, mean: 20ms}, opportunity_size: 0.25}
              - {name: alpha, type: venue, basis_sd: 0.0002, taker_fee_bps: 1,
                 book: {levels: 10, tick_size: 0.5, depth_per_level: 2, replenish_rate: 20, market_order_rate: 20,
                        market_order_size: 0.5, market_order_size_distribution: exponential, cancel_rate: 40, cancel_size: 0.5,
                        cancel_size_distribution: exponential}}
              - {name: beta, type: venue, basis_sd: 0.0002, taker_fee_bps: 1,
                 book: {levels: 10, tick_size: 0.5, depth_per_level: 2, replenish_rate: 20, market_order_rate: 20,
                        market_order_size: 0.5, cancel_rate: 40, cancel_size: 0.5, queue_model: probabilistic, queue_power: 3}}
              - {name: focal, type: arbitrageur, design: async, order_size: 1.5}
            connections:
              - {from: market.out, to: alpha.in, link: 0ms}
              - {from: market.out, to: beta.in, link: 30ms}
              - {from: focal.out, to: alpha.in, link: 2ms}
              - {from: focal.out, to: beta.in, link: 2ms}
              - {from: alpha.out, to: focal.in, link: 2ms}
              - {from: beta.out, to: focal.in, link: 2ms}
            """
        let result = try GraphSupport.run(yaml, seed: 9, horizon: .seconds(Int64(20)))
        let orders = try #require(result.value("alpha.taker_orders_count")) + (try #require(result.value("beta.taker_orders_count")))
        #expect(orders == result.value("focal.orders_count"))
        #expect(try #require(result.value("alpha.taker_partial_fills_count")) > 0)
        let ratio = try #require(result.value("alpha.taker_fill_ratio"))
        #expect(ratio > 0 && ratio < 1)
        // Fills reported by the venues = legs the bot saw filled (completed attempts fill two, legging
        // one), but for the attempts still in flight at the end (acknowledged, not yet back at the bot).
        let fills = try #require(result.value("alpha.fill_reports_count")) + (try #require(result.value("beta.fill_reports_count")))
        let legs = 2 * (try #require(result.value("focal.completed_count"))) + (try #require(result.value("focal.legging_failures_count")))
        #expect(fills >= legs && fills <= legs + 8, "fills \(fills), legs \(legs)")
    }

    static func failure(_ book: String, venueExtra: String = "") -> String {
        let yaml = """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 100}, tick_interval: 20ms}
              - {name: alpha, type: venue\(venueExtra), book: \(book)}
            connections:
              - {from: market.out, to: alpha.in, link: 0ms}
            """
        do {
            _ = try GraphSupport.spec(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("Bad book config names the key, what is allowed and what was given")
    func badBookConfig() {
        let missingTick = Self.failure("{levels: 4}")
        #expect(missingTick.contains("tick_size"), "\(missingTick)")
        let model = Self.failure("{tick_size: 1, queue_model: fifo}")
        #expect(model.contains("queue_model") && model.contains("risk-averse") && model.contains("fifo"), "\(model)")
        let power = Self.failure("{tick_size: 1, queue_power: 2}")
        #expect(power.contains("queue_power") && power.contains("probabilistic"), "\(power)")
        let both = Self.failure("{tick_size: 1}", venueExtra: ", depth: 3")
        #expect(both.contains("depth") && both.contains("book"), "\(both)")
        let levels = Self.failure("{tick_size: 1, levels: 0}")
        #expect(levels.contains("levels") && levels.contains("1...1000"), "\(levels)")
        let unknown = Self.failure("{tick_size: 1, replenish: 3}")
        #expect(unknown.contains("replenish"), "\(unknown)")
    }
}
