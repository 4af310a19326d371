import LatSimNetwork
/// The `market-making` scenario: designs are the market maker's (`sync`, `async`, or custom).
///
///     let scenario = try MarketMakingScenario(config: node)
///     let result = scenario.run(design: "async", spec: spec)
///     result.value("quoted_spread_mean_bps")
///
/// Metrics (formulas in docs/markets.md): quoted spread and uptime, fill rate, the spread
/// decomposition effective = realised + adverse selection (per fill, in bps of m_t, marked out
/// `markout_horizon` after the fill), marked-out profit, and message counts and engine queueing.
public struct MarketMakingScenario: Scenario {
    public let parameters: MarketMakingParameters
    public let namedDesigns: [(name: String, design: BotDesign)]
    public var designs: [String] { namedDesigns.map(\.name) }

    public init(parameters: MarketMakingParameters, designs: [(name: String, design: BotDesign)] = BotDesign.presets) {
        self.parameters = parameters
        self.namedDesigns = designs
    }

    public init(config node: ConfigNode) throws {
        self.init(parameters: try MarketMakingParameters(config: node), designs: try BotDesign.designs(config: node.child("designs")))
    }

    /// One venue, one maker and the order flows: nothing sized by parameters.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double { 64 * 1_024 }

    /// Every metric a run records, in its order (the kind's list; the `metrics:` filter checks against it).
    public var metricSchema: [(name: String, unit: String, summary: String)]? { MarketMakingScenario.metricSchema }

    /// The metrics of `run`, in recording order (formulas in docs/markets.md).
    public static let metricSchema: [(name: String, unit: String, summary: String)] = [
        ("quoted_spread_mean_bps", "bps", "time-weighted (ask - bid)/mid while two-sided"),
        ("two_sided_uptime_ratio", "ratio", "fraction of time with both sides quoted"),
        ("fills_per_second", "1/s", "fills of the MM's quotes per measured second"),
        ("noise_fill_ratio", "ratio", "noise orders filled / noise orders sent"),
        ("informed_fill_share", "ratio", "informed fills / fills"),
        ("effective_spread_mean_bps", "bps", "mean over fills of 2 d (p - m_t)/m_t"),
        ("realised_spread_mean_bps", "bps", "mean over fills of 2 d (p - m_{t+h})/m_t"),
        ("adverse_selection_mean_bps", "bps", "mean over fills of 2 d (m_{t+h} - m_t)/m_t"),
        ("marked_out_profit_total", "quote", "sum over fills of quote_size x d (p - m_{t+h})"),
        ("half_spread_final_bps", "bps", "the MM's half-spread at the end"),
        ("fills_count", "count", "fills of the MM's quotes"),
        ("informed_fills_count", "count", "fills by informed takers"),
        ("noise_fills_count", "count", "fills by noise takers"),
        ("quotes_sent_count", "count", "quotes (new or replace) sent by the MM"),
        ("cancels_sent_count", "count", "cancels sent by the MM"),
        ("market_data_messages_count", "count", "market data messages sent by the venue"),
        ("requests_count", "count", "market data requests sent by the MM"),
        ("taker_orders_count", "count", "orders sent by takers"),
        ("acks_count", "count", "acknowledgements sent by the venue"),
        ("fill_reports_count", "count", "fill reports sent by the venue"),
    ] + ServiceStationMetrics.metricSchema(prefix: "engine", of: "the matching engine")

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult { simulate(design: design, spec: spec).result }

    /// Runs one replication; the finished model too (tests read its live state).
    func simulate(design: String, spec: ReplicationSpec) -> (result: ReplicationResult, model: MarketMakingModel) {
        guard let chosen = namedDesigns.first(where: { $0.name == design }) else {
            preconditionFailure("unknown design \(design); known: \(designs)")
        }
        var sim = Simulation(model: MarketMakingModel(parameters: parameters, design: chosen.design, spec: spec))
        for (event, time) in sim.model.initialEvents(warmUp: spec.warmUp) { sim.schedule(event, at: time) }
        let start = SimInstant.zero + spec.warmUp
        let end = start + spec.horizon
        let reason = sim.run(RunLimits(horizon: end, maxEvents: spec.maxEvents))
        var result = ReplicationResult()
        let m = sim.model
        let s = m.statistics
        let seconds = Double((sim.now - start).nanoseconds) / 1e9
        let twoSidedIntegral = s.twoSided.integral(until: sim.now)
        result.record("quoted_spread_mean_bps", unit: "bps", value: twoSidedIntegral > 0 ? s.spreadWhileTwoSided.integral(until: sim.now) / twoSidedIntegral : .nan)
        result.record("two_sided_uptime_ratio", unit: "ratio", value: s.twoSided.mean(until: sim.now))
        result.record("fills_per_second", unit: "1/s", value: seconds > 0 ? Double(s.fills) / seconds : .nan)
        result.record("noise_fill_ratio", unit: "ratio", value: s.noiseOrders > 0 ? Double(s.noiseFills) / Double(s.noiseOrders) : .nan)
        result.record("informed_fill_share", unit: "ratio", value: s.fills > 0 ? Double(s.informedFills) / Double(s.fills) : .nan)
        let n = Double(s.markouts)
        result.record("effective_spread_mean_bps", unit: "bps", value: n > 0 ? s.effectiveSpreadSum / n * 10_000 : .nan)
        result.record("realised_spread_mean_bps", unit: "bps", value: n > 0 ? s.realisedSpreadSum / n * 10_000 : .nan)
        result.record("adverse_selection_mean_bps", unit: "bps", value: n > 0 ? s.adverseSelectionSum / n * 10_000 : .nan)
        result.record("marked_out_profit_total", unit: "quote", value: s.markedOutProfit)
        result.record("half_spread_final_bps", unit: "bps", value: m.halfSpread * 10_000)
        result.record("fills_count", unit: "count", value: Double(s.fills))
        result.record("informed_fills_count", unit: "count", value: Double(s.informedFills))
        result.record("noise_fills_count", unit: "count", value: Double(s.noiseFills))
        result.record("quotes_sent_count", unit: "count", value: Double(s.quotesSent))
        result.record("cancels_sent_count", unit: "count", value: Double(s.cancelsSent))
        result.record("market_data_messages_count", unit: "count", value: Double(m.counters.marketData))
        result.record("requests_count", unit: "count", value: Double(m.counters.requests))
        result.record("taker_orders_count", unit: "count", value: Double(m.counters.takerOrders))
        result.record("acks_count", unit: "count", value: Double(m.counters.acks))
        result.record("fill_reports_count", unit: "count", value: Double(m.counters.fillReports))
        m.station.summarize(into: &result, prefix: "engine", until: sim.now)
        result.eventsProcessed = sim.context.eventsProcessed
        result.stopReason = reason.description
        return (result, sim.model)
    }
}
