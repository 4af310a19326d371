import Foundation
import Testing
import LatSimCore
import LatSimExperiments
import LatSimMarkets

/// The `cex-amm-arbitrage` template (the kind runs it): the hand-written model's tests ported
/// to it (per-block accounting, sync versus async, a lone concurrent bot that never reverts, the
/// closed forms of Milionis, Moallemi and Roughgarden for a searcher), and its own config errors.
@Suite struct CEXAMMArbitrageTemplateTests {
    static func model(bots: String = """
        [{name: focal, design: focal, latency: 1ms, transaction_latency: 50ms, block_data_latency: 50ms},
         {name: rival, design: async, latency: 1ms, transaction_latency: 60ms, block_data_latency: 60ms}]
        """, tick: String = "20ms", block: String = "2s", designs: String = "") -> String {
        """
        {kind: cex-amm-arbitrage,
         fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8, jump_rate_per_year: 31536000, jump_sd_log: 0.0005},
         tick_interval: \(tick), pool: {base_reserve: 10000, fee_bps: 5, gas_cost: 0.1}, block_interval: \(block),
         bots: \(bots)\(designs)}
        """
    }

    static func scenario(_ yaml: String) throws -> any Scenario {
        let node = try YAMLConfig.parse(yaml, file: "test.yaml", path: "model")
        return try #require(ScenarioRegistry.kind(named: "cex-amm-arbitrage")).make(node)
    }

