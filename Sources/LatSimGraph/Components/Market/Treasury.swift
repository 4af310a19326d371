import LatSimCore

/// An arbitrageur's `treasury:` block: its accounts at its venues (base and quote asset), shared
/// by every trade of the bot instance, with the settlement of completed trades (atomic, or net
/// per interval) and rebalancing over a bridge (docs/graph.md "Treasury", docs/settlement.md
/// "Capital conservation").
///
///     treasury: {accounts: [{venue: alpha, base: 4, quote: 12000}, {venue: beta, base: 4, quote: 12000}],
///                settlement: batched, interval: 2s, transfer_fee: 0.5,
///                rebalance: {threshold: 0.25, mode: lock-step}}
///
/// A block of the bot, not a component: it exchanges no messages of its own (its transfers go
/// through the graph's settlement components over the bot's `settle` and `rebalance` ports), and
/// every ledger move happens inside one of the bot's events, so the ledger is checked in the same
/// event that changes it.
///
/// The ledger, per asset: sum over venues of (available + reserved + in flight + incoming) + fees
/// paid + given to counterparties - received from counterparties = the initial amount, after every
/// event (a debug assertion) and at every series sample (`conservation_residual_max`).
public struct TreasuryParameters: Sendable {
    public enum SettlementMode: String, Sendable, CaseIterable { case atomic, batched }
    public enum RebalanceMode: String, Sendable, CaseIterable { case lockStep = "lock-step", pipelined }

    public struct Account: Sendable {
        public var venue: String
        public var base: Double
        public var quote: Double
    }

    public struct Rebalance: Sendable {
        /// A venue's available amount of an asset below `threshold` x its initial amount triggers a transfer.
        public var threshold: Double
        public var mode: RebalanceMode
        /// Transfers in flight at once (`pipelined`; 1 for `lock-step`).
        public var maxInFlight: Int
    }

    /// The accounts in the order given (matched to the bot's `out` connections by venue name).
    public var accounts: [Account]
    public var settlement: SettlementMode
    /// `batched`: one net transfer per interval (nil with `atomic`).
    public var interval: SimDuration?
    /// Quote paid per transfer sent (a trade's, a batch's, a rebalance's).
    public var transferFee: Double
    public var rebalance: Rebalance?

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["accounts", "settlement", "interval", "transfer_fee", "rebalance"])
        guard let list = node.child("accounts") else {
            throw node.error("is required but missing", allowed: "a list of {venue, base, quote}, one per venue the bot trades", key: "accounts")
        }
        let items = try list.items()
        guard !items.isEmpty else {
            throw list.error("must be a non-empty list", allowed: "a list of {venue, base, quote}, one per venue the bot trades")
        }
        accounts = try items.map { item in
            try item.checkKeys(["venue", "base", "quote"])
            return Account(venue: try item.string("venue"), base: try item.double("base", range: 0...1e15),
                           quote: try item.double("quote", range: 0...1e18))
        }
        var seen = Set<String>()
        for (i, account) in accounts.enumerated() where !seen.insert(account.venue).inserted {
            throw items[i].error("names venue \(account.venue) twice", allowed: "one account per venue", given: account.venue, key: "venue")
        }
        (settlement, interval) = try TreasuryParameters.settlementMode(node)
        transferFee = try node.double("transfer_fee", default: 0, range: 0...1e12)
        if let r = node.child("rebalance") {
            try r.checkKeys(["threshold", "mode", "max_in_flight"])
            let mode = RebalanceMode(rawValue: try r.string("mode", default: "lock-step", oneOf: RebalanceMode.allCases.map(\.rawValue)))!
            if mode == .lockStep && r.has("max_in_flight") {
                throw r.error("is only allowed with mode: pipelined", allowed: "lock-step has one transfer in flight",
                              given: r.child("max_in_flight")!.description, key: "max_in_flight")
            }
            rebalance = Rebalance(threshold: try r.double("threshold", range: 1e-9...1),
                                  mode: mode, maxInFlight: mode == .lockStep ? 1 : try r.int("max_in_flight", default: 8, range: 1...1_000_000))
        } else {
            rebalance = nil
        }
    }
}

extension TreasuryParameters {
    /// The `settlement` and `interval` keys of `node` (a treasury's, a trade flow's): `atomic`
    /// (the default, no interval allowed) or `batched` with its required `interval` (> 0).
    static func settlementMode(_ node: ConfigNode) throws -> (SettlementMode, SimDuration?) {
        let settlement = SettlementMode(rawValue: try node.string("settlement", default: "atomic", oneOf: SettlementMode.allCases.map(\.rawValue)))!
        if settlement == .batched {
            guard node.has("interval") else {
                throw node.error("is required with settlement: batched", allowed: "a duration > 0 (one net transfer per interval)", key: "interval")
            }
            return (settlement, try node.duration("interval", allowZero: false))
        }
        if node.has("interval") {
            throw node.error("is only allowed with settlement: batched", allowed: "no interval with settlement: atomic",
                             given: node.child("interval")!.description, key: "interval")
        }
        return (settlement, nil)
    }
}

/// Amounts of the two assets.
struct TreasuryAmount {
    var base = 0.0
    var quote = 0.0

    static func + (a: TreasuryAmount, b: TreasuryAmount) -> TreasuryAmount { TreasuryAmount(base: a.base + b.base, quote: a.quote + b.quote) }
}

