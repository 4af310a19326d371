import Foundation
import Testing
@testable import LatSimExperiments

/// The plan of shards: contiguous ranges that tile the units, and `--shard I/N` parsing.
@Suite struct ShardPlanTests {
    /// Checks that the N ranges of U units are contiguous, in order, tile 0..<U and are balanced.
    static func checkPartition(units: Int, count: Int) {
        let ranges = ShardSpec.all(count: count).map { $0.units(of: units) }
        #expect(ranges.first?.lowerBound == 0, "U=\(units) N=\(count)")
        #expect(ranges.last?.upperBound == units, "U=\(units) N=\(count)")
        for (a, b) in zip(ranges, ranges.dropFirst()) {
            #expect(a.upperBound == b.lowerBound, "gap or overlap at U=\(units) N=\(count): \(a) then \(b)")
        }
        let sizes = ranges.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "unbalanced at U=\(units) N=\(count): \(sizes)")
        #expect(sizes.reduce(0, +) == units)
    }

    @Test func shardsTileTheUnitsWithNoGapOrOverlap() {
        // Every (U, N) with U in 0...120 and N in 1...U+3, checked against a reference that
        // lists each unit's shard: the concatenation must be 0, 1, ..., U-1 exactly once.
        for units in 0...120 {
            for count in 1...(units + 3) {
                ShardPlanTests.checkPartition(units: units, count: count)
                var owner = [Int](repeating: -1, count: units)
                var twice: Int?
                for shard in ShardSpec.all(count: count) {
                    for unit in shard.units(of: units) {
                        if owner[unit] != -1 { twice = unit }
                        owner[unit] = shard.index
                    }
                }
                #expect(twice == nil, "unit \(twice ?? -1) in two shards at U=\(units) N=\(count)")
                #expect(!owner.contains(-1), "a unit in no shard at U=\(units) N=\(count)")
                #expect(owner == owner.sorted(), "shards not in unit order at U=\(units) N=\(count)")
            }
        }
    }

    @Test func largeAndRandomPairsDoNotOverflow() {
        var generator = SplitMix(seed: 20261126)
        for _ in 0..<300 {
            let units = Int(generator.next() % 5_000_000)
            let count = 1 + Int(generator.next() % 2_000)
            ShardPlanTests.checkPartition(units: units, count: count)
        }
        // floor(I U / N) with I U beyond Int64: computed in double width.
        let huge = Int.max / 2
        let last = ShardSpec(index: 999, count: 1000).units(of: huge)
        #expect(last.upperBound == huge)
        #expect(last.count == huge / 1000 || last.count == huge / 1000 + 1)
    }

    @Test func shardOptionParsing() throws {
        #expect(try ShardSpec(parsing: "3/10") == ShardSpec(index: 3, count: 10))
        #expect(try ShardSpec(parsing: "0/1") == ShardSpec(index: 0, count: 1))
        for bad in ["10/10", "-1/4", "0/0", "3", "a/b", "1/2/3", "", "/4", "1/"] {
            #expect(throws: ShardError.self, "\(bad)") { try ShardSpec(parsing: bad) }
        }
        do {
            _ = try ShardSpec(parsing: "4/4")
        } catch let error as ShardError {
            #expect(error.isBadInput)
            #expect(error.description.contains("0 <= I < N") && error.description.contains("given: 4/4"))
        }
    }

    @Test func fileNamesSortInShardOrderAndParseBack() {
        #expect(ShardFiles.manifestName(ShardSpec(index: 3, count: 10)) == "shard-00003-of-00010.json")
        #expect(ShardFiles.resultsName(ShardSpec(index: 3, count: 10)) == "shard-00003-of-00010.results.json")
        #expect(ShardFiles.manifestName(ShardSpec(index: 7, count: 1_234_567)) == "shard-0000007-of-1234567.json")
        for spec in [ShardSpec(index: 0, count: 1), ShardSpec(index: 41, count: 100), ShardSpec(index: 99_999, count: 100_000)] {
            #expect(ShardFiles.shard(manifestName: ShardFiles.manifestName(spec)) == spec)
        }
        #expect(ShardFiles.shard(manifestName: "shard-00003-of-00010.results.json") == nil)
        #expect(ShardFiles.shard(manifestName: "shard-00010-of-00010.json") == nil)
        #expect(ShardFiles.shard(manifestName: "summary.csv") == nil)
        let names = (0..<12).map { ShardFiles.manifestName(ShardSpec(index: $0, count: 12)) }
        #expect(names == names.sorted())
    }

    @Test func proposedShardCount() {
        #expect(ShardSpec.proposedCount(units: 0) == 1)
        #expect(ShardSpec.proposedCount(units: 1) == 1)
        #expect(ShardSpec.proposedCount(units: 16) == 1)
        #expect(ShardSpec.proposedCount(units: 17) == 2)
        #expect(ShardSpec.proposedCount(units: 1200) == 75)
        #expect(ShardSpec.proposedCount(units: 10_000_000) == 1000)
    }

    @Test func missingShardListIsCompressed() {
        #expect(ShardMerge.ranges([0, 2, 3, 4, 7]) == "0, 2-4, 7")
        #expect(ShardMerge.ranges([5]) == "5")
        #expect(ShardMerge.ranges([]) == "")
    }

    @Test func storedValuesRoundTripExactly() throws {
        var result = ReplicationResult()
        let values: [Double] = [0.1, -0.0, 0, .infinity, -.infinity, .nan, Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-5, 123456789.125,
                                2.0 / 3.0]
        for (i, value) in values.enumerated() { result.record("m\(i)_ns", unit: "ns", value: value) }
        result.eventsProcessed = 1 << 40
        result.stopReason = "horizon reached at 1s"
        let stored = try JSONDecoder().decode(ShardFiles.StoredResult.self,
                                              from: ShardFiles.encoder().encode(ShardFiles.StoredResult(result)))
        let back = try #require(stored.result())
        #expect(back.metrics.count == values.count)
        for (original, decoded) in zip(values, back.metrics.map(\.value)) {
            if original.isNaN { #expect(decoded.isNaN) } else { #expect(original.bitPattern == decoded.bitPattern, "\(original)") }
        }
        #expect(back.eventsProcessed == result.eventsProcessed && back.stopReason == result.stopReason)
    }
}

/// A small deterministic generator for test cases (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
