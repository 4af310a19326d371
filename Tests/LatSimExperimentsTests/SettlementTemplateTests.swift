import Testing
import LatSimCore
import LatSimSettlement
@testable import LatSimExperiments

/// The `settlement` template: its connectivity tiers, its own config errors, custom designs, and
/// the hand-written model's sync-versus-async test, ported (paired replications, 95% intervals).
@Suite struct SettlementTemplateTests {
    static let seed: UInt64 = 4_242

    static func config(_ model: String) -> String {
        """
        name: t
        seed: 1
        replications: 1
        horizon: 1h
        model:
          kind: settlement
          layer: ethereum
          trades: {rate_per_second: 0.1, notional: {type: lognormal, median: 10000, sigma: 1}}
        \(model.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static func scenario(_ yaml: String) throws -> any Scenario {
        try ScenarioRegistry.kind(named: "settlement")!.make(try YAMLConfig.parse(yaml, file: "model.yaml", path: "model"))
    }

    /// Each connectivity tier the template writes into the link decodes to the tier's distribution.
    @Test func connectivityTiersAreThePresets() throws {
        #expect(Set(SettlementTemplate.connectivityYAML.keys) == Set(SettlementPresets.connectivityPresets.map(\.name)))
        for (name, yaml) in SettlementTemplate.connectivityYAML {
            let decoded = try YAMLConfig.parse(yaml, file: "tier.yaml", path: "latency").distributionValue()
            #expect(decoded == SettlementPresets.connectivity(named: name), "\(name): \(decoded)")
        }
    }

    @Test func theTemplatesOwnErrorsNameFileKeyAndAllowed() throws {
        #expect(planError(Self.config("capital: 100000\nconnectivity: cross-continent\nfee: 2")) == nil)
        let fee = try #require(planError(Self.config("capital: 100000\nfee: {type: uniform, lower: 1, upper: 3}")))
        #expect(fee.description.contains("config.yaml:") && fee.description.contains("model.fee") && fee.description.contains("a number"), "\(fee)")
        let tier = try #require(planError(Self.config("capital: 100000\nconnectivity: same-regoin")))
        #expect(tier.description.contains("model.connectivity") && tier.description.contains("same-region"), "\(tier)")
        let key = try #require(planError(Self.config("capital: 100000\nbatch_intervall: 5min")))
        #expect(key.description.contains("batch_intervall") && key.description.contains("batch_interval"), "\(key)")
        let capital = try #require(planError(Self.config("batch_interval: 5min")))
        #expect(capital.description.contains("model.capital"), "\(capital)")
        let design = try #require(planError(Self.config("capital: 100000\ndesigns: [{name: x, settlement: netted}]")))
        #expect(design.description.contains("settlement") && design.description.contains("batched") && design.description.contains("netted"), "\(design)")
    }

    /// A custom design `{name, preset, settlement}` sets the trade flow's mode: a sync preset made
    /// batched sends one transaction per interval with trades, like async; the same trades arrive.
    @Test func customDesignsSetTheSettlementMode() throws {
        let s = try Self.scenario("""
            {kind: settlement, layer: cex, trades: {rate_per_second: 1, notional: 100}, capital: 1e9, batch_interval: 60s,
             designs: [sync, {name: netted, preset: sync, settlement: batched}, async]}
            """)
        #expect(s.designs == ["sync", "netted", "async"])
        let spec = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(3_600 as Int64))
        let sync = s.run(design: "sync", spec: spec), netted = s.run(design: "netted", spec: spec), async = s.run(design: "async", spec: spec)
        #expect(netted.metrics == async.metrics)
        // Flushes at 60 s, 120 s, ...: the one at 3,600 s is at the window's end, outside it.
        #expect(netted.value("settlement_transactions") == 59)
        #expect(sync.value("settlement_transactions") == sync.value("trades_executed"))
        #expect(sync.value("trades_offered") == netted.value("trades_offered"))
    }

    /// The documented example (docs/settlement.md) runs every design with the same metric names,
    /// each a family the kind lists; a missing `trades` is an error naming it. Ported from the
    /// hand-written model's ConfigTests.
    @Test func documentedExampleRuns() throws {
        let kind = try #require(ScenarioRegistry.kind(named: "settlement"))
        let s = try Self.scenario("""
            {kind: settlement, layer: {preset: arbitrum}, connectivity: colocated,
             trades: {rate_per_second: 0.05, notional: {type: lognormal, median: 20000, sigma: 1}},
             capital: 250_000, batch_interval: 5min, designs: [sync, async, {name: atomic-pipelined, preset: async, settlement: atomic}]}
            """)
        #expect(s.designs == ["sync", "async", "atomic-pipelined"])
        let spec = ReplicationSpec(replication: 0, rootSeed: 9, horizon: .seconds(3_600 as Int64))
        var names: [String]? = nil
        for design in s.designs {
            let result = s.run(design: design, spec: spec)
            #expect(result.eventsProcessed > 0 && !result.stopReason.isEmpty)
            if let names { #expect(result.metrics.map(\.name) == names) } else { names = result.metrics.map(\.name) }
            for metric in result.metrics {
                #expect(kind.metrics.contains { metric.name == $0.name || metric.name.hasPrefix($0.name + "_") }, "\(metric.name)")
            }
        }
        let missing = try #require(planError("horizon: 1h\nmodel: {kind: settlement, layer: ethereum, capital: 1}"))
        #expect(missing.description.contains("model.trades is required but missing"), "\(missing)")
    }

    /// sync versus async on Ethereum with capital 1,000,000, 10 paired replications (common random
    /// numbers: the same trades arrive under both designs), 95% Student-t intervals on the paired
    /// differences. Expected: async settles later (batch wait ~ interval / 2 on top), holds more
    /// gross notional unsettled, but loses fewer trades because only the net position needs capital.
    @Test func syncAndAsyncDifferWithConfidence() throws {
        let s = try Self.scenario("""
            {kind: settlement, layer: ethereum, trades: {rate_per_second: 0.1, notional: {type: lognormal, median: 10000, sigma: 1}},
             capital: 1000000, batch_interval: 5min}
            """)
        var latency: [Double] = [], exposure: [Double] = [], lost: [Double] = [], capture: [Double] = []
        for r in 0..<10 {
            let spec = ReplicationSpec(replication: r, rootSeed: Self.seed, horizon: .seconds(14_400 as Int64), warmUp: .seconds(1_800 as Int64))
            let sync = s.run(design: "sync", spec: spec), async = s.run(design: "async", spec: spec)
            #expect(sync.value("trades_offered") == async.value("trades_offered"), "common random numbers")
            latency.append(async.value("settlement_final_latency_mean")! - sync.value("settlement_final_latency_mean")!)
            exposure.append(async.value("exposure_gross_mean")! - sync.value("exposure_gross_mean")!)
            lost.append(async.value("trades_lost")! - sync.value("trades_lost")!)
            capture.append(async.value("capture_rate")! - sync.value("capture_rate")!)
        }
        let l = interval95(latency), e = interval95(exposure), x = interval95(lost), c = interval95(capture)
        print("settlement template, paired async - sync (ethereum, 10 replications): latency \(l.mean / 1e9) ± \(l.halfWidth / 1e9) s; "
              + "exposure \(e.mean) ± \(e.halfWidth); trades lost \(x.mean) ± \(x.halfWidth); capture \(c.mean) ± \(c.halfWidth)")
        #expect(l.mean - l.halfWidth > 0, "async settles later (seed \(Self.seed))")
        #expect(e.mean - e.halfWidth > 0, "async holds more gross exposure (seed \(Self.seed))")
        #expect(x.mean + x.halfWidth < 0, "async loses fewer trades (seed \(Self.seed))")
        #expect(c.mean - c.halfWidth > 0, "async captures more (seed \(Self.seed))")
    }

    /// Mean and half-width of a 95% Student-t interval.
    func interval95(_ values: [Double]) -> (mean: Double, halfWidth: Double) {
        let n = Double(values.count), mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, StudentT.quantile(0.975, degreesOfFreedom: n - 1) * (variance / n).squareRoot())
    }
}
