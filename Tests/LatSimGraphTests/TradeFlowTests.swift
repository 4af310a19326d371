import Foundation
import Testing
import LatSimCore
import LatSimExperiments
@testable import LatSimGraph

/// The `trade-flow` component against references computed here from its per-trade records
/// (independent of its own bookkeeping), and its config errors. The theory tests of the
/// hand-written settlement model, ported: the exposure integral, the capital bounds, the batch
/// wait on a ledger, bounded memory, determinism.
@Suite struct TradeFlowTests {
    static let seed: UInt64 = 4_242

    static func model(layer: String, capital: Double, settlement: String = "atomic", interval: String = "300s",
                      rate: Double = 0.1, drain: String = "86400s") -> String {
        let mode = settlement == "batched" ? "settlement: batched, interval: \(interval)" : "settlement: atomic"
        return """
            components:
              - {name: trades, type: trade-flow, rate_per_s: \(rate), notional: {type: lognormal, median: 10000, sigma: 1},
                 capital: \(capital), \(mode), end_run_when_settled: true}
              - {name: settlement, type: settlement, layer: \(layer)}
            connections:
              - {from: trades.out, to: settlement.in, link: {latency: {type: lognormal, median: 500us, sigma: 0.4}, ordering: unordered}, reply_link: 0ms}
            drain: \(drain)
            """
    }

    /// Runs one replication with records kept; the trade flow's final state.
    static func simulate(_ yaml: String, replication: Int = 0, horizon: SimDuration, warmUp: SimDuration = .zero)
        throws -> (state: TradeFlowState, result: ReplicationResult, end: SimInstant) {
        let spec = try GraphSupport.spec(yaml)
        let replicationSpec = ReplicationSpec(replication: replication, rootSeed: seed, horizon: horizon, warmUp: warmUp, keepTrace: true)
        let (simulation, _) = GraphRun.simulate(spec, replication: replicationSpec)
        return (simulation.model.tradeFlows[0], GraphRun.run(spec, replication: replicationSpec), simulation.now)
    }

    /// The exposure integral equals the sum over trades of notional x (final - executed), because
    /// gross exposure is the sum of notional_i 1[executed_i <= t < final_i]; soft <= final per trade.
    @Test func exposureIntegralEqualsNotionalTimesTimeToFinality() throws {
        for layer in ["ethereum", "arbitrum", "cex"] {
            for settlement in ["atomic", "batched"] {
                let (state, result, end) = try Self.simulate(Self.model(layer: layer, capital: 1e12, settlement: settlement), horizon: .seconds(3_600 as Int64))
                let r = try #require(state.records)
                var sum = 0.0
                for i in r.notional.indices {
                    #expect(r.finalAt[i] >= r.softAt[i] && r.softAt[i] >= r.executedAt[i] && r.softAt[i] >= 0, "\(layer) \(settlement) trade \(i)")
                    sum += r.notional[i] * Double(r.finalAt[i] - r.executedAt[i])
                }
                let integral = state.exposure.integral(until: end)
                #expect(r.notional.count > 200, "\(layer) \(settlement): \(r.notional.count) trades")
                #expect(abs(integral - sum) <= 1e-9 * sum, "\(layer) \(settlement): integral \(integral) vs sum \(sum), seed \(Self.seed)")
                #expect(result.value("trades.trades_unsettled") == 0 && result.value("trades.trades_lost") == 0)
            }
        }
    }

