import Foundation
import Testing
import LatSimCore
@testable import LatSimSettlement

/// Chains against theory. Each sample is one transaction on its own replication (independent
/// block processes), submitted at a uniform time; KS tests at significance 0.001 with n = 1500
/// (critical D about 0.050), so a correct model fails one of these tests with probability 0.001.
@Suite struct ChainTheoryTests {
    static let seed: UInt64 = 20_261_126
    static let n = 1_500
    static let alpha = 0.001

    /// Convention: the block that includes a transaction is its first confirmation. With Poisson
    /// blocks of rate r, the wait from any submission time to the next block is Exp(r) (memoryless:
    /// the residual of a Poisson process is again Exp(r)), so k confirmations take Erlang(k, r).
    @Test func poissonBlocksGiveErlangConfirmations() throws {
        let k = 3
        let chain = try ChainSpec(name: "pow", production: .poisson(meanInterval: .seconds(600 as Int64)), capacityPerBlock: 10,
                                  ordering: .fee, finality: .confirmations(k))
        var soft: [Double] = [], final: [Double] = []
        for r in 0..<Self.n {
            let sample = LayerProbe.latencies(.chain(chain), seed: Self.seed, replication: r, window: .seconds(86_400 as Int64))
            soft.append(sample.soft); final.append(sample.final)
        }
        let mean = 600e9
        let inclusion = try Distribution.exponential(mean: mean)
        let erlang = try Distribution.gamma(shape: Double(k), scale: mean)
        let critical = ksCritical(n: Self.n, alpha: Self.alpha)
        let dSoft = ksStatistic(soft, cdf: inclusion.cdf), dFinal = ksStatistic(final, cdf: erlang.cdf)
        print("Poisson blocks: KS D inclusion = \(dSoft), D 3 confirmations = \(dFinal), critical(0.001, n \(Self.n)) = \(critical)")
        #expect(dSoft < critical, "inclusion vs Exp(600 s): D = \(dSoft) >= \(critical), seed \(Self.seed)")
        #expect(dFinal < critical, "3 confirmations vs Erlang(3, 1/600 s): D = \(dFinal) >= \(critical), seed \(Self.seed)")
        // The test can fail: a wrong convention (not counting the including block) gives Erlang(2) here.
        let wrong = try Distribution.gamma(shape: Double(k - 1), scale: mean)
        #expect(ksStatistic(final, cdf: wrong.cdf) > critical)
    }

    /// Fixed 12 s slots, none missed: the residual to the next slot is Uniform(0, 12 s]; two
    /// confirmations add one slot.
    @Test func fixedSlotsGiveUniformResidual() throws {
        let chain = try ChainSpec(name: "pos", production: .slots(slot: .seconds(12 as Int64), missedProbability: 0), capacityPerBlock: 10,
                                  ordering: .fifo, finality: .confirmations(2))
        var soft: [Double] = [], final: [Double] = []
        for r in 0..<Self.n {
            let sample = LayerProbe.latencies(.chain(chain), seed: Self.seed, replication: r, window: .seconds(12_000 as Int64))
            soft.append(sample.soft); final.append(sample.final)
            #expect(sample.final - sample.soft == 12e9, "second confirmation one slot later (seed \(Self.seed), replication \(r))")
        }
        let residual = try Distribution.uniform(lower: 0, upper: 12e9)
        let d = ksStatistic(soft, cdf: residual.cdf)
        print("Fixed slots: KS D residual = \(d)")
        #expect(d < ksCritical(n: Self.n, alpha: Self.alpha), "residual vs U(0, 12 s): D = \(d), seed \(Self.seed)")
    }

    /// Missed slots (probability q, independent): the inclusion wait is U + S M with M ~ Geometric
    /// (P(M = m) = q^m (1 - q)), so F(t) = sum_m q^m (1 - q) F_U(t - m S).
    @Test func missedSlotsGiveGeometricExtraSlots() throws {
        let q = 0.3, slot = 12e9
        let chain = try ChainSpec(name: "pos", production: .slots(slot: .seconds(12 as Int64), missedProbability: q), capacityPerBlock: 10,
                                  ordering: .fifo, finality: .confirmations(1))
        var soft: [Double] = []
        for r in 0..<Self.n {
            soft.append(LayerProbe.latencies(.chain(chain), seed: Self.seed, replication: r, window: .seconds(12_000 as Int64)).soft)
        }
        let uniform = try Distribution.uniform(lower: 0, upper: slot)
        let cdf: (Double) -> Double = { t in
            var total = 0.0, weight = 1 - q
            for m in 0..<60 { total += weight * uniform.cdf(t - Double(m) * slot); weight *= q }
            return total
        }
        let d = ksStatistic(soft, cdf: cdf)
        print("Missed slots q = 0.3: KS D = \(d)")
        #expect(d < ksCritical(n: Self.n, alpha: Self.alpha), "missed-slot wait: D = \(d), seed \(Self.seed)")
        #expect(ksStatistic(soft, cdf: uniform.cdf) > ksCritical(n: Self.n, alpha: Self.alpha), "the test distinguishes q = 0")
    }

