import Testing
import LatSimExperiments

/// Every kind of bad input the issue lists: each error names the file and line, the key,
/// what is allowed and what was given.
@Suite struct ConfigErrorTests {
    func expectError(_ config: String, line: Int, contains fragments: [String], extraFiles: [(String, String)] = [],
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let error = planError(config, extraFiles: extraFiles) else {
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return
        }
        let text = error.description
        #expect(error.location.file.hasSuffix(".yaml"), "\(text)", sourceLocation: sourceLocation)
        #expect(error.location.line == line, "\(text)", sourceLocation: sourceLocation)
        #expect(error.allowed != nil, "\(text)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(text.contains(fragment), "missing \"\(fragment)\" in: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func validBaseConfigPasses() {
        #expect(planError(queueConfig()) == nil)
    }

    @Test func unknownKeysSuggestTheNearest() {
        expectError(queueConfig(top: "horizn: 2s"), line: 3, contains: ["horizn", "did you mean \"horizon\"", "allowed:"])
        expectError(queueConfig(model: "workrs: 2"), line: 11, contains: ["model.workrs", "did you mean \"workers\""])
        expectError(queueConfig(model: "links: {defualt: 1ms}"), line: 11, contains: ["did you mean \"default\""])
    }

    @Test func wrongTypes() {
        expectError(queueConfig(top: "seed: lots"), line: 3, contains: ["seed", "non-negative integer", "given: lots"])
        expectError(queueConfig(model: "workers: [1, 2]"), line: 11, contains: ["model.workers", "must be a single value"])
        expectError(queueConfig(model: "capacity: 1.5"), line: 11, contains: ["model.capacity", "must be an integer"])
        expectError(queueConfig(top: "trace: maybe"), line: 3, contains: ["trace", "true or false"])
    }

    @Test func missingRequiredFields() {
        expectError("replications: 2\nmodel: {kind: queue}\n", line: 1, contains: ["horizon", "is required but missing"])
        expectError("horizon: 1s\nreplications: 2\n", line: 1, contains: ["model", "is required but missing"])
        expectError("""
            horizon: 1s
            model:
              kind: queue
              actors: [{name: a, role: server}, {name: b}]
              arrival: 1ms

            """, line: 3, contains: ["model.service", "is required but missing"])
    }

    @Test func impossibleValues() {
        expectError(queueConfig(model: "links: {default: -1ms}"), line: 11, contains: ["model.links.default", "must not be negative"])
        expectError(queueConfig(model: "reject_probability: 1.5"), line: 11, contains: ["reject_probability", "out of range", "[0, 1]"])
        expectError(queueConfig(service: "{type: mixture, components: [{weight: 0.5, type: constant, value: 1ms}, {weight: 0.4, type: constant, value: 2ms}]}"),
                    line: 10, contains: ["model.service", "sum"])
        expectError(queueConfig(top: "replications: 0").replacingOccurrences(of: "replications: 2\n", with: ""), line: 2,
                    contains: ["replications", "out of range"])
    }

    @Test func unknownPresetsAndUnreadableFiles() {
        expectError("include: [short-rnu]\n" + queueConfig(), line: 1, contains: ["short-rnu", "did you mean \"short-run\"", "allowed: short-run"],
                    extraFiles: [("presets/short-run.yaml", "horizon: 1s\n")])
        expectError("include: [missing.yaml]\n" + queueConfig(), line: 1, contains: ["missing.yaml", "does not exist"])
        expectError(queueConfig(service: "{type: empirical, file: nowhere.csv}"), line: 10, contains: ["nowhere.csv"])
    }

    @Test func includeCyclesAreErrors() {
        expectError("include: [a.yaml]\n" + queueConfig(), line: 1, contains: ["cycle"],
                    extraFiles: [("a.yaml", "include: [b.yaml]\n"), ("b.yaml", "include: [a.yaml]\n")])
    }

    @Test func duplicateActorsAndUnknownActors() {
        expectError("""
            horizon: 1s
            model:
              kind: queue
              actors:
                - {name: exchange, role: server}
                - {name: exchange, role: client}
              arrival: 1ms
              service: 1ms

            """, line: 6, contains: ["repeats the actor name \"exchange\"", "unique actor names"])
        expectError(queueConfig(model: "links: {pairs: [{source: bott, target: exchange, latency: 1ms}]}"), line: 11,
                    contains: ["names an unknown actor", "did you mean \"bot\"", "exchange, bot", "given: bott"])
        expectError(queueConfig(model: "links: {regions: {mars: {default: 1ms}}}"), line: 11, contains: ["unknown region", "mars"])
    }

    @Test func unknownKindsDesignsAndMetrics() {
        expectError(queueConfig().replacingOccurrences(of: "kind: queue", with: "kind: queeu"), line: 5,
                    contains: ["model.kind", "did you mean \"queue\""])
        expectError(queueConfig(top: "designs: [sync, asnyc]"), line: 3, contains: ["asnyc", "not a design", "did you mean \"async\""])
        expectError(queueConfig(top: "metrics: [latency]"), line: 3, contains: ["not a metric", "request_latency"])
    }

    @Test func sweepAxesAreCheckedPerPoint() {
        expectError(queueConfig(top: "sweep: {model.workrs: [1, 2]}"), line: 3, contains: ["model.workrs", "did you mean \"workers\""])
        expectError(queueConfig(top: "sweep: {modle.workers: [1, 2]}"), line: 3, contains: ["modle does not exist", "did you mean \"model\""])
        expectError(queueConfig(top: "sweep: {model.workers: [1, 0]}"), line: 3, contains: ["model.workers", "out of range", "given: 0"])
        expectError(queueConfig(top: "sweep: {model.workers: []}"), line: 3, contains: ["at least one value"])
    }

    @Test func overridesAreCheckedLikeTheFile() {
        let error = planError(queueConfig(), overrides: ["model.workers=0"])
        #expect(error?.description.hasPrefix("--set model.workers=0") == true, "\(String(describing: error))")
        #expect(error?.description.contains("out of range") == true)
        let typo = planError(queueConfig(), overrides: ["model.wrokers=2"])
        #expect(typo?.description.contains("did you mean \"workers\"") == true, "\(String(describing: typo))")
        #expect(planError(queueConfig(), overrides: ["model.workers=3", "model.actors[1].name=bot-2"]) == nil)
        #expect(planError(queueConfig(), overrides: ["noequals"])?.description.contains("key.path=value") == true)
    }
}
