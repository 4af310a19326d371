import LatSimCore
import LatSimExperiments
import Testing

/// A template's listed metrics are exactly what its graph records (families: a listed name is
/// a metric or a prefix before "_"), so `latsim list` and the `metrics:` filter do not drift.
@Suite struct TemplateMetricListTests {
    static let configs: [(String, ConfigNode)] = [
        ("call-pattern", ConfigNode.mapping([
            ("clients", config(3)), ("window", config(2)), ("arrival", config("open")), ("rate_per_client_per_s", config(500)),
            ("link", config(["latency": "200us"] as KeyValuePairs<String, Any>)),
            ("station", config(["workers": 2, "service_time": "300us"] as KeyValuePairs<String, Any>)),
        ], path: "model")),
        ("ordered-delivery", ConfigNode.mapping([
            ("send_interval", config("1ms")), ("link", config(["latency": "1ms"] as KeyValuePairs<String, Any>)),
        ], path: "model")),
    ]

    @Test(arguments: configs.map(\.0))
    func listedMetricsAreRecordedAndRecordedOnesListed(name: String) throws {
        let template = try #require(ScenarioRegistry.templates.first { $0.kind.name == name })
        let scenario = try template.kind.make(Self.configs.first { $0.0 == name }!.1)
        let listed = template.kind.metrics.map(\.name)
        let spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .milliseconds(200), warmUp: .milliseconds(20))
        for design in scenario.designs {
            let recorded = scenario.run(design: design, spec: spec).metrics.map(\.name)
            for metric in recorded {
                #expect(listed.contains { metric == $0 || metric.hasPrefix($0 + "_") }, "\(name): \(metric) is recorded, not listed")
            }
            for metric in listed {
                #expect(recorded.contains { $0 == metric || $0.hasPrefix(metric + "_") }, "\(name): \(metric) is listed, never recorded")
            }
        }
    }
}
