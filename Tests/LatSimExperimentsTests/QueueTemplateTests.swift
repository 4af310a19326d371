import Testing
import LatSimCore
import LatSimExperiments

/// The `queue` template (it runs as a graph) against queueing theory, and its expansion. Each check asks the 99.9% Student-t
/// confidence interval over replications (10 replications, seed printed) to contain the
/// closed-form value: a correct model fails with probability 0.001 per check, and the seeds
/// are fixed, so the outcome is deterministic.
@Suite struct QueueTemplateTests {
    static let level = 0.999

    func run(_ config: String, overrides: [String] = []) throws -> ExperimentResults {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("queue.yaml", config), overrides: overrides)
        return try Experiment.run(plan, jobs: 2)
    }

    /// The CI must contain the theory value and be narrow: a half-width at most
    /// `relativeHalfWidth` x |theory| (a loose interval would contain anything).
    func expectContains(_ results: ExperimentResults, design: String, metric: String, theory: Double,
                        relativeHalfWidth: Double = 0.05, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let row = results.aggregates.first(where: { $0.design == design && $0.metric == metric }) else {
            Issue.record("no \(metric) for \(design)", sourceLocation: sourceLocation)
            return
        }
        let half = StudentT.confidenceHalfWidth(standardDeviation: row.summary.standardDeviation, count: row.summary.n,
                                                level: QueueTemplateTests.level)
        #expect(abs(row.summary.mean - theory) <= half,
                "\(design) \(metric): mean \(row.summary.mean) +/- \(half) (99.9%) vs theory \(theory); seed \(results.plan.settings.seed)",
                sourceLocation: sourceLocation)
        #expect(row.summary.n == results.plan.settings.replications, "\(design) \(metric): defined in \(row.summary.n) replications",
                sourceLocation: sourceLocation)
        #expect(half <= relativeHalfWidth * abs(theory),
                "\(design) \(metric): half-width \(half) above \(relativeHalfWidth) x theory \(theory): too wide to test anything; seed \(results.plan.settings.seed)",
                sourceLocation: sourceLocation)
    }

    static func config(clients: Int, workers: Int, extra: String = "", seed: Int = 11) -> String {
        let actors = (0..<clients).map { "    - {name: bot-\($0), role: client}" }.joined(separator: "\n")
        return """
            seed: \(seed)
            replications: 10
            horizon: 20s
            warm_up: 1s
            model:
              kind: queue
              actors:
                - {name: exchange, role: server}
            \(actors)
              arrival: {type: exponential, mean: 2ms}
              service: {type: exponential, mean: 1ms}
              workers: \(workers)
            \(extra)

            """
    }

    @Test func asyncSingleServerIsMM1() throws {
        // lambda = 500/s, mu = 1000/s: W = 1/(mu - lambda) = 2 ms, rho = 0.5, Lq = rho^2/(1 - rho) = 0.5.
        let results = try run(QueueTemplateTests.config(clients: 1, workers: 1))
        expectContains(results, design: "async", metric: "request_latency_mean", theory: 2e6)
        expectContains(results, design: "async", metric: "utilization", theory: 0.5)
        // A time-average queue length at rho 0.5 is noisy: its asymptotic variance, about 2 rho (1 + rho) /
        // (mu (1 - rho)^4) = 0.024 s for L, gives sd 0.03 per 20 s run (measured 0.025 to 0.034 over
        // 40 runs, on this template and on the former hand-written model alike): half-width about 9%.
        expectContains(results, design: "async", metric: "queue_length_mean", theory: 0.5, relativeHalfWidth: 0.12)
        expectContains(results, design: "async", metric: "throughput_per_s", theory: 500)
    }

    @Test func syncSingleClientLatencyIsTheServiceTime() throws {
        // Closed loop, one client: no queueing, latency = service (mean 1 ms); throughput by renewal
        // reward = 1 / (E think + E service) = 1 / 3 ms; utilization = 1/3.
        let results = try run(QueueTemplateTests.config(clients: 1, workers: 1))
        expectContains(results, design: "sync", metric: "request_latency_mean", theory: 1e6)
        expectContains(results, design: "sync", metric: "throughput_per_s", theory: 1000.0 / 3)
        expectContains(results, design: "sync", metric: "utilization", theory: 1.0 / 3)
        let queue = results.aggregates.first { $0.design == "sync" && $0.metric == "queue_length_mean" }
        #expect(queue?.summary.mean == 0)
    }

    @Test func asyncTwoWorkersIsMMc() throws {
        // Three Poisson clients (500/s each) merge into lambda = 1500/s; c = 2, mu = 1000/s, a = 1.5.
        // Erlang C: P(wait) = (a^2/2 * 4) / (1 + a + a^2/2 * 4) = 4.5/7; Wq = P/(c mu - lambda) = 1.2857 ms.
        let results = try run(QueueTemplateTests.config(clients: 3, workers: 2))
        let wait = (4.5 / 7) / 500.0
        expectContains(results, design: "async", metric: "request_latency_mean", theory: (wait + 1e-3) * 1e9)
        expectContains(results, design: "async", metric: "utilization", theory: 0.75)
    }

    @Test func rejectionsThinTheArrivals() throws {
        // Rejected with p = 0.2 on arrival: served arrivals are Poisson(400/s), W = 1/(1000 - 400) s.
        let results = try run(QueueTemplateTests.config(clients: 1, workers: 1, extra: "  reject_probability: 0.2"))
        expectContains(results, design: "async", metric: "drop_rate", theory: 0.2)
        expectContains(results, design: "async", metric: "request_latency_mean", theory: 1e9 / 600)
    }

    @Test func linkLatencyAddsBothWays() throws {
        // Constant 5 ms each way: sync latency = 10 ms + service; throughput = 1 / (2 + 1 + 10 ms).
        let config = QueueTemplateTests.config(clients: 1, workers: 1, extra: "  links: {default: 5ms}")
        let results = try run(config)
        expectContains(results, design: "sync", metric: "request_latency_mean", theory: 11e6)
        expectContains(results, design: "sync", metric: "throughput_per_s", theory: 1000.0 / 13)
        let minimum = results.aggregates.first { $0.design == "sync" && $0.metric == "request_latency_p50" }!.summary.mean
        #expect(minimum > 10e6)
    }

    @Test func capacityDropsWhenFull() throws {
        // Capacity 0 and one worker: a request arriving while the worker is busy is dropped. M/M/1/1 (Erlang B):
        // P(drop) = a / (1 + a) with a = lambda/mu = 0.5, i.e. 1/3.
        let results = try run(QueueTemplateTests.config(clients: 1, workers: 1, extra: "  capacity: 0"))
        expectContains(results, design: "async", metric: "drop_rate", theory: 1.0 / 3)
    }

    /// The latency node of connection `name`'s link (`link`) or reply link (`reply_link`) in the expansion.
    static func latency(_ expanded: ConfigNode, _ name: String, _ key: String) throws -> String {
        let connection = try expanded.child("connections")!.items().first { (try? $0.string("name")) == name }!
        return try connection.child(key)!.child("latency")!.text()
    }

    @Test func pairOverridesRegionMatrixOverridesDefault() throws {
        let model = try YAMLConfig.parse("""
            kind: queue
            actors:
              - {name: a, region: eu, role: server}
              - {name: b, region: eu}
              - {name: c, region: us}
              - {name: d, region: us}
            links:
              default: 1ms
              regions: {eu: {us: 40ms}, us: {eu: 45ms, us: 2ms}}
              pairs:
                - {source: a, target: d, latency: 30ms}
                - {source: a, target: c, latency: 35ms, symmetric: false}
            arrival: 2ms
            service: 1ms

            """, file: "t.yaml", path: "model")
        let expanded = try QueueTemplate.expand(model)
        #expect(try Self.latency(expanded, "b-a", "link") == "1ms")        // eu -> eu: no matrix entry, default
        #expect(try Self.latency(expanded, "b-a", "reply_link") == "1ms")
        #expect(try Self.latency(expanded, "c-a", "link") == "45ms")       // us -> eu given explicitly: not the symmetric fill
        #expect(try Self.latency(expanded, "c-a", "reply_link") == "35ms") // a -> c: a one-way pair
        #expect(try Self.latency(expanded, "d-a", "link") == "30ms")       // a pair, symmetric by default
        #expect(try Self.latency(expanded, "d-a", "reply_link") == "30ms")
        let components = try expanded.child("components")!.items().map { try $0.string("name") }
        #expect(components == ["clients", "actor-links", "a"])
        #expect(try expanded.child("components")!.items()[0].int("count") == 3)   // b, c, d: roles default to client
    }

    @Test func regionEntryWithoutReverseIsSymmetricAndNoLinksIsZero() throws {
        let model = try YAMLConfig.parse("""
            kind: queue
            actors: [{name: a, region: eu, role: server}, {name: c, region: us}, {name: e, region: eu}]
            links: {regions: {eu: {us: 40ms}}}
            arrival: 2ms
            service: 1ms

            """, file: "t.yaml", path: "model")
        let expanded = try QueueTemplate.expand(model)
        #expect(try Self.latency(expanded, "c-a", "link") == "40ms")
        #expect(try Self.latency(expanded, "c-a", "reply_link") == "40ms")
        #expect(try Self.latency(expanded, "e-a", "link") == "0ms")
    }

    @Test func errorsNameTheKeyAsWritten() throws {
        func error(_ extra: String) -> String {
            do {
                _ = try ScenarioRegistry.kind(named: "queue")!.make(try YAMLConfig.parse("""
                    kind: queue
                    actors: [{name: x, role: server}, {name: y}]
                    arrival: 2ms
                    service: 1ms
                    \(extra)

                    """, file: "t.yaml", path: "model"))
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(error("workers: 0").contains("model.workers"))
        #expect(error("capacity: -1").contains("model.capacity"))
        #expect(error("reject_probability: 2").contains("model.reject_probability"))
        #expect(error("links: {pairs: [{source: x, target: z, latency: 1ms}]}").contains("unknown actor"))
        #expect(error("links: {default: {type: nope}}").contains("model.links.default"))
        #expect(error("") == "no error")
    }
}