    /// Capital bounds: atomic locks each trade's notional until final (the sum locked <= capital at
    /// every instant); batched bounds the net unsettled position (|net| <= capital). Checked by a
    /// sweep over the records; the reported maxima match the sweep.
    @Test func capitalIsNeverOverdrawn() throws {
        let capital = 300_000.0
        for settlement in ["atomic", "batched"] {
            let (state, result, _) = try Self.simulate(Self.model(layer: "ethereum", capital: capital, settlement: settlement),
                                                       replication: 1, horizon: .seconds(7_200 as Int64))
            let r = try #require(state.records)
            var changes: [(time: Int64, gross: Double, net: Double)] = []
            for i in r.notional.indices {
                let signed = Double(r.side[i]) * r.notional[i]
                changes.append((r.executedAt[i], r.notional[i], signed))
                changes.append((r.finalAt[i], -r.notional[i], -signed))
            }
            changes.sort { $0.time < $1.time }
            // Changes at one instant (a batch becoming final) apply together, then the bound is checked.
            var gross = 0.0, net = 0.0, grossMax = 0.0, netMax = 0.0
            for (k, c) in changes.enumerated() {
                gross += c.gross; net += c.net
                if k == changes.count - 1 || changes[k + 1].time != c.time {
                    grossMax = max(grossMax, gross); netMax = max(netMax, abs(net))
                }
            }
            if settlement == "atomic" { #expect(grossMax <= capital * (1 + 1e-12), "atomic gross \(grossMax), seed \(Self.seed)") }
            else { #expect(netMax <= capital * (1 + 1e-12), "batched net \(netMax), seed \(Self.seed)") }
            #expect(result.value("trades.trades_lost")! > 0, "\(settlement): capital binds in this regime")
            #expect(abs(result.value("trades.exposure_gross_max")! - grossMax) <= 1e-6 * grossMax, "\(settlement): gross max vs the sweep")
            #expect(abs(result.value("trades.exposure_net_max")! - netMax) <= 1e-6 * netMax, "\(settlement): net max vs the sweep")
        }
    }

    /// On an exchange ledger (latency in milliseconds), batching adds the batch wait: trades arrive
    /// as a Poisson process, so a trade's wait to the next batch close is U(0, B), mean B / 2 = 150 s,
    /// sd B / sqrt(12) = 86.6 s. Tolerance: 4 standard errors of the pooled mean (false alarm 6e-5)
    /// plus 10 ms for the connectivity and ledger draws.
    @Test func batchingAddsHalfTheIntervalOnALedger() throws {
        var gapTotal = 0.0, trades = 0.0
        for r in 0..<5 {
            let horizon = SimDuration.seconds(14_400 as Int64), warmUp = SimDuration.seconds(600 as Int64)
            let sync = try GraphSupport.run(Self.model(layer: "cex", capital: 1e12), seed: Self.seed, replication: r, horizon: horizon, warmUp: warmUp)
            let async = try GraphSupport.run(Self.model(layer: "cex", capital: 1e12, settlement: "batched"), seed: Self.seed, replication: r,
                                             horizon: horizon, warmUp: warmUp)
            let n = async.value("trades.settlement_final_latency_count")!
            gapTotal += n * (async.value("trades.settlement_final_latency_mean")! - sync.value("trades.settlement_final_latency_mean")!)
            trades += n
        }
        let gap = gapTotal / trades / 1e9
        let tolerance = 4 * 86.6 / trades.squareRoot() + 0.01
        print("trade-flow ledger: batched - atomic final latency \(gap) s over \(Int(trades)) trades; theory 150 s ± \(tolerance) s")
        #expect(abs(gap - 150) < tolerance, "gap \(gap) s, seed \(Self.seed)")
    }

    /// Soft notices: a trade's soft latency is the settlement's own arrival-to-soft time plus the
    /// connectivity draw, so the means differ by the connectivity's mean (lognormal median 500 us,
    /// sigma 0.4: 500 us x e^0.08 = 541.6 us); on a rollup the soft confirmation (the sequencer's)
    /// comes well before finality. Tolerance: 5% of the connectivity mean (7 standard errors of it
    /// over 3,600 trades; the histograms keep exact means).
    @Test func softNoticesComeFromTheSettlement() throws {
        for layer in ["ethereum", "arbitrum"] {
            let result = try GraphSupport.run(Self.model(layer: layer, capital: 1e12, rate: 1), seed: Self.seed, horizon: .seconds(3_600 as Int64))
            let trade = result.value("trades.settlement_soft_latency_mean")!, own = result.value("settlement.soft_latency_mean")!
            let connectivity = 500_000 * exp(0.08)
            let tolerance = 0.05 * connectivity
            print("trade-flow soft on \(layer): trade \(trade / 1e6) ms, settlement \(own / 1e6) ms, difference \((trade - own) / 1e3) us")
            #expect(abs(trade - own - connectivity) < tolerance, "\(layer): \(trade) vs \(own), seed \(Self.seed)")
            #expect(trade < result.value("trades.settlement_final_latency_mean")!, "\(layer): soft before final")
            #expect(result.value("trades.settlement_soft_latency_count") == result.value("trades.settlement_final_latency_count"))
        }
    }

    /// Memory follows the trades in flight, not the horizon: over 8 hours at one trade a second the
    /// trade slots stay at the most trades unsettled at once (~ rate x time to finality, about 1,100
    /// trades on Ethereum), while 28,000 trades pass.
    @Test func keepsOnlyUnsettledTrades() throws {
        for settlement in ["atomic", "batched"] {
            let spec = try GraphSupport.spec(Self.model(layer: "ethereum", capital: 1e12, settlement: settlement, rate: 1))
            let (simulation, _) = GraphRun.simulate(spec, replication: ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(28_800 as Int64)))
            let state = simulation.model.tradeFlows[0]
            let executed = Int(simulation.model.tradeFlows[0].executed)
            print("trade-flow \(settlement) 8 h: \(state.trades.capacity) trade slots, \(executed) trades")
            #expect(executed > 25_000)
            #expect(state.trades.capacity < 4_000, "\(settlement): slots \(state.trades.capacity)")
        }
    }

    /// Batched settlement keeps a record per closed batch until it is final: with a batch a minute
    /// and Ethereum's finality (about 16 min), about 17 at once, never the 480 of 8 hours.
    @Test func batchesAreRetiredWhenFinal() throws {
        let spec = try GraphSupport.spec(Self.model(layer: "ethereum", capital: 1e12, settlement: "batched", interval: "60s", rate: 1))
        let (simulation, _) = GraphRun.simulate(spec, replication: ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(28_800 as Int64)))
        let state = simulation.model.tradeFlows[0]
        print("trade-flow batched: peak \(state.unsettledBatchesPeak) unsettled batches of \(state.batchesClosed)")
        #expect(state.batchesClosed > 400, "8 h of one-minute batches")
        #expect(state.unsettledBatchesPeak <= 40 && state.unsettledBatchesPeak >= 10, "peak \(state.unsettledBatchesPeak), seed \(Self.seed)")
        #expect(state.unsettledBatches.isEmpty && state.trades.liveCount == 0, "every batch final at the end of the drain")
    }

