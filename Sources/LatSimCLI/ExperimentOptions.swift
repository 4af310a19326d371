import ArgumentParser
import Foundation
import LatSimExperiments

/// Options shared by `run`, `sweep` and `validate`.
struct ConfigOptions: ParsableArguments {
    @Argument(help: "The experiment config (YAML, or JSON); - reads it from standard input.",
              completion: .file(extensions: ["yaml", "yml", "json"]))
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("An override of one config value, as key.path=value (repeatable).",
                                                         valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: [.short, .long], help: "The root seed of every random stream (overrides `seed`).")
    var seed: UInt64?

    @Option(name: [.short, .long], help: "The number of replications per design and point (overrides `replications`).")
    var replications: Int?

    @OptionGroup var memory: MemoryOptions

    /// Builds the plan (its memory estimate checked for `jobs` workers), turning config errors into exit code 2.
    func plan(grid: [String] = [], jobs: Int? = nil) throws -> ExperimentPlan {
        do {
            return try memory.apply(jobs: jobs) {
                try ExperimentPlan(file: config, overrides: overrides, grid: grid, seed: seed, replications: replications)
            }
        } catch let error as ConfigError {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
        }
    }
}

/// `--memory-limit`, shared by `run`, `sweep`, `validate` and `check`.
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("memory-limit"),
            help: ArgumentHelp("The most memory a run may need, estimated before it starts (default 4GiB).", valueName: "bytes"))
    var memoryLimit: String?

    func validate() throws {
        if let memoryLimit, MemoryBudget.parseBytes(memoryLimit) == nil {
            throw ValidationError("--memory-limit must be a size such as 512MiB, 4GiB or 2GB; given \(memoryLimit)")
        }
    }

    /// Runs `body` with plans checked against this limit and `jobs` workers.
    func apply<T>(jobs: Int?, _ body: () throws -> T) rethrows -> T {
        let limit = memoryLimit.flatMap(MemoryBudget.parseBytes) ?? MemoryBudget.defaultLimitBytes
        return try MemoryBudget.$current.withValue(MemoryBudget(limitBytes: limit, jobs: jobs), operation: body)
    }
}

/// What `run` and `sweep` print on stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// Options shared by `run` and `sweep`.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The directory for summary.csv, aggregate.csv, comparison.csv and run.json.", valueName: "dir"),
            completion: .directory)
    var out: String?

    @Option(name: [.short, .long], help: "The number of worker threads (default: the number of cores).")
    var jobs: Int?

    @Flag(name: [.short, .long], help: "No progress bar, no table and no status lines; errors and warnings still go to stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("The format of what is printed on stdout: table (aligned to the terminal), csv (aggregate.csv), json (aggregates and comparisons), markdown.",
                               valueName: "format"))
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Print only these metrics, comma-separated; a name also selects the metrics it prefixes (request_latency: _mean, _p99, ...). The files keep all.",
                               valueName: "names"))
    var metrics: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1; given \(jobs)") }
    }

    var jobCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    var metricFilter: [String]? {
        metrics.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

/// Runs a plan with a progress bar, prints the results (unless --quiet), writes the outputs.
/// Data goes to stdout; status lines ("wrote ...") and warnings to stderr.
func execute(_ plan: ExperimentPlan, output: OutputOptions) throws {
    if let directory = output.out { try checkOutput(directory) }
    let bar = ProgressBar(enabled: !output.quiet && ProgressBar.standardErrorIsTerminal)
    let results: ExperimentResults
    do {
        results = try Experiment.run(plan, jobs: output.jobCount, progress: { bar.update($0) })
    } catch {
        bar.finish()
        throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
    }
    bar.finish()
    if let filter = output.metricFilter {
        let known = Set(results.aggregates.map(\.metric))
        for name in filter where !known.contains(where: { SummaryTable.matches($0, filter: [name]) }) {
            throw CLIFailure(code: CLIFailure.badInput,
                             message: "error: --metrics \(name) names no metric of this run; allowed: \(known.sorted().joined(separator: ", "))")
        }
    }
    if !output.quiet {
        let text: String
        switch output.format {
        case .table: text = SummaryTable.render(results, metrics: output.metricFilter, width: TerminalWidth.standardOutput)
        case .markdown: text = SummaryTable.render(results, metrics: output.metricFilter, markdown: true)
        case .csv: text = SummaryTable.csv(results, metrics: output.metricFilter)
        case .json: text = SummaryTable.json(results, metrics: output.metricFilter)
        }
        print(text, terminator: "")
    }
    warnAboutEarlyStops(results)
    if let directory = output.out {
        do {
            try Experiment.write(results, to: directory, version: LatSimVersion.string,
                                 commandLine: ["latsim"] + LatSimCommand.arguments)
        } catch {
            throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
        }
        if !output.quiet {
            standardError("wrote \(directory)/summary.csv, aggregate.csv, comparison.csv\(results.results.contains { !$0.traceHeader.isEmpty } ? ", trace.csv" : ""), run.json")
        }
    }
}

/// Refuses an unusable `--out` before anything runs (exit code 2): the run would be wasted.
func checkOutput(_ directory: String) throws {
    do { _ = try OutputPath.checked(directory) } catch {
        throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
    }
}

/// Warns on stderr about runs cut short by a bound. Only the event limit does that; a horizon,
/// or a model that ends once its measured work is done, are normal ends.
func warnAboutEarlyStops(_ results: ExperimentResults) {
    for (reason, count) in results.stopReasons where reason.hasPrefix("event limit") {
        standardError("warning: \(count) of \(results.units.count) runs stopped early: \(reason) (raise max_events or shorten the horizon)")
    }
    let dropped = results.traceRowsDropped
    if dropped > 0 {
        let cut = results.results.filter { $0.traceRowsDropped > 0 }.count
        standardError("warning: trace.csv is truncated: \(cut) of \(results.units.count) runs reached the cap of \(ReplicationSpec.traceRowLimit) trace rows per run; \(dropped) rows not kept (run.json: trace_rows_dropped; shorten the horizon for a full trace)")
    }
}
