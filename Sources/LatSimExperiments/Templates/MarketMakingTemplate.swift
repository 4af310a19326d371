import LatSimCore
import LatSimGraph
import LatSimMarkets

/// `kind: market-making`: a market maker quoting around its view of the fundamental on one
/// venue, picked off by informed takers and filled by noise takers, as a graph of the market
/// components (docs/graph.md, "`market-maker` with `quote: fundamental`"). The graph:
///
///     market (price-source) -> <venue> (venue, quote: maker)          link 0 ms (the venue's lag)
///     market -> mm (market-maker, quote: fundamental)                  the maker's market_data latency (push designs)
///     mm -> <venue>, replies back                                      new_order; ack (and pull answers)
///     market -> informed (taker, flow: informed)                       informed.latency (absent with enabled: false)
///     <venue> -> informed                                              0 ms: the informed takers see the live quote
///     informed -> <venue>, noise (taker, flow: noise) -> <venue>       their order_latency
///
/// Every latency link is `unordered` (each message draws its own latency, as in the kind's
/// definition). The designs (`designs:`, default `sync` and `async`) set the maker's `design`.
/// Metric names keep the kind's: the maker's unprefixed, `informed_*` and `noise_*` for the
/// takers, `engine_*` for the venue's matching engine and `venue_*` for its other metrics,
/// `informed_fill_share` and `taker_orders_count` derived.
public enum MarketMakingTemplate {
    public static let configKeys = ["kind", "fundamental", "tick_interval", "venue", "market_maker", "informed", "noise", "markout_horizon", "designs"]
    static let venueKeys = ["name", "taker_fee_bps", "workers", "service_time", "stale_after"]
    static let makerKeys = ["latency", "quote_size", "min_half_spread_bps", "margin_bps", "adaptive", "learning_weight", "requote_threshold_bps"]
    static let reserved = ["market", "mm", "informed", "noise"]