    @Test func runsAreDeterministic() throws {
        let yaml = Self.model(layer: "ethereum", capital: 500_000, settlement: "batched")
        let a = try GraphSupport.run(yaml, seed: Self.seed, replication: 3, horizon: .seconds(3_600 as Int64))
        let b = try GraphSupport.run(yaml, seed: Self.seed, replication: 3, horizon: .seconds(3_600 as Int64))
        let c = try GraphSupport.run(yaml, seed: Self.seed + 1, replication: 3, horizon: .seconds(3_600 as Int64))
        #expect(a == b)
        #expect(a != c)
        #expect(a.value("trades.capture_rate")! > 0 && a.value("trades.trades_offered")! > 0)
    }

    /// No trade in the measurement: the latencies and the capture rate are NaN, not 0.
    @Test func noTradesGiveNaN() throws {
        let result = try GraphSupport.run(Self.model(layer: "cex", capital: 1e12, rate: 1e-9), seed: Self.seed, horizon: .seconds(10 as Int64))
        #expect(result.value("trades.capture_rate")!.isNaN)
        #expect(result.value("trades.settlement_final_latency_mean")!.isNaN)
        #expect(result.value("trades.trades_offered") == 0)
    }

    /// Each layer preset reproduces the public figure it was built from (docs/settlement.md), on a
    /// light load (capital unlimited, atomic, no connectivity latency), through the trade flow and
    /// the settlement component. Bands are wide because trades share blocks (samples are
    /// correlated); the expected values are derived in the comments. Ported from the hand-written
    /// model's PresetFigureTests.
    @Test func presetsReproducePublicFigures() throws {
        // (preset, horizon, expected final-latency mean in s, relative band)
        let cases: [(String, Int64, Double, Double)] = [
            ("bitcoin", 172_800, 3_600, 0.15),    // 6 confirmations x 600 s (Erlang(6) mean; residual is Exp(600 s))
            ("ethereum", 14_400, 970, 0.06),      // inclusion ~6 s + end of epoch e+2: 2.5 epochs x 384 s on average
            ("solana", 1_800, 13.0, 0.05),        // 31 more blocks x 0.4 s / (1 - 0.03 missed) = 12.78 s + residual ~0.21 s
            ("cometbft", 3_600, 3.06, 0.1),       // residual of a 6 s slot (3 s) plus 1% missed slots (~0.06 s)
            ("cosmos-hub", 3_600, 2.55, 0.1),     // residual of a 5 s slot (2.5 s) plus 1% missed slots (~0.05 s)
            ("solana-alpenglow", 1_800, 0.212, 0.1), // final at the block: residual 0.2 s + 0.4 s x 0.03 / 0.97
            ("arbitrum", 14_400, 1_028, 0.08),    // soft 0.26 s + batch wait 60 s + posting 2 s + Ethereum finality ~966 s
            ("op-stack", 14_400, 1_119, 0.08),    // soft 1 s + batch wait 150 s + posting 2 s + ~966 s
            ("zk-rollup", 14_400, 4_885, 0.10),   // soft 1 s + 150 s + 2 s + proof mean 3600 e^0.045 = 3766 s + ~966 s
            ("cex", 600, 0.0011, 0.3),            // ledger latency median 1 ms, sigma 0.5: mean 1.13 ms
        ]
        for (name, horizon, expectedSeconds, band) in cases {
            let yaml = """
                components:
                  - {name: trades, type: trade-flow, rate_per_s: 0.05, notional: 1, capital: 1e12, end_run_when_settled: true}
                  - {name: settlement, type: settlement, layer: \(name)}
                connections:
                  - {from: trades.out, to: settlement.in, link: {latency: 0ms, ordering: unordered}, reply_link: 0ms}
                drain: 86400s
                """
            let result = try GraphSupport.run(yaml, seed: 31, horizon: .seconds(horizon))
            let mean = result.value("trades.settlement_final_latency_mean")! / 1e9
            print("trade-flow preset \(name): final latency mean \(mean) s (expected about \(expectedSeconds) s)")
            #expect(abs(mean / expectedSeconds - 1) < band, "\(name): \(mean) s vs \(expectedSeconds) s (seed 31)")
        }
    }

