import Testing
import LatSimCore
@testable import LatSimSettlement

/// Memory grows with pending work, not with processed events: a long run without a trace keeps
/// a slot per trade (message, relayed copy, batch) in flight only. Each test runs a horizon and
/// four times that horizon and checks that the state's high-water marks (pool capacities,
/// dictionary capacities) stay under a bound derived from the work in flight, while the number
/// of items processed grows with the horizon far past that bound. (The settlement kind's: the
/// trade flow's TradeFlowTests.keepsOnlyUnsettledTrades and batchesAreRetiredWhenFinal.)
@Suite struct BoundedStateTests {
    static let seed: UInt64 = 31_415

    static func spec(hours: Int64) -> ReplicationSpec {
        ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(hours * 3_600))
    }

    static func crossChain(failure: Double, rate: Double, designs: [SettlementDesign]) throws -> CrossChainScenario {
        let source = try ChainSpec(name: "a", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0.1), capacityPerBlock: 1_000,
                                   ordering: .fifo, finality: .confirmations(2))
        let destination = try ChainSpec(name: "b", production: .slots(slot: .seconds(2 as Int64), missedProbability: 0), capacityPerBlock: 1_000,
                                        ordering: .fifo, finality: .confirmations(1))
        return try CrossChainScenario(source: .chain(source), destination: .chain(destination), transferRatePerSecond: rate,
                                      relayerCount: 3, quorum: 2, relayerLatency: .lognormal(median: 5e9, sigma: 1),
                                      deliveryLatency: .constant(0), failureProbability: failure, retryDelay: .seconds(20 as Int64),
                                      designs: designs)
    }

    /// Pipelined senders at 0.5 transfers/s, a transfer taking about 15 s: a few dozen messages
    /// and copies in flight, bound 500, while 2 h and 8 h deliver 3,600 and 14,400. Lock-step
    /// senders (one transfer at a time, about 15 s each), and an ordered channel under failures
    /// (a failure holds every later nonce for the 20 s retry), are stable only at lower rates: at
    /// 0.02/s a handful are in flight, bound 128 (the nonce window keeps up to 32 retired ids
    /// before it compacts, and an array's capacity doubles), while 6 h and 24 h deliver 430 and 1,730. (Past
    /// its capacity a sender's or channel's backlog grows without bound: that is pending work,
    /// and the model keeps it; at 0.5/s with failure 0.2 the ordered channel holds thousands.)
    @Test(arguments: [0.0, 0.2])
    func crossChainKeepsOnlyMessagesInFlight(failure: Double) throws {
        let orderedPipelined = SettlementDesign(name: "ordered-pipelined", settlement: .batched, channel: .ordered, transfers: .pipelined)
        let fast = [SettlementDesign.async] + (failure == 0 ? [orderedPipelined] : [])
        let slow = [SettlementDesign.sync, SettlementDesign(name: "unordered-lock-step", settlement: .batched, channel: .unordered, transfers: .lockStep),
                    orderedPipelined]
        for (designs, rate, bound, hours) in [(fast, 0.5, 500, [Int64(2), 8]), (slow, 0.02, 128, [Int64(6), 24])] {
            let s = try Self.crossChain(failure: failure, rate: rate, designs: designs)
            for design in s.designs {
                var processed: [Int] = []
                for h in hours {
                    let (result, model) = s.simulate(design: design, spec: Self.spec(hours: h), tracing: false)
                    let delivered = Int(result.value("transfers_delivered")!)
                    processed.append(delivered)
                    print("cross-chain \(design) failure \(failure) \(h) h: capacities \(model.messages.capacity) messages, \(model.attempts.capacity) copies, \(delivered) delivered")
                    #expect(model.messages.capacity <= bound && model.attempts.capacity <= bound,
                            "\(design) failure \(failure) \(h) h: capacities \(model.messages.capacity) messages, \(model.attempts.capacity) copies for \(delivered) transfers, seed \(Self.seed)")
                    #expect(model.messages.count == 0, "every message executed by the end of the drain")
                    #expect(model.trace.requestedAt.count == 0 && model.destination.blockTimes.count == 0, "no per-message rows without a trace")
                }
                #expect(processed[1] > 5 * bound && processed[1] > 3 * processed[0], "\(design): the long run processes far more than the bound")
            }
        }
    }
}