    static func spec(_ replication: Int, seconds: Int64 = 30) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 31, horizon: .seconds(seconds), warmUp: .seconds(Int64(4)))
    }

    @Test("The kind runs the template: a graph with the hand-written metric names")
    func theKindIsTheTemplate() throws {
        #expect(ScenarioRegistry.templates.contains { $0.kind.name == "cex-amm-arbitrage" })
        #expect(!MarketsScenarios.kinds.contains { $0.name == "cex-amm-arbitrage" }, "the hand-written model is deleted")
        let names = try Self.scenario(Self.model()).metricSchema!.map(\.name)
        for name in ["blocks_count", "blocks_with_arbitrage_ratio", "arbitrage_capture_ratio", "inclusion_delay_mean", "focal_realised_profit_total",
                     "focal_arbitrage_capture_ratio", "focal_legging_cost_total", "bot_rival_realised_profit_total", "bot_focal_blocks_won_count",
                     "market_data_messages_count", "requests_count", "transactions_count", "hedge_orders_count", "block_notifications_count"] {
            #expect(names.contains(name), "\(name) is recorded")
        }
    }

    @Test("Per-block accounting: ratios in [0, 1], capture <= available, fees > 0, counts consistent (ported)")
    func accounting() throws {
        let scenario = try Self.scenario(Self.model())
        for design in scenario.designs {
            let r = scenario.run(design: design, spec: Self.spec(2))
            let ratio = r.value("blocks_with_arbitrage_ratio")!
            #expect(ratio >= 0 && ratio <= 1 && r.value("blocks_count")! >= 14)
            #expect(r.value("arbitrage_profit_per_block_mean")! <= r.value("profit_available_per_block_mean")! + 1e-9,
                    "design \(design): no one beats the optimal trade at the block's prices")
            #expect(r.value("pool_fees_per_block_mean")! > 0)
            #expect(r.value("focal_succeeded_count")! + r.value("focal_reverted_count")! <= r.value("focal_transactions_count")!)
            #expect(r.value("focal_legging_failures_count")! <= r.value("focal_reverted_count")!)
            #expect(r.value("hedge_orders_count")! >= r.value("focal_succeeded_count")!)
        }
        // Same config and seed, the same result (compared as text: NaN metrics are equal there).
        #expect("\(scenario.run(design: "sync", spec: Self.spec(2)))" == "\(scenario.run(design: "sync", spec: Self.spec(2)))")
    }

    @Test("async (pipelined, concurrent hedge) reverts more, legs more and earns less than sync here: paired 95% CIs (10 replications x 60 s; ported)")
    func syncVersusAsync() throws {
        let scenario = try Self.scenario(Self.model())
        var reverted: [Double] = [], legging: [Double] = [], profit: [Double] = []
        for replication in 0..<10 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication, seconds: 60))
            let async = scenario.run(design: "async", spec: Self.spec(replication, seconds: 60))
            reverted.append(async.value("focal_reverted_count")! - sync.value("focal_reverted_count")!)
            legging.append(async.value("focal_legging_cost_total")! - sync.value("focal_legging_cost_total")!)
            profit.append(async.value("focal_realised_profit_total")! - sync.value("focal_realised_profit_total")!)
        }
        let r = Interval95( reverted), l = Interval95( legging), p = Interval95( profit)
        print("cex-amm template async - sync: reverted \(r.mean) [\(r.lower), \(r.upper)]; legging cost \(l.mean) [\(l.lower), \(l.upper)]; profit \(p.mean) [\(p.lower), \(p.upper)]")
        #expect(r.lower > 0, "seed 31: reverted difference CI [\(r.lower), \(r.upper)]")
        #expect(l.lower > 0, "seed 31: legging-cost difference CI [\(l.lower), \(l.upper)]")
        #expect(p.upper < 0, "seed 31: profit difference CI [\(p.lower), \(p.upper)]")
    }

    @Test("A lone bot with concurrent legs and one swap in flight sizes each swap on the pool it executes against: no revert (ported)")
    func concurrentLegsSizeOnCurrentPool() throws {
        // Alone, the pool moves only by this bot's swaps; with zero slippage a swap sized on the
        // previous block's pool (before its own last swap) asks for more than the pool gives and reverts.
        let scenario = try Self.scenario(Self.model(
            bots: "[{name: solo, design: focal, latency: 1ms, transaction_latency: 50ms, block_data_latency: 50ms}]",
            designs: ", designs: {concurrent: {preset: async, order_flow: blocking}}"))
        let r = scenario.run(design: "concurrent", spec: Self.spec(3, seconds: 120))
        #expect(r.value("focal_transactions_count")! >= 10, "seed 31: enough swaps to test")
        #expect(r.value("focal_reverted_count")! == 0, "seed 31: \(r.value("focal_reverted_count")!) of \(r.value("focal_transactions_count")!) swaps reverted")
        #expect(r.value("focal_legging_failures_count")! == 0)
    }

    @Test("A zero-latency searcher against Milionis-Moallemi-Roughgarden: P(trade per block) and profit rate / pool value, 2 s and 12 s blocks at 5 bp (ported)")
    func closedForms() throws {
        let volatility = 0.8
        var inside95 = 0, checks = 0
        for (blockMean, seconds) in [("2s", 2.0), ("12s", 12.0)] {
            let theory = ArbitrageWithFeesTheory(volatilityPerSqrtYear: volatility, blockRatePerYear: secondsPerYear / seconds, feeFraction: 0.0005)
            // The CEX is sampled every T / 25 (the searcher pulls it at sealing); driftless log price (drift sigma^2 / 2).
            let tick = "\(Int64(seconds * 1e9 / 25))ns"
            let yaml = """
                {kind: cex-amm-arbitrage,
                 fundamental: {initial_price: 3000, volatility_per_sqrt_year: \(volatility), drift_per_year: \(volatility * volatility / 2)},
                 tick_interval: \(tick), cex: {half_spread_bps: 0, taker_fee_bps: 0},
                 pool: {base_reserve: 10000, fee_bps: 5, gas_cost: 0, fee_destination: separate},
                 block_interval: {type: exponential, mean: \(blockMean)},
                 bots: [{name: searcher, design: focal, strategy: searcher, lead_time: 0s, latency: 0s, transaction_latency: 0s, block_data_latency: 0s}]}
                """
            let scenario = try Self.scenario(yaml)
            let replications = 8, blocks = 3_000.0
            let warmUpBlocks = 20 * (2 * theory.gamma * theory.eta * theory.gamma * theory.eta + 1)
            var probability: [Double] = [], rate: [Double] = []
            for replication in 0..<replications {
                let spec = ReplicationSpec(replication: replication, rootSeed: 43, horizon: .nanoseconds(Int64(blocks * seconds * 1e9)),
                                           warmUp: .nanoseconds(Int64(warmUpBlocks * seconds * 1e9)))
                let r = scenario.run(design: "sync", spec: spec)
                probability.append(r.value("blocks_with_arbitrage_ratio")!)
                rate.append(r.value("arbitrage_profit_over_pool_value_per_year")!)
            }
            for (name, values, expected) in [("P(trade)", probability, theory.tradeProbability),
                                             ("profit rate / V (1/year)", rate, theory.profitRateOverPoolValuePerYear)] {
                let s = Interval95(values)
                let half95 = s.halfWidth
                let within95 = abs(s.mean - expected) <= half95
                if within95 { inside95 += 1 }
                checks += 1
                print("template MMR \(blockMean), 5 bp \(name): simulated \(s.mean) 95% CI [\(s.mean - half95), \(s.mean + half95)], closed form \(expected)")
                // 4 standard errors per check (a false failure about 6e-5 each, 4 checks).
                #expect(abs(s.mean - expected) <= 4 * s.standardError, "seed 43, \(blockMean) \(name): \(s.mean) +- \(s.standardError) vs \(expected)")
                #expect(s.standardError < 0.1 * expected, "seed 43, \(blockMean) \(name): the check is sharp (se \(s.standardError))")
            }
        }
        print("template MMR inside the 95% CI: \(inside95) of \(checks)")
    }

    static func config(_ model: String) -> String {
        "name: t\nseed: 1\nreplications: 1\nhorizon: 1s\nmodel: \(model)\n"
    }

    @Test func aValidConfigExpandsAndRuns() {
        #expect(planError(Self.config(Self.model())) == nil)
    }

    @Test func aBotNamedLikeTheChainTheMarketOrTheCEXIsAnError() throws {
        for name in ["chain", "market", "cex"] {
            let error = try #require(planError(Self.config(Self.model(bots: "[{name: \(name), design: focal}]"))), "bot named \(name)")
            #expect(error.description.contains("config.yaml:") && error.description.contains("model.bots[0].name"), "\(error)")
            #expect(error.description.contains("is taken") && error.description.contains(name), "\(error)")
        }
    }

    @Test func aBlockIntervalTheChainCannotFollowIsAnError() throws {
        let error = try #require(planError(Self.config(Self.model(block: "{type: lognormal, median: 2s, sigma: 0.3}"))))
        #expect(error.description.contains("model.block_interval") && error.description.contains("exponential"), "\(error)")
    }

    @Test("lead_time is a searcher's key: with strategy mempool it is an error at its line (ported)")
    func leadTimeOnlyForSearchers() throws {
        let error = try #require(planError(Self.config(Self.model(bots: "[{name: b, design: focal, strategy: mempool, lead_time: 1s}]"))))
        #expect(error.description.contains("config.yaml:") && error.description.contains("lead_time") && error.description.contains("strategy: searcher"), "\(error)")
    }

    @Test func aRequestLatencyOtherThanNewOrderIsAnError() throws {
        let error = try #require(planError(Self.config(Self.model(bots: "[{name: focal, design: focal, latency: {new_order: 1ms, request: 3ms}}]"))))
        #expect(error.description.contains("model.bots[0].latency.request") && error.description.contains("differs from new_order"), "\(error)")
    }
}

/// A 95% confidence interval with Student's t quantile for n - 1 degrees of freedom (of a sample, or of paired differences).
struct Interval95 {
    let mean: Double
    let standardError: Double
    let halfWidth: Double
    var lower: Double { mean - halfWidth }
    var upper: Double { mean + halfWidth }

    init(_ values: [Double]) {
        let n = Double(values.count)
        let m = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        let se = (variance / n).squareRoot()
        mean = m
        standardError = se
        halfWidth = StudentT.quantile(0.975, degreesOfFreedom: n - 1) * se
    }
}