    static func configError(_ yaml: String) -> String? {
        do { _ = try GraphSupport.spec(yaml); return nil } catch { return "\(error)" }
    }

    @Test func badTradeFlowsAreClearErrors() throws {
        let layer = "  - {name: settlement, type: settlement, layer: cex}\n"
        let connect = "connections:\n  - {from: trades.out, to: settlement.in, link: 1ms}\n"
        func flow(_ keys: String) -> String { "components:\n  - {name: trades, type: trade-flow, \(keys)}\n" + layer + connect }
        let cases: [(String, [String])] = [
            (flow("rate_per_s: 1, notional: 100"), ["capital", "required"]),
            (flow("rate_per_s: 1, notional: 100, capital: 10, interval: 5s"), ["interval", "only allowed with settlement: batched"]),
            (flow("rate_per_s: 1, notional: 100, capital: 10, settlement: batched"), ["interval", "required with settlement: batched"]),
            (flow("rate_per_s: 1, notional: 100, capital: 10, settlement: netted"), ["settlement", "atomic", "batched", "netted"]),
            (flow("rate_per_s: 0, notional: 100, capital: 10"), ["rate_per_s", "out of range"]),
            (flow("rate_per_s: 1, notional: {type: normal}, capital: 10"), ["notional", "lognormal"]),
            (flow("rate_per_s: 1, notional: 100, capital: 10, buy_probability: 2"), ["buy_probability"]),
            (flow("rate_per_s: 1, notional: 100, capital: 10, capitol: 5"), ["capitol", "capital"]),
            ("components:\n  - {name: trades, type: trade-flow, rate_per_s: 1, notional: 100, capital: 10}\n  - {name: done, type: sink}\n"
                + "connections:\n  - {from: trades.out, to: done.in, link: 1ms}\n", ["trades", "settlement", "done (a sink)"]),
            ("components:\n  - {name: trades, type: trade-flow, rate_per_s: 1, notional: 100, capital: 10}\n" + layer
                + "  - {name: next, type: sink}\n" + connect + "  - {from: settlement.out, to: next.in, link: 1ms}\n",
             ["trades", "confirms its transactions itself"]),
        ]
        for (yaml, words) in cases {
            let error = try #require(Self.configError(yaml), "no error for \(yaml)")
            #expect(error.contains("test.yaml:"), "\(error)")
            for word in words { #expect(error.contains(word), "\(word) missing in: \(error)") }
        }
    }
}
