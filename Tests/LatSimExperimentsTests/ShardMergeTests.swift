import Foundation
import Testing
@testable import LatSimExperiments

/// Shards merged back give the one-machine bytes; mismatched, missing, duplicate or broken
/// shards are refused with a message naming them.
@Suite struct ShardMergeTests {
    /// Two axes, a swept replication count (points of unequal size), a 1 ms horizon at which
    /// some replications serve nothing (NaN means, left out of the statistics), two designs.
    static let config = """
        seed: 11
        replications: 3
        horizon: 150ms
        sweep:
          model.workers: [1, 2]
          horizon: [1ms, 150ms]
          replications: [2, 3]
        model:
          kind: queue
          actors: [{name: exchange, role: server}, {name: bot, role: client}, {name: bot2, role: client}]
          arrival: {type: exponential, mean: 2ms}
          service: {type: exponential, mean: 1ms}

        """

    static let version = "test-1"

    /// The files a one-machine sweep writes, run.json without its command_line line.
    static func files(_ results: ExperimentResults) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try Experiment.files(results, version: version, commandLine: ["x"]) {
            out[file.name] = file.name == "run.json"
                ? file.contents.split(separator: "\n").filter { !$0.contains("\"command_line\"") }.joined(separator: "\n")
                : file.contents
        }
        return out
    }

    /// Runs every shard of `count` into `directory(index)`.
    static func runShards(_ plan: ExperimentPlan, count: Int, jobs: Int = 1, directory: (Int) -> String) throws {
        for shard in ShardSpec.all(count: count) {
            let outcome = try ShardRunner.runShard(plan, shard: shard, jobs: jobs, directory: directory(shard.index),
                                                   version: version, commandLine: ["latsim", "sweep", "--shard", "\(shard)"])
            guard case .written = outcome else { Issue.record("shard \(shard) was not written"); return }
        }
    }

    /// The merge error's text, or nil when the merge succeeds.
    static func mergeError(_ directories: [String], version: String = version) -> ShardError? {
        do {
            _ = try ShardMerge.merge(directories: directories, version: version)
            return nil
        } catch let error as ShardError {
            return error
        } catch {
            return ShardError(runtime: "unexpected error type: \(error)")
        }
    }

    @Test func mergeReproducesTheOneMachineBytesForAnyShardCount() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", ShardMergeTests.config))
        #expect(plan.points.count == 8 && plan.unitCount == 40)
        let reference = try ShardMergeTests.files(try Experiment.run(plan, jobs: 2))
        #expect(reference["summary.csv"]!.contains(",NaN\n"), "the config is meant to produce NaN metrics")
        for (count, jobs) in [(1, 1), (2, 2), (3, 1), (7, 2), (16, 1), (40, 1)] {
            let out = directory.path + "/n\(count)"
            // Odd shards in one directory, even shards in another: merge takes several.
            try ShardMergeTests.runShards(plan, count: count, jobs: jobs) { out + ($0 % 2 == 0 ? "/even" : "/odd") }
            let directories = count == 1 ? [out + "/even"] : [out + "/odd", out + "/even"]
            let merged = try ShardMergeTests.files(try ShardMerge.merge(directories: directories, version: ShardMergeTests.version))
            #expect(merged == reference, "N = \(count) shards merged differ from the one-machine files")
        }
    }

    @Test func traceAndFiltersSurviveTheMerge() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = ShardMergeTests.config.replacingOccurrences(of: "sweep:\n  model.workers: [1, 2]\n  horizon: [1ms, 150ms]\n  replications: [2, 3]\n",
                                                                   with: "trace: true\ndesigns: [async, sync]\nmetrics: [request_latency, drop_rate]\nsweep: {model.workers: [1, 2]}\n")
        let plan = try ExperimentPlan(file: directory.write("c.yaml", config))
        #expect(plan.points.map(\.designs) == [["async", "sync"], ["async", "sync"]])
        let reference = try ShardMergeTests.files(try Experiment.run(plan, jobs: 1))
        #expect(reference["trace.csv"] != nil)
        try ShardMergeTests.runShards(plan, count: 5) { _ in directory.path + "/shards" }
        let merged = try ShardMergeTests.files(try ShardMerge.merge(directories: [directory.path + "/shards"], version: ShardMergeTests.version))
        #expect(merged == reference)
    }

    @Test func recordedPlanRebuildsTheSamePlan() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // A quoted name with a comma, a --set override and a --grid axis: all recorded.
        let valid = try ExperimentPlan(file: directory.write("c.yaml", ShardMergeTests.config), overrides: ["name=a \"quoted\", name"],
                                       grid: ["model.capacity=5,10"])
        let record = try JSONDecoder().decode(PlanRecord.self, from: ShardFiles.encoder().encode(PlanRecord(valid)))
        #expect(record == PlanRecord(valid))
        let rebuilt = try ExperimentPlan(recorded: record, origin: "test")
        #expect(rebuilt.configHash == valid.configHash)
        #expect(rebuilt.file == valid.file && rebuilt.kind.name == valid.kind.name)
        #expect(rebuilt.settings == valid.settings)
        #expect(rebuilt.axes.map(\.name) == valid.axes.map(\.name))
        #expect(rebuilt.points.count == valid.points.count)
        for (a, b) in zip(rebuilt.points, valid.points) {
            #expect(a.assignments.map(\.keyPath) == b.assignments.map(\.keyPath))
            #expect(a.assignments.map(\.value) == b.assignments.map(\.value))
            #expect(a.designs == b.designs && a.settings == b.settings)
        }
        #expect(Runner.units(of: rebuilt) == Runner.units(of: valid))
        #expect(record.designRuns == [PlanRecord.DesignRun(points: 8 * 2, designs: ["sync", "async"])])
    }

    @Test func designsThatVaryByPointAreRecordedAndMerged() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = ShardMergeTests.config.replacingOccurrences(of: "  replications: [2, 3]\n",
                                                                   with: "  designs: [[async], [async, sync]]\n")
        let plan = try ExperimentPlan(file: directory.write("c.yaml", config))
        let record = PlanRecord(plan)
        #expect(record.designRuns.map(\.points) == [1, 1, 1, 1, 1, 1, 1, 1])
        #expect(record.designs == plan.points.map(\.designs))
        let reference = try ShardMergeTests.files(try Experiment.run(plan, jobs: 1))
        try ShardMergeTests.runShards(plan, count: 3) { _ in directory.path + "/shards" }
        let merged = try ShardMergeTests.files(try ShardMerge.merge(directories: [directory.path + "/shards"], version: ShardMergeTests.version))
        #expect(merged == reference)
    }
}
