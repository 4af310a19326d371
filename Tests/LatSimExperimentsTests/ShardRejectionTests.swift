import Foundation
import Testing
@testable import LatSimExperiments

/// Merge refuses shards that are not the N shards of one sweep, naming them; a shard is
/// resumable and an interrupted one is never taken for complete.
@Suite struct ShardRejectionTests {
    static let config = """
        seed: 4
        replications: 3
        horizon: 100ms
        sweep: {model.workers: [1, 2]}
        model:
          kind: queue
          actors: [{name: exchange, role: server}, {name: bot, role: client}]
          arrival: {type: exponential, mean: 2ms}
          service: {type: exponential, mean: 1ms}

        """

    /// A plan of 12 units and its 4 shards written into `directory/shards`.
    static func setUp(_ directory: TemporaryDirectory, config: String = config, file: String = "c.yaml",
                      count: Int = 4, into name: String = "shards", version: String = ShardMergeTests.version) throws -> ExperimentPlan {
        let plan = try ExperimentPlan(file: directory.write(file, config))
        for shard in ShardSpec.all(count: count) {
            _ = try ShardRunner.runShard(plan, shard: shard, jobs: 1, directory: directory.path + "/" + name, version: version,
                                         commandLine: [])
        }
        return plan
    }

    static func manifest(_ directory: TemporaryDirectory, _ index: Int, of count: Int = 4, in name: String = "shards") -> String {
        directory.path + "/\(name)/" + ShardFiles.manifestName(ShardSpec(index: index, count: count))
    }

    static func results(_ directory: TemporaryDirectory, _ index: Int, of count: Int = 4, in name: String = "shards") -> String {
        directory.path + "/\(name)/" + ShardFiles.resultsName(ShardSpec(index: index, count: count))
    }

