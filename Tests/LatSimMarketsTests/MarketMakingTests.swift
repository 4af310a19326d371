import Testing
@testable import LatSimMarkets

/// The `market-making` scenario against theory (uninformed flow at a martingale fundamental)
/// and the sync-versus-async comparison on common random numbers.
struct MarketMakingTests {
    /// Jumps of 5 bp five times a second make stale quotes worth picking off.
    static func config(_ extra: [(String, ConfigNode)] = [], jumps: Bool = true) -> ConfigNode {
        var fundamental: [(String, ConfigNode)] = [("initial_price", Config.s("3000")), ("volatility_per_sqrt_year", Config.s("0.8"))]
        if jumps { fundamental += [("jump_rate_per_year", Config.s("157680000")), ("jump_sd_log", Config.s("0.0005"))] }
        return Config.map([("kind", Config.s("market-making")), ("fundamental", Config.map(fundamental))] + extra)
    }

    static func spec(_ replication: Int, seconds: Int64 = 5) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 77, horizon: .seconds(seconds), warmUp: .milliseconds(500))
    }

    @Test("Uninformed flow at a martingale fundamental: effective spread = 2h, adverse selection = 0")
    func uninformedFlow() throws {
        let scenario = try MarketMakingScenario(config: Self.config([
            ("informed", Config.map([("enabled", Config.s("false"))])),
            ("market_maker", Config.map([("adaptive", Config.s("false")), ("min_half_spread_bps", Config.s("1.5")), ("margin_bps", Config.s("0"))])),
            ("noise", Config.map([("rate_per_second", Config.s("50"))])),
        ], jumps: false))
        var effective: [Double] = [], adverse: [Double] = [], realised: [Double] = []
        for replication in 0..<20 {
            let r = scenario.run(design: "async", spec: Self.spec(replication))
            effective.append(r.value("effective_spread_mean_bps")!)
            adverse.append(r.value("adverse_selection_mean_bps")!)
            realised.append(r.value("realised_spread_mean_bps")!)
            #expect(abs(r.value("quoted_spread_mean_bps")! - 3) < 1e-9, "quoted spread is 2h = 3 bp while two-sided")
            // The decomposition is an identity per fill, hence for the means.
            #expect(abs(effective.last! - realised.last! - adverse.last!) < 1e-9)
        }
        let e = SampleSummary(effective), a = SampleSummary(adverse)
        print("uninformed flow: effective \(e.mean) bp (se \(e.standardError)), adverse \(a.mean) bp (se \(a.standardError))")
        // 4 standard errors over 20 replications (t with 19 df: P(|T| > 4) < 1e-3).
        #expect(abs(e.mean - 3) < 4 * e.standardError, "seed 77: effective spread \(e.mean) bp vs 2h = 3 bp")
        #expect(abs(a.mean) < 4 * a.standardError, "seed 77: adverse selection \(a.mean) bp vs 0")
        #expect(e.standardError < 0.2, "the test must be sharp enough to matter")
    }

    @Test("sync quotes wider and is picked off more than async: paired 95% CIs exclude zero")
    func syncVersusAsync() throws {
        let scenario = try MarketMakingScenario(config: Self.config([
            ("informed", Config.map([("latency", Config.s("1500us")), ("order_latency", Config.s("1ms"))])),
        ]))
        var spread: [Double] = [], informed: [Double] = [], uptime: [Double] = []
        for replication in 0..<20 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication))
            let async = scenario.run(design: "async", spec: Self.spec(replication))
            spread.append(sync.value("quoted_spread_mean_bps")! - async.value("quoted_spread_mean_bps")!)
            informed.append(sync.value("informed_fill_share")! - async.value("informed_fill_share")!)
            uptime.append(sync.value("two_sided_uptime_ratio")! - async.value("two_sided_uptime_ratio")!)
        }
        let s = PairedInterval(differences: spread), i = PairedInterval(differences: informed), u = PairedInterval(differences: uptime)
        print("market-making sync - async: quoted spread \(s.mean) bp [\(s.lower), \(s.upper)]; informed share \(i.mean) [\(i.lower), \(i.upper)]; uptime \(u.mean) [\(u.lower), \(u.upper)]")
        #expect(s.lower > 0, "seed 77: quoted-spread difference CI [\(s.lower), \(s.upper)]")
        #expect(i.lower > 0, "seed 77: informed-share difference CI [\(i.lower), \(i.upper)]")
        #expect(u.upper < 0, "seed 77: sync is out of the market between cancel and new quote: uptime CI [\(u.lower), \(u.upper)]")
    }

    @Test("Config errors name the key")
    func configErrors() throws {
        let node = Self.config([("market_maker", Config.map([("quote_sise", Config.s("1"))]))])
        #expect(throws: ConfigError.self) { try MarketMakingScenario(config: node) }
        do { _ = try MarketMakingScenario(config: node) } catch let e as ConfigError {
            #expect(e.description.contains("market_maker.quote_sise") && e.description.contains("quote_size"))
        }
    }
}
