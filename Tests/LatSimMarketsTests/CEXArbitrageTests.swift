import Testing
@testable import LatSimMarkets

/// The `cex-arbitrage` scenario: config decoding, determinism, accounting identities, and the
/// sync-versus-async comparison on common random numbers.
struct CEXArbitrageTests {
    static func config(focalLatency: String = "1ms", rivalLatency: String = "2ms", extraVenue: [(String, ConfigNode)] = []) -> ConfigNode {
        Config.map([
            ("kind", Config.s("cex-arbitrage")),
            ("fundamental", Config.map([("initial_price", Config.s("3000")), ("volatility_per_sqrt_year", Config.s("0.8"))])),
            ("tick_interval", Config.map([("type", Config.s("exponential")), ("mean", Config.s("20ms"))])),
            ("venues", Config.list([
                Config.map([("name", Config.s("alpha")), ("lag", Config.s("0ms")), ("basis_sd", Config.s("0.0002"))] + extraVenue),
                Config.map([("name", Config.s("beta")), ("lag", Config.s("30ms")), ("basis_sd", Config.s("0.0002"))] + extraVenue),
            ])),
            ("bots", Config.list([
                Config.map([("name", Config.s("focal")), ("design", Config.s("focal")), ("latency", Config.s(focalLatency))]),
                Config.map([("name", Config.s("rival")), ("design", Config.s("async")), ("latency", Config.s(rivalLatency))]),
            ])),
        ])
    }

