import Testing
import LatSimCore
import LatSimExperiments

/// The `market-making` template (a graph of price-source, venue `quote: maker`, market-maker
/// `quote: fundamental` and takers) against theory, the sync-versus-async comparison on common
/// random numbers, bounded state, and its config errors. Ported from the hand-written model's
/// tests (MarketMakingTests, BoundedStateTests), each still against its independent reference.
@Suite struct MarketMakingTemplateTests {
    /// Jumps of 5 bp five times a second make stale quotes worth picking off.
    static func model(_ extra: String = "", jumps: Bool = true) -> String {
        """
        kind: market-making
        fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8\(jumps ? ", jump_rate_per_year: 157680000, jump_sd_log: 0.0005" : "")}
        \(extra)
        """
    }

    static func scenario(_ yaml: String) throws -> any Scenario {
        try ScenarioRegistry.kind(named: "market-making")!.make(try YAMLConfig.parse(yaml, file: "test.yaml", path: "model"))
    }

    static func spec(_ replication: Int, seconds: Int64 = 5) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 77, horizon: .seconds(seconds), warmUp: .milliseconds(500))
    }

    @Test("Uninformed flow at a martingale fundamental: effective spread = 2h, adverse selection = 0")
    func uninformedFlow() throws {
        let scenario = try Self.scenario(Self.model("""
            informed: {enabled: false}
            market_maker: {adaptive: false, min_half_spread_bps: 1.5, margin_bps: 0}
            noise: {rate_per_second: 50}
            """, jumps: false))
        var effective: [Double] = [], adverse: [Double] = []
        for replication in 0..<20 {
            let r = scenario.run(design: "async", spec: Self.spec(replication))
            effective.append(r.value("effective_spread_mean_bps")!)
            adverse.append(r.value("adverse_selection_mean_bps")!)
            let realised = r.value("realised_spread_mean_bps")!
            #expect(abs(r.value("quoted_spread_mean_bps")! - 3) < 1e-9, "quoted spread is 2h = 3 bp while two-sided")
            // The decomposition is an identity per fill, hence for the means.
            #expect(abs(effective.last! - realised - adverse.last!) < 1e-9)
            #expect(r.value("informed_fills_count") == 0 && r.value("informed_fill_share") == 0)
        }
        let e = SampleSummary(effective), a = SampleSummary(adverse)
        let eSE = e.standardDeviation / Double(e.n).squareRoot(), aSE = a.standardDeviation / Double(a.n).squareRoot()
        print("template, uninformed flow: effective \(e.mean) bp (se \(eSE)), adverse \(a.mean) bp (se \(aSE))")
        // 4 standard errors over 20 replications (t with 19 df: P(|T| > 4) < 1e-3).
        #expect(abs(e.mean - 3) < 4 * eSE, "seed 77: effective spread \(e.mean) bp vs 2h = 3 bp")
        #expect(abs(a.mean) < 4 * aSE, "seed 77: adverse selection \(a.mean) bp vs 0")
        #expect(eSE < 0.2 && aSE < 0.2, "the test must be sharp enough to matter")
    }

    @Test("sync quotes wider and is picked off more than async: paired 95% CIs exclude zero")
    func syncVersusAsync() throws {
        let scenario = try Self.scenario(Self.model("informed: {latency: 1500us, order_latency: 1ms}"))
        var spread: [Double] = [], informed: [Double] = [], uptime: [Double] = []
        for replication in 0..<20 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication))
            let async = scenario.run(design: "async", spec: Self.spec(replication))
            spread.append(sync.value("quoted_spread_mean_bps")! - async.value("quoted_spread_mean_bps")!)
            informed.append(sync.value("informed_fill_share")! - async.value("informed_fill_share")!)
            uptime.append(sync.value("two_sided_uptime_ratio")! - async.value("two_sided_uptime_ratio")!)
        }
        // 95% t intervals of the paired differences.
        let s = SampleSummary(spread), i = SampleSummary(informed), u = SampleSummary(uptime)
        print("template sync - async: quoted spread \(s.mean) bp [\(s.ciLow), \(s.ciHigh)]; informed share \(i.mean) [\(i.ciLow), \(i.ciHigh)]; uptime \(u.mean) [\(u.ciLow), \(u.ciHigh)]")
        #expect(s.ciLow > 0, "seed 77: quoted-spread difference CI [\(s.ciLow), \(s.ciHigh)]")
        #expect(i.ciLow > 0, "seed 77: informed-share difference CI [\(i.ciLow), \(i.ciHigh)]")
        #expect(u.ciHigh < 0, "seed 77: sync is out of the market between cancel and new quote: uptime CI [\(u.ciLow), \(u.ciHigh)]")
    }

    @Test("Messages pending stay bounded while fills grow with the horizon")
    func boundedState() throws {
        let scenario = try Self.scenario(Self.model("noise: {rate_per_second: 200}"))
        for design in ["sync", "async"] {
            var fills: [Double] = [], pending: [Double] = []
            for seconds: Int64 in [5, 40] {
                let r = scenario.run(design: design, spec: Self.spec(0, seconds: seconds))
                fills.append(r.value("fills_count")!)
                pending.append(r.value("messages_pending_max")!)
            }
            print("template \(design): messages pending at most \(pending) for \(fills) fills")
            #expect(fills[1] > 6 * fills[0], "fills grow with the horizon")
            #expect(pending[1] <= pending[0] + 4 && pending[1] < 40, "\(design): pending \(pending)")
        }
    }

    @Test("Every metric of the hand-written kind keeps its name")
    func historicalNames() throws {
        let names = Set(try Self.scenario(Self.model()).metricSchema!.map(\.name))
        let historical = ["quoted_spread_mean_bps", "two_sided_uptime_ratio", "fills_per_second", "noise_fill_ratio", "informed_fill_share",
                          "effective_spread_mean_bps", "realised_spread_mean_bps", "adverse_selection_mean_bps", "marked_out_profit_total",
                          "half_spread_final_bps", "fills_count", "informed_fills_count", "noise_fills_count", "quotes_sent_count",
                          "cancels_sent_count", "market_data_messages_count", "requests_count", "taker_orders_count", "acks_count",
                          "fill_reports_count", "engine_utilisation", "engine_queue_length_mean", "engine_queue_length_max",
                          "engine_wait_mean", "engine_sojourn_mean", "engine_in_system_mean", "engine_started"]
        for name in historical { #expect(names.contains(name), "\(name) missing from \(names.sorted())") }
    }

    static func config(_ model: String) -> String {
        "name: t\nseed: 1\nreplications: 1\nhorizon: 1s\nmodel:\n" + model.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    @Test("Config errors name the file, the key, what is allowed and what was given")
    func configErrors() throws {
        #expect(planError(Self.config(Self.model("market_maker: {latency: {new_order: 2ms, request: 2ms, ack: 3ms, market_data: 3ms}}"))) == nil)
        let cases: [(String, [String])] = [
            ("market_maker: {quote_sise: 1}", ["market_maker.quote_sise", "quote_size"]),
            ("market_maker: {latency: {new_order: 1ms, cancel: 2ms}}", ["cancel", "differs from new_order"]),
            ("market_maker: {latency: {ack: 1ms, fill_report: 2ms}}", ["fill_report", "differs from ack"]),
            ("market_maker: {latency: {ack: 1ms, market_data: 2ms}}", ["market_data", "differs from ack", "a design pulls"]),
            ("venue: {name: informed}", ["venue.name", "is taken"]),
            ("venue: {half_spread_bps: 1}", ["venue.half_spread_bps"]),
            ("noise: {rate_per_second: -1}", ["noise.rate_per_second"]),
            ("informed: {threshold_bps: -2}", ["informed.threshold_bps"]),
            ("markout_horizon: 0ms", ["markout_horizon"]),
            ("designs: {fast: {preset: quick}}", ["designs.fast.preset", "sync", "async"]),
        ]
        for (extra, words) in cases {
            let error = try #require(planError(Self.config(Self.model(extra))), "\(extra) must be an error")
            #expect(error.description.contains("config.yaml:"), "\(error)")
            for word in words { #expect(error.description.contains(word), "expected \"\(word)\" in: \(error)") }
        }
        // With push designs only, market_data may differ from ack (it has its own link).
        #expect(planError(Self.config(Self.model("market_maker: {latency: {ack: 1ms, market_data: 2ms}}\ndesigns: {async: async}"))) == nil)
    }
}
