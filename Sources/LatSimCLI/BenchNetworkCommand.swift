import ArgumentParser
import Foundation
import LatSimCore
import LatSimExperiments
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

    /// The same system as a component graph: `nodes` closed clients with window `outstanding`,
    /// a random router, one two-worker station per node, lognormal links both ways.
    static func graphConfig(nodes: Int, outstanding: Int, horizonMilliseconds: Int) -> String {
        """
        name: network-benchmark-graph
        seed: 1
        replications: 1
        horizon: \(horizonMilliseconds)ms
        warm_up: 0s
        model:
          kind: graph
          components:
            - {name: node, type: client, count: \(nodes), window: \(outstanding), arrival: closed}
            - {name: pick, type: router, policy: random}
            - {name: server, type: station, count: \(nodes), workers: 2, service_time: {type: exponential, mean: 20us}}
          connections:
            - {from: node.out, to: pick.in, link: 0ms}
            - {from: pick.out, to: server.in, link: {latency: {type: lognormal, median: 200us, sigma: 0.5}, ordering: unordered}}
          paths:
            - {name: request, from: node, to: node}
        """
    }

    func run() throws {
        // The graph form takes 6 events a request (the hand-written model 3: the graph has a
        // router hop each way), so its horizon is set for about as many events as --events.
        let requestsPerSecond = Double(nodes * outstanding) / 474e-6
        let horizon = max(1, Int((Double(events) / (6 * requestsPerSecond) * 1e3).rounded()))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-network-graph-\(getpid()).yaml").path
        try NetworkBenchCommand.graphConfig(nodes: nodes, outstanding: outstanding, horizonMilliseconds: horizon)
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let plan = try ExperimentPlan(file: file, seed: seed)
        let point = plan.points[0]
        let spec = point.settings.spec(replication: 0, keepTrace: false)

        // Interleaved: hand-written, graph, hold (1,000 pending), `repeats` rounds; medians.
        var times: [Double] = [], graphTimes: [Double] = [], holdTimes: [Double] = []
        var last: NetworkBenchmark.Result?
        var graphEvents: Int64 = 0
        for _ in 0..<repeats {
            let result = NetworkBenchmark.run(nodes: nodes, outstanding: outstanding, events: events, seed: seed)
            times.append(result.nanosecondsPerEvent)
            last = result
            let graph = timeDesigns(of: point.scenario, designs: point.designs, spec: spec, repeats: 1)[0]
            graphTimes.append(graph.nanosecondsPerEvent)
            graphEvents = graph.events
            holdTimes.append(HoldBenchmark.run(pending: 1_000, events: 5_000_000, seed: seed).nanosecondsPerEvent)
        }
        let nsPerEvent = median(times), graphNs = median(graphTimes), holdNs = median(holdTimes)
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
            let requests = Double(last.requestsCompleted)
            print("ns_per_request: \(formatFixed(nsPerEvent * Double(last.events) / max(requests, 1), decimals: 1))")
        }
        print("graph_events: \(graphEvents)")
        print("graph_ns_per_event: \(formatFixed(graphNs, decimals: 2))")
        // Requests completed in the graph run (an untimed run of the same replication).
        let graphRequests = point.scenario.run(design: point.designs[0], spec: spec).value("request.latency_count") ?? .nan
        print("graph_requests_completed: \(formatFixed(graphRequests, decimals: 0))")
        print("graph_ns_per_request: \(formatFixed(graphNs * Double(graphEvents) / graphRequests, decimals: 1))")
        print("hold_1000_ns_per_event: \(formatFixed(holdNs, decimals: 2))")
        print("graph_over_hold: \(formatFixed(graphNs / holdNs, decimals: 2))")
        print("hand_written_over_hold: \(formatFixed(nsPerEvent / holdNs, decimals: 2))")
    }
}
