import ArgumentParser
import Foundation
import LatSimExperiments

/// `sweep --plan` and `sweep --shard I/N`: the plan of work units, and one shard of it.
///
///     latsim sweep c.yaml --plan                      # units, proposed shards, each shard's range
///     latsim sweep c.yaml --shard 3/10 --out shards   # shards/shard-00003-of-00010.{results.,}json
///     latsim merge shards --out merged                # the one-machine CSV, byte for byte
///
/// Invariant: shard I of N runs units floor(I U / N) ..< floor((I + 1) U / N) of the U units in
/// point, design, replication order (see `ShardSpec`); a shard whose complete output is in
/// --out is skipped.
struct ShardOptions: ParsableArguments {
    @Flag(help: "Print the plan of work units and shards (with --shard I/N: for N shards), and run nothing.")
    var plan = false

    @Option(help: ArgumentHelp("Run only shard I of N (0-based, like SLURM_ARRAY_TASK_ID) and write its files to --out; combine shards with `latsim merge`.",
                               valueName: "I/N"))
    var shard: String?

    func validate() throws {
        if let shard {
            do { _ = try ShardSpec(parsing: shard) } catch let error as ShardError { throw ValidationError(error.description) }
        }
    }

    /// Handles --plan or --shard; returns false when neither is given (a whole sweep runs).
    func execute(_ plan: ExperimentPlan, output: OutputOptions) throws -> Bool {
        let spec = try shard.map { try ShardSpec(parsing: $0) }
        if self.plan {
            print(ShardOptions.describe(plan, count: spec?.count), terminator: "")
            return true
        }
        guard let spec else { return false }
        guard let directory = output.out else {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: --shard \(spec) needs --out DIR (the directory for the shard's files, shared by all shards or one per shard)")
        }
        let bar = ProgressBar(enabled: !output.quiet && ProgressBar.standardErrorIsTerminal)
        let outcome: ShardRunner.Outcome
        do {
            outcome = try ShardRunner.runShard(plan, shard: spec, jobs: output.jobCount, directory: directory,
                                               version: LatSimVersion.string, commandLine: ["latsim"] + LatSimCommand.arguments,
                                               progress: { bar.update($0) })
        } catch let error as ShardError {
            bar.finish()
            throw CLIFailure(code: error.isBadInput ? CLIFailure.badInput : CLIFailure.runtime,
                             message: error.description.hasPrefix("error: ") ? error.description : "error: \(error)")
        }
        bar.finish()
        guard !output.quiet else { return true }
        switch outcome {   // status lines: stderr
        case .written(let manifest, let units):
            standardError("shard \(spec): units \(units.lowerBound)..<\(units.upperBound) of \(plan.unitCount): wrote \(manifest)")
        case .skipped(let manifest, let units):
            standardError("shard \(spec): units \(units.lowerBound)..<\(units.upperBound) of \(plan.unitCount): complete in \(manifest): skipped")
        }
        return true
    }

    /// The plan as `--plan` prints it; the `units:` and `shards:` lines start with those words
    /// so scripts can read them (`awk '/^shards:/ {print $2}'`).
    static func describe(_ plan: ExperimentPlan, count: Int?) -> String {
        let total = plan.unitCount
        let proposed = ShardSpec.proposedCount(units: total)
        let shards = min(count ?? proposed, total)
        let units = Runner.units(of: plan)
        func name(_ unit: Runner.Unit) -> String {
            "point \(unit.point) \(plan.points[unit.point].designs[unit.design]) replication \(unit.replication)"
        }
        var text = "plan: \(plan.file): kind \(plan.kind.name); config \(plan.configHash); seed \(plan.settings.seed); version \(LatSimVersion.string)\n"
        text += "units: \(total) (point x design x replication over \(plan.points.count) point\(plan.points.count == 1 ? "" : "s"), in that order)\n"
        text += "shards: \(shards) (\(count == nil ? "proposed: one per 16 units, at most 1000" : "as given by --shard")); any N in 1...\(total) merges to the same bytes\n"
        if let count, count > total {
            text += "note: --shard .../\(count) exceeds the \(total) units; at most \(total) shards\n"
        }
        for shard in ShardSpec.all(count: shards) {
            let range = shard.units(of: total)
            text += "shard \(shard.index): units \(range.lowerBound)..<\(range.upperBound) (\(name(units[range.lowerBound])) to \(name(units[range.upperBound - 1])))\n"
        }
        return text
    }
}
