/// The `cex-amm-arbitrage` scenario: designs are the focal bot's.
///
///     let scenario = try CEXAMMArbitrageScenario(config: node)
///     scenario.run(design: "async", spec: spec).value("blocks_with_arbitrage_ratio")
///
/// Per-block metrics are summed over measured blocks and reported per block (formulas in
/// docs/markets.md), then the focal bot's and each bot's results, then message counts.
public struct CEXAMMArbitrageScenario: Scenario {
    public let parameters: CEXAMMParameters
    public let namedDesigns: [(name: String, design: BotDesign)]
    public var designs: [String] { namedDesigns.map(\.name) }

    public init(parameters: CEXAMMParameters, designs: [(name: String, design: BotDesign)] = BotDesign.presets) {
        self.parameters = parameters
        self.namedDesigns = designs
    }

    public init(config node: ConfigNode) throws {
        self.init(parameters: try CEXAMMParameters(config: node), designs: try BotDesign.designs(config: node.child("designs")))
    }

    /// A venue, a pool and the bots: nothing sized by products of parameters.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double { 64 * 1_024 + Double(parameters.bots.count) * 4_096 }

    /// Every metric a run records, in its order: the kind's list with each bot's name in place of
    /// `<bot>` (the `metrics:` filter checks against it).
    public var metricSchema: [(name: String, unit: String, summary: String)]? {
        CEXAMMArbitrageScenario.metricSchema(bots: parameters.bots.map(\.name))
    }

