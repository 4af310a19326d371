import Foundation
import LatSimCore
import LatSimExperiments
import LatSimMarkets
import Testing

/// What `latsim list KIND` shows is what a run of KIND records, for the kinds that are not graph
/// templates (market and settlement models; templates: TemplateMetricListTests). Each curated
/// experiment of the kind runs every design for a tenth of its horizon: the recorded metrics
/// must be the scenario's schema exactly (names, units, order), and the kind's listed names
/// (with `<bot>`, `<venue>` standing for any name) must cover every recorded metric and each
/// be recorded by some run.
@Suite struct KindMetricListTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templateNames = Set(ScenarioRegistry.templates.map(\.kind.name))
    static let modelKinds = ScenarioRegistry.kinds.map(\.name).filter { $0 != "graph" && !templateNames.contains($0) }

    /// The curated experiments of `kind` (model.kind in experiments/*.yaml), by path.
    static func experiments(of kind: String) throws -> [String] {
        let directory = repository.appendingPathComponent("experiments")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { $0.hasSuffix(".yaml") }
            .map { directory.appendingPathComponent($0).path }
            .filter { (try? ConfigLoader.load(file: $0).child("model")?.child("kind")?.text()) == kind }
    }

    /// Whether `name` is an instance of the listed `pattern` (`<...>` matches one or more characters).
    static func matches(_ name: Substring, _ pattern: Substring) -> Bool {
        guard let open = pattern.firstIndex(of: "<"), let close = pattern[open...].firstIndex(of: ">") else { return name == pattern }
        let literal = pattern[..<open], rest = pattern[pattern.index(after: close)...]
        guard name.hasPrefix(literal) else { return false }
        var end = name.index(name.startIndex, offsetBy: literal.count)
        while end < name.endIndex {
            end = name.index(after: end)
            if matches(name[end...], rest) { return true }
        }
        return false
    }

    @Test func everyModelKindIsCovered() throws {
        // Every kind is a template now (TemplateMetricListTests); a hand-written kind added later
        // must be named here, and then the test below checks its list against its experiments.
        #expect(KindMetricListTests.modelKinds.isEmpty, "hand-written kinds: \(KindMetricListTests.modelKinds)")
        for kind in KindMetricListTests.modelKinds {
            #expect(try !KindMetricListTests.experiments(of: kind).isEmpty, "\(kind) has no curated experiment to check its list against")
        }
    }

    @Test func placeholdersMatchAnyName() {
        #expect(KindMetricListTests.matches("bot_rival_capture_rate", "bot_<bot>_capture_rate"))
        #expect(KindMetricListTests.matches("bot_a_b_capture_rate", "bot_<bot>_capture_rate"))
        #expect(!KindMetricListTests.matches("bot__capture_rate", "bot_<bot>_capture_rate"))
        #expect(!KindMetricListTests.matches("bot_rival_capture_rate_x", "bot_<bot>_capture_rate"))
        #expect(!KindMetricListTests.matches("focal_capture_rate", "bot_<bot>_capture_rate"))
    }

    @Test(arguments: KindMetricListTests.modelKinds)
    func listedMetricsAreRecordedAndRecordedOnesListed(kind name: String) throws {
        let kind = try #require(ScenarioRegistry.kind(named: name))
        let listed = kind.metrics.map(\.name)
        #expect(!listed.isEmpty)
        #expect(Set(listed).count == listed.count, "\(name): a metric is listed twice")
        var recordedByAny: [String] = []
        for file in try KindMetricListTests.experiments(of: name) {
            let plan = try ExperimentPlan(file: file)
            for point in Set([plan.points.first!.index, plan.points.last!.index]).sorted().map({ plan.points[$0] }) {
                let schema = try #require(point.scenario.metricSchema, "\(name): the scenario declares no metric schema")
                let spec = ReplicationSpec(replication: 0, rootSeed: plan.settings.seed, horizon: .nanoseconds(point.settings.horizon.nanoseconds / 10),
                                           warmUp: .nanoseconds(point.settings.warmUp.nanoseconds / 10), maxEvents: 5_000_000)
                for design in point.designs {
                    let recorded = point.scenario.run(design: design, spec: spec).metrics
                    let at = "\(name), \((file as NSString).lastPathComponent) point \(point.index) \(design)"
                    #expect(recorded.map(\.name) == schema.map(\.name), "\(at): recorded \(recorded.map(\.name)), schema \(schema.map(\.name))")
                    #expect(recorded.map(\.unit) == schema.map(\.unit), "\(at): units differ from the schema")
                    for metric in recorded where !listed.contains(where: { KindMetricListTests.matches(Substring(metric.name), Substring($0)) }) {
                        Issue.record("\(at): \(metric.name) is recorded, not listed by latsim list \(name)")
                    }
                    recordedByAny += recorded.map(\.name)
                }
            }
        }
        for metric in listed where !recordedByAny.contains(where: { KindMetricListTests.matches(Substring($0), Substring(metric)) }) {
            Issue.record("\(name): \(metric) is listed by latsim list, never recorded")
        }
    }
}
