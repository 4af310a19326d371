import LatSimCore
import LatSimExperiments
import Testing

/// A template's listed metrics are exactly what its example's graph records (families: a listed
/// name is a metric or a prefix before "_"), so `latsim list` and the `metrics:` filter do not
/// drift from what runs record.
@Suite struct TemplateMetricListTests {
    @Test(arguments: ScenarioRegistry.templates.map(\.kind.name))
    func listedMetricsAreRecordedAndRecordedOnesListed(name: String) throws {
        let template = try #require(ScenarioRegistry.templates.first { $0.kind.name == name })
        let scenario = try template.kind.make(try YAMLConfig.parse(template.example, file: "example.yaml", path: "model"))
        let listed = template.kind.metrics.map(\.name)
        #expect(!listed.isEmpty)
        let spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .milliseconds(200), warmUp: .milliseconds(20))
        // Designs may differ in components (broker-outage's direct design has no broker): every
        // design's metrics are listed, and every listed metric is recorded by some design.
        var recordedByAny: [String] = []
        for design in scenario.designs {
            let recorded = scenario.run(design: design, spec: spec).metrics.map(\.name)
            for metric in recorded {
                #expect(listed.contains { metric == $0 || metric.hasPrefix($0 + "_") }, "\(name): \(metric) is recorded, not listed")
            }
            recordedByAny += recorded
        }
        for metric in listed {
            #expect(recordedByAny.contains { $0 == metric || $0.hasPrefix(metric + "_") }, "\(name): \(metric) is listed, never recorded")
        }
    }
}