    @Test func missingShardsAreNamed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try ShardRejectionTests.setUp(directory)
        try FileManager.default.removeItem(atPath: ShardRejectionTests.manifest(directory, 1))
        try FileManager.default.removeItem(atPath: ShardRejectionTests.manifest(directory, 2))
        let error = try #require(ShardMergeTests.mergeError([directory.path + "/shards"]))
        #expect(error.isBadInput)
        #expect(error.description.contains("missing 2 of 4 shards: 1-2"), "\(error)")
        // Results left without a manifest (an interrupted shard) are named, not used.
        #expect(error.description.contains("results without a manifest"), "\(error)")
        #expect(error.description.contains(ShardFiles.resultsName(ShardSpec(index: 1, count: 4))), "\(error)")
        #expect(ShardMergeTests.mergeError([directory.path + "/nowhere"])?.description.contains("is not a directory") == true)
        try FileManager.default.createDirectory(atPath: directory.path + "/empty", withIntermediateDirectories: true)
        #expect(ShardMergeTests.mergeError([directory.path + "/empty"])?.description.contains("no shard manifests") == true)
    }

    @Test func duplicateShardsAreNamed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try ShardRejectionTests.setUp(directory)
        try FileManager.default.createDirectory(atPath: directory.path + "/copy", withIntermediateDirectories: true)
        for path in [ShardRejectionTests.manifest(directory, 3), ShardRejectionTests.results(directory, 3)] {
            try FileManager.default.copyItem(atPath: path, toPath: directory.path + "/copy/" + (path as NSString).lastPathComponent)
        }
        let error = try #require(ShardMergeTests.mergeError([directory.path + "/shards", directory.path + "/copy"]))
        #expect(error.description.contains("duplicate shards: shard 3/4 in"), "\(error)")
        #expect(error.description.contains(directory.path + "/copy/shard-00003-of-00004.json"), "\(error)")
    }

    @Test func shardsOfAnotherSeedConfigVersionOrCountAreRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try ShardRejectionTests.setUp(directory)
        // Shard 2 replaced by shard 2 of a run with another seed, another config, another N.
        let variants: [(String, String, Int, String)] = [
            ("seed", ShardRejectionTests.config.replacingOccurrences(of: "seed: 4", with: "seed: 5"), 4, "has seed 5 but"),
            ("config", ShardRejectionTests.config.replacingOccurrences(of: "mean: 2ms", with: "mean: 3ms"), 4, "has config hash"),
            ("count", ShardRejectionTests.config, 6, "has shard count 6 but"),
        ]
        for (name, config, count, message) in variants {
            _ = try ShardRejectionTests.setUp(directory, config: config, file: name + ".yaml", count: count, into: name)
            try FileManager.default.createDirectory(atPath: directory.path + "/mix-" + name, withIntermediateDirectories: true)
            for index in 0..<4 {
                let source = index == 2 ? name : "shards"
                for path in [ShardRejectionTests.manifest(directory, index, of: index == 2 ? count : 4, in: source),
                             ShardRejectionTests.results(directory, index, of: index == 2 ? count : 4, in: source)] {
                    try FileManager.default.copyItem(atPath: path, toPath: directory.path + "/mix-\(name)/" + (path as NSString).lastPathComponent)
                }
            }
            let error = try #require(ShardMergeTests.mergeError([directory.path + "/mix-" + name]), "\(name)")
            #expect(error.isBadInput && error.description.contains(message), "\(name): \(error)")
        }
        // Another latsim version: against each other, and against the merging build.
        _ = try ShardRejectionTests.setUp(directory, into: "old", version: "0.0.9")
        let error = try #require(ShardMergeTests.mergeError([directory.path + "/old"]))
        #expect(error.description.contains("was written by latsim 0.0.9; this is latsim \(ShardMergeTests.version)"), "\(error)")
        try FileManager.default.copyItem(atPath: ShardRejectionTests.manifest(directory, 0, in: "old"),
                                         toPath: directory.path + "/shards/x.json")
        try FileManager.default.removeItem(atPath: ShardRejectionTests.manifest(directory, 0))
        try FileManager.default.moveItem(atPath: directory.path + "/shards/x.json", toPath: ShardRejectionTests.manifest(directory, 0))
        let mixed = try #require(ShardMergeTests.mergeError([directory.path + "/shards"]))
        #expect(mixed.description.contains("latsim 0.0.9"), "\(mixed)")
    }

    @Test func corruptOrTruncatedResultsAreRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try ShardRejectionTests.setUp(directory)
        let path = ShardRejectionTests.results(directory, 1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try String(text.dropLast(20)).write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(ShardMergeTests.mergeError([directory.path + "/shards"]))
        #expect(error.description.contains("shard 1/4") && error.description.contains("incomplete or corrupt"), "\(error)")
        try text.replacingOccurrences(of: "horizon", with: "Horizon").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ShardMergeTests.mergeError([directory.path + "/shards"])?.description.contains("FNV-1a") == true)
        try "{not json".write(toFile: ShardRejectionTests.manifest(directory, 2), atomically: true, encoding: .utf8)
        #expect(ShardMergeTests.mergeError([directory.path + "/shards"])?.description.contains("is not a latsim shard manifest") == true)
    }

    @Test func aCompleteShardIsSkippedAndAnIncompleteOneRerun() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ShardRejectionTests.setUp(directory)
        let out = directory.path + "/shards"
        let shard = ShardSpec(index: 2, count: 4)
        let again = try ShardRunner.runShard(plan, shard: shard, jobs: 1, directory: out, version: ShardMergeTests.version, commandLine: [])
        #expect(again == .skipped(manifest: ShardRejectionTests.manifest(directory, 2), units: 6..<9))
        // An interrupted shard: results but no manifest; or a manifest whose results were cut.
        let before = try String(contentsOfFile: ShardRejectionTests.results(directory, 2), encoding: .utf8)
        try FileManager.default.removeItem(atPath: ShardRejectionTests.manifest(directory, 2))
        let rerun = try ShardRunner.runShard(plan, shard: shard, jobs: 2, directory: out, version: ShardMergeTests.version, commandLine: [])
        #expect(rerun == .written(manifest: ShardRejectionTests.manifest(directory, 2), units: 6..<9))
        #expect(try String(contentsOfFile: ShardRejectionTests.results(directory, 2), encoding: .utf8) == before)
        try "[]".write(toFile: ShardRejectionTests.results(directory, 2), atomically: true, encoding: .utf8)
        let repaired = try ShardRunner.runShard(plan, shard: shard, jobs: 1, directory: out, version: ShardMergeTests.version, commandLine: [])
        #expect(repaired == .written(manifest: ShardRejectionTests.manifest(directory, 2), units: 6..<9))
        // No temporaries are left behind, and the merge works.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") }.isEmpty)
        #expect(ShardMergeTests.mergeError([out]) == nil)
        // A complete shard of another config in the same directory is not overwritten.
        let other = try ExperimentPlan(file: directory.write("o.yaml", ShardRejectionTests.config.replacingOccurrences(of: "seed: 4", with: "seed: 9")))
        #expect(throws: ShardError.self) {
            try ShardRunner.runShard(other, shard: shard, jobs: 1, directory: out, version: ShardMergeTests.version, commandLine: [])
        }
        // More shards than units is bad input.
        do {
            _ = try ShardRunner.runShard(plan, shard: ShardSpec(index: 0, count: 13), jobs: 1, directory: out,
                                         version: ShardMergeTests.version, commandLine: [])
            Issue.record("13 shards of 12 units accepted")
        } catch let error as ShardError {
            #expect(error.description.contains("allowed: N in 1...12"), "\(error)")
        }
    }
}
