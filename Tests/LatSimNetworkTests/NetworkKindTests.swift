import Foundation
import Testing
@testable import LatSimNetwork

struct NetworkKindTests {
    @Test func kindsAreRegisteredWithDistinctKebabCaseNames() {
        let names = NetworkScenarios.kinds.map(\.name)
        #expect(names == ["broker-outage"])
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
            ("broker-outage", try BrokerOutageTests.scenario([("drain", "100ms")], outages: [])),
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
