import Testing
import LatSimCore
@testable import LatSimSettlement

private func s(_ text: String) -> ConfigNode { .scalar(text) }
private func m(_ entries: [(String, ConfigNode)]) -> ConfigNode { .mapping(entries, path: "model") }

/// The error a decoding throws, as text (nil if it does not throw).
private func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

@Suite struct ConfigTests {
    @Test func presetsAreValidAndListed() throws {
        let names = SettlementPresets.presets.map(\.name)
        #expect(names == ["bitcoin", "ethereum", "solana", "solana-alpenglow", "cometbft", "cosmos-hub", "arbitrum", "op-stack",
                          "zk-rollup", "cex", "wormhole", "ibc", "optimistic-30m", "colocated", "same-region", "cross-continent"])
        #expect(Set(names).count == names.count)
        for preset in SettlementPresets.layerPresets {
            switch preset.spec {
            case .chain(let c): try c.validate()
            case .rollup(let r): try r.validate(); try r.l1.validate()
            case .ledger: break
            }
            #expect(preset.spec.name == preset.name)
        }
        #expect(SettlementScenarios.kinds.isEmpty, "settlement and cross-chain are graph templates")
        #expect(SettlementPresets.connectivity(named: "cross-continent")!.quantile(0.001) >= 30e6, "cross-continent floor 30 ms")
    }

    @Test func layersDecodeFromPresetsWithOverrides() throws {
        #expect(try m([("layer", s("ethereum"))]).layerSpec("layer") == .chain(SettlementPresets.ethereum))
        let bitcoin3 = try m([("layer", m([("preset", s("bitcoin")), ("finality", m([("confirmations", s("3"))]))]))]).layerSpec("layer")
        var expected = SettlementPresets.bitcoin
        expected.finality = .confirmations(3)
        expected.intermediateLevels = []  // confirmed-3 no longer fits below finality at 3
        #expect(bitcoin3 == .chain(expected))
        let rollup = try m([("layer", m([("preset", s("arbitrum")), ("batch_interval", s("30s")),
                                        ("l1", m([("preset", s("ethereum")), ("finality", m([("confirmations", s("1"))]))]))]))]).layerSpec("layer")
        guard case .rollup(let r) = rollup else { Issue.record("not a rollup"); return }
        #expect(r.batchInterval == .seconds(30 as Int64) && r.l1.finality == .confirmations(1) && r.l1.production == SettlementPresets.ethereum.production)
        #expect(r.withdrawalDelay == SettlementPresets.arbitrum.withdrawalDelay)
        let custom = try m([("layer", m([("type", s("chain")), ("name", s("mine")),
                                        ("blocks", m([("type", s("slots")), ("slot", s("2s")), ("missed_probability", s("0.05"))])),
                                        ("capacity", s("100")), ("ordering", s("fee")), ("finality", m([("epochs", s("1")), ("slots_per_epoch", s("8"))]))]))])
            .layerSpec("layer")
        #expect(custom == .chain(try ChainSpec(name: "mine", production: .slots(slot: .seconds(2 as Int64), missedProbability: 0.05),
                                               capacityPerBlock: 100, ordering: .fee, finality: .epochs(slotsPerEpoch: 8, epochs: 1))))
    }

    @Test func badLayersGiveClearErrors() throws {
        let typo = errorText { _ = try m([("layer", m([("preset", s("etherium"))]))]).layerSpec("layer") }
        #expect(typo?.contains("model.layer.preset") == true && typo?.contains("did you mean \"ethereum\"") == true, "\(typo ?? "no error")")
        let key = errorText { _ = try m([("layer", m([("preset", s("ethereum")), ("capacty", s("3"))]))]).layerSpec("layer") }
        #expect(key?.contains("model.layer.capacty") == true && key?.contains("did you mean \"capacity\"") == true, "\(key ?? "no error")")
        let epochs = errorText {
            _ = try m([("layer", m([("type", s("chain")), ("blocks", m([("type", s("poisson")), ("mean_interval", s("600s"))])),
                                   ("capacity", s("10")), ("finality", m([("epochs", s("2"))]))]))]).layerSpec("layer")
        }
        #expect(epochs?.contains("needs slot-based block production") == true, "\(epochs ?? "no error")")
        let capacity = errorText { _ = try m([("layer", m([("preset", s("solana")), ("capacity", s("0"))]))]).layerSpec("layer") }
        #expect(capacity?.contains("model.layer.capacity") == true && capacity?.contains("1...10000000") == true, "\(capacity ?? "no error")")
        let tier = errorText { _ = try m([("connectivity", s("colocatd"))]).connectivity("connectivity", default: "same-region") }
        #expect(tier?.contains("did you mean \"colocated\"") == true, "\(tier ?? "no error")")
        #expect(try m([("connectivity", s("5ms"))]).connectivity("connectivity", default: "same-region") == .constant(5e6))
        let wrongType = errorText { _ = try m([("layer", m([("preset", s("arbitrum")), ("type", s("chain"))]))]).layerSpec("layer") }
        #expect(wrongType?.contains("model.layer.type") == true, "\(wrongType ?? "no error")")
    }
}
