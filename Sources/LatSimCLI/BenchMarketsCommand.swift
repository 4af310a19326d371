import ArgumentParser
import Foundation
import LatSimExperiments
import LatSimMarkets

struct MarketsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets",
        abstract: "Run each Markets scenario kind's example and report events per second per design (use a release build)."
    )

    @Option(help: "The simulated time of each run, e.g. 60s.")
    var horizon: String = "60s"

    @Option(help: "The root seed of every random stream.")
    var seed: UInt64 = 1

    @Option(help: "The number of repetitions; the median is reported.")
    var repeats: Int = 3

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
        guard (try? SimDuration(parsing: horizon)).map({ $0 > .zero }) == true else {
            throw ValidationError("--horizon must be a positive duration such as 60s; given \(horizon)")
        }
    }

    func run() throws {
        let span = try SimDuration(parsing: horizon)
        print("benchmark: markets")
        print("horizon: \(horizon)")
        for kind in MarketsScenarios.kinds {
            guard let config = MarketsExamples.config(kind: kind.name) else { continue }
            let scenario = try kind.make(config)
            let spec = ReplicationSpec(replication: 0, rootSeed: seed, horizon: span)
            var timed: [(label: String, scenario: any Scenario)] = [(kind.name, scenario)]
            // A kind a template replaced: the hand-written model and the template on the same example, interleaved.
            if ScenarioRegistry.replacedByTemplates.contains(kind.name),
               let template = ScenarioRegistry.templates.first(where: { $0.kind.name == kind.name }) {
                timed = [(kind.name + "/hand-written", scenario), (kind.name + "/template", try template.kind.make(config))]
            }
            for (label, scenario) in timed {
                for timing in timeDesigns(of: scenario, spec: spec, repeats: repeats) {
                    print("\(label) \(timing.design): events \(timing.events) ns_per_event \(formatFixed(timing.nanosecondsPerEvent, decimals: 1)) events_per_second \(formatFixed(1e9 / timing.nanosecondsPerEvent, decimals: 0))")
                }
            }
        }
    }
}
