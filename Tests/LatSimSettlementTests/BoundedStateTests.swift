import Testing
import LatSimCore
@testable import LatSimSettlement

/// Memory grows with pending work, not with processed events: a long run without a trace keeps
/// a slot per trade (message, relayed copy, batch) in flight only. Each test runs a horizon and
/// four times that horizon and checks that the state's high-water marks (pool capacities,
/// dictionary capacities) stay under a bound derived from the work in flight, while the number
/// of items processed grows with the horizon far past that bound.
@Suite struct BoundedStateTests {
    static let seed: UInt64 = 31_415

    static func settlement(layer: LayerSpec, capital: Double = 1e12) throws -> SettlementScenario {
        SettlementScenario(layer: layer, connectivity: SettlementPresets.connectivity(named: "same-region")!, tradeRatePerSecond: 1,
                           notional: try .lognormal(median: 10_000, sigma: 1), capital: capital, fee: try .constant(1),
                           batchInterval: .seconds(60 as Int64))
    }

    static func spec(hours: Int64) -> ReplicationSpec {
        ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(hours * 3_600))
    }

    /// At 1 trade/s, Ethereum's finality (about 13 min) keeps about 800 trades in flight, Arbitrum's
    /// (soft, a batch of up to 60 s, then the L1's finality) about as many: 2,000 slots is a bound
    /// with room for fluctuations, while 2 h and 8 h process 7,200 and 28,800 trades.
    @Test(arguments: ["ethereum", "arbitrum", "cex"])
    func settlementKeepsOnlyUnsettledTrades(layerName: String) throws {
        let layer: LayerSpec = switch layerName {
        case "ethereum": .chain(SettlementPresets.ethereum)
        case "arbitrum": .rollup(SettlementPresets.arbitrum)
        default: .ledger(SettlementPresets.exchangeLedger)
        }
        let s = try Self.settlement(layer: layer)
        let bound = 2_000
        for design in s.designs {
            var processed: [Int] = []
            for hours: Int64 in [2, 8] {
                let (result, model) = s.simulate(design: design, spec: Self.spec(hours: hours), tracing: false)
                let executed = Int(result.value("trades_executed")!)
                print("settlement \(layerName) \(design) \(hours) h: \(model.trades.capacity) trade slots, \(executed) trades")
                processed.append(executed)
                #expect(model.trades.capacity <= bound, "\(layerName) \(design) \(hours) h: \(model.trades.capacity) trade slots for \(executed) trades, seed \(Self.seed)")
                #expect(model.trades.liveCount == 0, "every trade is final at the end of the drain")
                #expect(model.unsettledBatches.count == 0 && model.layer.pendingBatchCount == 0)
                #expect(model.trace.notional.count == 0 && model.layer.blockTimes.count == 0, "no per-trade rows without a trace")
                #expect(result.value("trades_unsettled") == 0)
            }
            #expect(processed[1] > 10 * bound && processed[1] > 3 * processed[0], "\(layerName) \(design): the long run processes far more than the bound")
        }
    }

    /// Batched settlement keeps a record per closed batch until it is final: with a batch a
    /// minute and Ethereum's finality, about 15 at once.
    @Test func batchesAreRetiredWhenFinal() throws {
        let s = try Self.settlement(layer: .chain(SettlementPresets.ethereum))
        var peak = 0
        var sim = Simulation(model: SettlementModel(parameters: s, design: .async, spec: Self.spec(hours: 8), tracing: false))
        sim.model.start(context: &sim.context)
        // Run in slices of 100 events (the model stops itself once every trade is final).
        while case .eventLimitReached = sim.run(RunLimits(maxEvents: 100)) { peak = max(peak, sim.model.unsettledBatches.count) }
        let model = sim.model
        print("settlement batched: peak \(peak) unsettled batches of \(model.batchesClosed)")
        #expect(model.batchesClosed > 400, "8 h of one-minute batches")
        #expect(peak <= 40, "peak \(peak) unsettled batches of \(model.batchesClosed), seed \(Self.seed)")
    }

    /// Tracing keeps the first `traceRowLimit` trades and counts the rest; the metrics do not change.
    @Test func settlementTraceIsCapped() throws {
        let s = SettlementScenario(layer: .ledger(SettlementPresets.exchangeLedger), connectivity: SettlementPresets.connectivity(named: "same-region")!,
                                   tradeRatePerSecond: 10, notional: try .constant(1_000), capital: 1e12, fee: try .constant(1),
                                   batchInterval: .seconds(60 as Int64))
        var spec = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(12_000 as Int64), keepTrace: true)
        let traced = s.run(design: "sync", spec: spec)
        let offered = Int(traced.value("trades_offered")!)
        #expect(offered > ReplicationSpec.traceRowLimit + 10_000, "the run must overflow the cap: \(offered) trades")
        #expect(traced.traceRows.count == ReplicationSpec.traceRowLimit)
        #expect(traced.traceRowsDropped == offered - ReplicationSpec.traceRowLimit, "no warm-up: every trade is offered and either kept or counted")
        spec.keepTrace = false
        let plain = s.run(design: "sync", spec: spec)
        #expect(plain.metrics == traced.metrics && plain.traceRows.isEmpty && plain.traceRowsDropped == 0)
    }
}
