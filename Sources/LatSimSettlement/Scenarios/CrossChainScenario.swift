import LatSimCore

/// Transfers across a bridge or messaging channel: ordered versus unordered channels,
/// lock-step versus pipelined senders.
///
///     model:
///       kind: cross-chain
///       source: {preset: ethereum, finality: {confirmations: 2}}
///       destination: cometbft
///       transfers: {rate_per_second: 0.02}
///       relayers: {count: 3, quorum: 2, latency: {type: lognormal, median: 5s, sigma: 0.8}}
///       failure_probability: 0.05
///       retry_delay: 30s
///
/// A transfer is requested (Poisson), sent on the source (lock-step: only after the previous
/// transfer executed on the destination), waits for the source's finality rule, is attested
/// when `quorum` of `count` relayers have observed it (each relayer's latency an independent
/// draw), reaches the destination mempool `delivery_latency` later, and executes inside a
/// destination block; an execution fails with `failure_probability` and is retried after
/// `retry_delay`. Metrics are defined with formulas in docs/settlement.md.
public struct CrossChainScenario: Scenario {
    public var source: LayerSpec
    public var destination: LayerSpec
    public var transferRatePerSecond: Double
    public var relayerCount: Int
    public var quorum: Int
    public var relayerLatency: Distribution
    public var deliveryLatency: Distribution
    public var failureProbability: Double
    public var retryDelay: SimDuration
    public var drainLimit: SimDuration
    public var designChoices: [SettlementDesign]
    public var designs: [String] { designChoices.map(\.name) }

    public static let configKeys = ["kind", "source", "destination", "transfers", "bridge", "relayers", "delivery_latency",
                                    "failure_probability", "retry_delay", "drain_limit", "designs"]

    public init(source: LayerSpec, destination: LayerSpec, transferRatePerSecond: Double, relayerCount: Int = 1, quorum: Int = 1,
                relayerLatency: Distribution, deliveryLatency: Distribution, failureProbability: Double = 0,
                retryDelay: SimDuration = .seconds(30 as Int64), drainLimit: SimDuration = .seconds(86_400 as Int64),
                designs: [SettlementDesign] = [.sync, .async]) throws {
        guard relayerCount >= 1 && relayerCount <= 1_000 else {
            throw ParameterError(parameter: "relayers.count", problem: "is out of range", allowed: "an integer in 1...1000", given: "\(relayerCount)")
        }
        guard quorum >= 1 && quorum <= relayerCount else {
            throw ParameterError(parameter: "relayers.quorum", problem: "is out of range", allowed: "an integer in 1...\(relayerCount) (the count)",
                                 given: "\(quorum)")
        }
        guard failureProbability >= 0 && failureProbability < 1 else {
            throw ParameterError(parameter: "failure_probability", problem: "is out of range", allowed: "a probability in [0, 1)",
                                 given: "\(failureProbability)")
        }
        guard transferRatePerSecond > 0 && transferRatePerSecond.isFinite else {
            throw ParameterError(parameter: "transfers.rate_per_second", problem: "must be positive", allowed: "a number > 0",
                                 given: "\(transferRatePerSecond)")
        }
        if failureProbability > 0 && retryDelay == .zero {
            throw ParameterError(parameter: "retry_delay", problem: "must be positive when executions can fail", allowed: "a duration > 0",
                                 given: "0")
        }
        self.source = source
        self.destination = destination
        self.transferRatePerSecond = transferRatePerSecond
        self.relayerCount = relayerCount
        self.quorum = quorum
        self.relayerLatency = relayerLatency
        self.deliveryLatency = deliveryLatency
        self.failureProbability = failureProbability
        self.retryDelay = retryDelay
        self.drainLimit = drainLimit
        self.designChoices = designs
    }

    /// Decodes the `model:` section of a config.
    public init(config node: ConfigNode) throws {
        try node.checkKeys(CrossChainScenario.configKeys)
        let transfers = try node.required("transfers", allowed: "{rate_per_second: r}")
        try transfers.checkKeys(["rate_per_second"])
        var count = 1, quorum = 1
        var latency = try Distribution.constant(0)
        var delivery = try Distribution.constant(0)
        if node.has("bridge") {
            // A bridge design preset sets the relayers and the delivery latency; explicit keys override.
            let bridge = SettlementPresets.bridge(named: try node.string("bridge", oneOf: SettlementPresets.bridgePresets.map(\.name)))!
            count = bridge.relayerCount; quorum = bridge.quorum; latency = bridge.relayerLatency; delivery = bridge.deliveryLatency
        }
        if let relayers = node.child("relayers") {
            try relayers.checkKeys(["count", "quorum", "latency"])
            let bridged = node.has("bridge")
            count = try relayers.int("count", default: bridged ? count : 1, range: 1...1_000)
            quorum = try relayers.int("quorum", default: bridged ? Swift.min(quorum, count) : count, range: 1...count)
            latency = try bridged ? relayers.distribution("latency", default: latency) : relayers.distribution("latency")
        }
        let rate = try transfers.ratePerSecond("rate_per_second")
        let source = try node.layerSpec("source"), destination = try node.layerSpec("destination")
        delivery = try node.distribution("delivery_latency", default: delivery)
        let failure = try node.double("failure_probability", default: 0, range: 0...0.99)
        let retry = try node.interval("retry_delay", default: .seconds(30 as Int64))
        let drain = try node.duration("drain_limit", default: .seconds(86_400 as Int64), allowZero: false)
        let designs = try node.settlementDesigns("designs", default: [.sync, .async])
        do {
            try self.init(source: source, destination: destination, transferRatePerSecond: rate, relayerCount: count, quorum: quorum,
                          relayerLatency: latency, deliveryLatency: delivery, failureProbability: failure, retryDelay: retry,
                          drainLimit: drain, designs: designs)
        } catch let e as ParameterError {
            throw ConfigError(location: node.location, path: node.path.isEmpty ? e.parameter : node.path + "." + e.parameter,
                              problem: e.problem, allowed: e.allowed, given: e.given)
        }
    }

