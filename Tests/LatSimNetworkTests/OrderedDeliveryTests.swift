import Foundation
import Testing
@testable import LatSimNetwork

struct OrderedDeliveryTests {
    @Test func fifoPaysHeadOfLineDelayUnorderedPaysReordering() throws {
        let s = try OrderedDeliveryScenario(config: ConfigNode.mapping([
            ("send_interval", config(["type": "exponential", "mean": "100us"] as KeyValuePairs<String, Any>)),
            ("link", config(["latency": ["type": "lognormal", "median": "1ms", "sigma": 0.6] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
        ], path: "model"))
        let spec = ReplicationSpec(replication: 0, rootSeed: 5, horizon: .seconds(Int64(2)), warmUp: .milliseconds(50))
        let fifo = s.run(design: "fifo", spec: spec)
        let unordered = s.run(design: "unordered", spec: spec)
        print("ordered-delivery: unordered reorder rate \(unordered.value("reorder_rate")!), fifo HOL delay mean \(fifo.value("head_of_line_delay_mean")!) ns, p99 latency fifo \(fifo.value("delivery_latency_p99")!) vs unordered \(unordered.value("delivery_latency_p99")!)")
        #expect(fifo.value("reorder_count") == 0)
        #expect(unordered.value("reorder_rate")! > 0.2)
        #expect(fifo.value("head_of_line_delay_mean")! > 0)
        // FIFO delivery is the running maximum of the unordered arrival times: never earlier, and
        // the difference of the means is the mean head-of-line delay (up to the window's edges:
        // the delay is counted at sending, the latency at delivery; 0.5% covers the ~40 messages in flight).
        #expect(fifo.value("delivery_latency_mean")! > unordered.value("delivery_latency_mean")!)
        #expect(abs(fifo.value("delivery_latency_mean")! - unordered.value("delivery_latency_mean")! - fifo.value("head_of_line_delay_mean")!)
                <= 0.005 * fifo.value("delivery_latency_mean")!)
        #expect(fifo.value("ledger_balanced") == 1 && unordered.value("ledger_balanced") == 1)
    }

    @Test func kindsAreRegisteredWithDistinctKebabCaseNames() {
        let names = NetworkScenarios.kinds.map(\.name)
        #expect(names == ["call-pattern", "ordered-delivery"])
        for kind in NetworkScenarios.kinds {
            #expect(!kind.designs.isEmpty && !kind.metrics.isEmpty)
        }
    }
}

struct NetworkBenchmarkTests {
    @Test func benchmarkModelIsSoundAndDeterministic() {
        let a = NetworkBenchmark.run(nodes: 20, outstanding: 2, events: 60_000, seed: 4)
        let b = NetworkBenchmark.run(nodes: 20, outstanding: 2, events: 60_000, seed: 4)
        #expect(a.requestsCompleted == b.requestsCompleted && a.requestLatencyMeanNanoseconds == b.requestLatencyMeanNanoseconds)
        // A round trip is two lognormal hops (mean 200 us x e^(0.5^2/2) each) plus at least one service (mean 20 us);
        // 40 requests in flight over 40 workers (20 stations x 2) at ~10% load wait little: under 10% more.
        let floor = 2 * 200_000 * exp(0.125) + 20_000
        #expect(a.requestLatencyMeanNanoseconds >= 0.97 * floor && a.requestLatencyMeanNanoseconds <= 1.10 * floor,
                "round trip \(a.requestLatencyMeanNanoseconds) ns vs \(floor) (seed 4)")
        #expect(a.requestsCompleted >= 19_000)   // three events per request
    }
}

struct ScenarioKindMetricTests {
    /// Every metric a run records belongs to a family the kind lists (so `metrics:` filters can name it),
    /// and every listed metric is recorded.
    @Test func listedMetricsMatchRecordedOnes() throws {
        let spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .milliseconds(200), warmUp: .milliseconds(20))
        let runs: [(String, any Scenario)] = [
            ("call-pattern", try CallPatternTests.scenario(rate: 100)),
            ("ordered-delivery", try OrderedDeliveryScenario(config: ConfigNode.mapping([
                ("send_interval", config("1ms")), ("link", config(["latency": "1ms"] as KeyValuePairs<String, Any>))], path: "model"))),
        ]
        for (name, scenario) in runs {
            let kind = NetworkScenarios.kinds.first { $0.name == name }!
            let listed = kind.metrics.map(\.name)
            for design in scenario.designs {
                let recorded = scenario.run(design: design, spec: spec).metrics.map(\.name)
                for metric in recorded {
                    #expect(listed.contains { metric == $0 || metric.hasPrefix($0 + "_") }, "\(name): \(metric) is not listed")
                }
                for metric in listed {
                    #expect(recorded.contains { $0 == metric || $0.hasPrefix(metric + "_") }, "\(name): \(metric) is listed, never recorded")
                }
            }
        }
    }
}
