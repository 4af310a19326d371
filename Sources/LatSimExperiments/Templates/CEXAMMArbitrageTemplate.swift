import LatSimCore
import LatSimGraph
import LatSimMarkets

/// `kind: cex-amm-arbitrage`: bots arbitraging a constant-product pool on a chain against a
/// CEX, as a graph of the market and settlement components (docs/graph.md, "CEX-DEX"). The
/// graph: a price source `market` feeding the CEX (a `venue`, named by `cex.name`, default
/// `cex`, deep: depth 1e12, an engine without service time) over `market-<cex>` (latency
/// `cex.lag`); `chain`, a settlement whose chain seals `block_interval` blocks (a constant:
/// slots; exponential: Poisson) in arrival order with room for every transaction, each paying
/// `pool.gas_cost`, with the pool (`pool:`, reference the CEX, per-block metrics); one
/// `dex-arbitrageur` per bot: the CEX feed over `<cex>-<bot>` (its `market_data` latency), its
/// hedges and snapshot requests over `<bot>-<cex>` (its `new_order` latency; answers back over
/// its `market_data` latency), its swaps over `<bot>-chain` (`transaction_latency`; receipts
/// back over `block_data_latency`) and the block notifications over `chain-<bot>`
/// (`block_data_latency`).
///
///     model: {kind: cex-amm-arbitrage, pool: {base_reserve: 10000, fee_bps: 5, gas_cost: 0.1}, block_interval: 2s,
///             bots: [{name: focal, design: focal, transaction_latency: 50ms}, {name: rival, design: async}]}
///
/// The designs (`designs:`, default the presets) are designs of the bots whose `design` is
/// `focal`: pull or push, sequential or concurrent hedge, blocking or pipelined swaps (the
/// dex-arbitrageur's `design:`). Metric names keep the hand-written model's: the pool's per-block
/// figures unprefixed (`blocks_with_arbitrage_ratio`), the first focal bot's `focal_*`, every
/// bot's `bot_<name>_realised_profit_total` and `_blocks_won_count`, the message counts; the
/// other metrics of the graph are `market_*`, `cex_*`, `chain_*`, `bot_<name>_*` and `link.*`.
public enum CEXAMMArbitrageTemplate {
    static let reserved = ["market", "chain"]

