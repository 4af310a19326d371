import LatSimNetwork
/// The validated parameters of a `cex-arbitrage` scenario.
///
///     model:
///       kind: cex-arbitrage
///       fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8}
///       tick_interval: {type: exponential, mean: 20ms}
///       order_size: 1
///       venues:
///         - {name: alpha, lag: 0ms, basis_sd: 0.0002, half_spread_bps: 1, taker_fee_bps: 1}
///         - {name: beta, lag: 30ms, basis_sd: 0.0002, half_spread_bps: 1, taker_fee_bps: 1}
///       bots:
///         - {name: focal, design: focal, latency: 1ms}
///         - {name: rival, design: async, latency: 2ms}
///
/// Invariant: exactly two venues with distinct names; at least one bot; bot names distinct.
public struct CEXArbitrageParameters: Sendable, Equatable {
    public var fundamental: PriceProcessParameters
    public var tickInterval: Distribution
    public var orderSize: Double
    public var venuePrices: [VenuePriceParameters]
    public var exchanges: [ExchangeParameters]
    public var bots: [ArbitrageBotParameters]

    public init(fundamental: PriceProcessParameters, tickInterval: Distribution, orderSize: Double,
                venuePrices: [VenuePriceParameters], exchanges: [ExchangeParameters], bots: [ArbitrageBotParameters]) {
        precondition(venuePrices.count == 2 && exchanges.count == 2 && !bots.isEmpty)
        self.fundamental = fundamental
        self.tickInterval = tickInterval
        self.orderSize = orderSize
        self.venuePrices = venuePrices
        self.exchanges = exchanges
        self.bots = bots
    }

    static let keys = ["kind", "fundamental", "tick_interval", "order_size", "venues", "bots", "designs"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(CEXArbitrageParameters.keys)
        fundamental = try node.child("fundamental").map { try PriceProcessParameters(config: $0) }
            ?? PriceProcessParameters(initialPrice: 3_000, volatilityPerSqrtYear: 0.8)
        tickInterval = try node.intervalDistribution("tick_interval", default: try Distribution.exponential(mean: 20_000_000))
        orderSize = try node.double("order_size", default: 1, range: 1e-12...1e12)
        let venueNodes = try node.required("venues", allowed: "a list of two venues").items()
        guard venueNodes.count == 2 else {
            throw node.error("must list exactly two venues", allowed: "2 venues", given: "\(venueNodes.count)", key: "venues")
        }
        (venuePrices, exchanges) = try CEXArbitrageParameters.venues(venueNodes)
        let botNodes = try node.required("bots", allowed: "a list of bots").items()
        guard !botNodes.isEmpty else { throw node.error("must list at least one bot", allowed: "1 or more bots", given: "0", key: "bots") }
        bots = try botNodes.enumerated().map { try ArbitrageBotParameters(config: $0.element, index: $0.offset) }
        try CEXArbitrageParameters.checkDistinct(bots.map(\.name), node: node, key: "bots")
        for (index, exchange) in exchanges.enumerated() where exchange.depth < orderSize {
            throw venueNodes[index].error("is smaller than order_size (\(formatSignificant(orderSize, digits: 6))): no order could ever fill",
                                          allowed: "depth >= order_size", given: formatSignificant(exchange.depth, digits: 6), key: "depth")
        }
    }

    /// Reads venues: each a price follower (`lag`, `basis_sd`, `basis_half_life`) and an exchange.
    static func venues(_ nodes: [ConfigNode]) throws -> ([VenuePriceParameters], [ExchangeParameters]) {
        var prices: [VenuePriceParameters] = [], exchanges: [ExchangeParameters] = []
        for (index, item) in nodes.enumerated() {
            try item.checkKeys(["name"] + VenuePriceParameters.keys + ExchangeParameters.keys)
            let name = try item.string("name", default: "venue\(index)")
            prices.append(try VenuePriceParameters(name: name, config: item))
            exchanges.append(try ExchangeParameters(name: name, config: item))
        }
        if exchanges.count > 1, let parent = nodes.first {
            try checkDistinct(exchanges.map(\.name), node: parent, key: "name")
        }
        return (prices, exchanges)
    }

    static func checkDistinct(_ names: [String], node: ConfigNode, key: String) throws {
        for (index, name) in names.enumerated() where names[..<index].contains(name) {
            throw node.error("has a repeated name", allowed: "distinct names", given: name, key: key)
        }
    }
}

/// The `cex-arbitrage` scenario: the designs are designs of the focal bot(s).
///
/// Metrics (formulas in docs/markets.md), in this order: opportunity counts and sizes, the
/// focal bot's capture, legging and order latency, then per bot and per venue counters.
public struct CEXArbitrageScenario: Scenario {
    public let parameters: CEXArbitrageParameters
    public let namedDesigns: [(name: String, design: BotDesign)]
    public var designs: [String] { namedDesigns.map(\.name) }

