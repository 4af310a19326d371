/// A bot's design: the knobs that make it synchronous or asynchronous, each a config choice.
///
///     design: sync                                        # a preset
///     design: {preset: async, market_data: pull, poll_interval: 5ms}   # a preset with overrides
///
/// Presets: `sync` = pull market data, sequential legs (the second after the first is
/// acknowledged), blocking order flow (one trade in flight); `async` = pushed market data,
/// concurrent legs, pipelined order flow (up to `max_in_flight` trades in flight).
/// Invariant: `pollInterval > 0` when pulling; `maxInFlight >= 1`.
public struct BotDesign: Sendable, Equatable {
    public enum MarketData: String, Sendable, Equatable { case push, pull }
    public enum Legs: String, Sendable, Equatable { case sequential, concurrent }
    public enum OrderFlow: String, Sendable, Equatable { case blocking, pipelined }

    public var marketData: MarketData
    public var legs: Legs
    public var orderFlow: OrderFlow
    /// Pull only: the pause between receiving a snapshot and requesting the next one.
    public var pollInterval: SimDuration
    /// Pipelined only: the most trades in flight at once.
    public var maxInFlight: Int

    public init(marketData: MarketData, legs: Legs, orderFlow: OrderFlow, pollInterval: SimDuration = .milliseconds(5), maxInFlight: Int = 4) {
        precondition(pollInterval > .zero && maxInFlight >= 1)
        self.marketData = marketData
        self.legs = legs
        self.orderFlow = orderFlow
        self.pollInterval = pollInterval
        self.maxInFlight = maxInFlight
    }

    public static let sync = BotDesign(marketData: .pull, legs: .sequential, orderFlow: .blocking)
    public static let async = BotDesign(marketData: .push, legs: .concurrent, orderFlow: .pipelined)
    public static let presets: [(name: String, design: BotDesign)] = [("sync", .sync), ("async", .async)]

    /// The most trades this design lets be in flight.
    public var capacity: Int { orderFlow == .blocking ? 1 : maxInFlight }

    static let keys = ["preset", "market_data", "legs", "order_flow", "poll_interval", "max_in_flight"]

    /// Reads a preset name or a mapping `{preset, market_data, legs, order_flow, poll_interval, max_in_flight}`.
    public init(config node: ConfigNode) throws {
        let names = BotDesign.presets.map(\.name)
        if case .scalar = node.value {
            let name = try node.stringValue(oneOf: names)
            self = BotDesign.presets.first { $0.name == name }!.design
            return
        }
        try node.checkKeys(BotDesign.keys)
        let presetName = try node.string("preset", default: "sync", oneOf: names)
        var design = BotDesign.presets.first { $0.name == presetName }!.design
        if node.has("market_data") {
            design.marketData = MarketData(rawValue: try node.string("market_data", oneOf: ["push", "pull"]))!
        }
        if node.has("legs") {
            design.legs = Legs(rawValue: try node.string("legs", oneOf: ["sequential", "concurrent"]))!
        }
        if node.has("order_flow") {
            design.orderFlow = OrderFlow(rawValue: try node.string("order_flow", oneOf: ["blocking", "pipelined"]))!
        }
        design.pollInterval = try node.interval("poll_interval", default: design.pollInterval)
        design.maxInFlight = try node.int("max_in_flight", default: design.maxInFlight, range: 1...1_000)
        self = design
    }

    /// Reads `designs:` (a mapping name -> design); absent: the presets `sync` and `async`.
    public static func designs(config node: ConfigNode?) throws -> [(name: String, design: BotDesign)] {
        guard let node else { return presets }
        let entries = try node.entries()
        guard !entries.isEmpty else { throw node.error("must name at least one design", allowed: "e.g. {sync: sync, async: async}") }
        return try entries.map { ($0.key, try BotDesign(config: $0.value)) }
    }
}

/// A bot's latency per operation, each a distribution in nanoseconds.
///
///     latency: {market_data: 1ms, request: 1ms, new_order: 1ms, cancel: 1ms, ack: 1ms, fill_report: 1ms}
///     latency: 2ms      # every operation the same
///
/// `market_data`: a pushed update or a pull response, venue to bot; `request`: a pull request,
/// bot to venue; `new_order` and `cancel`: bot to engine; `ack` and `fill_report`: engine to bot.
/// Each message draws its own latency, so messages may overtake each other.
public struct BotLatencies: Sendable, Equatable {
    public var marketData: Distribution
    public var request: Distribution
    public var newOrder: Distribution
    public var cancel: Distribution
    public var ack: Distribution
    public var fillReport: Distribution

    public init(all: Distribution) {
        marketData = all; request = all; newOrder = all; cancel = all; ack = all; fillReport = all
    }

    static let keys = ["market_data", "request", "new_order", "cancel", "ack", "fill_report"]

    public init(config node: ConfigNode?) throws {
        let fallback = try Distribution.constant(1_000_000)
        guard let node else { self.init(all: fallback); return }
        if case .scalar = node.value {
            self.init(all: try node.distributionValue())
            return
        }
        if node.has("type") {
            self.init(all: try node.distributionValue())
            return
        }
        try node.checkKeys(BotLatencies.keys)
        self.init(all: fallback)
        marketData = try node.distribution("market_data", default: fallback)
        request = try node.distribution("request", default: fallback)
        newOrder = try node.distribution("new_order", default: fallback)
        cancel = try node.distribution("cancel", default: newOrder)
        ack = try node.distribution("ack", default: fallback)
        fillReport = try node.distribution("fill_report", default: ack)
    }
}
