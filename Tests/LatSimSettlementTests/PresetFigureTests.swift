import Testing
import LatSimCore
@testable import LatSimSettlement

/// Each layer preset reproduces the public figure it was built from (docs/settlement.md), on a
/// light load (capital unlimited, atomic settlement, colocated connectivity). Bands are wide
/// because trades share blocks (samples are correlated); the expected values are derived in
/// the comments.
@Suite struct PresetFigureTests {
    @Test func presetsReproducePublicFigures() throws {
        // (preset, horizon, expected final-latency mean in s, relative band)
        let cases: [(String, Int64, Double, Double)] = [
            ("bitcoin", 172_800, 3_600, 0.15),    // 6 confirmations x 600 s (Erlang(6) mean; residual is Exp(600 s))
            ("ethereum", 14_400, 970, 0.06),      // inclusion ~6 s + end of epoch e+2: 2.5 epochs x 384 s on average
            ("solana", 1_800, 13.0, 0.05),        // 31 more blocks x 0.4 s / (1 - 0.03 missed) = 12.78 s + residual ~0.21 s
            ("cometbft", 3_600, 3.06, 0.1),       // residual of a 6 s slot (3 s) plus 1% missed slots (~0.06 s)
            ("arbitrum", 14_400, 1_028, 0.08),    // soft 0.26 s + batch wait 60 s + posting 2 s + Ethereum finality ~966 s
            ("op-stack", 14_400, 1_119, 0.08),    // soft 1 s + batch wait 150 s + posting 2 s + ~966 s
            ("zk-rollup", 14_400, 4_885, 0.10),   // soft 1 s + 150 s + 2 s + proof mean 3600 e^0.045 = 3766 s + ~966 s
            ("cex", 600, 0.0011, 0.3),            // ledger latency median 1 ms, sigma 0.5: mean 1.13 ms
        ]
        for (name, horizon, expectedSeconds, band) in cases {
            let scenario = SettlementScenario(layer: SettlementPresets.layer(named: name)!, connectivity: try .constant(0), tradeRatePerSecond: 0.05,
                                              notional: try .constant(1), capital: 1e12, fee: try .constant(1), batchInterval: .seconds(60 as Int64),
                                              designs: [.sync])
            let result = scenario.run(design: "sync", spec: ReplicationSpec(replication: 0, rootSeed: 31, horizon: .seconds(horizon)))
            let mean = result.value("settlement_final_latency_mean")! / 1e9
            print("preset \(name): final latency mean \(mean) s (expected about \(expectedSeconds) s); soft \(result.value("settlement_soft_latency_mean")! / 1e9) s")
            #expect(abs(mean / expectedSeconds - 1) < band, "\(name): \(mean) s vs \(expectedSeconds) s (seed 31)")
            let withdrawal = result.value("withdrawal_latency_mean")! - result.value("settlement_final_latency_mean")!
            let delay = Double(SettlementPresets.layer(named: name)!.withdrawalDelay.nanoseconds)
            #expect(abs(withdrawal - delay) <= 1e-3 * max(delay, 1e6), "\(name) withdrawal delay: \(withdrawal) ns vs \(delay) ns")
        }
    }
}