    public init(parameters: CEXArbitrageParameters, designs: [(name: String, design: BotDesign)] = BotDesign.presets) {
        self.parameters = parameters
        self.namedDesigns = designs
    }

    public init(config node: ConfigNode) throws {
        self.init(parameters: try CEXArbitrageParameters(config: node), designs: try BotDesign.designs(config: node.child("designs")))
    }

    /// Venues and bots (each bot a view per venue and its order-latency histogram). Attempts
    /// in flight and the episodes they refer to grow with the work pending, not the horizon; the
    /// episode trace (at most `ReplicationSpec.traceRowLimit` rows of about 32 bytes) only when tracing.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let venues = Double(parameters.exchanges.count), bots = Double(parameters.bots.count)
        let trace = spec.keepTrace ? Double(ReplicationSpec.traceRowLimit) * 32 : 0
        return 64 * 1_024 + venues * 4_096 + bots * (4_096 + 60 * 1_024 + venues * 64) + trace
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult { simulate(design: design, spec: spec).result }

    /// Runs one replication; the finished model too (tests read its live state).
    func simulate(design: String, spec: ReplicationSpec) -> (result: ReplicationResult, model: CEXArbitrageModel) {
        guard let chosen = namedDesigns.first(where: { $0.name == design }) else {
            preconditionFailure("unknown design \(design); known: \(designs)")
        }
        var sim = Simulation(model: CEXArbitrageModel(parameters: parameters, focalDesign: chosen.design, spec: spec, tracing: spec.keepTrace))
        for (event, time) in sim.model.initialEvents(warmUp: spec.warmUp) { sim.schedule(event, at: time) }
        let end = SimInstant.zero + spec.warmUp + spec.horizon
        let reason = sim.run(RunLimits(horizon: end, maxEvents: spec.maxEvents))
        sim.model.tracker.close(at: sim.now)
        var result = ReplicationResult()
        CEXArbitrageScenario.summarize(sim.model, into: &result, measuredSeconds: Double((sim.now - (SimInstant.zero + spec.warmUp)).nanoseconds) / 1e9, end: sim.now)
        result.eventsProcessed = sim.context.eventsProcessed
        result.stopReason = reason.description
        if spec.keepTrace {
            (result.traceHeader, result.traceRows) = sim.model.tracker.trace(botNames: sim.model.bots.map(\.parameters.name))
            result.traceRowsDropped = sim.model.tracker.traceRowsDropped
        }
        return (result, sim.model)
    }

    /// Every metric a run records (`summarize`), in its order: the kind's list with each bot's and
    /// venue's name in place of `<bot>` and `<venue>` (the `metrics:` filter checks against it).
    public var metricSchema: [(name: String, unit: String, summary: String)]? {
        CEXArbitrageScenario.metricSchema(bots: parameters.bots.map(\.name), venues: parameters.exchanges.map(\.name))
    }

    /// The metrics of `summarize` for these bot and venue names, in recording order (formulas in
    /// docs/markets.md); `latsim list cex-arbitrage` shows them for the names `<bot>` and `<venue>`.
    public static func metricSchema(bots: [String], venues: [String]) -> [(name: String, unit: String, summary: String)] {
        var schema: [(name: String, unit: String, summary: String)] = [
            ("opportunities_count", "count", "episodes when the true books' net edge for order_size is > 0"),
            ("opportunities_per_second", "1/s", "episodes per measured second"),
            ("opportunity_duration_mean", "ns", "mean duration of an episode"),
            ("profit_available_total", "quote", "sum over episodes of order_size x the episode's largest net edge"),
            ("capture_rate_any_bot", "ratio", "episodes captured by some bot / episodes"),
        ]
        schema += botSchema(prefix: "focal", who: "the focal bot", detailed: true)
        for bot in bots { schema += botSchema(prefix: "bot_" + bot, who: "bot " + bot, detailed: false) }
        for venue in venues {
            let prefix = "venue_" + venue
            schema += [
                (prefix + "_market_data_messages_count", "count", "market data messages sent by venue " + venue),
                (prefix + "_pull_requests_count", "count", "market data requests received by venue " + venue),
                (prefix + "_orders_count", "count", "orders received by venue " + venue),
                (prefix + "_acks_count", "count", "acknowledgements sent by venue " + venue),
                (prefix + "_fill_reports_count", "count", "fill reports sent by venue " + venue),
            ]
            schema += ServiceStationMetrics.metricSchema(prefix: prefix + "_engine", of: "venue " + venue + "'s matching engine")
        }
        return schema
    }

