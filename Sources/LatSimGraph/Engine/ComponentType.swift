import LatSimCore

/// The closed set of component types a graph can hold. Each has at most one input port (`in`)
/// and one output port (`out`); docs/graph.md lists their parameters and metrics.
///
/// Adding a type: one file of behaviour in `Components/`, a case here, its entry in
/// `ComponentParameters` and in the dispatch of `GraphModel`, and a section in docs/graph.md.
public enum ComponentType: String, CaseIterable, Sendable {
    case source
    case client
    case station
    case delay
    case router
    case fanOut = "fan-out"
    case broker
    case sink
    case priceSource = "price-source"
    case venue
    case arbitrageur
    case settlement
    case marketMaker = "market-maker"
    case dexArbitrageur = "dex-arbitrageur"
    case taker
    case tradeFlow = "trade-flow"

    /// A port: its name, direction, whether it must be connected and how many connections it takes.
    public struct Port: Sendable, Equatable {
        public enum Direction: String, Sendable { case input, output }
        public var name: String
        public var direction: Direction
        public var required: Bool
        /// An output port that takes several connections (a router's, a fan-out's, a broker's).
        public var multiple: Bool
        public var summary: String
    }

    public var summary: String {
        switch self {
        case .source: return "Creates messages: open Poisson or renewal arrivals, or a closed population with think time."
        case .client: return "Sends requests and waits for replies: blocking (window 1) or pipelined (window W); timeouts, retries with backoff."
        case .station: return "Serves messages with workers: FIFO or priority, a waiting room with an overflow policy; replies when `out` is unconnected."
        case .delay: return "Holds every message for a drawn time (an infinite server), then forwards it."
        case .router: return "Forwards each message to one of its connections: round-robin, random, weighted, join-shortest-queue or hash by key."
        case .fanOut: return "Copies each message to every one of its connections (publish/subscribe)."
        case .broker: return "A Kafka-like topic: partitions, consumer groups, persist and acknowledge, prefetch, at-least-once redelivery, capacity."
        case .sink: return "Consumes messages: the end of a path."
        case .priceSource: return "A fundamental price (GBM with jumps, or trade files replayed per venue) sent to venues, and the observer of their arbitrage opportunities."
        case .venue: return "An exchange: a quote with depth following its price source, a FIFO matching engine, fees, stale rejection, a market-data feed."
        case .settlement: return "A settlement layer (chain, rollup on an L1, or exchange ledger): transactions leave when final or soft-confirmed."
        case .marketMaker: return "A market maker: a bid and an ask resting in venues' books, cancelled and replaced when the mid it sees moves; inventory limit."
        case .dexArbitrageur: return "A CEX-DEX arbitrage bot against a settlement's pool: a public-mempool strategy or a block-time searcher bidding in the block's order."
        case .tradeFlow: return "Poisson trades with a notional and a side, executed against a capital and settled atomically or in netted batches on a settlement."
        case .arbitrageur: return "A CEX-CEX arbitrage bot: views per venue (pushed or pulled), IOC legs concurrent or sequential, blocking or pipelined."
        case .taker: return "Takers of one venue's quote: noise (Poisson market orders, either side) or informed (trade when the price they see crosses the quote)."
        }
    }

    public var ports: [Port] {
        let input = Port(name: "in", direction: .input, required: true, multiple: true, summary: "messages to handle")
        switch self {
        case .source:
            return [Port(name: "out", direction: .output, required: true, multiple: false, summary: "the messages created")]
        case .client:
            return [Port(name: "in", direction: .input, required: false, multiple: true, summary: "requests to send (arrival: input)"),
                    Port(name: "out", direction: .output, required: true, multiple: false, summary: "requests; replies come back over the same connection")]
        case .station:
            return [input, Port(name: "out", direction: .output, required: false, multiple: false,
                                summary: "served messages (unconnected: the station replies to the sender, or consumes)")]
        case .delay:
            return [input, Port(name: "out", direction: .output, required: true, multiple: false, summary: "delayed messages")]
        case .router:
            return [input, Port(name: "out", direction: .output, required: true, multiple: true, summary: "one connection per message")]
        case .fanOut:
            return [input, Port(name: "out", direction: .output, required: true, multiple: true, summary: "a copy per connection")]
        case .broker:
            return [Port(name: "in", direction: .input, required: true, multiple: true, summary: "published messages"),
                    Port(name: "out", direction: .output, required: true, multiple: true,
                         summary: "consumers: each connection one consumer, in the group its `group` names")]
        case .sink:
            return [input]
        case .priceSource:
            return [Port(name: "out", direction: .output, required: true, multiple: true,
                         summary: "prices, one connection per venue (its latency is the venue's lag)")]
        case .venue:
            return [Port(name: "in", direction: .input, required: true, multiple: true,
                         summary: "prices from one price source; orders and snapshot requests from strategies (answered back)"),
                    Port(name: "out", direction: .output, required: false, multiple: true, summary: "the market-data feed: every book change, per connection")]
        case .settlement:
            return [Port(name: "in", direction: .input, required: true, multiple: true, summary: "transactions"),
                    Port(name: "out", direction: .output, required: false, multiple: false,
                         summary: "settled transactions (unconnected: a confirmation back to a sender that wants one, or consumed)"),
                    Port(name: "blocks", direction: .output, required: false, multiple: true,
                         summary: "with `pool:`, the pool's reserves after each block, one message per connection")]
        case .marketMaker:
            return [Port(name: "in", direction: .input, required: false, multiple: true, summary: "market data pushed by the venues' feeds"),
                    Port(name: "out", direction: .output, required: true, multiple: true,
                         summary: "cancel-replaces and snapshot requests, one connection per book venue; confirmations and fill reports come back over it")]
        case .dexArbitrageur:
            return [Port(name: "in", direction: .input, required: false, multiple: true,
                         summary: "CEX quotes (a venue's feed) and the pool's block notifications (a settlement's blocks)"),
                    Port(name: "out", direction: .output, required: true, multiple: true,
                         summary: "swaps to one settlement with a pool (receipts come back), and snapshot requests to one venue")]
        case .taker:
            return [Port(name: "in", direction: .input, required: false, multiple: true,
                         summary: "informed: prices from a price source and the venue's feed"),
                    Port(name: "out", direction: .output, required: true, multiple: false,
                         summary: "orders to one venue; acknowledgements come back over it")]
        case .tradeFlow:
            return [Port(name: "out", direction: .output, required: true, multiple: false,
                         summary: "settlement transactions, to one settlement (soft notices and confirmations come back)")]
        case .arbitrageur:
            return [Port(name: "in", direction: .input, required: false, multiple: true, summary: "market data pushed by the venues' feeds"),
                    Port(name: "out", direction: .output, required: true, multiple: true,
                         summary: "orders and snapshot requests, one connection per venue; answers come back over it"),
                    Port(name: "settle", direction: .output, required: false, multiple: true,
                         summary: "each completed trade, a transfer to settle it (created when the trade was decided)"),
                    Port(name: "rebalance", direction: .output, required: false, multiple: false,
                         summary: "a treasury's rebalancing transfers (a bridge: settlement -> delay -> settlement)")]
        }
    }

    public func port(named name: String) -> Port? { ports.first { $0.name == name } }
}
