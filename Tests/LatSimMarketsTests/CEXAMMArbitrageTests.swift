import Testing
@testable import LatSimMarkets

struct CEXAMMArbitrageTests {
    static func config(_ extra: [(String, ConfigNode)] = []) -> ConfigNode {
        Config.map([
            ("kind", Config.s("cex-amm-arbitrage")),
            ("fundamental", Config.map([("initial_price", Config.s("3000")), ("volatility_per_sqrt_year", Config.s("0.8")),
                                        ("jump_rate_per_year", Config.s("31536000")), ("jump_sd_log", Config.s("0.0005"))])),
            ("pool", Config.map([("base_reserve", Config.s("10000")), ("fee_bps", Config.s("5")), ("gas_cost", Config.s("0.1"))])),
            ("block_interval", Config.s("2s")),
            ("bots", Config.list([
                Config.map([("name", Config.s("focal")), ("design", Config.s("focal")), ("latency", Config.s("1ms")),
                            ("transaction_latency", Config.s("50ms")), ("block_data_latency", Config.s("50ms"))]),
                Config.map([("name", Config.s("rival")), ("design", Config.s("async")), ("latency", Config.s("1ms")),
                            ("transaction_latency", Config.s("60ms")), ("block_data_latency", Config.s("60ms"))]),
            ])),
        ] + extra)
    }

    static func spec(_ replication: Int, seconds: Int64 = 60) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 31, horizon: .seconds(seconds), warmUp: .seconds(Int64(4)))
    }

    @Test func explore() throws {
        let scenario = try CEXAMMArbitrageScenario(config: Self.config())
        for design in scenario.designs {
            let r = scenario.run(design: design, spec: Self.spec(0))
            print(design, r.eventsProcessed)
            for m in r.metrics { print("  ", m.name, m.value) }
        }
    }
}
