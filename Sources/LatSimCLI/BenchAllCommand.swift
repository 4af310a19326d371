import ArgumentParser
import Foundation
import LatSimCore
import LatSimExperiments

/// `latsim bench` with no subcommand: every benchmark, side by side in one process.
struct BenchAllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every benchmark: the hold model beside its C reference, the network and markets scenarios, and the catalog's experiments."
    )

    @Option(help: "The directory of experiment configs to time.")
    var experiments: String = "experiments"

    @Option(help: "The number of repetitions of each benchmark; medians are reported.")
    var repeats: Int = 3

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
    }

    func run() throws {
        let r = String(repeats)
        try HoldBenchCommand.parse(["--pending", "1000", "--events", "5000000", "--repeats", r, "--reference"]).run()
        print("")
        try HoldBenchCommand.parse(["--pending", "100000", "--events", "5000000", "--repeats", r, "--reference"]).run()
        print("")
        try NetworkBenchCommand.parse(["--repeats", r]).run()
        print("")
        try MarketsBenchCommand.parse(["--repeats", r]).run()
        print("")
        try ExperimentsBenchCommand.parse(["--directory", experiments, "--repeats", r]).run()
    }
}

/// Times one replication of every design of every config in a directory, on one thread.
struct ExperimentsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "Time one replication of each design of each experiment config, on one core."
    )

    @Option(help: "The directory of experiment configs.")
    var directory: String = "experiments"

    @Option(help: "The number of repetitions; the median is reported.")
    var repeats: Int = 3

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
    }

    func run() throws {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ValidationError("--directory \(directory) cannot be listed: \(error.localizedDescription)")
        }
        print("benchmark: experiments (replication 0 of point 0, each design, one thread)")
        print("config design events ns_per_event events_per_second")
        for file in files {
            let plan = try ExperimentPlan(file: directory + "/" + file)
            let point = plan.points[0]
            let spec = point.settings.spec(replication: 0, keepTrace: false, keepSeries: false)
            for timing in timeDesigns(of: point.scenario, designs: point.designs, spec: spec, repeats: repeats) {
                print("\(file.dropLast(5)) \(timing.design) \(timing.events) \(formatFixed(timing.nanosecondsPerEvent, decimals: 1)) \(formatFixed(1e9 / timing.nanosecondsPerEvent, decimals: 0))")
            }
        }
    }
}

/// Runs one replication of each design `repeats` times on this thread; the median time per event.
func timeDesigns(of scenario: any Scenario, designs: [String]? = nil, spec: ReplicationSpec,
                 repeats: Int) -> [(design: String, events: Int64, nanosecondsPerEvent: Double)] {
    let clock = ContinuousClock()
    return (designs ?? scenario.designs).map { design in
        var times: [Double] = []
        var events: Int64 = 0
        for _ in 0..<repeats {
            let start = clock.now
            let result = scenario.run(design: design, spec: spec)
            let elapsed = (clock.now - start).components
            events = result.eventsProcessed
            times.append((Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9) / Double(max(events, 1)))
        }
        return (design, events, median(times))
    }
}
