/// The parameters of one arbitrage bot: its name, design and latencies.
///
///     - {name: rival, design: async, latency: {market_data: 800us, new_order: 1ms, ack: 1ms}, min_profit: 0}
///
/// `design: focal` (in scenarios that have designs) makes the bot take the design under
/// comparison. `min_profit` is the least expected profit (quote currency, net of fees, from the
/// bot's own view of the books) for which it trades.
public struct ArbitrageBotParameters: Sendable, Equatable {
    public var name: String
    public var design: BotDesign
    /// True when the bot takes the scenario's design.
    public var isFocal: Bool
    public var latencies: BotLatencies
    public var minProfit: Double

    public init(name: String, design: BotDesign, isFocal: Bool = false, latencies: BotLatencies, minProfit: Double = 0) {
        self.name = name
        self.design = design
        self.isFocal = isFocal
        self.latencies = latencies
        self.minProfit = minProfit
    }

    static let keys = ["name", "design", "latency", "min_profit"]

    public init(config node: ConfigNode, index: Int) throws {
        try node.checkKeys(ArbitrageBotParameters.keys)
        name = try node.string("name", default: "bot\(index)")
        if let d = node.child("design"), case .scalar(let text) = d.value, text == "focal" {
            isFocal = true
            design = .sync
        } else {
            isFocal = node.child("design") == nil && index == 0
            design = try node.child("design").map { try BotDesign(config: $0) } ?? .sync
        }
        latencies = try BotLatencies(config: node.child("latency"))
        minProfit = try node.double("min_profit", default: 0)
    }
}

/// One arbitrage attempt: two legs (a buy on one venue, a sell on the other).
struct ArbitrageAttempt {
    var buyVenue: Int
    var sellVenue: Int
    var buyLimit: Double
    var sellLimit: Double
    var quantity: Double
    var started: SimInstant
    var measured: Bool
    /// Outcome of each leg (0 = buy, 1 = sell); nil while pending or not sent.
    var outcomes: (OrderOutcome?, OrderOutcome?) = (nil, nil)
    /// The opportunity episode open when the first leg was matched with a fill, or -1.
    var episode: Int = -1
    /// True once a leg of this attempt has been matched with a fill at an engine.
    var firstFillMatched = false

    func outcome(_ leg: Int) -> OrderOutcome? { leg == 0 ? outcomes.0 : outcomes.1 }
    mutating func setOutcome(_ leg: Int, _ o: OrderOutcome) { if leg == 0 { outcomes.0 = o } else { outcomes.1 = o } }
}

/// A bot's counters over the measured period.
public struct ArbitrageBotStatistics: Sendable, Equatable {
    public var attempts = 0
    /// Attempts with both legs filled.
    public var completed = 0
    /// Attempts with no leg filled.
    public var missed = 0
    public var leggingFailures = 0
    /// Sum over legging failures of the loss of unwinding the filled leg (negative: a gain).
    public var leggingCost = 0.0
    /// Realised profit of completed attempts, net of fees.
    public var profitCaptured = 0.0
    public var ordersSent = 0
    public var rejectedStale = 0
    public var requestsSent = 0
    public var marketDataReceived = 0
    /// Round trip of each order: sent to acknowledgement received.
    public var orderLatency = LatencyHistogram()
    /// The number of distinct measured episodes in which this bot completed a measured attempt.
    public internal(set) var capturedCount = 0

    public init() {}
}

/// A bot's mutable state in a running model.
struct ArbitrageBotState {
    let parameters: ArbitrageBotParameters
    let design: BotDesign
    /// The bot's view of each venue's book (the last market data it received, by version).
    var views: [TopOfBook]
    var inFlight = 0
    var pendingResponses = 0
    var pollScheduled = false
    /// The view versions of the last decision that traded: never fire twice on the same data.
    var lastFired: (Int64, Int64) = (-1, -1)
    /// Attempts in flight, a slot each (an order carries its attempt's slot).
    var attempts = SlotPool<ArbitrageAttempt>()
    var statistics = ArbitrageBotStatistics()
    let stream: RandomStream

    init(parameters: ArbitrageBotParameters, design: BotDesign, venueCount: Int, stream: RandomStream) {
        self.parameters = parameters
        self.design = design
        self.views = Array(repeating: TopOfBook(), count: venueCount)
        self.stream = stream
    }
}