    public static let template = Template(
        name: "market-making",
        summary: "A market maker quoting around the fundamental, picked off by informed takers (a graph template over the market components).",
        designs: [
            ("sync", "polled reference price, cancel then new quote after the cancel's ack, one quote change in flight"),
            ("async", "pushed reference price, one replace message, pipelined quote changes"),
        ],
        example: "{kind: market-making}",
        expand: expand)

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)], _ location: SourceLocation? = nil) -> ConfigNode {
            GraphConfig.mapping(entries, at: location ?? at)
        }
        func section(_ key: String, _ keys: [String]) throws -> ConfigNode {
            let child = node.child(key) ?? ConfigNode.mapping([], path: node.path + "." + key)
            try child.checkKeys(keys)
            return child
        }
        func unordered(_ latency: ConfigNode?) -> ConfigNode {
            map([("latency", latency ?? s("1ms")), ("ordering", s("unordered"))])
        }
        try validate(node)
        let venueNode = try section("venue", venueKeys)
        let makerNode = try section("market_maker", makerKeys)
        let informedNode = try section("informed", ["enabled", "latency", "order_latency", "threshold_bps"])
        let noiseNode = try section("noise", ["rate_per_second", "order_latency"])
        let venue = try venueNode.string("name", default: "venue")
        if reserved.contains(venue) {
            throw (venueNode.child("name") ?? venueNode).error("is taken: the template names its other components \(reserved.joined(separator: ", "))",
                                                               allowed: "a venue name other than \(reserved.joined(separator: ", "))", given: venue)
        }
        let informedEnabled = try informedNode.bool("enabled", default: true)

        // Designs: each sets the maker's design (checked here so an error names the design the user wrote).
        let designNodes: [(String, ConfigNode)]
        if let d = node.child("designs") {
            _ = try BotDesign.designs(config: d)
            designNodes = try d.entries().map { ($0.key, $0.value) }
        } else {
            designNodes = BotDesign.presets.map { ($0.name, s($0.name)) }
        }
        let pulls = try designNodes.contains { try BotDesign(config: $0.1).marketData == .pull }
        let (order, ack, feed) = try latencies(makerNode, pulls: pulls)

        var market: [(String, ConfigNode)] = [("name", s("market")), ("type", s("price-source"))]
        // The kind's defaults: a GBM from 3,000 at 80% a year, ticks Exp(20 ms).
        market.append(("fundamental", node.child("fundamental") ?? map([("initial_price", s("3000")), ("volatility_per_sqrt_year", s("0.8"))])))
        market.append(("tick_interval", node.child("tick_interval") ?? map([("type", s("exponential")), ("mean", s("20ms"))])))
        var venueEntries: [(String, ConfigNode)] = [("name", s(venue)), ("type", s("venue")), ("quote", s("maker"))]
        if case .mapping(let entries) = venueNode.value {
            venueEntries += entries.filter { $0.key != "name" }.map { ($0.key, $0.value) }
        }
        var maker: [(String, ConfigNode)] = [("name", s("mm")), ("type", s("market-maker")), ("quote", s("fundamental"))]
        if let first = designNodes.first { maker.append(("design", first.1)) }
        let size = makerNode.child("quote_size") ?? s("1")
        maker.append(("size", size))
        for key in ["min_half_spread_bps", "margin_bps", "adaptive", "learning_weight", "requote_threshold_bps"] {
            if let value = makerNode.child(key) { maker.append((key, value)) }
        }
        if let horizon = node.child("markout_horizon") { maker.append(("markout_horizon", horizon)) }
        var informed: [(String, ConfigNode)] = [("name", s("informed")), ("type", s("taker")), ("flow", s("informed")), ("size", size)]
        if let threshold = informedNode.child("threshold_bps") { informed.append(("threshold_bps", threshold)) }
        var noise: [(String, ConfigNode)] = [("name", s("noise")), ("type", s("taker")), ("flow", s("noise")), ("size", size)]
        if let rate = noiseNode.child("rate_per_second") { noise.append(("rate_per_second", rate)) }
        let components = [map(market), map(venueEntries, venueNode.location), map(maker, makerNode.location),
                          map(informed, informedNode.location), map(noise, noiseNode.location)]

        func connection(_ from: String, _ to: String, _ link: ConfigNode, reply: ConfigNode? = nil) -> ConfigNode {
            map([("name", s("\(from)-\(to)")), ("from", s(from + ".out")), ("to", s(to + ".in")), ("link", link)]
                + (reply.map { [("reply_link", $0)] } ?? []))
        }
        var connections = [connection("market", venue, s("0ms")),
                           connection("market", "mm", unordered(feed)),
                           connection("mm", venue, unordered(order), reply: unordered(ack))]
        if informedEnabled { connections.append(connection("market", "informed", unordered(informedNode.child("latency")))) }
        connections += [connection(venue, "informed", s("0ms")),
                        connection("informed", venue, unordered(informedNode.child("order_latency"))),
                        connection("noise", venue, unordered(noiseNode.child("order_latency")))]

        let aliases: [(String, String)] = [("mm.market_data_received_count", "market_data_messages_count"), ("mm.", ""),
                                           ("informed.", "informed_"), ("noise.", "noise_"), (venue + ".engine_", "engine_"),
                                           (venue + ".", "venue_"), ("market.", "market_"), ("graph.", "")]
        let derived = [map([("name", s("informed_fill_share")), ("ratio", GraphConfig.list([s("informed.fills_count"), s("mm.fills_count")], at: at))]),
                       map([("name", s("taker_orders_count")), ("sum", GraphConfig.list([s("informed.orders_count"), s("noise.orders_count")], at: at))])]
        return GraphConfig.model([
            ("components", GraphConfig.list(components, at: at)),
            ("connections", GraphConfig.list(connections, at: at)),
            ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) })),
            ("derived_metrics", GraphConfig.list(derived, at: at)),
            ("designs", map(designNodes.map { ($0.0, map([("components.mm.design", $0.1)])) })),
        ], at: at)
    }

    /// The kind's own checks on the keys as written (the hand-written model's, with its ranges
    /// and defaults), so an error names the key the user wrote (`model.tick_interval`), not the
    /// graph's component it becomes.
    static func validate(_ node: ConfigNode) throws {
        if let fundamental = node.child("fundamental") { _ = try PriceProcessParameters(config: fundamental) }
        _ = try node.intervalDistribution("tick_interval", default: try Distribution.exponential(mean: 20_000_000))
        let venue = node.child("venue") ?? ConfigNode.mapping([], path: node.path + ".venue")
        try venue.checkKeys(venueKeys)
        _ = try ExchangeParameters(name: try venue.string("name", default: "venue"), config: venue)
        let maker = node.child("market_maker") ?? ConfigNode.mapping([], path: node.path + ".market_maker")
        try maker.checkKeys(makerKeys)
        _ = try BotLatencies(config: maker.child("latency"))
        _ = try maker.double("quote_size", default: 1, range: 1e-12...1e12)
        _ = try maker.double("min_half_spread_bps", default: 0.5, range: 0...10_000)
        _ = try maker.double("margin_bps", default: 0.5, range: 0...10_000)
        _ = try maker.bool("adaptive", default: true)
        _ = try maker.double("learning_weight", default: 0.05, range: 1e-6...1)
        _ = try maker.double("requote_threshold_bps", default: 0.5, range: 0...10_000)
        let informed = node.child("informed") ?? ConfigNode.mapping([], path: node.path + ".informed")
        try informed.checkKeys(["enabled", "latency", "order_latency", "threshold_bps"])
        _ = try informed.bool("enabled", default: true)
        _ = try informed.distribution("latency", default: try Distribution.constant(1_000_000))
        _ = try informed.distribution("order_latency", default: try Distribution.constant(1_000_000))
        _ = try informed.double("threshold_bps", default: 0, range: 0...10_000)
        let noise = node.child("noise") ?? ConfigNode.mapping([], path: node.path + ".noise")
        try noise.checkKeys(["rate_per_second", "order_latency"])
        _ = try noise.ratePerSecond("rate_per_second", default: 20, allowZero: true)
        _ = try noise.distribution("order_latency", default: try Distribution.constant(1_000_000))
        _ = try node.duration("markout_horizon", default: .milliseconds(100), allowZero: false)
    }

    /// The maker's `latency` as the graph's three links: quotes, cancels and requests to the
    /// venue (`new_order`; `request` and `cancel` must equal it), acknowledgements and fill
    /// reports back (`ack`; `fill_report` must equal it, and `market_data` too when a design
    /// pulls: the answer travels back on that link), pushed prices (`market_data`).
    static func latencies(_ maker: ConfigNode, pulls: Bool) throws -> (order: ConfigNode, ack: ConfigNode, feed: ConfigNode) {
        let fallback = GraphConfig.scalar("1ms", at: maker.location)
        guard let latency = maker.child("latency") else { return (fallback, fallback, fallback) }
        if case .scalar = latency.value { return (latency, latency, latency) }
        if latency.has("type") { return (latency, latency, latency) }
        let parsed = try BotLatencies(config: latency)
        var same = [("request", parsed.request, parsed.newOrder, "new_order"), ("cancel", parsed.cancel, parsed.newOrder, "new_order"),
                    ("fill_report", parsed.fillReport, parsed.ack, "ack")]
        if pulls { same.append(("market_data", parsed.marketData, parsed.ack, "ack")) }
        for (key, value, other, otherKey) in same where value != other {
            throw (latency.child(key) ?? latency).error("differs from \(otherKey): in the graph both travel on one link\(key == "market_data" ? " (a design pulls: the answer comes back with the acknowledgements)" : "")",
                                                        allowed: "\(key) equal to \(otherKey) (or write the graph: latsim validate --expand)",
                                                        given: "\(key) \(value), \(otherKey) \(other)")
        }
        return (latency.child("new_order") ?? fallback, latency.child("ack") ?? fallback, latency.child("market_data") ?? fallback)
    }
}
