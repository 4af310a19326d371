import LatSimCore

/// Trades settling on one layer: atomic per-trade settlement (`sync`) versus batched net
/// settlement from pre-funded inventory (`async`).
///
///     model:
///       kind: settlement
///       layer: {preset: ethereum}
///       trades: {rate_per_second: 0.05, notional: {type: lognormal, median: 20000, sigma: 1}}
///       capital: 250000
///       batch_interval: 5min
///
/// Trades arrive as a Poisson process; a trade is executed if capital allows (atomic: free
/// capital >= notional; batched: |net unsettled + signed notional| <= capital), otherwise it
/// is lost. Settlement transactions reach the layer after the trader's connectivity latency.
/// Metrics are defined with formulas in docs/settlement.md.
public struct SettlementScenario: Scenario {
    public var layer: LayerSpec
    public var connectivity: Distribution
    public var tradeRatePerSecond: Double
    public var notional: Distribution
    public var buyProbability: Double
    public var capital: Double
    public var fee: Distribution
    public var batchInterval: SimDuration
    public var drainLimit: SimDuration
    public var designChoices: [SettlementDesign]
    public var designs: [String] { designChoices.map(\.name) }

    public static let configKeys = ["kind", "layer", "connectivity", "trades", "capital", "fee", "batch_interval", "drain_limit", "designs"]

    public init(layer: LayerSpec, connectivity: Distribution, tradeRatePerSecond: Double, notional: Distribution,
                buyProbability: Double = 0.5, capital: Double, fee: Distribution, batchInterval: SimDuration,
                drainLimit: SimDuration = .seconds(86_400 as Int64), designs: [SettlementDesign] = [.sync, .async]) {
        self.layer = layer
        self.connectivity = connectivity
        self.tradeRatePerSecond = tradeRatePerSecond
        self.notional = notional
        self.buyProbability = buyProbability
        self.capital = capital
        self.fee = fee
        self.batchInterval = batchInterval
        self.drainLimit = drainLimit
        self.designChoices = designs
    }

    /// Decodes the `model:` section of a config.
    public init(config node: ConfigNode) throws {
        try node.checkKeys(SettlementScenario.configKeys)
        let layer = try node.layerSpec("layer")
        let trades = try node.required("trades", allowed: "{rate_per_second: r, notional: ...}")
        try trades.checkKeys(["rate_per_second", "notional", "buy_probability"])
        self.init(layer: layer,
                  connectivity: try node.connectivity("connectivity", default: "same-region"),
                  tradeRatePerSecond: try trades.ratePerSecond("rate_per_second"),
                  notional: try trades.amountDistribution("notional"),
                  buyProbability: try trades.probability("buy_probability", default: 0.5),
                  capital: try node.double("capital", range: 0...1e18),
                  fee: try node.amountDistribution("fee", default: try .constant(1)),
                  batchInterval: try node.interval("batch_interval", default: .seconds(60 as Int64)),
                  drainLimit: try node.duration("drain_limit", default: .seconds(86_400 as Int64), allowZero: false),
                  designs: try node.settlementDesigns("designs", default: [.sync, .async]))
    }

