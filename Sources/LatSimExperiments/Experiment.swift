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
        if let series = CSVTables.series(results) { files.append(("series.csv", series)) }
        files.append(("run.json", RunManifest.json(results, version: version, commandLine: commandLine)))
        return files
    }

    public static func write(_ results: ExperimentResults, to directory: String, version: String, commandLine: [String]) throws {
        try OutputDirectory.replace(directory, with: try files(results, version: version, commandLine: commandLine))
    }

    /// The config with its model replaced by the graph it expands to (point 0 of a sweep: a
    /// sweep's keys are the template's, so the expanded config drops the sweep).
    public static func expandedConfig(_ plan: ExperimentPlan) throws -> String {
        let total = plan.axes.reduce(1) { $0 * $1.count }
        let root = try ExperimentPlan.assign(plan.axes, index: 0, total: total, to: plan.root).0
        let model = try root.required("model")
        guard let graph = try ScenarioRegistry.expandedModel(model) else {
            throw model.error("names a hand-written kind, not a graph template: there is nothing to expand",
                              allowed: (["graph"] + ScenarioRegistry.templates.map(\.kind.name)).joined(separator: ", "),
                              given: (try? model.string("kind")) ?? "", key: "kind")
        }
        var entries: [(key: String, value: ConfigNode)] = []
        for (key, value) in try root.entries() where key != "sweep" && key != "include" {
            entries.append((key, key == "model" ? graph : value))
        }
        var header = "# \(plan.file) expanded: the graph it runs (latsim validate --expand)\n"
        if plan.points.count > 1 { header += "# point 0 of \(plan.points.count): the sweep is left out (its keys belong to the template)\n" }
        return header + ConfigNode(value: .mapping(entries), location: root.location, path: "").yamlText
    }
}
