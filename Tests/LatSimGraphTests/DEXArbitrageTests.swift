import Foundation
import LatSimCore
import LatSimExperiments
@testable import LatSimGraph
import LatSimMarkets
import LatSimTestSupport
import Testing

/// The CEX-DEX market on the graph: a settlement's `pool:` and `dex-arbitrageur` strategies,
/// against references computed here: (a) on a trace, the zero-latency searcher trades exactly
/// when the pool is outside the fee band around the CEX at sealing and leaves it at the edge;
/// (b) the closed forms of Milionis, Moallemi and Roughgarden (2023) for P(trade per block) and
/// the arbitrage profit rate over pool value; (c) a builder auction executes a block's swaps in
/// the order of an independent sort of their bids.
@Suite struct DEXArbitrageTests {
    static func chain(block: String, fee: Double, ordering: String = "auction", capacity: Int = 100, destination: String = "separate",
                      extra: String = "") -> String {
        """
        {name: chain, type: settlement, layer: {type: chain, name: l1, blocks: {type: poisson, mean_interval: \(block)}, capacity: \(capacity),
            ordering: \(ordering), finality: {confirmations: 1}\(extra)},
            pool: {base_reserve: 10000, initial_price: 3000, fee_bps: \(fee), fee_destination: \(destination), reference: cex}}
        """
    }

    /// Runs one replication and returns the pool's per-block records (the replication keeps a trace).
    static func records(_ yaml: String, seed: UInt64, horizon: SimDuration) throws -> [AMMBlockRecord] {
        let spec = try GraphSupport.spec(yaml)
        let (simulation, _) = GraphRun.simulate(spec, replication: ReplicationSpec(replication: 0, rootSeed: seed, horizon: horizon, keepTrace: true))
        return simulation.model.settlements[0].amm!.records
    }