    /// What a run keeps whatever its length: the two latency histograms and fixed state. Pending
    /// trades and batches (a slot each while not final) grow with the work in flight, not with
    /// the horizon; the per-trade trace (about 48 bytes a trade, at most
    /// `ReplicationSpec.traceRowLimit` trades) only when tracing.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let fixed = 64 * 1_024 + 2 * 60 * 1_024.0
        guard spec.keepTrace else { return fixed }
        let seconds = Double((spec.warmUp + spec.horizon).nanoseconds) / 1e9
        return fixed + Swift.min(tradeRatePerSecond * seconds, Double(ReplicationSpec.traceRowLimit)) * 48
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        simulate(design: design, spec: spec, tracing: spec.keepTrace).result
    }

    /// Runs one replication and returns its metrics and its per-trade trace (always recorded
    /// here, for tests; `trace.csv` rows only when `spec.keepTrace`).
    public func runDetailed(design name: String, spec: ReplicationSpec) -> (result: ReplicationResult, trace: SettlementTrace) {
        let (result, model) = simulate(design: name, spec: spec, tracing: true)
        return (result, model.trace)
    }

    /// Runs one replication; the finished model too (tests read its live state).
    func simulate(design name: String, spec: ReplicationSpec, tracing: Bool) -> (result: ReplicationResult, model: SettlementModel) {
        guard let design = designChoices.first(where: { $0.name == name }) else {
            preconditionFailure("unknown design \(name); the scenario has \(designs)")
        }
        var sim = Simulation(model: SettlementModel(parameters: self, design: design, spec: spec, tracing: tracing))
        sim.model.start(context: &sim.context)
        let reason = sim.run(RunLimits(maxEvents: spec.maxEvents))
        var model = sim.model
        model.trace.exposureIntegralAtEnd = model.exposure.integral(until: sim.now)
        model.trace.endTime = sim.now.nanosecondsSinceStart
        var result = ReplicationResult()
        result.eventsProcessed = sim.context.eventsProcessed
        result.stopReason = reason.description
        model.softLatency.summarize(into: &result, name: "settlement_soft_latency")
        model.finalLatency.summarize(into: &result, name: "settlement_final_latency")
        let withdrawal = Double(model.layer.withdrawalDelay.nanoseconds)
        result.record("withdrawal_latency_mean", unit: "ns", value: model.finalLatency.mean + withdrawal)
        result.record("withdrawal_latency_p99", unit: "ns", value: model.finalLatency.quantile(0.99) + withdrawal)
        result.record("exposure_gross_mean", unit: "notional", value: model.exposureMean)
        result.record("exposure_gross_max", unit: "notional", value: model.exposureMax)
        result.record("exposure_net_mean", unit: "notional", value: model.netExposureMean)
        result.record("exposure_net_max", unit: "notional", value: model.netExposureMax)
        result.record("trades_offered", unit: "count", value: Double(model.offered))
        result.record("trades_executed", unit: "count", value: Double(model.executed))
        result.record("trades_lost", unit: "count", value: Double(model.lost))
        result.record("capture_rate", unit: "ratio", value: model.offered > 0 ? Double(model.executed) / Double(model.offered) : .nan)
        result.record("settled_throughput_per_hour", unit: "trades/h", value: Double(model.settledInWindow) / (spec.horizon.seconds / 3_600))
        result.record("settlement_transactions", unit: "count", value: Double(model.settlementTransactions))
        result.record("trades_unsettled", unit: "count", value: Double(model.pendingMeasured))
        if spec.keepTrace {
            result.traceHeader = ["trade", "notional", "side", "arrived_ns", "executed_ns", "soft_ns", "final_ns"]
            for i in model.trace.notional.indices {
                result.traceRows.append([String(i), formatSignificant(model.trace.notional[i], digits: 10), String(model.trace.side[i]),
                                         String(model.trace.arrivedAt[i]), String(model.trace.executedAt[i]),
                                         String(model.trace.softAt[i]), String(model.trace.finalAt[i])])
            }
            result.traceRowsDropped = model.trace.rowsDropped
        }
        return (result, model)
    }

    /// Every metric a run records, in its order (the kind's list; the `metrics:` filter checks against it).
    public var metricSchema: [(name: String, unit: String, summary: String)]? { SettlementScenario.metricSchema }
    public func dataNotes(horizon: SimDuration) -> [String] { layer.dataNotes(horizon: horizon) }

    /// The metrics of `runDetailed`, in recording order; formulas in docs/settlement.md.
    public static let metricSchema: [(name: String, unit: String, summary: String)] =
        LatencyHistogram.metricSchema(name: "settlement_soft_latency", of: "trade execution to soft confirmation")
        + LatencyHistogram.metricSchema(name: "settlement_final_latency", of: "trade execution to finality")
        + [
            ("withdrawal_latency_mean", "ns", "mean final latency plus the layer's withdrawal delay (rollup challenge window)"),
            ("withdrawal_latency_p99", "ns", "99th percentile of the final latency plus the layer's withdrawal delay"),
            ("exposure_gross_mean", "notional", "time-weighted mean of executed, not-final notional"),
            ("exposure_gross_max", "notional", "maximum of executed, not-final notional"),
            ("exposure_net_mean", "notional", "time-weighted mean of |signed net| executed, not-final notional"),
            ("exposure_net_max", "notional", "maximum of |signed net| executed, not-final notional"),
            ("trades_offered", "count", "trades arriving in the window"),
            ("trades_executed", "count", "measured trades executed"),
            ("trades_lost", "count", "measured trades lost to locked capital"),
            ("capture_rate", "ratio", "trades_executed / trades_offered"),
            ("settled_throughput_per_hour", "trades/h", "trades becoming final in the window per hour"),
            ("settlement_transactions", "count", "settlement transactions sent in the window"),
            ("trades_unsettled", "count", "measured trades not final when the run stopped (drain limit)"),
        ]
}