    static func botSchema(prefix: String, who: String, detailed: Bool) -> [(name: String, unit: String, summary: String)] {
        var schema: [(name: String, unit: String, summary: String)] = [
            (prefix + "_captured_count", "count", "episodes in which " + who + " completed both legs"),
            (prefix + "_capture_rate", "ratio", prefix + "_captured_count / episodes"),
            (prefix + "_profit_captured_total", "quote", "realised profit of " + who + "'s completed attempts"),
            (prefix + "_profit_capture_ratio", "ratio", prefix + "_profit_captured_total / profit_available_total"),
            (prefix + "_legging_failures_count", "count", "attempts of " + who + " with exactly one leg filled"),
            (prefix + "_legging_cost_total", "quote", "losses of " + who + " from unwinding the filled leg at the true book"),
        ]
        guard detailed else { return schema }
        schema += [
            (prefix + "_attempts_count", "count", "attempts started by " + who),
            (prefix + "_completed_count", "count", "attempts of " + who + " with both legs filled"),
            (prefix + "_missed_count", "count", "attempts of " + who + " with no leg filled"),
            (prefix + "_rejected_stale_count", "count", "orders of " + who + " rejected as stale"),
            (prefix + "_orders_count", "count", "orders sent by " + who),
            (prefix + "_requests_count", "count", "market data requests sent by " + who),
            (prefix + "_market_data_received_count", "count", "market data messages received by " + who),
        ]
        return schema + LatencyHistogram.metricSchema(name: prefix + "_order_latency", of: who + "'s order latency (sent to acknowledged)")
    }

    static func summarize(_ model: CEXArbitrageModel, into result: inout ReplicationResult, measuredSeconds: Double, end: SimInstant) {
        let tracker = model.tracker
        let opportunities = tracker.count
        let available = tracker.totalProfitAvailable
        result.record("opportunities_count", unit: "count", value: Double(opportunities))
        result.record("opportunities_per_second", unit: "1/s", value: measuredSeconds > 0 ? Double(opportunities) / measuredSeconds : .nan)
        result.record("opportunity_duration_mean", unit: "ns", value: opportunities > 0 ? tracker.totalDurationNanoseconds / Double(opportunities) : .nan)
        result.record("profit_available_total", unit: "quote", value: available)
        result.record("capture_rate_any_bot", unit: "ratio", value: opportunities > 0 ? Double(tracker.capturedCount) / Double(opportunities) : .nan)
        let focal = model.bots.firstIndex { $0.parameters.isFocal } ?? 0
        summarizeBot(model.bots[focal].statistics, prefix: "focal", opportunities: opportunities, available: available, into: &result, detailed: true)
        for bot in model.bots {
            summarizeBot(bot.statistics, prefix: "bot_" + bot.parameters.name, opportunities: opportunities, available: available, into: &result, detailed: false)
        }
        for v in model.exchanges.indices {
            let prefix = "venue_" + model.exchanges[v].name
            let c = model.counters[v]
            result.record(prefix + "_market_data_messages_count", unit: "count", value: Double(c.marketDataMessages))
            result.record(prefix + "_pull_requests_count", unit: "count", value: Double(c.pullRequests))
            result.record(prefix + "_orders_count", unit: "count", value: Double(c.orders))
            result.record(prefix + "_acks_count", unit: "count", value: Double(c.acks))
            result.record(prefix + "_fill_reports_count", unit: "count", value: Double(c.fillReports))
            model.stations[v].summarize(into: &result, prefix: prefix + "_engine", until: end)
        }
    }

    static func summarizeBot(_ s: ArbitrageBotStatistics, prefix: String, opportunities: Int, available: Double,
                             into result: inout ReplicationResult, detailed: Bool) {
        let captured = s.capturedCount
        result.record(prefix + "_captured_count", unit: "count", value: Double(captured))
        result.record(prefix + "_capture_rate", unit: "ratio", value: opportunities > 0 ? Double(captured) / Double(opportunities) : .nan)
        result.record(prefix + "_profit_captured_total", unit: "quote", value: s.profitCaptured)
        result.record(prefix + "_profit_capture_ratio", unit: "ratio", value: available > 0 ? s.profitCaptured / available : .nan)
        result.record(prefix + "_legging_failures_count", unit: "count", value: Double(s.leggingFailures))
        result.record(prefix + "_legging_cost_total", unit: "quote", value: s.leggingCost)
        guard detailed else { return }
        result.record(prefix + "_attempts_count", unit: "count", value: Double(s.attempts))
        result.record(prefix + "_completed_count", unit: "count", value: Double(s.completed))
        result.record(prefix + "_missed_count", unit: "count", value: Double(s.missed))
        result.record(prefix + "_rejected_stale_count", unit: "count", value: Double(s.rejectedStale))
        result.record(prefix + "_orders_count", unit: "count", value: Double(s.ordersSent))
        result.record(prefix + "_requests_count", unit: "count", value: Double(s.requestsSent))
        result.record(prefix + "_market_data_received_count", unit: "count", value: Double(s.marketDataReceived))
        // No order sent: every latency statistic is NaN (nothing measured), the count 0.
        s.orderLatency.summarize(into: &result, name: prefix + "_order_latency")
    }
}