    static func spec(_ replication: Int, seconds: Int64 = 5) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 2_026, horizon: .seconds(seconds), warmUp: .milliseconds(500))
    }

    @Test("Same config and seed give identical results")
    func determinism() throws {
        let scenario = try CEXArbitrageScenario(config: Self.config())
        let a = scenario.run(design: "async", spec: Self.spec(3))
        let b = scenario.run(design: "async", spec: Self.spec(3))
        #expect(a == b)
        #expect(a.value("opportunities_count")! > 10)
        #expect(a.stopReason.contains("horizon"))
    }

    @Test("Accounting: captures <= completed <= attempts; capture counts add up; legging failures have one leg")
    func accounting() throws {
        let scenario = try CEXArbitrageScenario(config: Self.config())
        for design in scenario.designs {
            let r = scenario.run(design: design, spec: Self.spec(1))
            let attempts = r.value("focal_attempts_count")!, completed = r.value("focal_completed_count")!
            let missed = r.value("focal_missed_count")!, legging = r.value("focal_legging_failures_count")!
            let captured = r.value("focal_captured_count")!
            #expect(captured <= completed && completed + missed + legging <= attempts, "design \(design)")
            // Attempts still in flight at the horizon are at most the design's capacity.
            #expect(attempts - (completed + missed + legging) <= 4, "design \(design)")
            let any = r.value("capture_rate_any_bot")! * r.value("opportunities_count")!
            let sum = r.value("bot_focal_captured_count")! + r.value("bot_rival_captured_count")!
            #expect(any <= sum + 1e-9, "design \(design): an episode captured by any bot is captured by some bot")
            // Every order is acknowledged once its service ends: acks trail orders by at most those in the engine.
            let orders = r.value("venue_alpha_orders_count")!, acks = r.value("venue_alpha_acks_count")!
            #expect(acks <= orders + 1 && acks >= orders - 8, "design \(design): orders \(orders), acks \(acks)")
        }
    }

    @Test("Bad config: a clear error naming the key, allowed and given")
    func configErrors() throws {
        var node = Self.config()
        if case .mapping(var entries) = node.value {
            entries.append((key: "tick_intervall", value: Config.s("1ms")))
            node.value = .mapping(entries)
        }
        do {
            _ = try CEXArbitrageScenario(config: node)
            Issue.record("an unknown key must be rejected")
        } catch let error as ConfigError {
            #expect(error.description.contains("tick_intervall") && error.description.contains("did you mean \"tick_interval\""))
        }
        let badDesign = Config.map([("preset", Config.s("asynch"))], path: "designs.x")
        #expect(throws: ConfigError.self) { try BotDesign(config: badDesign) }
    }

    @Test("async captures more than sync: paired 95% CI of the difference over 20 replications excludes zero")
    func syncVersusAsync() throws {
        let scenario = try CEXArbitrageScenario(config: Self.config())
        var captureDifferences: [Double] = [], profitDifferences: [Double] = []
        for replication in 0..<20 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication))
            let async = scenario.run(design: "async", spec: Self.spec(replication))
            // Common random numbers: the fundamental and venue quotes are the same in both designs,
            // so the opportunities differ only through the bots' own fills.
            captureDifferences.append(async.value("focal_capture_rate")! - sync.value("focal_capture_rate")!)
            profitDifferences.append(async.value("focal_profit_capture_ratio")! - sync.value("focal_profit_capture_ratio")!)
        }
        let capture = PairedInterval(differences: captureDifferences)
        let profit = PairedInterval(differences: profitDifferences)
        print("cex-arbitrage async - sync capture_rate: \(capture.mean) [\(capture.lower), \(capture.upper)]; profit ratio \(profit.mean) [\(profit.lower), \(profit.upper)]")
        #expect(capture.lower > 0, "seed 2026: capture-rate difference CI [\(capture.lower), \(capture.upper)]")
        #expect(profit.lower > 0, "seed 2026: profit-ratio difference CI [\(profit.lower), \(profit.upper)]")
    }

    @Test("Stale orders are rejected: an order older than stale_after at the engine never fills")
    func staleRejection() throws {
        // Orders take 1 ms to reach the engine; a 500 us window rejects every one of them.
        let scenario = try CEXArbitrageScenario(config: Self.config(extraVenue: [("stale_after", Config.s("500us"))]))
        let r = scenario.run(design: "async", spec: Self.spec(0))
        #expect(r.value("focal_orders_count")! > 0)
        #expect(r.value("focal_rejected_stale_count")! == r.value("focal_order_latency_count")!, "every acknowledged order was rejected")
        #expect(r.value("venue_alpha_fill_reports_count")! == 0 && r.value("focal_completed_count")! == 0)
        // A 5 ms window lets them through.
        let relaxed = try CEXArbitrageScenario(config: Self.config(extraVenue: [("stale_after", Config.s("5ms"))]))
        #expect(relaxed.run(design: "async", spec: Self.spec(0)).value("focal_rejected_stale_count")! == 0)
    }

    @Test("A 100 ms market-data throttle pushes at most one conflated update per interval per subscriber")
    func throttledPush() throws {
        let scenario = try CEXArbitrageScenario(config: Self.config(extraVenue: [("market_data_throttle", Config.s("100ms"))]))
        let r = scenario.run(design: "async", spec: Self.spec(0))
        // 5.5 s of run, 2 push subscribers: at most 56 flushes x 2 messages (warm-up excluded: 51 x 2).
        let messages = r.value("venue_alpha_market_data_messages_count")!
        #expect(messages <= 2 * 51 && messages >= 2 * 45, "messages \(messages)")
        let unthrottled = try CEXArbitrageScenario(config: Self.config()).run(design: "async", spec: Self.spec(0))
        #expect(unthrottled.value("venue_alpha_market_data_messages_count")! > 4 * messages)
    }

    @Test("The trace lists each measured episode with start <= end and its captor")
    func episodeTrace() throws {
        let scenario = try CEXArbitrageScenario(config: Self.config())
        var spec = Self.spec(1)
        spec.keepTrace = true
        let r = scenario.run(design: "async", spec: spec)
        #expect(r.traceHeader == ["episode_start_ns", "episode_end_ns", "profit_available", "captured_by"])
        #expect(Double(r.traceRows.count) == r.value("opportunities_count")!)
        for row in r.traceRows {
            #expect(Int64(row[0])! <= Int64(row[1])! && Double(row[2])! > 0)
            #expect(["", "focal", "rival"].contains(row[3]))
        }
        #expect(Double(r.traceRows.filter { $0[3] == "focal" }.count) == r.value("bot_focal_captured_count")!)
    }

    @Test("Inside the full model, two bots racing for a one-unit quote split captures as their exponential rates (2/3 : 1/3)")
    func modelLevelRace() throws {
        // Both bots see every book change at once (market data 0 ms) and fire on the same data;
        // only alpha's depth (1) is contested (beta's is 100), so each episode goes to whichever
        // order reaches alpha's engine first: P(fast first) = (1/0.5) / (1/0.5 + 1/1) = 2/3.
        // Ticks every 200 ms (exponential) keep refreshes during a race rare (about 0.5%).
        func bot(_ name: String, _ mean: String) -> ConfigNode {
            Config.map([("name", Config.s(name)), ("design", Config.s("async")),
                        ("latency", Config.map([("market_data", Config.s("0ms")), ("ack", Config.s("1ms")),
                                                ("new_order", Config.map([("type", Config.s("exponential")), ("mean", Config.s(mean))]))]))])
        }
        let config = Config.map([
            ("tick_interval", Config.map([("type", Config.s("exponential")), ("mean", Config.s("200ms"))])),
            ("venues", Config.list([
                Config.map([("name", Config.s("alpha")), ("basis_sd", Config.s("0.0003")), ("basis_half_life", Config.s("0"))]),
                Config.map([("name", Config.s("beta")), ("basis_sd", Config.s("0.0003")), ("basis_half_life", Config.s("0")), ("depth", Config.s("100"))]),
            ])),
            ("bots", Config.list([bot("fast", "500us"), bot("slow", "1ms")])),
        ])
        let scenario = try CEXArbitrageScenario(config: config)
        var fast = 0.0, slow = 0.0
        for replication in 0..<20 {
            let r = scenario.run(design: "sync", spec: ReplicationSpec(replication: replication, rootSeed: 8, horizon: .seconds(Int64(60))))
            fast += r.value("bot_fast_captured_count")!
            slow += r.value("bot_slow_captured_count")!
        }
        let races = fast + slow
        let share = fast / races
        let se = (2.0 / 9 / races).squareRoot()
        print("model-level race: fast won \(share) of \(races) episodes; rate ratio 2/3; se \(se)")
        #expect(races > 500, "enough races: \(races)")
        #expect(abs(share - 2.0 / 3) < 4 * se, "seed 8: share \(share) vs 2/3 (se \(se))")
    }
}
