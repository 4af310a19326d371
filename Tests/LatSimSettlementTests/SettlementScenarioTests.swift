import Testing
import LatSimCore
@testable import LatSimSettlement

@Suite struct SettlementScenarioTests {
    static let seed: UInt64 = 4_242

    static func scenario(capital: Double, layer: LayerSpec = .chain(SettlementPresets.ethereum)) throws -> SettlementScenario {
        SettlementScenario(layer: layer, connectivity: SettlementPresets.connectivity(named: "same-region")!, tradeRatePerSecond: 0.1,
                           notional: try .lognormal(median: 10_000, sigma: 1), capital: capital, fee: try .constant(1),
                           batchInterval: .seconds(300 as Int64))
    }

    /// The exposure integral equals the sum over trades of notional x (final - executed), because
    /// gross exposure is the sum of indicator functions notional_i 1[executed_i <= t < final_i].
    @Test func exposureIntegralEqualsNotionalTimesTimeToFinality() throws {
        for layer in [LayerSpec.chain(SettlementPresets.ethereum), .rollup(SettlementPresets.arbitrum), .ledger(SettlementPresets.exchangeLedger)] {
            let s = try Self.scenario(capital: 1e12, layer: layer)
            for design in s.designs {
                let spec = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(3_600 as Int64))
                let (result, trace) = s.runDetailed(design: design, spec: spec)
                var sum = 0.0
                for i in trace.notional.indices where trace.executedAt[i] >= 0 {
                    #expect(trace.finalAt[i] >= trace.softAt[i] && trace.softAt[i] >= trace.executedAt[i], "trade \(i)")
                    sum += trace.notional[i] * Double(trace.finalAt[i] - trace.executedAt[i])
                }
                let integral = trace.exposureIntegralAtEnd
                #expect(abs(integral - sum) <= 1e-9 * sum, "\(layer.name) \(design): integral \(integral) vs sum \(sum), seed \(Self.seed)")
                #expect(result.value("trades_unsettled") == 0 && result.value("trades_lost") == 0)
            }
        }
    }

    /// Capital bounds: atomic locks each trade's notional until final (sum of locked <= capital at
    /// all times); batched bounds the net unsettled position (|net| <= capital). Checked by a sweep
    /// over the trace, independent of the model's own bookkeeping.
    @Test func capitalIsNeverOverdrawn() throws {
        let capital = 300_000.0
        let s = try Self.scenario(capital: capital)
        for design in s.designs {
            let spec = ReplicationSpec(replication: 1, rootSeed: Self.seed, horizon: .seconds(7_200 as Int64))
            let (result, trace) = s.runDetailed(design: design, spec: spec)
            var changes: [(time: Int64, gross: Double, net: Double)] = []
            for i in trace.notional.indices where trace.executedAt[i] >= 0 {
                let signed = Double(trace.side[i]) * trace.notional[i]
                changes.append((trace.executedAt[i], trace.notional[i], signed))
                changes.append((trace.finalAt[i], -trace.notional[i], -signed))
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
            if design == "sync" { #expect(grossMax <= capital * (1 + 1e-12), "atomic gross \(grossMax), seed \(Self.seed)") }
            else { #expect(netMax <= capital * (1 + 1e-12), "batched net \(netMax), seed \(Self.seed)") }
            #expect(result.value("trades_lost")! > 0, "\(design): capital binds in this regime")
            #expect(abs(result.value("exposure_gross_max")! - grossMax) <= 1e-6 * grossMax,
                    "reported maximum matches the sweep (sync: window max equals run max here)")
        }
    }

    /// sync versus async on Ethereum with capital 1,000,000, 10 paired replications (common random
    /// numbers: the same trades arrive under both designs), 95% Student-t intervals on the paired
    /// differences. Expected: async settles later (batch wait ~ interval / 2 on top), holds more
    /// gross notional unsettled (longer latency, more trades), but loses fewer trades because only
    /// the net position needs capital.
    @Test func syncAndAsyncDifferWithConfidence() throws {
        let s = try Self.scenario(capital: 1_000_000)
        var latency: [Double] = [], exposure: [Double] = [], lost: [Double] = [], capture: [Double] = []
        var syncSummary = [0.0, 0, 0], asyncSummary = [0.0, 0, 0]
        for r in 0..<10 {
            let spec = ReplicationSpec(replication: r, rootSeed: Self.seed, horizon: .seconds(14_400 as Int64), warmUp: .seconds(1_800 as Int64))
            let sync = s.run(design: "sync", spec: spec), async = s.run(design: "async", spec: spec)
            #expect(sync.value("trades_offered") == async.value("trades_offered"), "common random numbers")
            latency.append(async.value("settlement_final_latency_mean")! - sync.value("settlement_final_latency_mean")!)
            exposure.append(async.value("exposure_gross_mean")! - sync.value("exposure_gross_mean")!)
            lost.append(async.value("trades_lost")! - sync.value("trades_lost")!)
            capture.append(async.value("capture_rate")! - sync.value("capture_rate")!)
            for (i, name) in ["settlement_final_latency_mean", "exposure_gross_mean", "capture_rate"].enumerated() {
                syncSummary[i] += sync.value(name)! / 10; asyncSummary[i] += async.value(name)! / 10
            }
        }
        let l = confidenceInterval95(latency), e = confidenceInterval95(exposure), x = confidenceInterval95(lost), c = confidenceInterval95(capture)
        print("sync vs async (ethereum, capital 1e6, 10 replications): final latency sync \(syncSummary[0] / 1e9) s, async \(asyncSummary[0] / 1e9) s; "
              + "gross exposure sync \(syncSummary[1]), async \(asyncSummary[1]); capture sync \(syncSummary[2]), async \(asyncSummary[2])")
        print("paired async - sync: latency \(l.mean / 1e9) ± \(l.halfWidth / 1e9) s; exposure \(e.mean) ± \(e.halfWidth); "
              + "trades lost \(x.mean) ± \(x.halfWidth); capture \(c.mean) ± \(c.halfWidth)")
        #expect(l.mean - l.halfWidth > 0, "async settles later (seed \(Self.seed))")
        #expect(e.mean - e.halfWidth > 0, "async holds more gross exposure (seed \(Self.seed))")
        #expect(x.mean + x.halfWidth < 0, "async loses fewer trades (seed \(Self.seed))")
        #expect(c.mean - c.halfWidth > 0, "async captures more (seed \(Self.seed))")
    }

    /// On an exchange ledger (latency in milliseconds), batching adds exactly the batch wait:
    /// trades arrive as a Poisson process, so a trade's wait to the next batch close is
    /// U(0, B) with mean B / 2 = 150 s and sd B / sqrt(12) = 86.6 s. Tolerance: 4 standard errors
    /// of the pooled mean (false alarm 6e-5) plus 10 ms for the connectivity and ledger draws.
    @Test func batchingAddsHalfTheIntervalOnALedger() throws {
        let s = try Self.scenario(capital: 1e12, layer: .ledger(SettlementPresets.exchangeLedger))
        var gapTotal = 0.0, trades = 0.0
        for r in 0..<5 {
            let spec = ReplicationSpec(replication: r, rootSeed: Self.seed, horizon: .seconds(14_400 as Int64), warmUp: .seconds(600 as Int64))
            let sync = s.run(design: "sync", spec: spec), async = s.run(design: "async", spec: spec)
            let n = async.value("settlement_final_latency_count")!
            gapTotal += n * (async.value("settlement_final_latency_mean")! - sync.value("settlement_final_latency_mean")!)
            trades += n
        }
        let gap = gapTotal / trades / 1e9
        let tolerance = 4 * 86.6 / trades.squareRoot() + 0.01
        print("ledger: async - sync final latency \(gap) s over \(Int(trades)) trades; theory 150 s ± \(tolerance) s")
        #expect(abs(gap - 150) < tolerance, "gap \(gap) s, seed \(Self.seed)")
    }

    @Test func runsAreDeterministic() throws {
        let s = try Self.scenario(capital: 500_000)
        let spec = ReplicationSpec(replication: 3, rootSeed: Self.seed, horizon: .seconds(3_600 as Int64))
        for design in s.designs {
            #expect(s.run(design: design, spec: spec) == s.run(design: design, spec: spec))
        }
        var traced = spec
        traced.keepTrace = true
        let (withTrace, trace) = s.runDetailed(design: "sync", spec: traced)
        #expect(withTrace.traceRows.count == trace.notional.count && withTrace.traceHeader.count == withTrace.traceRows.first?.count)
        #expect(withTrace.metrics == s.run(design: "sync", spec: spec).metrics, "tracing does not change results")
        var other = spec
        other.rootSeed += 1
        #expect(s.run(design: "sync", spec: spec) != s.run(design: "sync", spec: other))
    }
}