/// One venue's account in a bot's treasury.
struct TreasuryAccount {
    var initial = TreasuryAmount()
    /// Free to reserve.
    var available = TreasuryAmount()
    /// Held for trades decided and not yet filled (legs in flight).
    var reserved = TreasuryAmount()
    /// Received at fills, waiting for the settlement of the trade's transfer.
    var inFlight = TreasuryAmount()
    /// Rebalancing transfers on their way to this venue.
    var incoming = TreasuryAmount()
}

/// A transfer the treasury sent and the settlement has not confirmed: a trade's (atomic), a
/// batch's (net of its trades) or a rebalance.
struct TreasuryTransfer {
    /// Per account (bot view order): what the confirmation credits to available.
    var credits: ContiguousArray<TreasuryAmount> = []
    /// Decision times of the measured trades it settles (their time to finality is recorded at confirmation).
    var decided: ContiguousArray<SimInstant> = []
    var trades = 0
    var sent = SimInstant.zero
    /// Its share of the capital locked and of the exposure (quote), removed at confirmation.
    var value = 0.0
    var rebalance = false
    var measured = false
    var inUse = false
    /// Its number (per treasury): the confirmation carries it, so a stale one is recognised.
    var serial: UInt32 = 0
}

struct TreasuryStatistics {
    var tradeFinality = LatencyHistogram()
    var rebalanceLatency = LatencyHistogram()
    var transfersSent: Int64 = 0
    var rebalancesSent: Int64 = 0
    var inventoryRefusals: Int64 = 0
    var feesPaid = 0.0
}

/// A bot instance's treasury (`MarketTables.treasuries`).
struct TreasuryState {
    let parameters: TreasuryParameters
    /// By the bot's view order (its `out` connections).
    var accounts: ContiguousArray<TreasuryAccount> = []
    var initial = TreasuryAmount()
    /// Fees paid, amounts given to and received from counterparties at fills and unwinds (whole run).
    var fees = TreasuryAmount()
    var given = TreasuryAmount()
    var received = TreasuryAmount()
    var transfers: ContiguousArray<TreasuryTransfer> = []
    var free: ContiguousArray<Int32> = []
    /// The open batch (`batched`), a transfer slot not yet sent (-1: none).
    var batch: Int32 = -1
    var rebalancesInFlight = 0
    var rebalancesInFlightMax = 0
    var transfersInFlight = 0
    /// Quote value of reserved + in flight + incoming (at the prices of the trades, or the book mid for a rebalance).
    var locked = TimeWeightedValue(start: .zero)
    /// Quote value of in flight + incoming only: received and not yet final.
    var exposure = TimeWeightedValue(start: .zero)
    /// Largest |residual| of the conservation identity over the samples and the end.
    var residualMax = 0.0
    var statistics = TreasuryStatistics()
    /// Per account, the last valid book mid of its venue (base valued at it; NaN: none yet).
    var marks: ContiguousArray<Double> = []
    var serial: UInt32 = 0
    /// Whole-run counters for the series: transfers sent, confirmed, trades refused for inventory.
    var sentTotal: Int64 = 0
    var confirmedTotal: Int64 = 0
    var refusedTotal: Int64 = 0
    var seriesLast: (Int64, Int64, Int64) = (0, 0, 0)

    init(parameters: TreasuryParameters) { self.parameters = parameters }

    /// The conservation identity's residual, per asset (0 up to rounding).
    func residual() -> TreasuryAmount {
        var held = TreasuryAmount()
        for a in accounts { held = held + a.available + a.reserved + a.inFlight + a.incoming }
        return TreasuryAmount(base: held.base + fees.base + given.base - received.base - initial.base,
                              quote: held.quote + fees.quote + given.quote - received.quote - initial.quote)
    }

    /// Whether the identity holds up to rounding (relative 1e-9 of the amounts moved).
    func balanced() -> Bool {
        let r = residual()
        let scaleBase = 1 + initial.base + given.base + received.base
        let scaleQuote = 1 + initial.quote + given.quote + received.quote
        return abs(r.base) <= 1e-9 * scaleBase && abs(r.quote) <= 1e-9 * scaleQuote
    }

    /// Records the residual (scaled to the amounts moved) into `residualMax`.
    mutating func audit() {
        let r = residual()
        let base = abs(r.base) / (1 + initial.base + given.base + received.base)
        let quote = abs(r.quote) / (1 + initial.quote + given.quote + received.quote)
        residualMax = Swift.max(residualMax, base, quote)
    }

    /// A free transfer slot, its credits zeroed.
    mutating func openTransfer(at now: SimInstant) -> Int {
        let t: Int
        if let f = free.popLast() {
            t = Int(f)
        } else {
            transfers.append(TreasuryTransfer(credits: ContiguousArray(repeating: TreasuryAmount(), count: accounts.count)))
            t = transfers.count - 1
        }
        for v in transfers[t].credits.indices { transfers[t].credits[v] = TreasuryAmount() }
        transfers[t].decided.removeAll(keepingCapacity: true)
        transfers[t].trades = 0
        transfers[t].sent = now
        transfers[t].value = 0
        transfers[t].rebalance = false
        transfers[t].measured = false
        transfers[t].inUse = true
        return t
    }

    mutating func closeTransfer(_ t: Int) {
        transfers[t].inUse = false
        free.append(Int32(t))
    }
}
