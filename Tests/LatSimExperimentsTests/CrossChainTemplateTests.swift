import Testing
import LatSimCore
import LatSimExperiments
import LatSimGraph

/// The `cross-chain` template: the kind runs it, its designs patch the sender's window and the
/// channel's ordering, sync and async differ as the hand-written model's tests said, and its
/// config errors name the key the user wrote.
@Suite struct CrossChainTemplateTests {
    static let model = """
        {kind: cross-chain, source: {preset: ethereum, finality: {confirmations: 2}}, destination: cometbft,
         transfers: {rate_per_second: 0.02}, relayers: {count: 3, quorum: 2, latency: {type: lognormal, median: 5s, sigma: 0.8}},
         failure_probability: 0.05, retry_delay: 30s, designs: [sync, async, ordered-pipelined]}
        """

    static func scenario(_ text: String = model) throws -> any Scenario {
        try ScenarioRegistry.kind(named: "cross-chain")!.make(try YAMLConfig.parse(text, file: "config.yaml", path: "model"))
    }

    static func config(_ model: String) -> String {
        "name: t\nseed: 1\nreplications: 1\nhorizon: 1h\nmodel:\n" + model.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    @Test func theKindRunsTheTemplate() throws {
        let scenario = try Self.scenario()
        #expect(scenario is GraphScenario, "cross-chain is a template")
        #expect(scenario.designs == ["sync", "async", "ordered-pipelined"])
        let names = Set(scenario.metricSchema!.map(\.name))
        for metric in ["transfer_latency_mean", "delivery_latency_p99", "head_of_line_delay_mean", "transfers_requested", "transfers_delivered",
                       "delivered_throughput_per_hour", "out_of_order_executions", "failed_attempts", "stale_deliveries", "sender_backlog_mean",
                       "transfers_undelivered"] {
            #expect(names.contains(metric), "\(metric)")
        }
    }

    /// Ported from the hand-written model's CrossChainDesignTests: sync (ordered channel,
    /// lock-step sender) versus async (unordered, pipelined) on the documented example, 8 paired
    /// replications of 2 h, 95% Student-t intervals on the differences.
    @Test func syncAndAsyncDifferWithConfidence() throws {
        let scenario = try Self.scenario()
        var latency: [Double] = [], backlog: [Double] = [], headOfLine: [Double] = []
        for r in 0..<8 {
            let spec = ReplicationSpec(replication: r, rootSeed: 808, horizon: .seconds(7_200 as Int64), warmUp: .seconds(600 as Int64))
            let sync = scenario.run(design: "sync", spec: spec), async = scenario.run(design: "async", spec: spec)
            #expect(sync.value("transfers_requested") == async.value("transfers_requested"), "common random numbers")
            #expect(sync.value("out_of_order_executions") == 0)
            #expect(sync.value("transfers_undelivered") == 0 && async.value("transfers_undelivered") == 0, "the drain delivers everything")
            latency.append(sync.value("transfer_latency_mean")! - async.value("transfer_latency_mean")!)
            backlog.append(sync.value("sender_backlog_mean")! - async.value("sender_backlog_mean")!)
            // Lock-step keeps one transfer in flight, so its channel never holds one behind another.
            #expect(sync.value("head_of_line_delay_max") == 0)
            headOfLine.append(scenario.run(design: "ordered-pipelined", spec: spec).value("head_of_line_delay_mean")!)
        }
        let l = Self.interval95(latency), b = Self.interval95(backlog), h = Self.interval95(headOfLine)
        print("cross-chain template sync - async (8 replications): transfer latency \(l.mean / 1e9) ± \(l.halfWidth / 1e9) s; "
              + "sender backlog \(b.mean) ± \(b.halfWidth); ordered-pipelined head-of-line \(h.mean / 1e9) ± \(h.halfWidth / 1e9) s")
        #expect(l.mean - l.halfWidth > 0, "lock-step + ordered is slower (seed 808)")
        #expect(b.mean - b.halfWidth > 0, "lock-step builds a sender backlog (seed 808)")
        #expect(h.mean - h.halfWidth > 0, "an ordered pipelined channel blocks behind failures and slow attestations (seed 808)")
    }

    static func interval95(_ values: [Double]) -> (mean: Double, halfWidth: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, StudentT.quantile(0.975, degreesOfFreedom: n - 1) * (variance / n).squareRoot())
    }