    /// The epoch rule, exactly: with no missed slot, a transaction submitted at u is included at
    /// slot s = floor(u / S) + 1, in epoch e = floor(s / 32), and final at the start of epoch e + 3
    /// (the end of epoch e + 2).
    @Test func epochFinalityIsExact() throws {
        let chain = try ChainSpec(name: "pos", production: .slots(slot: .seconds(12 as Int64), missedProbability: 0), capacityPerBlock: 10,
                                  ordering: .fee, finality: .epochs(slotsPerEpoch: 32, epochs: 2))
        let window = SimDuration.seconds(12 * 32 * 20 as Int64)
        for r in 0..<200 {
            let u = RandomStream(rootSeed: Self.seed, replication: r, component: "test:submit").uniform() * Double(window.nanoseconds)
            let submitted = Double(Int64(u.rounded()))
            let sample = LayerProbe.latencies(.chain(chain), seed: Self.seed, replication: r, window: window)
            let slot = floor(submitted / 12e9) + 1
            let epoch = floor(slot / 32)
            #expect(sample.soft == slot * 12e9 - submitted, "replication \(r), seed \(Self.seed)")
            #expect(sample.final == (epoch + 3) * 32 * 12e9 - submitted, "replication \(r), seed \(Self.seed)")
        }
    }

    @Test func mempoolOrdersByFeeOrSubmission() throws {
        let replication = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(1 as Int64))
        let fees: [Double] = [5, 1, 9, 9, 3, 7, 2]
        for ordering in MempoolOrdering.allCases {
            let spec = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: 3,
                                     ordering: ordering, finality: .confirmations(1))
            var chain = Chain(spec: spec, replication: replication)
            for (id, fee) in fees.enumerated() { chain.submit(id: id, fee: fee, at: .zero) }
            var order: [Int] = []
            for block in 1...3 {
                chain.produceBlock(at: SimInstant(nanosecondsSinceStart: Int64(block) * 1_000_000_000))
                #expect(chain.included.count == min(3, fees.count - (block - 1) * 3), "capacity per block")
                order += chain.included
                #expect(Array(chain.finalized) == Array(chain.included), "one confirmation: final on inclusion")
            }
            let expected = ordering == .fifo ? Array(0..<fees.count) : [2, 3, 5, 0, 4, 6, 1]
            #expect(order == expected, "\(ordering) order")
        }
        // The heap against a sorted reference on random keys.
        let stream = RandomStream(rootSeed: Self.seed, replication: 0, component: "test:heap")
        var pool = Mempool()
        var reference: [(Double, UInt64, Int)] = []
        for i in 0..<500 {
            let priority = Double(stream.uniformInt(below: 20))
            pool.insert(id: i, priority: priority, sequence: UInt64(i))
            reference.append((priority, UInt64(i), i))
        }
        pool.checkInvariants()
        reference.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        #expect(reference.map(\.2) == (0..<500).map { _ in pool.popMin()!.id })
    }

    /// Reorgs: every transaction becomes final exactly once, nothing is lost or duplicated, and
    /// orphaned transactions are re-included.
    @Test func reorgsConserveTransactions() throws {
        let spec = try ChainSpec(name: "forky", production: .poisson(meanInterval: .seconds(10 as Int64)), capacityPerBlock: 4,
                                 ordering: .fee, finality: .confirmations(3), reorgProbability: 0.3)
        var chain = Chain(spec: spec, replication: ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(1 as Int64)))
        let stream = RandomStream(rootSeed: Self.seed, replication: 0, component: "test:fees")
        var finalCount = [Int](repeating: 0, count: 400)
        var includedCount = [Int](repeating: 0, count: 400)
        var reorgedCount = 0
        var now = SimInstant.zero
        var submitted = 0
        while finalCount.contains(0) {
            if submitted < 400 {
                for _ in 0..<3 where submitted < 400 { chain.submit(id: submitted, fee: stream.uniform(), at: now); submitted += 1 }
            }
            now = chain.scheduleNextBlock(after: now)
            chain.produceBlock(at: now)
            for id in chain.included { includedCount[id] += 1 }
            for id in chain.finalized { finalCount[id] += 1 }
            reorgedCount += chain.reorged.count
            #expect(chain.mempoolCount + chain.awaitingFinalityCount + finalCount.reduce(0, +) == submitted, "conservation")
        }
        #expect(finalCount.allSatisfy { $0 == 1 }, "each final exactly once (seed \(Self.seed))")
        #expect(chain.blocksOrphaned > 10 && reorgedCount > 10, "reorgs happened: \(chain.blocksOrphaned) blocks, \(reorgedCount) txs")
        #expect(includedCount.reduce(0, +) == 400 + reorgedCount, "each orphaned transaction included once more")
    }
}