    /// A searcher with zero latencies against a CEX ticking every 20 ms (with jumps) and 2 s Poisson blocks.
    static func searcherOnATrace(destination: String, lead: String) -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8, jump_rate_per_year: 31536000, jump_sd_log: 0.0005},
             tick_interval: {type: exponential, mean: 20ms}}
          - {name: cex, type: venue, half_spread_bps: 1, taker_fee_bps: 1}
          - \(Self.chain(block: "2s", fee: 5, destination: destination))
          - {name: searcher, type: dex-arbitrageur, strategy: searcher, lead_time: \(lead)}
        connections:
          - {from: market.out, to: cex.in, link: 0ms}
          - {from: cex.out, to: searcher.in, link: 0ms}
          - {from: chain.blocks, to: searcher.in, link: 0ms}
          - {from: searcher.out, to: chain.in, link: 0ms}
        """
    }

    @Test("With a lead time the searcher sizes on an older CEX price: at sealing, some blocks outside the band go untraded or the pool misses the edge")
    func leadTimeMatters() throws {
        let keep = 1 - 0.0005
        func mismatches(lead: String) throws -> Int {
            let rows = try Self.records(Self.searcherOnATrace(destination: "separate", lead: lead), seed: 41, horizon: .seconds(Int64(600)))
            return rows.filter { row in
                let lower = row.bid * keep, upper = row.ask / keep
                let outside = row.priceBefore < lower * (1 - 1e-10) || row.priceBefore > upper * (1 + 1e-10)
                let inside = row.priceBefore > lower * (1 + 1e-10) && row.priceBefore < upper * (1 - 1e-10)
                guard outside || inside else { return false }     // at the edge to rounding: either is right
                let atEdge = abs(row.priceAfter / lower - 1) < 1e-9 || abs(row.priceAfter / upper - 1) < 1e-9
                return (row.executed == 1) != outside || (outside && !atEdge)
            }.count
        }
        let atSealing = try mismatches(lead: "0s"), early = try mismatches(lead: "500ms")
        print("graph searcher, blocks not traded to the sealing band's edge: lead 0: \(atSealing), lead 500 ms: \(early)")
        #expect(atSealing == 0)
        #expect(early >= 20, "seed 41: a 500 ms lead sizes on stale prices in many blocks (\(early))")
    }

    @Test("Zero latencies, lead 0, Poisson blocks: the searcher trades in a block exactly when the pool is outside the fee band at sealing, and leaves it at the edge",
          arguments: ["separate", "reserves"])
    func searcherTradesExactlyOutsideBand(destination: String) throws {
        let rows = try Self.records(Self.searcherOnATrace(destination: destination, lead: "0s"), seed: 41, horizon: .seconds(Int64(600)))
        let keep = 1 - 0.0005
        // Joining the reserves, the fee moves the spot by fee x input / reserve (< 2e-5 here).
        let edgeTolerance = destination == "separate" ? 1e-9 : 2e-5
        var traded = 0, untraded = 0, ambiguous = 0
        for row in rows {
            // The record's bid and ask are the CEX's book at sealing, net of its 1 bp taker fee.
            let lower = row.bid * keep, upper = row.ask / keep
            let distance = Swift.max(lower / row.priceBefore - 1, row.priceBefore / upper - 1)   // > 0: outside the band
            if abs(distance) < 1e-10 { ambiguous += 1; continue }
            let outside = distance > 0
            #expect((row.executed == 1) == outside,
                    "seed 41, block \(row.block): pool \(row.priceBefore) vs band [\(lower), \(upper)], executed \(row.executed)")
            if outside {
                traded += 1
                let edge = row.priceBefore < lower ? lower : upper
                #expect(abs(row.priceAfter / edge - 1) < edgeTolerance, "seed 41, block \(row.block): pool after \(row.priceAfter), edge \(edge)")
            } else {
                untraded += 1
                #expect(row.priceAfter == row.priceBefore, "seed 41, block \(row.block): no trade leaves the pool where it was")
            }
        }
        print("graph searcher on a trace (\(destination)): \(traded) blocks outside the band, all traded; \(untraded) inside, none traded; \(ambiguous) at the edge")
        #expect(traded >= 50 && untraded >= 50, "both cases are exercised: \(traded) outside, \(untraded) inside")
        // At the edge to rounding: two blocks within one CEX tick (about 1% of 2 s blocks have a 20 ms gap).
        #expect(ambiguous <= rows.count / 50)
    }

    /// The closed forms, written here from docs/markets.md section 3 (independently of the model
    /// and of `ArbitrageWithFeesTheory`, which they are also checked against).
    static func closedForms(sigma: Double, blockSeconds: Double, fee: Double) -> (probability: Double, rate: Double) {
        let lambda = 365.25 * 86_400 / blockSeconds           // blocks per year
        let gamma = -log(1 - fee), eta = (2 * lambda).squareRoot() / sigma
        let probability = 1 / (1 + gamma * eta)
        let rate = sigma * sigma / 8 * probability * exp(gamma / 2) / (1 - sigma * sigma / (8 * lambda))
        return (probability, rate)
    }

    struct Cell: CustomStringConvertible {
        var block: String
        var seconds: Double
        var feeBps: Double
        /// CEX ticks per mean block interval. The searcher sizes on the last tick before sealing, so
        /// two sealings between the same two ticks see no price change and cannot trade: about a
        /// share 1 / (2 x ticks) of the blocks, which moves P(trade) by P / (2 x ticks). Where P is
        /// near 1 (10 min at 1 bp) 25 ticks put that 2 standard errors off; 200 put it at 1/4.
        var ticksPerBlock: Double = 25
        var replications = 8
        var blocks = 3_000.0
        var description: String { "\(block), \(feeBps) bp" }
    }

    /// The grid of the issue (blocks 50 ms to 10 min, fees 1 to 100 bp), the cells the hand-written
    /// model's test had plus 2 min at 30 bp. Cells with gamma eta far above 10 (50 ms at 100 bp:
    /// 440) are left out: the mispricing then takes about 2 (gamma eta)^2 blocks to cross the band,
    /// and a 5% estimate would need about 10^8 blocks.
    static let mmrCells = [Cell(block: "50ms", seconds: 0.05, feeBps: 1), Cell(block: "2s", seconds: 2, feeBps: 1),
                           Cell(block: "2s", seconds: 2, feeBps: 5), Cell(block: "12s", seconds: 12, feeBps: 5),
                           Cell(block: "12s", seconds: 12, feeBps: 30), Cell(block: "120s", seconds: 120, feeBps: 30),
                           Cell(block: "10min", seconds: 600, feeBps: 1, ticksPerBlock: 200, replications: 6, blocks: 1_500),
                           Cell(block: "10min", seconds: 600, feeBps: 30),
                           Cell(block: "10min", seconds: 600, feeBps: 100)]

    @Test("Against Milionis-Moallemi-Roughgarden on the graph: P(trade per block) and profit rate / pool value, blocks 50 ms to 10 min, fees 1 to 100 bp",
          arguments: DEXArbitrageTests.mmrCells)
    func closedFormsOfMMR(cell: Cell) throws {
        let sigma = 0.8
        let cells = [cell]
        let replications = cell.replications, blocks = cell.blocks, ticksPerBlock = cell.ticksPerBlock
        var inside95 = 0, checks = 0
        for cell in cells {
            let reference = Self.closedForms(sigma: sigma, blockSeconds: cell.seconds, fee: cell.feeBps / 10_000)
            let library = ArbitrageWithFeesTheory(volatilityPerSqrtYear: sigma, blockRatePerYear: secondsPerYear / cell.seconds, feeFraction: cell.feeBps / 10_000)
            #expect(abs(reference.probability / library.tradeProbability - 1) < 1e-3 && abs(reference.rate / library.profitRateOverPoolValuePerYear - 1) < 1e-3)
            let gammaEta = -log(1 - cell.feeBps / 10_000) * (2 * secondsPerYear / cell.seconds).squareRoot() / sigma
            // About 2 (gamma eta)^2 blocks per crossing of the band: 20 crossings reach the stationary law.
            let warmUpBlocks = 20 * (2 * gammaEta * gammaEta + 1)
            let tick = SimDuration(roundingNanoseconds: cell.seconds / ticksPerBlock * 1e9)
            // The CEX price is the GBM (log driftless: drift sigma^2 / 2) sampled every T / 25, the
            // searcher pulls it at sealing (lead 0, zero latencies); CEX spread and fee 0; no gas.
            let yaml = """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: \(sigma), drift_per_year: \(sigma * sigma / 2)},
                 tick_interval: \(tick.nanoseconds)ns}
              - {name: cex, type: venue, half_spread_bps: 0, taker_fee_bps: 0}
              - \(Self.chain(block: cell.block, fee: cell.feeBps))
              - {name: searcher, type: dex-arbitrageur, strategy: searcher, market_data: pull}
            connections:
              - {from: market.out, to: cex.in, link: 0ms}
              - {from: chain.blocks, to: searcher.in, link: 0ms}
              - {from: searcher.out, to: chain.in, link: 0ms}
              - {from: searcher.out, to: cex.in, link: 0ms}
            """
            let results = try GraphSupport.replicate(yaml, seed: 43, replications: replications,
                                                     horizon: .nanoseconds(Int64(blocks * cell.seconds * 1e9)),
                                                     warmUp: .nanoseconds(Int64(warmUpBlocks * cell.seconds * 1e9)))
            for (name, metric, expected) in [("P(trade)", "chain.pool_trade_probability", reference.probability),
                                             ("profit rate / V (1/year)", "chain.pool_profit_over_value_per_year", reference.rate)] {
                let values = results.map { $0.value(metric) ?? .nan }
                let s = ReplicationEstimate(values: values)
                let standardError = s.standardDeviation / Double(values.count).squareRoot()
                let half95 = StudentT.quantile(0.975, degreesOfFreedom: Double(replications - 1)) * standardError
                let within95 = abs(s.mean - expected) <= half95
                if within95 { inside95 += 1 }
                checks += 1
                print("graph MMR \(cell) \(name): simulated \(s.mean) 95% CI [\(s.mean - half95), \(s.mean + half95)], closed form \(expected)\(within95 ? "" : " (outside the 95% CI)")")
                // 4 standard errors per check (a false failure about 6e-5 each, 18 checks over the cells).
                #expect(abs(s.mean - expected) <= 4 * standardError, "seed 43, \(cell) \(name): \(s.mean) +- \(standardError) vs \(expected)")
                #expect(standardError < 0.1 * expected, "seed 43, \(cell) \(name): the check is sharp (se \(standardError))")
            }
        }
        print("graph MMR closed forms inside the 95% CI: \(inside95) of \(checks)")
    }

    @Test("Builder auction: a block's swaps execute in the order of an independent sort of their bids; the first executes, the others revert; capacity 1 drops the losers")
    func auctionOrdersByBid() throws {
        func yaml(capacity: Int, extra: String = "") -> String {
            """
            components:
              - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}, tick_interval: {type: exponential, mean: 20ms}}
              - {name: cex, type: venue, half_spread_bps: 0, taker_fee_bps: 0}
              - \(Self.chain(block: "2s", fee: 5, capacity: capacity, extra: extra))
              - {name: low, type: dex-arbitrageur, strategy: searcher, bid: {share: 0.2}}
              - {name: fixed, type: dex-arbitrageur, strategy: searcher, bid: 0.001}
              - {name: high, type: dex-arbitrageur, strategy: searcher, bid: {share: 0.6}}
            connections:
              - {from: market.out, to: cex.in, link: 0ms}
              - {from: cex.out, to: low.in, link: 0ms}
              - {from: cex.out, to: fixed.in, link: 0ms}
              - {from: cex.out, to: high.in, link: 0ms}
              - {from: chain.blocks, to: low.in, link: 0ms}
              - {from: chain.blocks, to: fixed.in, link: 0ms}
              - {from: chain.blocks, to: high.in, link: 0ms}
              - {from: low.out, to: chain.in, link: 0ms}
              - {from: fixed.out, to: chain.in, link: 0ms}
              - {from: high.out, to: chain.in, link: 0ms}
            """
        }
        let rows = try Self.records(yaml(capacity: 100), seed: 47, horizon: .seconds(Int64(600)))
        var checked = 0, mixed = 0
        for row in rows where !row.order.isEmpty {
            let bids = row.order.map(\.bid)
            // The reference: the same bids sorted by hand (insertion sort, highest first).
            var sorted: [Double] = []
            for bid in bids {
                var k = 0
                while k < sorted.count && sorted[k] >= bid { k += 1 }
                sorted.insert(bid, at: k)
            }
            #expect(bids == sorted, "seed 47, block \(row.block): executed in bid order \(bids), sorted \(sorted)")
            #expect(row.order.first!.executed && row.order.dropFirst().allSatisfy { !$0.executed },
                    "seed 47, block \(row.block): the highest bid moves the pool to the edge, the others revert: \(row.order)")
            if Set(bids).count > 1 && bids.first != bids.last { mixed += 1 }
            checked += 1
        }
        print("auction: \(checked) blocks with swaps, \(mixed) with distinct bids, all in bid order")
        #expect(checked >= 50 && mixed >= 50)
        // Capacity 1: only the highest bid is included; the losing bundles are dropped (and pay the gas the chain charges).
        let results = try GraphSupport.replicate(yaml(capacity: 1, extra: ", gas: 0.01, losing_bundle_pays: gas"), seed: 47, replications: 1,
                                                 horizon: .seconds(Int64(600)), warmUp: .zero)
        let r = results[0]
        let sent = ["low", "fixed", "high"].map { r.value("\($0).swaps_sent")! }
        let dropped = ["low", "fixed", "high"].map { r.value("\($0).swaps_dropped")! }
        print("auction, capacity 1: sent \(sent), dropped \(dropped), high executed \(r.value("high.swaps_executed")!), reverted \(r.value("chain.pool_swaps_reverted")!)")
        #expect(r.value("chain.pool_swaps_reverted")! == 0, "capacity 1: no loser is included, none reverts")
        #expect(r.value("chain.pool_bundles_dropped")! == dropped.reduce(0, +))
        let executed = ["low", "fixed", "high"].map { r.value("\($0).swaps_executed")! }
        #expect(sent[0] > 50 && sent.allSatisfy { $0 == sent[0] }, "the three searchers see the same views and bid in the same blocks")
        #expect(executed.reduce(0, +) == sent[0] && dropped.reduce(0, +) == 2 * sent[0], "one winner per block, two dropped: \(executed), \(dropped)")
        #expect(executed[2] > executed[1] && executed[1] > executed[0],
                "0.6 of the profit beats a fixed 0.001 unless the profit is below 0.0017; 0.2 never wins: \(executed)")
        #expect(abs(r.value("low.gas_paid")! - 0.01 * dropped[0]) < 1e-9, "a dropped bundle pays the chain's gas under losing_bundle_pays: gas")
        #expect(r.value("low.profit_gross")!.isNaN, "nothing executed: the profit is NaN, never 0")
    }

    @Test("Config errors name the key: pool on a rollup or a reorging chain, a bad reference, blocks without a pool, a dex-arbitrageur's wiring and keys")
    func configErrors() throws {
        func expectError(_ yaml: String, _ fragments: [String]) {
            do {
                _ = try GraphSupport.spec(yaml)
                Issue.record("accepted: \(yaml)")
            } catch {
                let text = "\(error)"
                for fragment in fragments { #expect(text.contains(fragment), "\(fragment) not in: \(text)") }
            }
        }
        let base = """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}, tick_interval: 20ms}
          - {name: cex, type: venue}
          - CHAIN
          - BOT
        connections:
          - {from: market.out, to: cex.in, link: 0ms}
          - {from: cex.out, to: bot.in, link: 0ms}
          - {from: chain.blocks, to: bot.in, link: 0ms}
          - {from: bot.out, to: chain.in, link: 0ms}
        """
        let chain = Self.chain(block: "2s", fee: 5)
        func graph(chain: String = chain, bot: String = "{name: bot, type: dex-arbitrageur}") -> String {
            base.replacingOccurrences(of: "CHAIN", with: chain).replacingOccurrences(of: "BOT", with: bot)
        }
        _ = try GraphSupport.spec(graph())
        expectError(graph(chain: "{name: chain, type: settlement, layer: arbitrum, pool: {base_reserve: 1, initial_price: 1}}"), ["pool", "chain layer"])
        expectError(graph(chain: "{name: chain, type: settlement, layer: {type: chain, name: l1, blocks: {type: poisson, mean_interval: 2s}, capacity: 10, ordering: fifo, finality: {confirmations: 2}, reorg_probability: 0.1}, pool: {base_reserve: 1, initial_price: 1}}"),
                    ["reorg"])
        expectError(graph(chain: chain.replacingOccurrences(of: "reference: cex", with: "reference: nowhere")), ["reference", "nowhere", "cex"])
        expectError(graph(chain: chain.replacingOccurrences(of: "fee_bps: 5.0", with: "fee_bps: 20000")), ["fee_bps"])
        expectError(graph(chain: chain.replacingOccurrences(of: "base_reserve: 10000", with: "base_reserv: 10000")), ["base_reserv"])
        expectError(graph(chain: "{name: chain, type: settlement, layer: {type: chain, name: l1, blocks: {type: poisson, mean_interval: 2s}, capacity: 10, ordering: fifo, finality: {confirmations: 2}}}"),
                    ["blocks", "no pool"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, strategy: mempool, lead_time: 1s}"), ["lead_time", "searcher"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, strategy: searcher, market_data: pull}"), ["pull", "venue"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, strategy: searcher, max_in_flight: 2}"), ["max_in_flight"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, bid: {share: 1.5}}"), ["share"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, bid: {share: 0.5, fixed: 1}}"), ["share", "fixed"])
        expectError(graph(bot: "{name: bot, type: dex-arbitrageur, strategy: sniper}"), ["strategy", "sniper", "mempool"])
        expectError(base.replacingOccurrences(of: "CHAIN", with: chain).replacingOccurrences(of: "BOT", with: "{name: bot, type: dex-arbitrageur}")
                        .replacingOccurrences(of: "  - {from: bot.out, to: chain.in, link: 0ms}", with: "  - {from: bot.out, to: market.in, link: 0ms}"),
                    ["market"])
    }
}
