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
            ("cosmos-hub", 3_600, 2.55, 0.1),     // residual of a 5 s slot (2.5 s) plus 1% missed slots (~0.05 s)
            ("solana-alpenglow", 1_800, 0.212, 0.1), // final at the block: residual 0.2 s + 0.4 s x 0.03 / 0.97
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

    /// Every layer and bridge preset says which date it describes and where its figures come from.
    @Test func presetsAreDatedAndSourced() {
        let dated = SettlementPresets.layerPresets.map { ($0.name, $0.dated) } + SettlementPresets.bridgePresets.map { ($0.name, $0.dated) }
        for (name, source) in dated {
            let parts = source.asOf.split(separator: "-")
            #expect(parts.count == 3 && parts[0].count == 4 && parts.allSatisfy { Int($0) != nil } && source.asOf >= "2008-01-01",
                    "\(name): as_of \(source.asOf) is not a date YYYY-MM-DD")
            #expect(source.source.count >= 40, "\(name): source too short to name a document: \(source.source)")
        }
        for preset in SettlementPresets.presets where dated.contains(where: { $0.0 == preset.name }) {
            #expect(preset.summary.contains("(as of "), "\(preset.name): the listing shows no date")
        }
    }

    /// The key figures of each preset, as cited in its source (docs/settlement.md, Presets): a
    /// silent change of a preset fails here.
    @Test func keyFiguresMatchTheTable() throws {
        // (preset, block or slot interval s, finality, levels)
        let chains: [(String, Double, String, [String])] = [
            ("bitcoin", 600, "final at 6 confirmations", ["included", "confirmed-3", "finalized"]),
            ("ethereum", 12, "final at the end of epoch E+2, E the epoch of inclusion (32 slots per epoch)", ["included", "justified", "finalized"]),
            ("solana", 0.4, "final at 32 confirmations", ["included", "confirmed", "finalized"]),
            ("solana-alpenglow", 0.4, "final at 1 confirmation", ["included", "finalized"]),
            ("cometbft", 6, "final at 1 confirmation", ["included", "finalized"]),
            ("cosmos-hub", 5, "final at 1 confirmation", ["included", "finalized"]),
        ]
        for (name, interval, finality, levels) in chains {
            guard case .chain(let c)? = SettlementPresets.layer(named: name) else { Issue.record("\(name) is not a chain"); continue }
            let slot: SimDuration
            switch c.production {
            case .poisson(let mean): slot = mean
            case .slots(let s, _): slot = s
            }
            #expect(slot.seconds == interval, "\(name): interval \(slot)")
            #expect(c.finality.description == finality, "\(name): \(c.finality)")
            #expect(c.levels.map(\.name) == levels, "\(name): levels \(c.levels.map(\.name))")
        }
        // (preset, soft mean s, batch interval s, proof mean s, withdrawal delay s, levels)
        let rollups: [(String, Double, Double, Double, Double, [String])] = [
            ("arbitrum", 0.26, 120, 0, 6.4 * 86_400, ["soft", "posted", "l1-final", "challenge-end"]),
            ("op-stack", 1, 300, 0, 7 * 86_400, ["soft", "posted", "l1-final", "challenge-end"]),
            ("zk-rollup", 1.05, 300, 3_766, 3 * 3_600, ["soft", "proven", "l1-final", "withdrawable"]),
        ]
        for (name, soft, batch, proof, withdrawal, levels) in rollups {
            guard case .rollup(let r)? = SettlementPresets.layer(named: name) else { Issue.record("\(name) is not a rollup"); continue }
            #expect(abs(r.softConfirmation.mean / 1e9 - soft) < 0.01 * soft, "\(name): soft mean \(r.softConfirmation.mean / 1e9) s")
            #expect(r.batchInterval.seconds == batch && abs(r.proofDelay.mean / 1e9 - proof) <= 0.01 * max(proof, 1), "\(name)")
            #expect(r.withdrawalDelay.seconds == withdrawal && r.l1 == SettlementPresets.ethereum, "\(name): withdrawal \(r.withdrawalDelay)")
            #expect(LayerSpec.rollup(r).levels.map(\.name) == levels, "\(name)")
        }
        // (bridge, attesters, quorum, delivery latency s)
        let bridges: [(String, Int, Int, Double)] = [("wormhole", 19, 13, 0), ("ibc", 1, 1, 0), ("optimistic-30m", 1, 1, 1_800)]
        #expect(SettlementPresets.bridgePresets.map(\.name) == bridges.map(\.0))
        for (name, count, quorum, delivery) in bridges {
            let b = try #require(SettlementPresets.bridge(named: name))
            #expect(b.relayerCount == count && b.quorum == quorum && b.deliveryLatency.mean / 1e9 == delivery, "\(name)")
        }
    }
}
