import Testing
import LatSimCore
import LatSimExperiments

/// The `cex-arbitrage` kind as users run it (the template over the market components): config
/// decoding, determinism, accounting identities, stale rejection, throttled feeds, bounded
/// memory, the sync-versus-async comparison on common random numbers, and the race of two bots
/// against its closed form. These tests ran on the hand-written model before it was deleted.
@Suite struct CEXArbitrageBehaviourTests {
    static func model(focalLatency: String = "1ms", rivalLatency: String = "2ms", venueExtra: String = "") -> String {
        """
        kind: cex-arbitrage
        fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}
        tick_interval: {type: exponential, mean: 20ms}
        venues:
          - {name: alpha, lag: 0ms, basis_sd: 0.0002\(venueExtra)}
          - {name: beta, lag: 30ms, basis_sd: 0.0002\(venueExtra)}
        bots:
          - {name: focal, design: focal, latency: \(focalLatency)}
          - {name: rival, design: async, latency: \(rivalLatency)}
        """
    }

    static func scenario(_ model: String) throws -> any Scenario {
        let node = try YAMLConfig.parse(model, file: "<test>", path: "model")
        return try #require(ScenarioRegistry.kind(named: "cex-arbitrage")).make(node)
    }

    static func spec(_ replication: Int, seconds: Int64 = 5, trace: Bool = false) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 2_026, horizon: .seconds(seconds), warmUp: .milliseconds(500), keepTrace: trace)
    }

    @Test("Same config and seed give identical results")
    func determinism() throws {
        let scenario = try Self.scenario(Self.model())
        let a = scenario.run(design: "async", spec: Self.spec(3))
        let b = scenario.run(design: "async", spec: Self.spec(3))
        #expect(a == b)
        #expect(a.value("opportunities_count")! > 10)
        #expect(a.stopReason.contains("horizon"))
    }

    @Test("Accounting: captures <= completed <= attempts; capture counts add up; acknowledgements trail orders")
    func accounting() throws {
        let scenario = try Self.scenario(Self.model())
        for design in scenario.designs {
            let r = scenario.run(design: design, spec: Self.spec(1))
            let attempts = r.value("focal_attempts_count")!, completed = r.value("focal_completed_count")!
            let missed = r.value("focal_missed_count")!, legging = r.value("focal_legging_failures_count")!
            let captured = r.value("focal_captured_count")!
            #expect(captured <= completed && completed + missed + legging <= attempts, "design \(design)")
            // Attempts still in flight at the horizon are at most the design's capacity.
            #expect(attempts - (completed + missed + legging) <= 4, "design \(design)")
            let any = r.value("capture_rate_any_bot")! * r.value("opportunities_count")!
            let sum = r.value("focal_captured_count")! + r.value("bot_rival_captured_count")!
            #expect(any <= sum + 1e-9, "design \(design): an episode captured by any bot is captured by some bot")
            #expect(any >= max(r.value("focal_captured_count")!, r.value("bot_rival_captured_count")!) - 1e-9, "design \(design)")
            let orders = r.value("venue_alpha_orders_count")!, acks = r.value("venue_alpha_acks_count")!
            #expect(acks <= orders && acks >= orders - 8, "design \(design): orders \(orders), acks \(acks)")
        }
    }

    /// A whole config file: the test model, plus `extra` lines at the model's level.
    static func file(_ extra: String) -> String {
        "name: t\nseed: 1\nhorizon: 1s\nmodel:\n" + (Self.model() + "\n" + extra).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    @Test("Bad config: a clear error naming the file, the key, what is allowed and what was given")
    func configErrors() throws {
        // The model starts on line 5; the extra key is the line after it.
        let line = 5 + Self.model().split(separator: "\n").count
        let typo = try #require(planError(Self.file("tick_intervall: 1ms")))
        #expect(typo.description.contains("config.yaml:\(line):") && typo.description.contains("did you mean \"tick_interval\""), "\(typo)")
        let design = try #require(planError(Self.file("designs: {x: {preset: asynch}}")))
        #expect(design.description.contains("model.designs.x.preset") && design.description.contains("asynch"), "\(design)")
        let legs = try #require(planError(Self.file("designs: {x: {legs: paralel}}")))
        #expect(legs.description.contains("sequential, concurrent") && legs.description.contains("paralel"), "\(legs)")
        #expect(planError(Self.file("designs: {x: {legs: concurrent}}")) == nil)
    }

    @Test("A custom design: a preset with overrides runs under its own name")
    func customDesign() throws {
        let scenario = try Self.scenario(Self.model() + "\ndesigns: {pull-async: {preset: async, market_data: pull, poll_interval: 1ms}}")
        #expect(scenario.designs == ["pull-async"])
        let r = scenario.run(design: "pull-async", spec: Self.spec(0))
        #expect(r.value("focal_requests_count")! > 1_000, "polling every 1 ms for 5 s sends thousands of requests")
        #expect(r.value("focal_attempts_count")! > 0)
    }

    @Test("async captures more than sync: paired 95% CI of the difference over 20 replications excludes zero")
    func syncVersusAsync() throws {
        let scenario = try Self.scenario(Self.model())
        var capture: [Double] = [], profit: [Double] = []
        for replication in 0..<20 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication))
            let async = scenario.run(design: "async", spec: Self.spec(replication))
            // Common random numbers: the fundamental and the venues' quotes are the same in both designs.
            capture.append(async.value("focal_capture_rate")! - sync.value("focal_capture_rate")!)
            profit.append(async.value("focal_profit_capture_ratio")! - sync.value("focal_profit_capture_ratio")!)
        }
        let c = PairedDifference(capture), p = PairedDifference(profit)
        print("cex-arbitrage async - sync capture_rate: \(c.mean) [\(c.lower), \(c.upper)]; profit ratio \(p.mean) [\(p.lower), \(p.upper)]")
        #expect(c.lower > 0, "seed 2026: capture-rate difference CI [\(c.lower), \(c.upper)]")
        #expect(p.lower > 0, "seed 2026: profit-ratio difference CI [\(p.lower), \(p.upper)]")
    }

    @Test("Stale orders are rejected: an order older than stale_after at the engine never fills")
    func staleRejection() throws {
        // Orders take 1 ms to reach the engine; a 500 us window rejects every one of them.
        let r = try Self.scenario(Self.model(venueExtra: ", stale_after: 500us")).run(design: "async", spec: Self.spec(0))
        #expect(r.value("focal_orders_count")! > 0)
        #expect(r.value("focal_rejected_stale_count")! == r.value("focal_order_latency_count")!, "every acknowledged order was rejected")
        #expect(r.value("venue_alpha_fill_reports_count")! == 0 && r.value("focal_completed_count")! == 0)
        // A 5 ms window lets them through.
        let relaxed = try Self.scenario(Self.model(venueExtra: ", stale_after: 5ms")).run(design: "async", spec: Self.spec(0))
        #expect(relaxed.value("focal_rejected_stale_count")! == 0 && relaxed.value("focal_completed_count")! > 0)
    }

    @Test("A 100 ms market-data throttle pushes at most one conflated update per interval per subscriber")
    func throttledPush() throws {
        let r = try Self.scenario(Self.model(venueExtra: ", market_data_throttle: 100ms")).run(design: "async", spec: Self.spec(0))
        // 5 s measured, 2 push subscribers: at most 51 flushes x 2 messages.
        let messages = r.value("venue_alpha_market_data_messages_count")!
        #expect(messages <= 2 * 51 && messages >= 2 * 45, "messages \(messages)")
        let unthrottled = try Self.scenario(Self.model()).run(design: "async", spec: Self.spec(0))
        #expect(unthrottled.value("venue_alpha_market_data_messages_count")! > 4 * messages)
    }

    @Test("Memory follows the messages pending, not the horizon; tracing changes no metric")
    func boundedState() throws {
        let scenario = try Self.scenario(Self.model())
        for design in scenario.designs {
            var peaks: [Double] = [], attempts: [Double] = []
            for seconds: Int64 in [15, 60] {
                let r = scenario.run(design: design, spec: Self.spec(0, seconds: seconds))
                peaks.append(r.value("messages_pending_max")!)
                attempts.append(r.value("focal_attempts_count")!)
            }
            print("cex-arbitrage \(design): messages pending at most \(peaks) for \(attempts) attempts (15 s, 60 s)")
            #expect(attempts[1] > 3 * attempts[0] && attempts[1] > 100, "\(design): the long run makes far more attempts")
            #expect(peaks[1] <= peaks[0] + 16, "\(design): the pool's peak grew with the horizon: \(peaks)")
        }
        let plain = scenario.run(design: "async", spec: Self.spec(1))
        let traced = scenario.run(design: "async", spec: Self.spec(1, trace: true))
        #expect(plain.metrics == traced.metrics)
    }

    @Test("Two bots racing for a one-unit quote split captures as their exponential rates (2/3 : 1/3)")
    func modelLevelRace() throws {
        // Both bots see every book change at once (market data 0 ms) and fire on the same data;
        // only alpha's depth (1) is contested (beta's is 100), so each episode goes to whichever
        // order reaches alpha's engine first: P(fast first) = (1/0.5) / (1/0.5 + 1/1) = 2/3.
        // Ticks every 200 ms (exponential) keep refreshes during a race rare (about 0.5%).
        // (`request` equals `new_order`: in the graph they share the order link; pushed data sends no request.)
        func bot(_ name: String, _ mean: String) -> String {
            let order = "{type: exponential, mean: \(mean)}"
            return "  - {name: \(name), design: async, latency: {market_data: 0ms, ack: 1ms, new_order: \(order), request: \(order)}}"
        }
        let scenario = try Self.scenario("""
            kind: cex-arbitrage
            tick_interval: {type: exponential, mean: 200ms}
            venues:
              - {name: alpha, basis_sd: 0.0003, basis_half_life: 0}
              - {name: beta, basis_sd: 0.0003, basis_half_life: 0, depth: 100}
            bots:
            \(bot("fast", "500us"))
            \(bot("slow", "1ms"))
            """)
        var fast = 0.0, slow = 0.0
        for replication in 0..<20 {
            let r = scenario.run(design: "async", spec: ReplicationSpec(replication: replication, rootSeed: 8, horizon: .seconds(Int64(60))))
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

/// A paired-difference 95% interval with Student's t for n - 1 degrees of freedom.
struct PairedDifference {
    let mean: Double, lower: Double, upper: Double
    init(_ d: [Double]) {
        let n = Double(d.count)
        let m = d.reduce(0, +) / n
        let sd = (d.map { ($0 - m) * ($0 - m) }.reduce(0, +) / (n - 1)).squareRoot()
        let half = StudentT.quantile(0.975, degreesOfFreedom: n - 1) * sd / n.squareRoot()
        (mean, lower, upper) = (m, m - half, m + half)
    }
}