    /// The metrics of `run` for these bot names, in recording order (formulas in docs/markets.md);
    /// `latsim list cex-amm-arbitrage` shows them for the name `<bot>`.
    public static func metricSchema(bots: [String]) -> [(name: String, unit: String, summary: String)] {
        var schema: [(name: String, unit: String, summary: String)] = [
            ("blocks_count", "count", "measured blocks"),
            ("blocks_with_arbitrage_ratio", "ratio", "blocks with at least one successful arbitrage swap / blocks"),
            ("arbitrage_profit_per_block_mean", "quote", "successful swaps' profit marked at the block's CEX quote, net of gas, per block"),
            ("profit_available_per_block_mean", "quote", "optimal trade's profit at the block's start against the CEX quote, net of one gas, per block"),
            ("arbitrage_capture_ratio", "ratio", "arbitrage profit / profit available, summed over blocks"),
            ("arbitrage_profit_over_pool_value_per_year", "1/year",
             "successful swaps' profit over the pool value 2 sqrt(x y P) at the block's CEX mid, per year"),
            ("pool_fees_per_block_mean", "quote", "fee x input of successful swaps (in quote) per block"),
            ("transactions_per_block_mean", "count", "included transactions per block"),
            ("reverted_transactions_count", "count", "swaps whose output was below their minimum"),
            ("inclusion_delay_mean", "ns", "mean time from mempool arrival to block"),
            ("inclusion_delay_p99", "ns", "99th percentile of the time from mempool arrival to block"),
            ("focal_transactions_count", "count", "swaps sent by the focal bot"),
            ("focal_succeeded_count", "count", "the focal bot's settled swaps that succeeded"),
            ("focal_reverted_count", "count", "the focal bot's settled swaps that reverted"),
            ("focal_blocks_won_ratio", "ratio", "blocks whose first successful arbitrage was the focal bot's / blocks with arbitrage"),
            ("focal_realised_profit_total", "quote", "focal bot's cash flows net of fees and gas, residual base at the CEX mid"),
            ("focal_arbitrage_profit_total", "quote", "the focal bot's successful swaps' profit marked at the block's CEX quote"),
            ("focal_arbitrage_capture_ratio", "ratio", "the focal bot's successful swaps' profit marked at the block's CEX quote / profit available"),
            ("focal_gas_spent_total", "quote", "gas x the focal bot's settled attempts"),
            ("focal_legging_failures_count", "count", "reverted swaps of the focal bot whose concurrent hedge was unwound"),
            ("focal_legging_cost_total", "quote", "the focal bot's losses from unwinding those hedges"),
        ]
        for bot in bots {
            schema += [("bot_" + bot + "_realised_profit_total", "quote", "bot " + bot + "'s cash flows net of fees and gas"),
                       ("bot_" + bot + "_blocks_won_count", "count", "blocks whose first successful arbitrage was bot " + bot + "'s")]
        }
        return schema + [
            ("market_data_messages_count", "count", "market data messages sent by the CEX"),
            ("requests_count", "count", "market data requests sent by the bots"),
            ("transactions_count", "count", "swaps sent to the mempool"),
            ("hedge_orders_count", "count", "hedge orders sent to the CEX"),
            ("block_notifications_count", "count", "block notifications delivered to the bots"),
        ]
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        guard let chosen = namedDesigns.first(where: { $0.name == design }) else {
            preconditionFailure("unknown design \(design); known: \(designs)")
        }
        var model = CEXAMMArbitrageModel(parameters: parameters, focalDesign: chosen.design, spec: spec)
        model.keepTrace = spec.keepTrace
        let start = model.initialEvents(warmUp: spec.warmUp)
        var sim = Simulation(model: model)
        for (event, time) in start { sim.schedule(event, at: time) }
        let end = SimInstant.zero + spec.warmUp + spec.horizon
        let reason = sim.run(RunLimits(horizon: end, maxEvents: spec.maxEvents))
        model = sim.model
        var result = ReplicationResult()
        let blocks = model.blocks > 0 ? Double(model.blocks) : .nan    // per-block figures of no block are NaN
        result.record("blocks_count", unit: "count", value: Double(model.blocks))
        result.record("blocks_with_arbitrage_ratio", unit: "ratio", value: Double(model.blocksWithArbitrage) / blocks)
        result.record("arbitrage_profit_per_block_mean", unit: "quote", value: model.arbitrageProfitAtBlocks / blocks)
        result.record("profit_available_per_block_mean", unit: "quote", value: model.profitAvailable / blocks)
        result.record("arbitrage_capture_ratio", unit: "ratio", value: model.profitAvailable > 0 ? model.arbitrageProfitAtBlocks / model.profitAvailable : .nan)
        result.record("arbitrage_profit_over_pool_value_per_year", unit: "1/year",
                      value: model.blocks > 0 ? model.arbitrageProfitOverPoolValue / (Double(spec.horizon.nanoseconds) / 1e9 / secondsPerYear) : .nan)
        result.record("pool_fees_per_block_mean", unit: "quote", value: model.poolFees / blocks)
        result.record("transactions_per_block_mean", unit: "count", value: Double(model.transactionsIncluded) / blocks)
        result.record("reverted_transactions_count", unit: "count", value: Double(model.revertedTransactions))
        result.record("inclusion_delay_mean", unit: "ns", value: model.inclusionDelay.count > 0 ? model.inclusionDelay.mean : .nan)
        result.record("inclusion_delay_p99", unit: "ns", value: model.inclusionDelay.count > 0 ? model.inclusionDelay.quantile(0.99) : .nan)
        let focal = model.bots.firstIndex { $0.parameters.isFocal } ?? 0
        let f = model.bots[focal].statistics
        result.record("focal_transactions_count", unit: "count", value: Double(f.transactions))
        result.record("focal_succeeded_count", unit: "count", value: Double(f.succeeded))
        result.record("focal_reverted_count", unit: "count", value: Double(f.reverted))
        result.record("focal_blocks_won_ratio", unit: "ratio", value: model.blocksWithArbitrage > 0 ? Double(f.blocksWon) / Double(model.blocksWithArbitrage) : .nan)
        result.record("focal_realised_profit_total", unit: "quote", value: f.realisedProfit)
        result.record("focal_arbitrage_profit_total", unit: "quote", value: f.arbitrageProfit)
        result.record("focal_arbitrage_capture_ratio", unit: "ratio", value: model.profitAvailable > 0 ? f.arbitrageProfit / model.profitAvailable : .nan)
        result.record("focal_gas_spent_total", unit: "quote", value: f.gasSpent)
        result.record("focal_legging_failures_count", unit: "count", value: Double(f.leggingFailures))
        result.record("focal_legging_cost_total", unit: "quote", value: f.leggingCost)
        for bot in model.bots {
            let s = bot.statistics
            result.record("bot_" + bot.parameters.name + "_realised_profit_total", unit: "quote", value: s.realisedProfit)
            result.record("bot_" + bot.parameters.name + "_blocks_won_count", unit: "count", value: Double(s.blocksWon))
        }
        result.record("market_data_messages_count", unit: "count", value: Double(model.counters.marketData))
        result.record("requests_count", unit: "count", value: Double(model.counters.requests))
        result.record("transactions_count", unit: "count", value: Double(model.counters.transactions))
        result.record("hedge_orders_count", unit: "count", value: Double(model.counters.hedges))
        result.record("block_notifications_count", unit: "count", value: Double(model.counters.blockNotifications))
        if spec.keepTrace {
            result.traceHeader = CEXAMMArbitrageModel.traceHeader
            result.traceRows = model.blockRows
        }
        result.eventsProcessed = sim.context.eventsProcessed
        result.stopReason = reason.description
        return result
    }
}
