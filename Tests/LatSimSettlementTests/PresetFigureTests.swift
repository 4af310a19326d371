import Testing
import LatSimCore
@testable import LatSimSettlement

/// The presets' dates, sources and key figures (their public figures through a trade flow:
/// TradeFlowTests.presetsReproducePublicFigures).
@Suite struct PresetFigureTests {
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
            case .replay: Issue.record("\(name): a preset replays blocks"); continue
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
