import ArgumentParser
import LatSimNetwork

struct NetworkBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Run the message-passing benchmark: nodes exchanging requests over lognormal links through stations."
    )

    @Option(help: "The number of nodes.")
    var nodes: Int = 100

    @Option(help: "The number of requests each node keeps in flight.")
    var outstanding: Int = 4

    @Option(help: "The number of events processed per repetition.")
    var events: Int64 = 10_000_000

    @Option(help: "The root seed of every random stream.")
    var seed: UInt64 = 1

    @Option(help: "The number of repetitions; the median is reported.")
    var repeats: Int = 3

    func validate() throws {
        guard nodes >= 2 else { throw ValidationError("--nodes must be at least 2; given \(nodes)") }
        guard outstanding > 0 else { throw ValidationError("--outstanding must be positive; given \(outstanding)") }
        guard events > 0 else { throw ValidationError("--events must be positive; given \(events)") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
    }

    func run() throws {
        var times: [Double] = []
        var last: NetworkBenchmark.Result?
        for _ in 0..<repeats {
            let result = NetworkBenchmark.run(nodes: nodes, outstanding: outstanding, events: events, seed: seed)
            times.append(result.nanosecondsPerEvent)
            last = result
        }
        let nsPerEvent = median(times)
        print("benchmark: network")
        print("nodes: \(nodes)")
        print("outstanding: \(outstanding)")
        print("events: \(events)")
        print("repeats: \(repeats)")
        print("ns_per_event: \(formatFixed(nsPerEvent, decimals: 2))")
        print("events_per_second: \(formatFixed(1e9 / nsPerEvent, decimals: 0))")
        if let last {
            print("requests_completed: \(last.requestsCompleted)")
            print("request_latency_mean_ns: \(formatFixed(last.requestLatencyMeanNanoseconds, decimals: 0))")
            print("simulated_seconds: \(formatFixed(last.simulatedSeconds, decimals: 3))")
        }
    }
}
