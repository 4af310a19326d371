import Foundation
import Testing
import LatSimCore
@testable import LatSimSettlement

/// An L2's finality equals soft confirmation plus batch wait plus L1 finality, in distribution.
/// One transaction per replication at a uniform time (independent samples), KS at 0.001.
@Suite struct RollupTheoryTests {
    static let seed: UInt64 = 77_001
    static let n = 1_000

    /// Soft: constant c1 = 1 s. Batches close every B = 60 s; the transaction's soft time is
    /// uniform modulo B, so its batch wait W ~ U(0, B). The batch reaches the L1 after c2 = 2 s;
    /// the L1 has Poisson blocks (mean 12 s) and 2 confirmations, so L1 finality ~ Erlang(2, 1/12 s)
    /// from posting (memoryless). Total T = c1 + W + c2 + Erlang: F(t) = (1/B) int_0^B G(t - c - w) dw.
    @Test func finalityIsSoftPlusBatchWaitPlusL1Finality() throws {
        let l1 = try ChainSpec(name: "l1", production: .poisson(meanInterval: .seconds(12 as Int64)), capacityPerBlock: 100,
                               ordering: .fifo, finality: .confirmations(2))
        let rollup = try RollupSpec(name: "l2", l1: l1, softConfirmation: .constant(1e9), batchInterval: .seconds(60 as Int64),
                                    postingDelay: .constant(2e9))
        var final: [Double] = []
        for r in 0..<Self.n {
            let sample = LayerProbe.latencies(.rollup(rollup), seed: Self.seed, replication: r, window: .seconds(6_000 as Int64))
            #expect(sample.soft == 1e9, "soft confirmation = sequencer latency (seed \(Self.seed), replication \(r))")
            final.append(sample.final)
        }
        let erlang = try Distribution.gamma(shape: 2, scale: 12e9)
        let batch = 60e9, constant = 3e9
        let cdf: (Double) -> Double = { t in
            (Integration.integrate(from: 0, to: batch) { w in erlang.cdf(t - constant - w) } ?? .nan) / batch
        }
        let d = ksStatistic(final, cdf: cdf)
        let critical = ksCritical(n: Self.n, alpha: 0.001)
        print("Rollup finality vs soft + U(0, 60 s) + 2 s + Erlang(2, 12 s): KS D = \(d), critical = \(critical)")
        #expect(d < critical, "D = \(d), seed \(Self.seed)")
        // The test can fail: omitting the batch wait is rejected.
        #expect(ksStatistic(final) { erlang.cdf($0 - constant) } > critical)
    }

    /// A size-limited batch closes as soon as it is full, before the interval.
    @Test func batchClosesAtSize() throws {
        let l1 = try ChainSpec(name: "l1", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: 100,
                               ordering: .fifo, finality: .confirmations(1))
        let rollup = try RollupSpec(name: "l2", l1: l1, softConfirmation: .constant(0), batchInterval: .seconds(3_600 as Int64),
                                    batchSizeLimit: 1)
        let sample = LayerProbe.latencies(.rollup(rollup), seed: Self.seed, replication: 0, window: .seconds(10 as Int64))
        #expect(sample.final <= 1e9, "posted at once and included in the next 1 s slot: \(sample.final) ns")
    }
}
