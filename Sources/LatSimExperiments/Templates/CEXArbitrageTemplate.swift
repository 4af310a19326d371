import LatSimCore
import LatSimGraph
import LatSimMarkets

/// `kind: cex-arbitrage`: arbitrage bots racing for price discrepancies between venues, as a
/// graph of the market components (docs/graph.md, "Market components"). The graph: a price
/// source `market` feeding every venue over a connection whose latency is the venue's `lag`; a
/// `venue` per entry of `venues`; an `arbitrageur` per entry of `bots`, joined to every venue
/// by two connections: `<bot>-<venue>` (orders and snapshot requests over the bot's
/// `new_order` latency; acknowledgements back over its `ack` latency) and `<venue>-<bot>`
/// (the venue's market-data feed, over its `market_data` latency).
///
///     model: {kind: cex-arbitrage, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8},
///             venues: [{name: alpha}, {name: beta, lag: 30ms}],
///             bots: [{name: focal, design: focal, latency: 1ms}, {name: rival, design: async, latency: 2ms}],
///             designs: {sync: sync, async: async}}
///
/// The designs (`designs:`, default the presets) are designs of the bots whose `design` is
/// `focal` (the first bot when no bot names a design). Metric names keep the hand-written
/// model's: the price source's are unprefixed (`opportunities_count`, `capture_rate_any_bot`),
/// the first focal bot's are `focal_*`, other bots' `bot_<name>_*`, venues' `venue_<name>_*`.
/// A bot's latency is one for every venue, as in the hand-written model; for latencies per
/// venue, write the graph (`latsim validate --expand` prints it).
public enum CEXArbitrageTemplate {
    public static let configKeys = ["kind", "fundamental", "tick_interval", "order_size", "venues", "bots", "designs"]
    static let reserved = ["market"]

