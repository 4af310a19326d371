import LatSimTestSupport
import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// The `settlement` component against the chain's closed forms. Transactions are rare (one per
/// 100 blocks on average) so that each sees its own blocks: the latencies are then independent
/// draws of the single-transaction laws docs/settlement.md derives.
@Suite struct SettlementComponentTests {
    static func graph(layer: String, release: String = "final") -> String {
        """
        components:
          - {name: trades, type: source, arrival: poisson, rate_per_s: 0.01}
          - {name: chain, type: settlement, layer: \(layer), release: \(release)}
          - {name: done, type: sink}
        connections:
          - {from: trades.out, to: chain.in, link: 0ms}
          - {from: chain.out, to: done.in, link: 0ms}
        paths:
          - {name: settle, from: trades, to: done}
        """
    }

    @Test("Poisson blocks (mean 10 s), 3 confirmations: inclusion Exp(10 s), finality Erlang(3, 10 s)")
    func poissonBlocksGiveErlangFinality() throws {
        let layer = "{type: chain, name: pow, blocks: {type: poisson, mean_interval: 10s}, capacity: 100, ordering: fee, finality: {confirmations: 3}}"
        let results = try GraphSupport.replicate(Self.graph(layer: layer), replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        checkTheory(GraphSupport.estimate(results, "chain.soft_latency_mean", scale: 1e-9), 10, relativeBound: 0.15, "inclusion mean (s)")
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_mean", scale: 1e-9), 30, relativeBound: 0.15, "finality mean (s)")
        // Erlang(3) median: the 0.5 quantile of Gamma(3, 10 s) = 26.74 s.
        let median = try Distribution.gamma(shape: 3, scale: 10e9).quantile(0.5) / 1e9
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_p50", scale: 1e-9), median, relativeBound: 0.15, "finality median (s)")
        // The path from trade to settled sink is the finality, all of it service (time in the layer).
        checkTheory(GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9), 30, relativeBound: 0.15, "path latency mean (s)")
        let service = GraphSupport.estimate(results, "settle.service_mean", scale: 1e-9)
        let latency = GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9)
        #expect(abs(service.mean - latency.mean) < 1e-6 * latency.mean, "the time in the layer is service: \(service) vs \(latency)")
    }

    @Test("Fixed 12 s slots released at inclusion: the residual is Uniform(0, 12 s], mean 6 s")
    func slotsReleasedSoft() throws {
        let layer = "{type: chain, name: pos, blocks: {type: slots, slot: 12s, missed_probability: 0}, capacity: 100, ordering: fifo, finality: {confirmations: 2}}"
        let results = try GraphSupport.replicate(Self.graph(layer: layer, release: "soft"), replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        checkTheory(GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9), 6, relativeBound: 0.15, "released at inclusion (s)")
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_mean", scale: 1e-9), 18, relativeBound: 0.15, "finality, one slot later (s)")
        let maxSoft = results.map { $0.value("chain.soft_latency_max") ?? .nan }.max() ?? .nan
        #expect(maxSoft <= 12.1e9, "never more than one slot (histogram resolution): \(maxSoft)")
    }

    @Test("A bridge as settlement -> delay -> settlement: the mean is the sum of the stages' means (20 s + 5 s + 1 s)")
    func bridgeIsTheSumOfItsStages() throws {
        let graph = """
            components:
              - {name: transfers, type: source, arrival: poisson, rate_per_s: 0.01}
              - {name: source-chain, type: settlement, layer: {type: chain, name: src, blocks: {type: poisson, mean_interval: 10s}, capacity: 100, ordering: fee, finality: {confirmations: 2}}}
              - {name: relayer, type: delay, delay: {type: exponential, mean: 5s}}
              - {name: destination, type: settlement, layer: {type: chain, name: dst, blocks: {type: slots, slot: 2s, missed_probability: 0}, capacity: 100, ordering: fifo, finality: {confirmations: 1}}, release: soft}
              - {name: done, type: sink}
            connections:
              - {from: transfers.out, to: source-chain.in, link: 0ms}
              - {from: source-chain.out, to: relayer.in, link: 0ms}
              - {from: relayer.out, to: destination.in, link: 0ms}
              - {from: destination.out, to: done.in, link: 0ms}
            paths:
              - {name: bridge, from: transfers, to: done}
            """
        let results = try GraphSupport.replicate(graph, replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        // Source: Erlang(2, 10 s), mean 20 s; relayer: 5 s; destination inclusion: the residual of 2 s slots, mean 1 s.
        checkTheory(GraphSupport.estimate(results, "bridge.latency_mean", scale: 1e-9), 26, relativeBound: 0.15, "bridge mean (s)")
        checkTheory(GraphSupport.estimate(results, "source-chain.final_latency_mean", scale: 1e-9), 20, relativeBound: 0.15, "source finality (s)")
        checkTheory(GraphSupport.estimate(results, "destination.soft_latency_mean", scale: 1e-9), 1, relativeBound: 0.15, "destination inclusion (s)")
    }

    @Test("A preset by name decodes; a bad layer names the key")
    func presetsAndErrors() throws {
        let result = try GraphSupport.run(Self.graph(layer: "ethereum"), horizon: .seconds(Int64(3_600)))
        #expect(try #require(result.value("chain.transactions")) > 0)
        let text = try GraphConfigErrorTests.failure(Self.graph(layer: "etherium"))
        #expect(text.contains("layer"), "\(text)")
        #expect(text.contains("ethereum"), "\(text)")
    }

    /// The exact mean wait from a uniform arrival to the start of epoch e + j + 1 (the end of
    /// epoch e + j observed), e the epoch of the inclusion slot floor(u / S) + 1, N slots per epoch:
    /// in slot i of an epoch the inclusion is in epoch floor((i + 1) / N) (the last slot's goes to
    /// the next), and the wait averages (e + j + 1) N S - (i + 1/2) S over the slot.
    static func epochLevelMean(slot: Double, slotsPerEpoch n: Int, epochs j: Int) -> Double {
        let period = Double(n) * slot
        var total = 0.0
        for i in 0..<n {
            let epoch = Double((i + 1) / n + j + 1)
            total += epoch * period - (Double(i) + 0.5) * slot
        }
        return total / Double(n)
    }

    @Test("Levels of an epoch chain (2 s slots, 4 per epoch): released at justified; time_to_<level> against the exact means")
    func epochLevelsReleasedAtJustified() throws {
        let layer = "{type: chain, name: pos, blocks: {type: slots, slot: 2s, missed_probability: 0}, capacity: 100, ordering: fifo, "
            + "finality: {epochs: 2, slots_per_epoch: 4}, levels: [{name: justified, epochs: 1}]}"
        let yaml = Self.graph(layer: layer, release: "justified").replacingOccurrences(of: "release: justified}", with: "release: justified, level_metrics: true}")
        let results = try GraphSupport.replicate(yaml, replications: 8, horizon: .seconds(Int64(40_000)), warmUp: .zero)
        let justified = Self.epochLevelMean(slot: 2, slotsPerEpoch: 4, epochs: 1), finalized = Self.epochLevelMean(slot: 2, slotsPerEpoch: 4, epochs: 2)
        checkTheory(GraphSupport.estimate(results, "chain.time_to_included_mean", scale: 1e-9), 1, relativeBound: 0.15, "included mean (s)")
        checkTheory(GraphSupport.estimate(results, "chain.time_to_justified_mean", scale: 1e-9), justified, relativeBound: 0.1, "justified mean (s)")
        checkTheory(GraphSupport.estimate(results, "chain.time_to_finalized_mean", scale: 1e-9), finalized, relativeBound: 0.1, "finalized mean (s)")
        // Released at justified: the path's latency is the time to justified, transaction by transaction.
        checkTheory(GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9), justified, relativeBound: 0.1, "path latency (s)")
        for result in results {
            let path = try #require(result.value("settle.latency_mean")), level = try #require(result.value("chain.time_to_justified_mean"))
            #expect(abs(path - level) <= 1e-9 * level, "released at justified: path \(path) vs level \(level)")
            #expect(result.value("chain.time_to_finalized_mean") == result.value("chain.final_latency_mean"), "finalized is final")
            #expect(result.value("chain.time_to_included_mean") == result.value("chain.soft_latency_mean"), "included is soft (no reorgs)")
        }
        // The test can fail: released at final, the path takes the finalized wait instead.
        #expect(abs(justified - finalized) > 0.3 * justified)
    }

    @Test("A rollup released at challenge-end: the window after l1-final, exactly; unobserved levels are NaN")
    func rollupReleasedAtChallengeEnd() throws {
        let layer = "{type: rollup, name: l2, l1: {type: chain, name: l1, blocks: {type: poisson, mean_interval: 12s}, capacity: 100, "
            + "ordering: fifo, finality: {confirmations: 2}}, soft_confirmation: {type: constant, value: 1s}, batch_interval: 60s, "
            + "posting_delay: {type: constant, value: 2s}, withdrawal_delay: 100s}"
        let yaml = Self.graph(layer: layer, release: "challenge-end").replacingOccurrences(of: "release: challenge-end}", with: "release: challenge-end, level_metrics: true}")
        let results = try GraphSupport.replicate(yaml, replications: 4, horizon: .seconds(Int64(40_000)), warmUp: .zero)
        for result in results {
            let final = try #require(result.value("chain.time_to_l1_final_mean")), end = try #require(result.value("chain.time_to_challenge_end_mean"))
            #expect(result.value("chain.time_to_soft_mean") == 1e9, "soft = the sequencer's constant 1 s")
            // Each transaction's challenge-end is its l1-final + 100 s; the means differ only by the
            // few final in the run's last 100 s (not yet at challenge-end), so by well under 2 s.
            #expect(abs(end - final - 100e9) < 2e9, "challenge-end = l1-final + 100 s: \(end) vs \(final)")
            #expect(result.value("chain.time_to_challenge_end_count")! <= result.value("chain.time_to_l1_final_count")!)
            let path = try #require(result.value("settle.latency_mean"))
            #expect(abs(path - end) <= 1e-9 * end, "released at challenge-end: path \(path) vs \(end)")
        }
        // posted = 3 s + U(0, 60 s) + Exp(12 s): mean 45 s; l1-final adds one more block: 57 s.
        checkTheory(GraphSupport.estimate(results, "chain.time_to_posted_mean", scale: 1e-9), 45, relativeBound: 0.15, "posted mean (s)")
        checkTheory(GraphSupport.estimate(results, "chain.time_to_l1_final_mean", scale: 1e-9), 57, relativeBound: 0.15, "l1-final mean (s)")
        // A run shorter than the window observes no challenge-end: NaN, not 0.
        let short = try GraphSupport.run(yaml.replacingOccurrences(of: "withdrawal_delay: 100s", with: "withdrawal_delay: 30d"), horizon: .seconds(Int64(3_600)))
        #expect(try #require(short.value("chain.time_to_challenge_end_mean")).isNaN)
        #expect(short.value("chain.time_to_challenge_end_count") == 0)
        let pendingEnd = try #require(short.value("chain.pending_end")), transactions = try #require(short.value("chain.transactions"))
        #expect(pendingEnd < transactions, "final ones are not pending: \(pendingEnd) of \(transactions)")
    }

    @Test("Level metrics are opt-in; release names a level or an alias, else an error listing the layer's levels")
    func levelMetricsAndReleaseNames() throws {
        let plain = try GraphSupport.spec(Self.graph(layer: "ethereum"))
        #expect(!GraphRun.metricSchema(plain).contains { $0.name.contains("time_to_") }, "no level metrics unless asked")
        let yaml = Self.graph(layer: "ethereum").replacingOccurrences(of: "release: final}", with: "release: final, level_metrics: true}")
        let names = GraphRun.metricSchema(try GraphSupport.spec(yaml)).map(\.name)
        for level in ["included", "justified", "finalized"] {
            #expect(names.contains("chain.time_to_\(level)_mean") && names.contains("chain.time_to_\(level)_p99"), "\(level)")
        }
        let text = try GraphConfigErrorTests.failure(Self.graph(layer: "ethereum", release: "posted"))
        #expect(text.contains("release") && text.contains("justified") && text.contains("posted"), "\(text)")
    }

    @Test("Block building on the component: revert_rate against the configured probability, gas = inclusions x gas, auction losses counted; the metrics only where the chain builds blocks so")
    func blockBuildingMetrics() throws {
        // Overloaded auction: 2 transactions/s against 3 per 2 s slot, so bundles lose blocks.
        let yaml = """
            components:
              - {name: bots, type: source, arrival: poisson, rate_per_s: 2}
              - {name: chain, type: settlement, layer: {type: chain, name: pos, blocks: {type: slots, slot: 2s, missed_probability: 0},
                                                       capacity: 3, ordering: auction, finality: {confirmations: 1},
                                                       revert_probability: 0.2, gas: 21000}}
            connections:
              - {from: bots.out, to: chain.in, link: 1ms}
            """
        let results = try GraphSupport.replicate(yaml, replications: 8, horizon: .seconds(Int64(2_000)), warmUp: .seconds(Int64(100)))
        checkTheory(GraphSupport.estimate(results, "chain.revert_rate"), 0.2, relativeBound: 0.1, "revert rate")
        for result in results {
            let included = result.value("chain.included") ?? .nan
            // One inclusion per slot of capacity: the backlog never empties (2/s offered, 1.5/s served).
            #expect(abs(included - 3 * 1_000) <= 3, "included \(included): 1,000 slots of 3")
            #expect(result.value("chain.gas_paid") == included * 21_000, "gas is paid per inclusion (losers pay nothing by default)")
            #expect((result.value("chain.lost_bids") ?? 0) > 0, "an overloaded auction loses bids")
        }
        // A fee-ordered chain without gas or reverts records none of them.
        let plain = try GraphSupport.replicate(Self.graph(layer: "{type: chain, name: pow, blocks: {type: poisson, mean_interval: 10s}, capacity: 100, ordering: fee, finality: {confirmations: 1}}"),
                                               replications: 1, horizon: .seconds(Int64(100)), warmUp: .zero)
        #expect(plain[0].value("chain.included") == nil && plain[0].value("chain.revert_rate") == nil)
    }
}