/// Competing traffic: throughput and priority against simple references.
@Suite struct BackgroundLoadTests {
    static let seed: UInt64 = 909

    static func chain(_ ordering: MempoolOrdering, utilization: Double) throws -> ChainSpec {
        try ChainSpec(name: "busy", production: .slots(slot: .seconds(12 as Int64), missedProbability: 0), capacityPerBlock: 50,
                      ordering: ordering, finality: .confirmations(1), backgroundUtilization: utilization,
                      backgroundFee: .uniform(lower: 0, upper: 1))
    }

    /// Below saturation every competing transaction is eventually included, so the long-run
    /// inclusions per block equal the arrival rate rho x capacity. Over N blocks the count is
    /// Poisson(rho c N) up to the (bounded) backlog: tolerance 4 standard deviations plus one block.
    @Test func backgroundThroughputMatchesUtilization() throws {
        for ordering in MempoolOrdering.allCases {
            var chain = Chain(spec: try Self.chain(ordering, utilization: 0.8),
                              replication: ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(1 as Int64)))
            var now = SimInstant.zero
            let blocks = 2_000
            for _ in 0..<blocks { now = chain.scheduleNextBlock(after: now); chain.produceBlock(at: now) }
            let expected = 0.8 * 50 * Double(blocks)
            let included = Double(chain.backgroundIncluded)
            #expect(abs(included - expected) < 4 * expected.squareRoot() + 50, "\(ordering): \(included) vs \(expected) (seed \(Self.seed))")
        }
    }

    /// Under heavy load (rho = 0.95), a fee above every competing fee is included exactly as on an
    /// idle chain (same block stream), while FIFO waits behind the queue: some submissions find
    /// more than a block's capacity ahead of them (Poisson(47.5) arrivals per 50-slot block) and
    /// wait whole extra blocks (measured: 7 of 60 waited one more 12 s block).
    @Test func feePriorityBeatsTheQueue() throws {
        var idle: [Double] = [], priority: [Double] = [], fifo: [Double] = []
        for r in 0..<60 {
            let window = SimDuration.seconds(12 * 300 as Int64)
            idle.append(LayerProbe.latencies(.chain(try Self.chain(.fee, utilization: 0)), seed: Self.seed, replication: r, window: window).soft)
            priority.append(LayerProbe.latencies(.chain(try Self.chain(.fee, utilization: 0.95)), seed: Self.seed, replication: r, window: window).soft)
            fifo.append(LayerProbe.latencies(.chain(try Self.chain(.fifo, utilization: 0.95)), seed: Self.seed, replication: r, window: window).soft)
        }
        #expect(priority == idle, "fee 1 >= every background fee in [0, 1): next block, as if idle (seed \(Self.seed))")
        let idleMean = idle.reduce(0, +) / 60, fifoMean = fifo.reduce(0, +) / 60
        print("background load 0.95: FIFO inclusion mean \(fifoMean / 1e9) s vs idle/fee-priority \(idleMean / 1e9) s")
        let delayed = zip(fifo, idle).filter { $0.0 > $0.1 }.count
        #expect(delayed >= 3 && zip(fifo, idle).allSatisfy { $0.0 >= $0.1 }, "FIFO waits behind the queue: \(delayed) of 60 (seed \(Self.seed))")
    }
}
