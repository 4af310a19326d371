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

    @Option(help: ArgumentHelp("Run only replication K (0-based) of every design and point: exactly that replication of the whole run.",
                               valueName: "K"))
    var replication: Int?

    @Option(help: .hidden)
    var grid: [String] = []

    func validate() throws {
        if !grid.isEmpty {
            throw ValidationError("run takes no --grid; a grid is a sweep: latsim sweep \(options.config) --grid \(grid[0])")
        }
        if let replication, replication < 0 { throw ValidationError("--replication must be at least 0; given \(replication)") }
    }

    func run() throws {
        var plan = try options.plan(jobs: output.jobCount)
        if let replication {
            guard replication < plan.settings.replications else {
                throw CLIFailure(code: CLIFailure.badInput,
                                 message: "error: --replication \(replication) is not a replication of this run; allowed: 0 to \(plan.settings.replications - 1); given: \(replication)")
            }
            plan.onlyReplication = replication
        }
        try execute(plan, output: output)
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

    @Option(help: ArgumentHelp("A grid axis, as key.path=v1,v2,... or key.path=[v1, v2, ...] (YAML); name:key.path=... makes a named axis whose keys vary together (repeatable).",
                               valueName: "key=values"))
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

    @Option(help: ArgumentHelp("The format of what is printed: text, or json (what would run and the resolved config).", valueName: "format"))
    var format: ValidateFormat = .text

    enum ValidateFormat: String, ExpressibleByArgument { case text, json }

    @Flag(name: [.short, .long], help: "Print nothing when the config is valid (the exit code says it); errors still go to stderr.")
    var quiet = false

    func run() throws {
        let plan = try options.plan(grid: grid)
        if quiet { return }
        if expand {
            print(try Experiment.expandedConfig(plan), terminator: "")
            return
        }
        let designs = plan.points.first?.designs.joined(separator: ", ") ?? ""
        // Replayed data files: what each point reads (once per distinct file and settings).
        var dataLines: [String] = []
        var seen: [String] = []
        for point in plan.points {
            let notes = point.scenario.dataNotes(horizon: point.settings.warmUp + point.settings.horizon)
            guard !notes.isEmpty, !seen.contains(notes.joined(separator: "\n")) else { continue }
            seen.append(notes.joined(separator: "\n"))
            dataLines += notes
        }
        if format == .json {
            let string = RunManifest.string
            print("{\"file\": \(string(plan.file)), \"kind\": \(string(plan.kind.name)), \"points\": \(plan.points.count), "
                  + "\"axes\": [\(plan.axes.map { string($0.name) }.joined(separator: ", "))], "
                  + "\"designs\": [\(plan.points.first?.designs.map(string).joined(separator: ", ") ?? "")], "
                  + "\"replications\": \(plan.settings.replications), \"units\": \(plan.unitCount), \"config_fnv1a64\": \(string(plan.configHash)),\n"
                  + "\"data\": [\(dataLines.map(string).joined(separator: ", "))],\n"
                  + "\"config\": \(RunManifest.json(plan.root))}")
            return
        }
        print("ok: \(plan.file): kind \(plan.kind.name); \(plan.points.count) point\(plan.points.count == 1 ? "" : "s"); designs \(designs); \(plan.settings.replications) replications; \(plan.unitCount) runs in all")
        for line in dataLines { print("data: " + line) }
    }
}
