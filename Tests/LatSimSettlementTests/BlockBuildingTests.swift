import Foundation
import Testing
import LatSimCore
@testable import LatSimSettlement

private func s(_ text: String) -> ConfigNode { .scalar(text) }
private func m(_ entries: [(String, ConfigNode)]) -> ConfigNode { .mapping(entries, path: "model") }

/// Block building: priority-fee and auction order against an independent sort, the express
/// lane's delay, reverts and gas.
@Suite struct BlockBuildingTests {
    static let seed: UInt64 = 20_261_202
    static let second: Int64 = 1_000_000_000

    struct Tx { var id: Int; var bid: Double; var arrival: Int64 }

    /// Random transactions (bids and arrivals with ties) go through the chain's block building;
    /// each block's content and order must equal the test's own selection: of the transactions
    /// submitted by the block time and not yet included, the first `capacity` by
    /// (bid desc, arrival asc, submission asc) — arrival asc only for FIFO. Auction losses and
    /// gas are counted from the same reference.
    @Test func feeAndAuctionOrderMatchAnIndependentSort() throws {
        let replication = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(100 as Int64))
        let stream = RandomStream(rootSeed: Self.seed, replication: 0, component: "test:block-building")
        for ordering in MempoolOrdering.allCases {
            for pays in LosingBundlePays.allCases {
                let capacity = 1 + stream.uniformInt(below: 6)
                let gas = 0.25
                let spec = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0),
                                         capacityPerBlock: capacity, ordering: ordering, finality: .confirmations(1), gas: gas,
                                         losingBundlePays: pays)
                var chain = Chain(spec: spec, replication: replication)
                // 400 transactions over 40 s, arrivals on a 100 ms grid and bids in 0..<8 (many ties).
                var txs = (0..<400).map { Tx(id: $0, bid: Double(stream.uniformInt(below: 8)), arrival: Int64(stream.uniformInt(below: 400)) * Self.second / 10) }
                txs.sort { $0.arrival < $1.arrival || ($0.arrival == $1.arrival && $0.id < $1.id) }   // submission order
                var next = 0
                var waiting: [(tx: Tx, submission: Int)] = []
                var lost: Int64 = 0
                var includedTotal = 0
                for block in 1...60 {
                    let t = Int64(block) * Self.second
                    while next < txs.count && txs[next].arrival <= t {
                        chain.submit(id: txs[next].id, fee: txs[next].bid, at: SimInstant(nanosecondsSinceStart: txs[next].arrival))
                        waiting.append((txs[next], next))
                        next += 1
                    }
                    chain.produceBlock(at: SimInstant(nanosecondsSinceStart: t))
                    waiting.sort { a, b in
                        if ordering != .fifo && a.tx.bid != b.tx.bid { return a.tx.bid > b.tx.bid }
                        if a.tx.arrival != b.tx.arrival { return a.tx.arrival < b.tx.arrival }
                        return a.submission < b.submission
                    }
                    let take = min(capacity, waiting.count)
                    let expected = waiting.prefix(take).map(\.tx.id)
                    #expect(Array(chain.included) == expected, "\(ordering), block \(block)")
                    waiting.removeFirst(take)
                    includedTotal += take
                    if ordering == .auction { lost += Int64(waiting.count) }
                }
                #expect(next == txs.count && includedTotal > 0)
                #expect(chain.includedCount == Int64(includedTotal))
                #expect(chain.lostBidCount == lost, "\(ordering) auction losses")
                if ordering == .auction { #expect(lost > 0, "the case must have losing bundles") }
                let paidLosses = ordering == .auction && pays == .gas ? Double(lost) : 0
                #expect(chain.gasPaid == gas * (Double(includedTotal) + paidLosses), "\(ordering), losing bundles pay \(pays)")
            }
        }
    }

    /// The express lane on a deterministic case: a transaction without the lane becomes
    /// eligible exactly `delay` after submission (a block at that very instant includes it), and
    /// its arrival for ordering is then.
    @Test func expressLaneDelayIsExact() throws {
        let replication = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(10 as Int64))
        let ms: Int64 = 1_000_000
        func at(_ milliseconds: Int64) -> SimInstant { SimInstant(nanosecondsSinceStart: milliseconds * ms) }
        let lane = ExpressLane(delay: .milliseconds(200), share: 0.5)
        let spec = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: 100,
                                 ordering: .fifo, finality: .confirmations(1), expressLane: lane)
        var chain = Chain(spec: spec, replication: replication)
        chain.submit(id: 0, fee: 1, at: at(100), express: false)   // eligible at 300 ms
        chain.submit(id: 1, fee: 1, at: at(200), express: true)    // eligible at 200 ms: before 0
        chain.submit(id: 2, fee: 1, at: at(800), express: false)   // eligible at 1000 ms: this block
        chain.submit(id: 3, fee: 1, at: at(801), express: false)   // eligible at 1001 ms: next block
        chain.submit(id: 4, fee: 1, at: at(900), express: true)    // eligible at 900 ms
        #expect(chain.mempoolCount == 5)
        chain.produceBlock(at: at(1_000))
        #expect(Array(chain.included) == [1, 0, 4, 2])
        chain.produceBlock(at: at(2_000))
        #expect(Array(chain.included) == [3])
        #expect(chain.mempoolCount == 0)

        // The same delay under fee order: a later-eligible higher bid still wins once eligible.
        let feeSpec = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: 1,
                                    ordering: .fee, finality: .confirmations(1), expressLane: lane)
        var feeChain = Chain(spec: feeSpec, replication: replication)
        feeChain.submit(id: 10, fee: 1, at: at(500), express: true)
        feeChain.submit(id: 11, fee: 5, at: at(500), express: false)   // eligible at 700 ms
        feeChain.submit(id: 12, fee: 9, at: at(850), express: false)   // eligible at 1050 ms
        feeChain.produceBlock(at: at(1_000))
        #expect(Array(feeChain.included) == [11])
        feeChain.produceBlock(at: at(2_000))
        #expect(Array(feeChain.included) == [12])
        feeChain.produceBlock(at: at(3_000))
        #expect(Array(feeChain.included) == [10])

        // Who has the lane: a Binomial(n, share) count of delayed transactions (4 sd).
        let n = 20_000
        let wide = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: n,
                                 ordering: .fifo, finality: .confirmations(1), expressLane: lane)
        var drawn = Chain(spec: wide, replication: replication)
        for id in 0..<n { drawn.submit(id: id, fee: 1, at: at(0)) }
        drawn.produceBlock(at: at(100))   // before the delay: only lane holders
        let withLane = Double(drawn.included.count)
        let sd = (Double(n) * lane.share * (1 - lane.share)).squareRoot()
        #expect(abs(withLane - Double(n) * lane.share) < 4 * sd, "lane holders \(withLane) of \(n)")
        drawn.produceBlock(at: at(1_000))
        #expect(Double(drawn.included.count) == Double(n) - withLane)
    }

    /// Reverts: each included transaction reverts with probability p (Binomial count within
    /// 4 sd), stays included and final, and pays gas like the others.
    @Test func revertProbabilityWithinInterval() throws {
        let replication = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(100 as Int64))
        let p = 0.1
        let spec = try ChainSpec(name: "c", production: .slots(slot: .seconds(1 as Int64), missedProbability: 0), capacityPerBlock: 1_000,
                                 ordering: .fee, finality: .confirmations(1), gas: 2, revertProbability: p)
        var chain = Chain(spec: spec, replication: replication)
        let n = 20_000
        var reverted = 0
        for block in 1...20 {
            for k in 0..<1_000 { chain.submit(id: (block - 1) * 1_000 + k, fee: 1, at: SimInstant(nanosecondsSinceStart: Int64(block - 1) * Self.second)) }
            chain.produceBlock(at: SimInstant(nanosecondsSinceStart: Int64(block) * Self.second))
            #expect(chain.included.count == 1_000)
            let included = Set(chain.included)
            #expect(chain.reverted.allSatisfy { included.contains($0) }, "reverted transactions are included")
            #expect(Array(chain.finalized) == Array(chain.included), "a reverted transaction is still final")
            reverted += chain.reverted.count
        }
        #expect(chain.includedCount == Int64(n) && chain.revertedCount == Int64(reverted))
        let sd = (Double(n) * p * (1 - p)).squareRoot()
        #expect(abs(Double(reverted) - Double(n) * p) < 4 * sd, "reverted \(reverted) of \(n)")
        #expect(chain.gasPaid == 2 * Double(n), "every included transaction pays gas, reverted or not")
        #expect(chain.lostBidCount == 0, "no auction, no losses")
    }

    /// Config keys decode, defaults keep today's chain, bad values name the key.
    @Test func blockBuildingKeysDecode() throws {
        let layer = try m([("layer", m([("preset", s("ethereum")), ("ordering", s("auction")), ("losing_bundle_pays", s("gas")),
                                        ("gas", s("0.5")), ("revert_probability", s("0.02")),
                                        ("express_lane", m([("delay", s("200ms")), ("share", s("0.3"))]))]))]).layerSpec("layer")
        guard case .chain(let c) = layer else { Issue.record("not a chain"); return }
        #expect(c.ordering == .auction && c.losingBundlePays == .gas && c.gas == 0.5 && c.revertProbability == 0.02)
        #expect(c.expressLane == ExpressLane(delay: .milliseconds(200), share: 0.3))
        #expect(try m([("layer", s("ethereum"))]).layerSpec("layer") == .chain(SettlementPresets.ethereum))
        #expect(SettlementPresets.ethereum.expressLane == nil && SettlementPresets.ethereum.gas == 0)
        func error(_ key: String, _ value: ConfigNode) -> String? {
            do { _ = try m([("layer", m([("preset", s("ethereum")), (key, value)]))]).layerSpec("layer"); return nil } catch { return "\(error)" }
        }
        #expect(error("losing_bundle_pays", s("all"))?.contains("losing_bundle_pays") == true)
        #expect(error("revert_probability", s("1.5"))?.contains("revert_probability") == true)
        #expect(error("express_lane", m([("delay", s("200ms")), ("share", s("2"))]))?.contains("share") == true)
        #expect(error("express_lane", m([("delay", s("200ms"))]))?.contains("share") == true)
        #expect(error("express_lane", m([("delay", s("200ms")), ("share", s("0.5")), ("shares", s("1"))]))?.contains("shares") == true)
    }
}
