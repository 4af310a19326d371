import ArgumentParser
import LatSimExperiments

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment config.",
        discussion: """
            Runs every design of the config's model for its replications (and every point of its \
            `sweep:` grid, if any), prints the summary table (mean, 95% CI, p50 and p99 over \
            replications, and each design's paired difference from the first design), and with \
            --out writes the CSV files. Exit codes: 0 ok, 1 run-time failure, 2 bad config or arguments.
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try execute(try options.plan(jobs: output.jobCount), output: output)
    }
}

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run an experiment over a grid of parameter points.",
        discussion: """
            The grid is the config's `sweep:` mapping plus every --grid option (a --grid axis replaces \
            a `sweep:` axis of the same key path); the last axis varies fastest. Each point runs every \
            design for its replications, in parallel on --jobs threads; the output is byte-identical \
            whatever the number of threads.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("A grid axis, as key.path=v1,v2,... (repeatable).", valueName: "key=values"))
    var grid: [String] = []

    @OptionGroup var output: OutputOptions

    @OptionGroup var sharding: ShardOptions

    func run() throws {
        let plan = try options.plan(grid: grid, jobs: output.jobCount)
        if try sharding.execute(plan, output: output) { return }
        try execute(plan, output: output)
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an experiment config without running it.",
        discussion: "Exits 0 and prints what would run when the config is valid; otherwise prints the error (file, line, key, allowed, given) and exits 2."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("A grid axis, as key.path=v1,v2,... (repeatable).", valueName: "key=values"))
    var grid: [String] = []

    @Flag(help: "Print the graph the config expands to, as a config that runs (point 0 of a sweep).")
    var expand = false

    func run() throws {
        let plan = try options.plan(grid: grid)
        if expand {
            print(try Experiment.expandedConfig(plan), terminator: "")
            return
        }
        let designs = plan.points.first?.designs.joined(separator: ", ") ?? ""
        print("ok: \(plan.file): kind \(plan.kind.name); \(plan.points.count) point\(plan.points.count == 1 ? "" : "s"); designs \(designs); \(plan.settings.replications) replications; \(plan.unitCount) runs in all")
    }
}
