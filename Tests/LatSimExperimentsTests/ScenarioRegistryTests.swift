import Testing
import LatSimExperiments

@Suite struct ScenarioRegistryTests {
    @Test func namesAreUniqueAndDescribed() {
        let names = ScenarioRegistry.kinds.map(\.name)
        #expect(Set(names).count == names.count)
        for kind in ScenarioRegistry.kinds {
            #expect(!kind.summary.isEmpty && !kind.designs.isEmpty && !kind.metrics.isEmpty, "\(kind.name)")
            #expect(ScenarioRegistry.kind(named: kind.name)?.name == kind.name)
        }
    }

    @Test func commonRandomNumbersNarrowThePairedInterval() throws {
        // Both designs draw service times from the stream "exchange" (the server's station) and send
        // on "clients" (the one client instance), so their per-replication utilizations are positively correlated
        // and the paired difference has a smaller standard deviation than an unpaired one,
        // sqrt(sd_a^2 + sd_b^2). Fixed seed 11, 10 replications.
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = QueueTemplateTests.config(clients: 1, workers: 1).replacingOccurrences(of: "horizon: 20s", with: "horizon: 5s")
        let results = try Experiment.run(try ExperimentPlan(file: directory.write("c.yaml", config)), jobs: 2)
        let row = try #require(results.comparisons.first { $0.metric == "request_latency_count" })
        let a = try #require(results.aggregates.first { $0.design == "sync" && $0.metric == "request_latency_count" }).summary
        let b = try #require(results.aggregates.first { $0.design == "async" && $0.metric == "request_latency_count" }).summary
        let unpaired = (a.standardDeviation * a.standardDeviation + b.standardDeviation * b.standardDeviation).squareRoot()
        #expect(row.comparison.difference.standardDeviation < unpaired,
                "paired sd \(row.comparison.difference.standardDeviation) vs unpaired \(unpaired); seed 11")
        #expect(abs(row.comparison.difference.mean - (b.mean - a.mean)) < 1e-6)
        #expect(abs(row.comparison.ratioOfMeans - b.mean / a.mean) < 1e-12)
    }

    @Test func includeAndSweepCannotBeSet() {
        #expect(planError(queueConfig(), overrides: ["include=[x]"])?.problem.contains("command line") == true)
        #expect(planError(queueConfig(), overrides: ["sweep.model.workers=[1]"])?.problem.contains("command line") == true)
    }
}
