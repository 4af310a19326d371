import Testing
@testable import LatSimMarkets

/// The `cex-amm-arbitrage` scenario: the arbitrageur leaves the pool at the edge of its band,
/// per-block accounting, and the sync-versus-async comparison (where async loses).
struct CEXAMMArbitrageTests {
    static func config(_ extra: [(String, ConfigNode)] = [], bots: ConfigNode? = nil, tick: String = "20ms", blockInterval: String = "2s") -> ConfigNode {
        Config.map([
            ("kind", Config.s("cex-amm-arbitrage")),
            ("fundamental", Config.map([("initial_price", Config.s("3000")), ("volatility_per_sqrt_year", Config.s("0.8")),
                                        ("jump_rate_per_year", Config.s("31536000")), ("jump_sd_log", Config.s("0.0005"))])),
            ("tick_interval", Config.s(tick)),
            ("pool", Config.map([("base_reserve", Config.s("10000")), ("fee_bps", Config.s("5")), ("gas_cost", Config.s("0.1"))])),
            ("block_interval", Config.s(blockInterval)),
            ("bots", bots ?? Config.list([
                Config.map([("name", Config.s("focal")), ("design", Config.s("focal")), ("latency", Config.s("1ms")),
                            ("transaction_latency", Config.s("50ms")), ("block_data_latency", Config.s("50ms"))]),
                Config.map([("name", Config.s("rival")), ("design", Config.s("async")), ("latency", Config.s("1ms")),
                            ("transaction_latency", Config.s("60ms")), ("block_data_latency", Config.s("60ms"))]),
            ])),
        ] + extra)
    }

    static func spec(_ replication: Int, seconds: Int64 = 30) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: 31, horizon: .seconds(seconds), warmUp: .seconds(Int64(4)))
    }

    @Test("After a block with an arbitrage swap, the pool sits at the edge of its fee-adjusted band against the CEX")
    func poolAtBandEdge() throws {
        // The CEX moves every 7 s (ticks), blocks come every 2 s, one bot with 1 ns latencies:
        // the CEX quote the bot sized its trade on is still the CEX quote at the block.
        let bot = Config.list([Config.map([("name", Config.s("solo")), ("design", Config.s("async")), ("latency", Config.s("1ns")),
                                           ("transaction_latency", Config.s("1ns")), ("block_data_latency", Config.s("1ns"))])])
        let parameters = try CEXAMMParameters(config: Self.config(bots: bot, tick: "7s"))
        var sim = Simulation(model: CEXAMMArbitrageModel(parameters: parameters, focalDesign: .async, spec: ReplicationSpec(replication: 0, rootSeed: 31, horizon: .seconds(Int64(300)))))
        for (event, time) in sim.model.initialEvents(warmUp: .zero) { sim.schedule(event, at: time) }
        let keep = 1 - parameters.poolFeeFraction, fee = parameters.cex.takerFeeFraction
        var checked = 0
        var lastArbitraged = 0
        while sim.now < SimInstant.zero + .seconds(Int64(300)) && sim.step() {
            guard sim.model.blocksWithArbitrage > lastArbitraged else { continue }
            lastArbitraged = sim.model.blocksWithArbitrage
            let m = sim.model
            let bid = m.cexBook.bid * (1 - fee), ask = m.cexBook.ask * (1 + fee)
            let price = m.pool.price
            // Edge: P / (1 - fee) = bid (bought from the pool) or P (1 - fee) = ask (sold to it);
            // the fee joining the reserves moves the spot by about fee x input / reserve (< 1e-5 here).
            let atLowerEdge = abs(price / keep / bid - 1) < 2e-5
            let atUpperEdge = abs(price * keep / ask - 1) < 2e-5
            #expect(atLowerEdge || atUpperEdge, "seed 31: pool \(price) vs band [\(bid * keep), \(ask / keep)] at block \(m.blockNumber)")
            #expect(m.pool.arbitrage(externalBid: bid, externalAsk: ask).map { $0.grossProfit < 1e-6 * price } ?? true,
                    "no profitable trade is left after the arbitrage")
            checked += 1
        }
        print("pool at band edge: \(checked) arbitraged blocks checked")
        #expect(checked >= 10, "enough arbitraged blocks to test: \(checked)")
    }

    @Test("Per-block accounting: ratios in [0, 1], capture <= available, fees >= 0, counts consistent")
    func accounting() throws {
        let scenario = try CEXAMMArbitrageScenario(config: Self.config())
        for design in scenario.designs {
            let r = scenario.run(design: design, spec: Self.spec(2))
            let ratio = r.value("blocks_with_arbitrage_ratio")!
            #expect(ratio >= 0 && ratio <= 1 && r.value("blocks_count")! >= 14)
            #expect(r.value("arbitrage_profit_per_block_mean")! <= r.value("profit_available_per_block_mean")! + 1e-9,
                    "design \(design): no one beats the optimal trade at the block's prices")
            #expect(r.value("pool_fees_per_block_mean")! > 0)
            #expect(r.value("focal_succeeded_count")! + r.value("focal_reverted_count")! <= r.value("focal_transactions_count")!)
            #expect(r.value("focal_legging_failures_count")! <= r.value("focal_reverted_count")!)
        }
        #expect(scenario.run(design: "sync", spec: Self.spec(2)) == scenario.run(design: "sync", spec: Self.spec(2)))
    }

    @Test("async (pipelined, concurrent hedge) reverts more, legs more and earns less than sync here: paired 95% CIs (10 replications x 60 s)")
    func syncVersusAsync() throws {
        let scenario = try CEXAMMArbitrageScenario(config: Self.config())
        var reverted: [Double] = [], legging: [Double] = [], profit: [Double] = []
        for replication in 0..<10 {
            let sync = scenario.run(design: "sync", spec: Self.spec(replication, seconds: 60))
            let async = scenario.run(design: "async", spec: Self.spec(replication, seconds: 60))
            reverted.append(async.value("focal_reverted_count")! - sync.value("focal_reverted_count")!)
            legging.append(async.value("focal_legging_cost_total")! - sync.value("focal_legging_cost_total")!)
            profit.append(async.value("focal_realised_profit_total")! - sync.value("focal_realised_profit_total")!)
        }
        let r = PairedInterval(differences: reverted), l = PairedInterval(differences: legging), p = PairedInterval(differences: profit)
        print("cex-amm async - sync: reverted \(r.mean) [\(r.lower), \(r.upper)]; legging cost \(l.mean) [\(l.lower), \(l.upper)]; profit \(p.mean) [\(p.lower), \(p.upper)]")
        #expect(r.lower > 0, "seed 31: reverted difference CI [\(r.lower), \(r.upper)]")
        #expect(l.lower > 0, "seed 31: legging-cost difference CI [\(l.lower), \(l.upper)]")
        #expect(p.upper < 0, "seed 31: profit difference CI [\(p.lower), \(p.upper)]")
    }
}

