import Dispatch
import Foundation

/// Runs one shard of a plan (a contiguous range of its units) and writes its files, or skips a
/// shard whose complete output is already there.
///
///     let outcome = try ShardRunner.runShard(plan, shard: ShardSpec(index: 3, count: 10), jobs: 2,
///                                            directory: "out", version: "0.1.0", commandLine: args)
///
/// Invariant: `results(plan, shard:)[k]` is the result of unit `shard.units(of:).lowerBound + k`,
/// computed exactly as `Runner.run` computes it (same scenario, design and spec), so the shards'
/// results concatenated in shard order equal `Runner.run(plan, ...)`.
public enum ShardRunner {
    public enum Outcome: Sendable, Equatable {
        /// The shard ran and its files were written (manifest path, units run).
        case written(manifest: String, units: Range<Int>)
        /// A complete output of this shard, config, seed and version was already there.
        case skipped(manifest: String, units: Range<Int>)
    }

    /// The results of a shard's units, in unit order, on `jobs` threads.
    public static func results(_ plan: ExperimentPlan, shard: ShardSpec, jobs: Int, progressInterval: Double = 0.1,
                               progress: (@Sendable (Runner.Progress) -> Void)? = nil) -> [ReplicationResult] {
        precondition(jobs >= 1, "jobs must be positive")
        let range = shard.units(of: plan.unitCount)
        let units = Array(Runner.units(of: plan)[range])
        guard let first = units.first, let last = units.last else { return [] }
        // Units per point touched by the shard (for the progress bar's point count).
        var perPoint = [Int](repeating: 0, count: last.point - first.point + 1)
        for unit in units { perPoint[unit.point - first.point] += 1 }
        let state = Runner.SharedState(count: units.count, points: perPoint)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: min(jobs, units.count)) { _ in
            while let index = state.next() {
                let unit = units[index]
                let point = plan.points[unit.point]
                let result = point.scenario.run(design: point.designs[unit.design],
                                                spec: point.settings.spec(replication: unit.replication, keepTrace: point.settings.trace))
                if let snapshot = state.store(result, at: index, point: unit.point - first.point, start: start, interval: progressInterval) {
                    progress?(snapshot)
                }
            }
        }
        return state.results.map { $0! }
    }

    /// Runs the shard unless `directory` already holds its complete output; refuses a directory
    /// whose complete output of this shard is of another config, seed or version.
    public static func runShard(_ plan: ExperimentPlan, shard: ShardSpec, jobs: Int, directory: String, version: String,
                                commandLine: [String], progress: (@Sendable (Runner.Progress) -> Void)? = nil) throws -> Outcome {
        let total = plan.unitCount
        guard shard.count <= total else {
            throw ShardError(badInput: "--shard \(shard): this sweep has \(total) unit\(total == 1 ? "" : "s") (point x design x replication); allowed: N in 1...\(total); given: N = \(shard.count)")
        }
        let range = shard.units(of: total)
        let manifestPath = directory + "/" + ShardFiles.manifestName(shard)
        if let existing = try? ShardFiles.readManifest(at: manifestPath),
           ShardFiles.incompleteness(of: existing, manifestPath: manifestPath) == nil {
            let expected = [("version", version, existing.version), ("seed", String(plan.settings.seed), existing.seed),
                            ("config hash", plan.configHash, existing.configHash)]
            for (what, mine, theirs) in expected where mine != theirs {
                throw ShardError(badInput: "\(manifestPath): holds a complete shard \(shard) of another run (its \(what) is \(theirs), this run's is \(mine)); allowed: an --out directory for one config, seed and version (remove the old shards or choose another --out)")
            }
            return .skipped(manifest: manifestPath, units: range)
        }
        let results = ShardRunner.results(plan, shard: shard, jobs: jobs, progress: progress)
        _ = try ShardFiles.write(results, plan: plan, shard: shard, version: version, commandLine: commandLine, to: directory)
        return .written(manifest: manifestPath, units: range)
    }
}