    /// A bridge preset sets the relayers and the delivery latency; explicit keys override it.
    @Test func aBridgePresetExpandsToItsQuorum() throws {
        let node = try YAMLConfig.parse("{kind: cross-chain, source: ethereum, destination: cometbft, transfers: {rate_per_second: 0.02}, bridge: wormhole}",
                                        file: "config.yaml", path: "model")
        let spec = try GraphSpec(model: try CrossChainTemplate.expand(node))
        guard case .delay(let relayers) = spec.components[spec.componentIndex("relayers")!].parameters else {
            Issue.record("relayers is not a delay")
            return
        }
        #expect(relayers.draws == 19 && relayers.quorum == 13)
        #expect(abs(try relayers.delay.quantile(0.5) - 2e9) < 1, "the guardians' median latency, 2 s")
        let overridden = try YAMLConfig.parse("{kind: cross-chain, source: ethereum, destination: cometbft, transfers: {rate_per_second: 0.02}, "
                                              + "bridge: wormhole, relayers: {quorum: 7}}", file: "config.yaml", path: "model")
        let spec2 = try GraphSpec(model: try CrossChainTemplate.expand(overridden))
        guard case .delay(let r2) = spec2.components[spec2.componentIndex("relayers")!].parameters else { return }
        #expect(r2.draws == 19 && r2.quorum == 7)
        // The optimistic bridge: one updater, then a 30 min window before the destination mempool.
        let optimistic = try GraphSpec(model: try CrossChainTemplate.expand(try YAMLConfig.parse(
            "{kind: cross-chain, source: ethereum, destination: cometbft, transfers: {rate_per_second: 0.02}, bridge: optimistic-30m}",
            file: "config.yaml", path: "model")))
        guard case .delay(let relay) = optimistic.components[optimistic.componentIndex("relay")!].parameters,
              case .delay(let updater) = optimistic.components[optimistic.componentIndex("relayers")!].parameters else { return }
        #expect(relay.delay.mean == 1_800e9 && updater.draws == 1 && updater.quorum == 1)
        let unknown = try #require(planError(Self.config("kind: cross-chain\nsource: ethereum\ndestination: cometbft\n"
                                                         + "transfers: {rate_per_second: 0.02}\nbridge: wormhol")))
        #expect(unknown.description.contains("model.bridge") && unknown.description.contains("wormhole"), "\(unknown)")
    }

    @Test func configErrorsNameTheKeyAsWritten() throws {
        let base = "kind: cross-chain\nsource: ethereum\ndestination: cometbft\ntransfers: {rate_per_second: 0.02}\n"
        let quorum = try #require(planError(Self.config(base + "relayers: {count: 3, quorum: 4, latency: 5s}")))
        #expect(quorum.description.contains("config.yaml:") && quorum.description.contains("model.relayers.quorum")
                && quorum.description.contains("1...3") && quorum.description.contains("given: 4"), "\(quorum)")
        let key = try #require(planError(Self.config(base + "failure_probabilty: 0.1")))
        #expect(key.description.contains("failure_probabilty") && key.description.contains("failure_probability"), "\(key)")
        let retry = try #require(planError(Self.config(base + "failure_probability: 0.1\nretry_delay: 100ns")))
        #expect(retry.description.contains("model.retry_delay") && retry.description.contains("1us"), "\(retry)")
        let design = try #require(planError(Self.config(base + "designs: [sync, {name: x, channel: fifo}]")))
        #expect(design.description.contains("channel") && design.description.contains("ordered, unordered") && design.description.contains("fifo"),
                "\(design)")
        let typo = try #require(planError(Self.config(base + "designs: [asyn]")))
        #expect(typo.description.contains("did you mean \"async\""), "\(typo)")
        let layer = try #require(planError(Self.config("kind: cross-chain\nsource: etherium\ndestination: cometbft\ntransfers: {rate_per_second: 0.02}\n")))
        #expect(layer.description.contains("model.source") && layer.description.contains("ethereum"), "\(layer)")
        let latency = try #require(planError(Self.config(base + "relayers: {count: 3}")))
        #expect(latency.description.contains("model.relayers.latency"), "\(latency)")
        let failure = try #require(planError(Self.config(base + "failure_probability: 1")))
        #expect(failure.description.contains("model.failure_probability") && failure.description.contains("0.99"), "\(failure)")
        #expect(planError(Self.config(base + "relayers: {count: 3, quorum: 2, latency: 5s}\nfailure_probability: 0.1")) == nil)
    }
}