    public static let template = Template(
        name: "cex-amm-arbitrage",
        summary: "A CEX and a constant-product pool swapped only in blocks; bots trade the pool back to its fee-adjusted band (a graph template over the market and settlement components).",
        designs: MarketsScenarios.designSummaries,
        example: """
            {kind: cex-amm-arbitrage,
             bots: [{name: <bot>, design: focal}, {name: <bot>-2, design: async}]}
            """,
        expand: expand)

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        // The kind's parameter checks (CEXAMMParameters), so its configs get the errors they always had.
        let parameters = try CEXAMMParameters(config: node)
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)], _ location: SourceLocation? = nil) -> ConfigNode {
            GraphConfig.mapping(entries, at: location ?? at)
        }
        let botNodes = try node.required("bots", allowed: "a list of bots").items()
        let cexNode = node.child("cex"), poolNode = node.child("pool")
        let cex = parameters.cex.name
        let botNames = parameters.bots.map(\.name)
        if reserved.contains(cex) {
            throw (cexNode?.child("name") ?? node).error("is taken: the CEX's name must differ from `market` and `chain`",
                                                         allowed: "a name other than market and chain", given: cex)
        }
        for (index, name) in botNames.enumerated() where reserved.contains(name) || name == cex {
            throw (botNodes[index].child("name") ?? botNodes[index]).error(
                "is taken: bot names must differ from `market`, `chain` and the CEX's name (\(cex))",
                allowed: "a name other than market, chain and \(cex)", given: name)
        }

        // The price source: the hand-written model's defaults (a GBM from 3,000 at 80% a year, ticks Exp(20 ms)).
        var components = [map([
            ("name", s("market")), ("type", s("price-source")),
            ("fundamental", node.child("fundamental") ?? map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8"))])),
            ("tick_interval", node.child("tick_interval") ?? map([("type", s("exponential")), ("mean", s("20ms"))])),
        ])]
        // The CEX: deep (the hand-written CEX's quote has no depth limit) and filling on arrival.
        var venue: [(String, ConfigNode)] = [("name", s(cex)), ("type", s("venue"))]
        for key in ["half_spread_bps", "taker_fee_bps", "market_data_throttle", "basis_sd", "basis_half_life"] {
            if let value = cexNode?.child(key) { venue.append((key, value)) }
        }
        venue += [("depth", s("1e12")), ("workers", s("1")), ("service_time", s("0ms"))]
        components.append(map(venue, cexNode?.location))

        // The chain: the block interval as slots (a constant) or Poisson blocks (exponential).
        let blocks: ConfigNode
        // A duration as nanoseconds the chain reads back; one of 2^63 ns or more (292 years) has no Int64.
        func nanoseconds(_ value: Double) throws -> ConfigNode {
            guard value.isFinite, value < 0x1p63 else {
                throw (node.child("block_interval") ?? node).error("is too long for a block interval", allowed: "a duration below 2^63 ns (292 years)",
                                                                  given: "\(parameters.blockInterval)")
            }
            return s("\(Int64(value.rounded()))ns")
        }
        switch parameters.blockInterval.kind {
        case .constant(let value):
            blocks = map([("type", s("slots")), ("slot", try nanoseconds(value))])
        case .exponential(let mean):
            blocks = map([("type", s("poisson")), ("mean_interval", try nanoseconds(mean))])
        default:
            throw (node.child("block_interval") ?? node).error("is a distribution the chain's blocks cannot follow",
                                                              allowed: "a constant (slotted blocks, e.g. 2s) or {type: exponential, mean: 12s} (Poisson blocks)",
                                                              given: "\(parameters.blockInterval)")
        }
        let gas = poolNode?.child("gas_cost") ?? s("0.1")
        var pool: [(String, ConfigNode)] = [
            ("base_reserve", poolNode?.child("base_reserve") ?? s("10000")),
            ("initial_price", s("\(parameters.fundamental.initialPrice)")),
            ("fee_bps", poolNode?.child("fee_bps") ?? s("5")),
        ]
        if let destination = poolNode?.child("fee_destination") { pool.append(("fee_destination", destination)) }
        pool += [("reference", s(cex)), ("per_block_metrics", s("true"))]
        components.append(map([
            ("name", s("chain")), ("type", s("settlement")),
            ("layer", map([("type", s("chain")), ("name", s("chain")), ("blocks", blocks), ("capacity", s("10000000")),
                           ("ordering", s("fifo")), ("finality", map([("confirmations", s("1"))])), ("gas", gas)])),
            ("pool", map(pool, poolNode?.location)),
        ]))

        var connections = [map([("from", s("market.out")), ("to", s(cex + ".in")), ("link", cexNode?.child("lag") ?? s("0ms"))])]
        let designNodes = try GraphConfig.botDesignNodes(node, at: node.location)
        var focal: [String] = []
        for (index, bot) in botNodes.enumerated() {
            let p = parameters.bots[index], name = p.name
            let searcher = p.strategy.isSearcher
            var entries: [(String, ConfigNode)] = [("name", s(name)), ("type", s("dex-arbitrageur"))]
            if searcher {
                // A searcher reads the CEX at its lead instant (a snapshot back over its market-data
                // latency) and does not hedge: the designs do not change it.
                entries += [("strategy", s("searcher")), ("lead_time", bot.child("lead_time") ?? s("0ms")), ("market_data", s("pull"))]
            } else if p.isFocal {
                focal.append(name)
                if let first = designNodes.first { entries.append(("design", first.1)) }
            } else {
                entries.append(("design", bot.child("design") ?? s("sync")))
            }
            entries.append(("gas_cost", gas))
            for key in ["min_profit", "slippage_bps"] { if let value = bot.child(key) { entries.append((key, value)) } }
            components.append(map(entries, bot.location))

            let (order, feed) = try latencies(bot)
            let transaction = bot.child("transaction_latency") ?? s("50ms"), blockData = bot.child("block_data_latency") ?? s("50ms")
            if !searcher {
                connections.append(map([("name", s("\(cex)-\(name)")), ("from", s(cex + ".out")), ("to", s(name + ".in")), ("link", feed)], bot.location))
            }
            connections.append(map([("name", s("\(name)-\(cex)")), ("from", s(name + ".out")), ("to", s(cex + ".in")),
                                    ("link", searcher ? s("0ms") : order), ("reply_link", feed)], bot.location))
            connections.append(map([("name", s("\(name)-chain")), ("from", s(name + ".out")), ("to", s("chain.in")),
                                    ("link", transaction), ("reply_link", blockData)], bot.location))
            connections.append(map([("name", s("chain-\(name)")), ("from", s("chain.blocks")), ("to", s(name + ".in")), ("link", blockData)], bot.location))
        }
        // Designs set the focal mempool bots' design (a focal searcher has none: its designs are empty patches).
        let designs = designNodes.map { design in (design.0, map(focal.map { ("components.\($0).design", design.1) })) }
        let focalMetrics = focal.first ?? parameters.bots.first(where: \.isFocal)?.name

        var aliases: [(String, String)] = [
            ("chain.pool_blocks", "blocks_count"),
            ("chain.pool_trade_probability", "blocks_with_arbitrage_ratio"),
            ("chain.pool_arbitrage_profit_per_block_mean", "arbitrage_profit_per_block_mean"),
            ("chain.pool_profit_available_per_block_mean", "profit_available_per_block_mean"),
            ("chain.pool_arbitrage_capture_ratio", "arbitrage_capture_ratio"),
            ("chain.pool_arbitrage_profit_over_pool_value_per_year", "arbitrage_profit_over_pool_value_per_year"),
            ("chain.pool_fees_per_block_mean", "pool_fees_per_block_mean"),
            ("chain.pool_transactions_per_block_mean", "transactions_per_block_mean"),
            ("chain.pool_swaps_reverted", "reverted_transactions_count"),
            ("chain.soft_latency_mean", "inclusion_delay_mean"),
            ("chain.soft_latency_p99", "inclusion_delay_p99"),
            ("chain.pool_notifications_sent", "block_notifications_count"),
            ("chain.", "chain_"), ("market.", "market_"), (cex + ".", "cex_"),
        ]
        if let f = focalMetrics {
            for (metric, alias) in [("swaps_sent", "transactions_count"), ("attempts_succeeded", "succeeded_count"),
                                    ("attempts_reverted", "reverted_count"), ("blocks_won_ratio", "blocks_won_ratio"),
                                    ("realised_profit", "realised_profit_total"), ("arbitrage_profit", "arbitrage_profit_total"),
                                    ("arbitrage_capture_ratio", "arbitrage_capture_ratio"), ("gas_paid", "gas_spent_total"),
                                    ("legging_failures", "legging_failures_count"), ("legging_cost", "legging_cost_total")] {
                aliases.append(("\(f).\(metric)", "focal_\(alias)"))
            }
            aliases.append((f + ".", "focal_"))
        }
        for name in botNames where name != focalMetrics { aliases.append((name + ".", "bot_\(name)_")) }
        aliases.append(("graph.", ""))

        // The hand-written model's per-bot figures and message counts, as sums of the bots' metrics.
        var derived: [ConfigNode] = []
        func sum(_ name: String, _ operands: [String]) {
            guard !operands.isEmpty else { return }
            derived.append(map([("name", s(name)), ("sum", GraphConfig.list(operands.map { s($0) }, at: at))]))
        }
        for p in parameters.bots {
            if !p.strategy.isSearcher { sum("bot_\(p.name)_realised_profit_total", ["\(p.name).realised_profit"]) }
            sum("bot_\(p.name)_blocks_won_count", [p.strategy.isSearcher ? "\(p.name).blocks_won" : "\(p.name).blocks_won_first"])
        }
        let mempoolBots = parameters.bots.filter { !$0.strategy.isSearcher }.map(\.name)
        sum("market_data_messages_count", botNames.map { "\($0).market_data_received" })
        sum("requests_count", botNames.map { "\($0).requests" })
        sum("transactions_count", botNames.map { "\($0).swaps_sent" })
        sum("hedge_orders_count", mempoolBots.map { "\($0).hedges_sent" })

        return GraphConfig.model([
            ("components", GraphConfig.list(components, at: at)),
            ("connections", GraphConfig.list(connections, at: at)),
            ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) })),
            ("derived_metrics", GraphConfig.list(derived, at: at)),
            ("designs", map(designs)),
        ], at: at)
    }

    /// A bot's `latency` as the graph's two links: its hedges and snapshot requests (`new_order`,
    /// which `request` must equal: one link in the graph), and the CEX's market data, snapshot
    /// answers and acknowledgements (`market_data`). One value, or a mapping by message type.
    static func latencies(_ bot: ConfigNode) throws -> (order: ConfigNode, feed: ConfigNode) {
        let fallback = GraphConfig.scalar("1ms", at: bot.location)
        guard let latency = bot.child("latency") else { return (fallback, fallback) }
        if case .scalar = latency.value { return (latency, latency) }
        if latency.has("type") { return (latency, latency) }
        let parsed = try BotLatencies(config: latency)
        if parsed.request != parsed.newOrder {
            throw (latency.child("request") ?? latency).error("differs from new_order: in the graph both travel on one link (the bot's to the CEX)",
                                                              allowed: "request equal to new_order (or write the graph: latsim validate --expand)",
                                                              given: "request \(parsed.request), new_order \(parsed.newOrder)")
        }
        return (latency.child("new_order") ?? fallback, latency.child("market_data") ?? fallback)
    }
}
