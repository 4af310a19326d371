import Foundation
import Testing
import LatSimCore
import LatSimExperiments

@Suite struct OutputTests {
    static let config = """
        seed: 5
        replications: 3
        horizon: 200ms
        sweep: {model.workers: [1, 2]}
        model:
          kind: queue
          actors: [{name: exchange, role: server}, {name: bot, role: client}, {name: bot2, role: client}]
          arrival: {type: exponential, mean: 2ms}
          service: {type: exponential, mean: 1ms}

        """

    /// A parameter of the queue template's server (the station `exchange`) in the graph a point runs.
    static func server(_ scenario: any Scenario, _ key: String) -> String? {
        let components = try? (scenario as? GraphScenario)?.models[0].child("components")?.items()
        return try? components?.first { (try? $0.string("name")) == "exchange" }?.child(key)?.text()
    }

    @Test func resultsDoNotDependOnTheNumberOfWorkers() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", OutputTests.config))
        #expect(plan.points.count == 2 && plan.unitCount == 12)
        let serial = Runner.run(plan, jobs: 1)
        let parallel = Runner.run(plan, jobs: 2)
        let many = Runner.run(plan, jobs: 5)
        #expect(serial == parallel)
        #expect(serial == many)
        let files = try Experiment.files(try ExperimentResults(plan: plan, results: parallel), version: "t", commandLine: [])
        let again = try Experiment.files(try Experiment.run(plan, jobs: 1), version: "t", commandLine: [])
        #expect(files.map(\.contents) == again.map(\.contents))
    }

    @Test func gridOrderIsLastAxisFastest() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", OutputTests.config),
                                      grid: ["model.capacity=5,10,20"])
        #expect(plan.axes.map(\.name) == ["model.workers", "model.capacity"])
        #expect(plan.points.map { $0.assignments.map(\.value) } ==
                [["1", "5"], ["1", "10"], ["1", "20"], ["2", "5"], ["2", "10"], ["2", "20"]])
        let replaced = try ExperimentPlan(file: directory.write("c.yaml", OutputTests.config), grid: ["model.workers=3"])
        #expect(replaced.points.count == 1)
        #expect(OutputTests.server(replaced.points[0].scenario, "workers") == "3")
    }

    @Test func traceForSmallRunsOnly() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let small = OutputTests.config.replacingOccurrences(of: "sweep: {model.workers: [1, 2]}", with: "trace: true")
        let plan = try ExperimentPlan(file: directory.write("t.yaml", small))
        let results = try Experiment.run(plan, jobs: 2)
        let trace = try #require(CSVTables.trace(results))
        let lines = trace.split(separator: "\n")
        #expect(lines.first == "point,design,replication,component,instance,request,created_ns,completed_ns,latency_ns,attempts,wire_ns,wait_ns,service_ns")
        // One row per answered request (rejections are counted in drop_rate, not traced).
        let served = results.aggregates.filter { $0.metric == "request_latency_count" }.map { Int(($0.summary.mean * 3).rounded()) }.reduce(0, +)
        #expect(lines.count - 1 == served)
        let big = small.replacingOccurrences(of: "replications: 3", with: "replications: 40")
        #expect(throws: ConfigError.self) { try ExperimentPlan(file: directory.write("b.yaml", big)) }
    }

    /// A trace cut at its cap says so in run.json (rows kept, rows dropped); without a trace
    /// run.json has neither field. Results as a run produced them, one with dropped rows.
    @Test func runJSONSaysWhenATraceWasTruncated() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let small = OutputTests.config.replacingOccurrences(of: "sweep: {model.workers: [1, 2]}", with: "trace: true")
        let plan = try ExperimentPlan(file: directory.write("t.yaml", small))
        var results = Runner.run(plan, jobs: 1)
        let kept = results.reduce(0) { $0 + $1.traceRows.count }
        #expect(kept > 0)
        let whole = RunManifest.json(try ExperimentResults(plan: plan, results: results), version: "t", commandLine: [])
        #expect(whole.contains("\"trace_rows\": \(kept),\n") && whole.contains("\"trace_rows_dropped\": 0,\n"), "\(whole)")
        results[1].traceRowsDropped = 1_234
        let cut = RunManifest.json(try ExperimentResults(plan: plan, results: results), version: "t", commandLine: [])
        #expect(cut.contains("\"trace_rows_dropped\": 1234,\n"), "\(cut)")
        let untraced = try ExperimentPlan(file: directory.write("u.yaml", OutputTests.config))
        let plain = RunManifest.json(try Experiment.run(untraced, jobs: 1), version: "t", commandLine: [])
        #expect(!plain.contains("trace_rows"))
    }

    @Test func csvQuotingAndNumbers() {
        #expect(CSVTables.field("a,b") == "\"a,b\"")
        #expect(CSVTables.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTables.field("plain") == "plain")
        #expect(CSVTables.number(0.1) == "0.1")
        #expect(CSVTables.number(2e6) == "2000000.0")
        #expect(CSVTables.number(.nan) == "NaN")
        #expect(CSVTables.number(.infinity) == "inf")
        #expect(CSVTables.number(-.infinity) == "-inf")
    }

    @Test func includesMergeWithTheFileWinning() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("presets/slow.yaml", "description: d\nhorizon: 9s\nreplications: 7\nmodel: {workers: 4, capacity: 3}\n")
        let file = directory.write("sub/c.yaml", "include: [slow]\nreplications: 2\n" +
                                   OutputTests.config.replacingOccurrences(of: "replications: 3\nhorizon: 200ms\n", with: ""))
        let plan = try ExperimentPlan(file: file)
        #expect(plan.settings.horizon == SimDuration.seconds(Int64(9)))
        #expect(plan.settings.replications == 2)
        #expect(OutputTests.server(plan.points[0].scenario, "capacity") == "3")
        #expect(plan.configHash.count == 18)
        let other = try ExperimentPlan(file: file, overrides: ["model.capacity=4"])
        #expect(other.configHash != plan.configHash)
    }
}
