/// The whole pipeline for callers (the CLI, tests): plan, run, aggregate, write.
///
///     let plan = try ExperimentPlan(file: "experiments/quickstart.yaml")
///     let results = try Experiment.run(plan, jobs: 2)
///     try Experiment.write(results, to: "out", version: "0.1.0", commandLine: CommandLine.arguments)
public enum Experiment {
    /// A trace longer than this many rows is refused (it is for small runs).
    public static let traceRowLimit = 2_000_000

    public static func run(_ plan: ExperimentPlan, jobs: Int,
                           progress: (@Sendable (Runner.Progress) -> Void)? = nil) throws -> ExperimentResults {
        try ExperimentResults(plan: plan, results: Runner.run(plan, jobs: jobs, progress: progress))
    }

    /// The output files, in writing order.
    public static func files(_ results: ExperimentResults, version: String,
                             commandLine: [String]) throws -> [(name: String, contents: String)] {
        var files: [(name: String, contents: String)] = [
            ("summary.csv", CSVTables.summary(results)),
            ("aggregate.csv", CSVTables.aggregate(results)),
            ("comparison.csv", CSVTables.comparison(results)),
        ]
        let traceRows = results.results.reduce(0) { $0 + $1.traceRows.count }
        if traceRows > traceRowLimit {
            throw OutputDirectory.WriteError(description: "trace.csv would have \(traceRows) rows; allowed: at most \(traceRowLimit) (shorten the horizon or turn trace off)")
        }
        if let trace = CSVTables.trace(results) { files.append(("trace.csv", trace)) }
        files.append(("run.json", RunManifest.json(results, version: version, commandLine: commandLine)))
        return files
    }

    public static func write(_ results: ExperimentResults, to directory: String, version: String, commandLine: [String]) throws {
        try OutputDirectory.replace(directory, with: try files(results, version: version, commandLine: commandLine))
    }
}