    public static let template = Template(
        name: "cex-arbitrage",
        summary: "Arbitrage bots racing for price discrepancies between venues (a graph template over the market components).",
        designs: MarketsScenarios.designSummaries,
        example: """
            {kind: cex-arbitrage, venues: [{name: <venue>}, {name: <venue>-2}],
             bots: [{name: <bot>, design: focal}, {name: <bot>-2, design: async}]}
            """,
        expand: expand)

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        // The kind's parameter checks (CEXArbitrageParameters), so its configs get the errors they always had.
        let parameters = try CEXArbitrageParameters(config: node)
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)], _ location: SourceLocation? = nil) -> ConfigNode {
            GraphConfig.mapping(entries, at: location ?? at)
        }
        let venueNodes = try node.required("venues", allowed: "a list of venues").items()
        let botNodes = try node.required("bots", allowed: "a list of bots").items()
        let venueNames = parameters.exchanges.map(\.name), botNames = parameters.bots.map(\.name)
        for (index, name) in (venueNames + botNames).enumerated() {
            let item = index < venueNames.count ? venueNodes[index] : botNodes[index - venueNames.count]
            if reserved.contains(name) || (venueNames + botNames)[..<index].contains(name) {
                throw (item.child("name") ?? item).error("is taken: venue and bot names must differ from each other and from `market`",
                                                        allowed: "distinct names other than market", given: name)
            }
        }

        var market: [(String, ConfigNode)] = [("name", s("market")), ("type", s("price-source"))]
        // The hand-written model's defaults: a GBM from 3,000 at 80% a year, ticks Exp(20 ms).
        market.append(("fundamental", node.child("fundamental")
                       ?? map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8"))])))
        market.append(("tick_interval", node.child("tick_interval") ?? map([("type", s("exponential")), ("mean", s("20ms"))])))
        market.append(("opportunity_size", node.child("order_size") ?? s("1")))
        var components = [map(market)]
        var connections: [ConfigNode] = []
        for (index, venue) in venueNodes.enumerated() {
            guard case .mapping(let entries) = venue.value else { throw venue.error("must be a mapping", allowed: "{name, lag, ...}") }
            components.append(map([("name", s(venueNames[index])), ("type", s("venue"))]
                                  + entries.filter { $0.key != "name" && $0.key != "lag" }.map { ($0.key, $0.value) }, venue.location))
            connections.append(map([("from", s("market.out")), ("to", s(venueNames[index] + ".in")),
                                    ("link", venue.child("lag") ?? s("0ms"))], venue.location))
        }
        // Designs: each sets the focal bots' design.
        let designNodes = try GraphConfig.botDesignNodes(node, at: node.location)
        var focal: [String] = []
        for (index, bot) in botNodes.enumerated() {
            let p = parameters.bots[index], name = p.name
            var entries: [(String, ConfigNode)] = [("name", s(name)), ("type", s("arbitrageur"))]
            if p.isFocal {
                focal.append(name)
                // The focal bots start with the first design (each design patches it).
                if let first = designNodes.first { entries.append(("design", first.1)) }
            } else if let d = bot.child("design") { entries.append(("design", d)) }
            entries.append(("order_size", node.child("order_size") ?? s("1")))
            if let m = bot.child("min_profit") { entries.append(("min_profit", m)) }
            components.append(map(entries, bot.location))
            let (order, ack, feed) = try latencies(bot)
            for venue in venueNames {
                connections.append(map([("name", s("\(name)-\(venue)")), ("from", s(name + ".out")), ("to", s(venue + ".in")),
                                        ("link", order), ("reply_link", ack)], bot.location))
                connections.append(map([("name", s("\(venue)-\(name)")), ("from", s(venue + ".out")), ("to", s(name + ".in")),
                                        ("link", feed)], bot.location))
            }
        }

        let designs = designNodes.map { design in
            (design.0, map(focal.map { ("components.\($0).design", design.1) }))
        }

        var aliases: [(String, String)] = [("market.", "")]
        let focalName = focal.first
        for name in botNames { aliases.append((name + ".", name == focalName ? "focal_" : "bot_\(name)_")) }
        for name in venueNames { aliases.append((name + ".", "venue_\(name)_")) }
        aliases.append(("graph.", ""))
        return GraphConfig.model([
            ("components", GraphConfig.list(components, at: at)),
            ("connections", GraphConfig.list(connections, at: at)),
            ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) })),
            ("designs", map(designs)),
        ], at: at)
    }

    /// A bot's `latency` as the graph's three links: orders (and snapshot requests), their
    /// acknowledgements, market data. One value, or a mapping by message type whose `request`
    /// and `cancel` equal `new_order` and whose `fill_report` equals `ack` (each travels on the
    /// same link in the graph).
    static func latencies(_ bot: ConfigNode) throws -> (order: ConfigNode, ack: ConfigNode, feed: ConfigNode) {
        let fallback = GraphConfig.scalar("1ms", at: bot.location)
        guard let latency = bot.child("latency") else { return (fallback, fallback, fallback) }
        if case .scalar = latency.value { return (latency, latency, latency) }
        if latency.has("type") { return (latency, latency, latency) }
        let parsed = try BotLatencies(config: latency)
        let order = latency.child("new_order") ?? fallback, ack = latency.child("ack") ?? fallback
        for (key, value, same, sameKey) in [("request", parsed.request, parsed.newOrder, "new_order"),
                                            ("cancel", parsed.cancel, parsed.newOrder, "new_order"),
                                            ("fill_report", parsed.fillReport, parsed.ack, "ack")] where value != same {
            throw (latency.child(key) ?? latency).error("differs from \(sameKey): in the graph both travel on one link",
                                                        allowed: "\(key) equal to \(sameKey) (or write the graph: latsim validate --expand)",
                                                        given: "\(key) \(value), \(sameKey) \(same)")
        }
        return (order, ack, latency.child("market_data") ?? fallback)
    }
}
