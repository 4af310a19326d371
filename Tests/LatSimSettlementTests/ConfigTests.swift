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
        #expect(SettlementScenarios.kinds.map(\.name) == ["cross-chain"])
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

    static let crossChainExample = m([
        ("kind", s("cross-chain")),
        ("source", m([("preset", s("ethereum")), ("finality", m([("confirmations", s("2"))]))])),
        ("destination", s("cometbft")),
        ("transfers", m([("rate_per_second", s("0.02"))])),
        ("relayers", m([("count", s("3")), ("quorum", s("2")), ("latency", m([("type", s("lognormal")), ("median", s("5s")), ("sigma", s("0.8"))]))])),
        ("failure_probability", s("0.05")),
        ("retry_delay", s("30s")),
        ("designs", ConfigNode.list([s("sync"), s("async"), s("ordered-pipelined")])),
    ])

    /// The documented examples decode and run; every design reports the same metric names in the same order.
    @Test func documentedExamplesRun() throws {
        for (kind, example) in zip(SettlementScenarios.kinds, [Self.crossChainExample]) {
            let scenario = try kind.make(example)
            let spec = ReplicationSpec(replication: 0, rootSeed: 9, horizon: .seconds(3_600 as Int64))
            var names: [String]? = nil
            for design in scenario.designs {
                let result = scenario.run(design: design, spec: spec)
                #expect(result.eventsProcessed > 0 && !result.stopReason.isEmpty)
                if let names { #expect(result.metrics.map(\.name) == names) } else { names = result.metrics.map(\.name) }
                // Every metric belongs to a family the kind lists (the Experiments layer's `metrics:` filter).
                for metric in result.metrics {
                    #expect(kind.metrics.contains { metric.name == $0.name || metric.name.hasPrefix($0.name + "_") }, "\(metric.name)")
                }
                #expect(kind.metrics.allSatisfy { family in result.metrics.contains { $0.name == family.name || $0.name.hasPrefix(family.name + "_") } })
            }
        }
    }

    @Test func badScenariosGiveClearErrors() throws {
        let quorum = errorText {
            _ = try CrossChainScenario(config: m([("source", s("ethereum")), ("destination", s("cometbft")),
                                                  ("transfers", m([("rate_per_second", s("1"))])),
                                                  ("relayers", m([("count", s("3")), ("quorum", s("4")), ("latency", s("1s"))]))]))
        }
        #expect(quorum?.contains("model.relayers.quorum") == true && quorum?.contains("1...3") == true, "\(quorum ?? "no error")")
        let design = errorText {
            _ = try CrossChainScenario(config: m([("source", s("ethereum")), ("destination", s("cometbft")),
                                                  ("transfers", m([("rate_per_second", s("1"))])), ("designs", ConfigNode.list([s("asyn")]))]))
        }
        #expect(design?.contains("did you mean \"async\"") == true, "\(design ?? "no error")")
    }

    /// `bridge: <preset>` sets the relayers and the delivery latency; explicit keys override.
    @Test func bridgePresetsDecode() throws {
        func scenario(_ extra: [(String, ConfigNode)]) throws -> CrossChainScenario {
            try CrossChainScenario(config: m([("source", s("ethereum")), ("destination", s("cometbft")),
                                              ("transfers", m([("rate_per_second", s("1"))]))] + extra))
        }
        let wormhole = try scenario([("bridge", s("wormhole"))])
        #expect(wormhole.relayerCount == 19 && wormhole.quorum == 13 && wormhole.deliveryLatency.mean == 0)
        let optimistic = try scenario([("bridge", s("optimistic-30m"))])
        #expect(optimistic.relayerCount == 1 && optimistic.deliveryLatency.mean == 1_800e9)
        let fewer = try scenario([("bridge", s("wormhole")), ("relayers", m([("quorum", s("10"))]))])
        #expect(fewer.relayerCount == 19 && fewer.quorum == 10 && fewer.relayerLatency == SettlementPresets.bridge(named: "wormhole")!.relayerLatency)
        let unknown = errorText { _ = try scenario([("bridge", s("wormhol"))]) }
        #expect(unknown?.contains("model.bridge") == true && unknown?.contains("wormhole") == true, "\(unknown ?? "no error")")
    }
}
