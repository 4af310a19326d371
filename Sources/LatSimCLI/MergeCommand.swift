import ArgumentParser
import Foundation
import LatSimExperiments

/// `latsim merge DIR... --out DIR`: the shards of a sweep combined into the files a one-machine
/// sweep writes.
///
///     latsim merge shards/ --out merged/
///
/// Invariant: summary.csv, aggregate.csv, comparison.csv (and trace.csv) are byte-identical to
/// `latsim sweep` on one machine with the same config, seed and version; run.json differs only
/// in `command_line`, which records this merge command.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shards of a sweep into its CSV files.",
        discussion: """
            Reads every shard (shard-I-of-N.json and its results) in the given directories, checks that \
            they are all N shards of one sweep (same config hash, seed and version, each shard once, \
            none missing, results matching their manifests), recomputes the aggregates and \
            comparisons from the per-replication results, prints the summary table and writes \
            summary.csv, aggregate.csv, comparison.csv and run.json to --out: the CSV files are \
            byte-identical to a one-machine `latsim sweep`; run.json differs only in command_line. \
            Exit codes: 0 ok, 1 run-time failure, 2 missing, duplicate or mismatched shards.
            """
    )

    @Argument(help: ArgumentHelp("Directories holding shard files (from `latsim sweep --shard I/N --out DIR`).", valueName: "dir"))
    var directories: [String]

    @Option(name: [.short, .long], help: ArgumentHelp("The directory for summary.csv, aggregate.csv, comparison.csv and run.json.", valueName: "dir"),
            completion: .directory)
    var out: String

    @Flag(name: [.short, .long], help: "No table and no status lines; errors and warnings still go to stderr.")
    var quiet = false

    func run() throws {
        try checkOutput(out)
        let results: ExperimentResults
        do {
            results = try ShardMerge.merge(directories: directories, version: LatSimVersion.string)
        } catch let error as ShardError {
            throw CLIFailure(code: error.isBadInput ? CLIFailure.badInput : CLIFailure.runtime,
                             message: error.description.hasPrefix("error: ") ? error.description : "error: \(error)")
        }
        if !quiet { print(SummaryTable.render(results), terminator: "") }
        warnAboutEarlyStops(results)
        do {
            try Experiment.write(results, to: out, version: LatSimVersion.string, commandLine: ["latsim"] + LatSimCommand.arguments)
        } catch {
            throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
        }
        if !quiet { standardError("merged \(results.units.count) units; wrote \(out)/summary.csv, aggregate.csv, comparison.csv\(results.results.contains { !$0.traceHeader.isEmpty } ? ", trace.csv" : ""), run.json") }
    }
}