    /// What a run keeps whatever its length: three latency histograms, the relayers and fixed
    /// state. Messages and relayed copies in flight (a record each until executed or landed)
    /// grow with the work pending, not with the horizon; the per-message trace (about 56 bytes a
    /// message, at most `ReplicationSpec.traceRowLimit`, and as many block times) only when tracing.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let fixed = 64 * 1_024 + 3 * 60 * 1_024.0 + Double(relayerCount) * 64
        guard spec.keepTrace else { return fixed }
        let seconds = Double((spec.warmUp + spec.horizon).nanoseconds) / 1e9
        return fixed + Swift.min(transferRatePerSecond * seconds, Double(ReplicationSpec.traceRowLimit)) * 56
            + Double(ReplicationSpec.traceRowLimit) * 8
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        simulate(design: design, spec: spec, tracing: spec.keepTrace).result
    }

    /// Runs one replication and returns its metrics and its per-message trace (always recorded
    /// here, for tests; `trace.csv` rows only when `spec.keepTrace`).
    public func runDetailed(design name: String, spec: ReplicationSpec) -> (result: ReplicationResult, trace: CrossChainTrace) {
        let (result, model) = simulate(design: name, spec: spec, tracing: true)
        return (result, model.trace)
    }

    /// Runs one replication; the finished model too (tests read its live state).
    func simulate(design name: String, spec: ReplicationSpec, tracing: Bool) -> (result: ReplicationResult, model: CrossChainModel) {
        guard let design = designChoices.first(where: { $0.name == name }) else {
            preconditionFailure("unknown design \(name); the scenario has \(designs)")
        }
        var sim = Simulation(model: CrossChainModel(parameters: self, design: design, spec: spec, tracing: tracing))
        sim.model.start(context: &sim.context)
        let reason = sim.run(RunLimits(maxEvents: spec.maxEvents))
        var model = sim.model
        model.trace.destinationBlockTimes = model.destination.blockTimes
        var result = ReplicationResult()
        result.eventsProcessed = sim.context.eventsProcessed
        result.stopReason = reason.description
        model.transferLatency.summarize(into: &result, name: "transfer_latency")
        model.deliveryLatency.summarize(into: &result, name: "delivery_latency")
        model.headOfLine.summarize(into: &result, name: "head_of_line_delay")
        result.record("transfers_requested", unit: "count", value: Double(model.requested))
        result.record("transfers_delivered", unit: "count", value: Double(model.requested - model.pendingMeasured))
        result.record("delivered_throughput_per_hour", unit: "transfers/h", value: Double(model.deliveredInWindow) / (spec.horizon.seconds / 3_600))
        result.record("out_of_order_executions", unit: "count", value: Double(model.outOfOrder))
        result.record("failed_attempts", unit: "count", value: Double(model.failedAttempts))
        result.record("stale_deliveries", unit: "count", value: Double(model.staleDeliveries))
        result.record("sender_backlog_mean", unit: "transfers", value: model.backlogMean)
        result.record("sender_backlog_max", unit: "transfers", value: model.backlogMax)
        result.record("transfers_undelivered", unit: "count", value: Double(model.pendingMeasured))
        if spec.keepTrace {
            let t = model.trace
            result.traceHeader = ["transfer", "requested_ns", "sent_ns", "source_final_ns", "ready_ns", "executed_ns", "head_of_line_ns"]
            for i in t.requestedAt.indices {
                result.traceRows.append([String(i), String(t.requestedAt[i]), String(t.sentAt[i]), String(t.sourceFinalAt[i]),
                                         String(t.readyAt[i]), String(t.executedAt[i]), String(t.headOfLineDelay[i])])
            }
            result.traceRowsDropped = t.rowsDropped
        }
        return (result, model)
    }

    /// Every metric a run records, in its order (the kind's list; the `metrics:` filter checks against it).
    public var metricSchema: [(name: String, unit: String, summary: String)]? { CrossChainScenario.metricSchema }

    /// The metrics of `runDetailed`, in recording order; formulas in docs/settlement.md.
    public static let metricSchema: [(name: String, unit: String, summary: String)] =
        LatencyHistogram.metricSchema(name: "transfer_latency", of: "request to execution on the destination")
        + LatencyHistogram.metricSchema(name: "delivery_latency", of: "sent on the source to execution on the destination")
        + LatencyHistogram.metricSchema(name: "head_of_line_delay", of: "time ready but held behind an earlier nonce (0 on unordered channels)")
        + [
            ("transfers_requested", "count", "requests in the window"),
            ("transfers_delivered", "count", "measured transfers delivered"),
            ("delivered_throughput_per_hour", "transfers/h", "executions on the destination in the window per hour"),
            ("out_of_order_executions", "count", "executions of a nonce below one already executed"),
            ("failed_attempts", "count", "failed executions (each retried)"),
            ("stale_deliveries", "count", "landed copies ignored (invalidated or already executed)"),
            ("sender_backlog_mean", "transfers", "time-weighted mean of transfers waiting at a lock-step sender"),
            ("sender_backlog_max", "transfers", "maximum of transfers waiting at a lock-step sender"),
            ("transfers_undelivered", "count", "measured transfers not delivered when the run stopped (drain limit)"),
        ]
}