/// The two defects of issue 12 item 5 (each test fails on the model before the fix).
struct CEXAMMDefectTests {
    @Test("The trace's profit_available column sums to the profit available of the run (it was always 0)")
    func profitAvailableColumn() throws {
        let scenario = try CEXAMMArbitrageScenario(config: CEXAMMArbitrageTests.config())
        var spec = CEXAMMArbitrageTests.spec(1)
        spec.keepTrace = true
        let r = scenario.run(design: "async", spec: spec)
        let column = try #require(r.traceHeader.firstIndex(of: "profit_available"))
        let total = r.traceRows.reduce(0.0) { $0 + Double($1[column])! }
        let expected = r.value("profit_available_per_block_mean")! * r.value("blocks_count")!
        #expect(expected > 0, "seed 31: some profit is available")
        #expect(abs(total - expected) <= 1e-6 * expected, "seed 31: trace column sums to \(total), the run's profit available is \(expected)")
    }

    @Test("A lone bot with concurrent legs and one swap in flight sizes each swap on the pool it executes against: no revert")
    func concurrentLegsSizeOnCurrentPool() throws {
        // Alone, the pool moves only by this bot's swaps; with zero slippage a swap sized on the
        // previous block's pool (before its own last swap) asks for more than the pool gives and reverts.
        let bot = Config.list([Config.map([("name", Config.s("solo")), ("design", Config.s("focal")), ("latency", Config.s("1ms")),
                                           ("transaction_latency", Config.s("50ms")), ("block_data_latency", Config.s("50ms"))])])
        let design = try BotDesign(config: Config.map([("preset", Config.s("async")), ("order_flow", Config.s("blocking"))]))
        let scenario = CEXAMMArbitrageScenario(parameters: try CEXAMMParameters(config: CEXAMMArbitrageTests.config(bots: bot)),
                                               designs: [("concurrent", design)])
        let r = scenario.run(design: "concurrent", spec: CEXAMMArbitrageTests.spec(3, seconds: 120))
        #expect(r.value("focal_transactions_count")! >= 10, "seed 31: enough swaps to test")
        #expect(r.value("focal_reverted_count")! == 0, "seed 31: \(r.value("focal_reverted_count")!) of \(r.value("focal_transactions_count")!) swaps reverted")
        #expect(r.value("focal_legging_failures_count")! == 0)
    }
}

/// Memory grows with pending work, not with processed events (issue 14 item 5).
struct CEXAMMMemoryTests {
    @Test("Attempt slots stay within the swaps in flight, and the block trace stops at the cap")
    func boundedState() throws {
        let parameters = try CEXAMMParameters(config: CEXAMMArbitrageTests.config(blockInterval: "1ms"))
        var model = CEXAMMArbitrageModel(parameters: parameters, focalDesign: .async, spec: ReplicationSpec(replication: 0, rootSeed: 31, horizon: .seconds(Int64(110))))
        model.keepTrace = true
        let start = model.initialEvents(warmUp: .zero)
        var sim = Simulation(model: model)
        for (event, time) in start { sim.schedule(event, at: time) }
        _ = sim.run(RunLimits(horizon: .zero + .seconds(Int64(110)), maxEvents: 50_000_000))
        let m = sim.model
        for bot in m.bots {
            #expect(bot.statistics.transactions > 100, "seed 31, \(bot.parameters.name): many more swaps than slots (\(bot.statistics.transactions))")
            #expect(bot.attempts.count <= bot.design.capacity, "seed 31, \(bot.parameters.name): \(bot.attempts.count) attempt slots for \(bot.design.capacity) in flight")
        }
        #expect(m.blockRows.count == CEXAMMArbitrageModel.traceRowLimit)
        #expect(m.traceRowsDropped == m.blocks - CEXAMMArbitrageModel.traceRowLimit && m.traceRowsDropped > 0)
        #expect(m.mempool.count <= m.bots.reduce(0) { $0 + $1.design.capacity })
    }
}
