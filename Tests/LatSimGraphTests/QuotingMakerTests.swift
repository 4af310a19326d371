import LatSimCore
import LatSimExperiments
import LatSimGraph
import LatSimMarkets
import Testing

/// `market-maker` with `quote: fundamental` on a venue with `quote: maker`, and `taker`, against
/// timelines worked out by hand (constant latencies, a constant price) and the spread
/// decomposition's values at a constant fundamental; their config errors.
@Suite struct QuotingMakerTests {
    /// A constant price of 3000 ticking every 20 ms; 1 ms links; a 50 us engine; h = 1 bp (not adaptive).
    static func graph(design: String, noiseRate: Double? = nil) -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0}, tick_interval: 20ms}
          - {name: venue, type: venue, quote: maker, taker_fee_bps: 1, service_time: 50us}
          - {name: mm, type: market-maker, quote: fundamental, design: \(design), size: 1, min_half_spread_bps: 0.5, margin_bps: 0.5, adaptive: false}
        \(noiseRate.map { "  - {name: noise, type: taker, flow: noise, rate_per_second: \($0)}" } ?? "")
        connections:
          - {from: market.out, to: venue.in, link: 0ms}
          - {from: market.out, to: mm.in, link: 1ms}
          - {from: mm.out, to: venue.in, link: 1ms}
        \(noiseRate.map { _ in "  - {from: noise.out, to: venue.in, link: 1ms}" } ?? "")
        """
    }

    @Test("async: the first quote rests from 2 ms (price at 1 ms, quote at 2 ms); no requote at a constant price")
    func asyncTimeline() throws {
        let r = try GraphSupport.run(Self.graph(design: "async"), horizon: .seconds(Int64(1)))
        #expect(abs(r.value("mm.two_sided_uptime_ratio")! - 998.0 / 1000) < 1e-12, "\(r.value("mm.two_sided_uptime_ratio")!)")
        #expect(abs(r.value("mm.quoted_spread_mean_bps")! - 2) < 1e-9, "2h = 2 bp")
        #expect(r.value("mm.quotes_sent_count") == 1 && r.value("mm.cancels_sent_count") == 0 && r.value("mm.acks_count") == 1)
        // Ticks at 0, 20, ..., 980 ms arrive 1 ms later: 50 in the second.
        #expect(r.value("mm.market_data_received_count") == 50)
        #expect(r.value("mm.effective_spread_mean_bps")!.isNaN, "no fill: NaN, never 0")
    }

    @Test("sync: poll 0 -> answer 2 ms -> cancel applied 3 ms, acknowledged 4.05 ms -> new quote applied 5.05 ms")
    func syncTimeline() throws {
        let r = try GraphSupport.run(Self.graph(design: "sync"), horizon: .seconds(Int64(1)))
        #expect(abs(r.value("mm.two_sided_uptime_ratio")! - (1000 - 5.05) / 1000) < 1e-12, "\(r.value("mm.two_sided_uptime_ratio")!)")
        #expect(r.value("mm.quotes_sent_count") == 1 && r.value("mm.cancels_sent_count") == 1 && r.value("mm.acks_count") == 2)
        // Answers at 2 ms + 7 ms k (request 1 ms, answer 1 ms, then the 5 ms poll interval): 143 by 1 s.
        #expect(r.value("mm.market_data_received_count") == 143)
        #expect(r.value("link.market-mm.sent") == 0, "a pulling maker does not subscribe to the price source")
    }

    @Test("At a constant fundamental every fill earns exactly h on each side: effective = realised = 2h, adverse = 0")
    func constantFundamentalDecomposition() throws {
        for design in ["sync", "async"] {
            let r = try GraphSupport.run(Self.graph(design: design, noiseRate: 50), horizon: .seconds(Int64(20)))
            let fills = r.value("mm.fills_count")!
            #expect(fills > 200, "\(design): \(fills) fills")
            #expect(r.value("noise.fills_count") == fills, "every fill of the quote is a noise taker's")
            #expect(r.value("mm.fill_reports_count") == fills)
            #expect(abs(r.value("mm.effective_spread_mean_bps")! - 2) < 1e-9, "\(design): \(r.value("mm.effective_spread_mean_bps")!)")
            #expect(abs(r.value("mm.realised_spread_mean_bps")! - 2) < 1e-9)
            #expect(abs(r.value("mm.adverse_selection_mean_bps")!) < 1e-9)
            // Each marked-out fill earns size x F x h = 0.3; fills in the last 100 ms have no markout.
            let marked = r.value("mm.marked_out_profit_total")! / 0.3
            #expect(abs(marked - marked.rounded()) < 1e-6 && marked <= fills && marked >= fills - 20, "\(marked) of \(fills)")
            #expect(abs(r.value("mm.fills_per_second")! - fills / 20) < 1e-9)
            #expect(abs(r.value("noise.fill_ratio")! - fills / r.value("noise.orders_count")!) < 1e-12)
        }
    }

    @Test("An informed taker trades exactly the ticks where the price it sees crosses the stale quote (fee and threshold included)")
    func informedTakerRule() throws {
        // The venue lags the price by 10 ms; the taker sees each tick at once and the venue's quote
        // (centred on the previous tick) over a 0 ms feed; its order arrives 1 ms later, before the
        // venue re-centres, so every order fills at the quote it saw.
        let yaml = """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 10}, tick_interval: 20ms}
          - {name: venue, type: venue, half_spread_bps: 1, depth: 1, taker_fee_bps: 1, service_time: 10us}
          - {name: informed, type: taker, flow: informed, threshold_bps: 0.5}
        connections:
          - {from: market.out, to: venue.in, link: 10ms}
          - {from: market.out, to: informed.in, link: 0ms}
          - {from: venue.out, to: informed.in, link: 0ms}
          - {from: informed.out, to: venue.in, link: 1ms}
        """
        let horizon = SimDuration.milliseconds(19_990)
        let r = try GraphSupport.run(yaml, seed: 5, horizon: horizon)
        // The same price path, sampled at the same ticks (0, 20, ..., 19,980 ms), and the rule applied here.
        var process = PriceProcess(parameters: try PriceProcessParameters(initialPrice: 3000, volatilityPerSqrtYear: 10),
                                   stream: ReplicationSpec(replication: 0, rootSeed: 5, horizon: horizon).stream("market"))
        let prices = (0..<1_000).map { process.value(at: .zero + .milliseconds(Int64(20 * $0))) }
        let h = 1e-4, cost = 1e-4 + 0.5e-4
        var expected = 0
        for k in 1..<prices.count {
            let ask = prices[k - 1] * (1 + h), bid = prices[k - 1] * (1 - h)
            if prices[k] > ask * (1 + cost) || prices[k] < bid * (1 - cost) { expected += 1 }
        }
        #expect(expected > 100, "the test must see many signals: \(expected)")
        #expect(r.value("informed.orders_count") == Double(expected), "seed 5: \(r.value("informed.orders_count")!) orders vs \(expected) crossings")
        #expect(r.value("informed.fills_count") == Double(expected) && r.value("venue.fill_reports_count") == Double(expected))
    }

    @Test("Config errors name the key, what is allowed and what was given")
    func configErrors() throws {
        func error(_ yaml: String) -> String {
            do { _ = try GraphSupport.spec(yaml); return "" } catch { return "\(error)" }
        }
        let base = Self.graph(design: "async")
        let cases: [(String, [String])] = [
            (base.replacingOccurrences(of: "quote: maker,", with: "quote: maker, half_spread_bps: 1,"),
             ["half_spread_bps", "quote: maker"]),
            (base.replacingOccurrences(of: "quote: maker,", with: "quote: makers,"), ["quote", "spread", "maker", "makers"]),
            (base.replacingOccurrences(of: "quote: fundamental,", with: "quote: fundamental, offset_ticks: 1,"),
             ["offset_ticks", "quote: touch only"]),
            (base.replacingOccurrences(of: "quote: fundamental, design: async,", with: "design: async,"),
             ["design", "quote: fundamental only"]),
            (base.replacingOccurrences(of: "margin_bps: 0.5", with: "margin_bps: -1"), ["margin_bps"]),
            (base.replacingOccurrences(of: "  - {from: market.out, to: mm.in, link: 1ms}\n", with: ""),
             ["market_data: push", "no price source feeds it"]),
            (base.replacingOccurrences(of: "quote: maker,", with: "") , ["mm", "quote: maker"]),
            (Self.graph(design: "async", noiseRate: 5).replacingOccurrences(of: "flow: noise", with: "flow: informed"),
             ["rate_per_second", "flow: noise only"]),
            (Self.graph(design: "async", noiseRate: 5).replacingOccurrences(of: "flow: noise, rate_per_second: 5.0", with: "flow: informed"),
             ["informed taker noise", "venue.out"]),
            (Self.graph(design: "async", noiseRate: 5).replacingOccurrences(of: "to: venue.in, link: 1ms}\n  - {from: noise.out", with: "to: venue.in, link: 1ms}\n  - {from: market.out, to: noise.in, link: 0ms}\n  - {from: noise.out"),
             ["noise taker", "takes no input"]),
            (Self.graph(design: "async", noiseRate: 5).replacingOccurrences(of: "flow: noise", with: "flow: fast"), ["flow", "noise", "informed", "fast"]),
        ]
        for (yaml, words) in cases {
            let text = error(yaml)
            #expect(text.contains("test.yaml"), "\(text)")
            for word in words { #expect(text.contains(word), "expected \"\(word)\" in: \(text)") }
        }
    }

    @Test("derived_metrics ratio: numerator / denominator, NaN at a zero denominator; exactly two operands")
    func derivedRatio() throws {
        let yaml = Self.graph(design: "async", noiseRate: 50) + """

        derived_metrics:
          - {name: share, ratio: [noise.fills_count, noise.orders_count]}
          - {name: nothing, ratio: [mm.cancels_sent_count, mm.cancels_sent_count]}
        """
        let r = try GraphSupport.run(yaml, horizon: .seconds(Int64(2)))
        #expect(abs(r.value("share")! - r.value("noise.fill_ratio")!) < 1e-15)
        #expect(r.value("nothing")!.isNaN)
        do {
            _ = try GraphSupport.spec(yaml.replacingOccurrences(of: "ratio: [noise.fills_count, noise.orders_count]", with: "ratio: [noise.fills_count]"))
            Issue.record("a ratio of one metric must be an error")
        } catch { #expect("\(error)".contains("two metrics"), "\(error)") }
    }
}
