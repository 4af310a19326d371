import LatSimCore
import LatSimNetwork

/// A decoded, validated component graph: the components (each a named group of `count`
/// instances of one type), the connections between their ports with the links that carry
/// them, the measured paths, the faults. One design's graph: designs are patches applied to
/// the config before it is decoded.
///
///     let spec = try GraphSpec(model: modelNode)     // model.components, model.connections, ...
///     let result = GraphRun.run(spec, spec: replication)
///
/// Invariants (checked when decoding, each error names the file and line): names are unique;
/// every connection joins an output port to an input port of existing components; every
/// required port is connected; a port that takes one connection has one.
public struct GraphSpec: Sendable {
    public struct Component: Sendable {
        public var name: String
        public var type: ComponentType
        /// Instances of this component (`bot` with count 3 is `bot[0]`, `bot[1]`, `bot[2]`);
        /// their metrics are reported together under `name`.
        public var count: Int
        public var region: String?
        public var parameters: ComponentParameters
        public var location: SourceLocation
    }

    public struct Connection: Sendable {
        public var name: String
        public var from: Int
        public var to: Int
        /// Which output port of `from` it leaves by: 0 for `out`, 1 for a type's second output
        /// port (an arbitrageur's `settle`).
        public var fromPort: Int = 0
        public var link: LinkParameters
        public var regime: LatencyRegime?
        /// The link replies travel back over (by default the forward link's parameters, its own draws).
        public var replyLink: LinkParameters
        public var replyRegime: LatencyRegime?
        /// A router's weight for this connection (`policy: weighted`).
        public var weight: Double
        /// A broker's consumer group for this connection.
        public var group: Int
        public var location: SourceLocation
    }

    /// A measured path: from where a message is created at or arrives at `from`, to where it
    /// (or its reply) arrives at `to`.
    public struct Path: Sendable {
        public var name: String
        public var from: Int
        public var to: Int
    }

    /// An outage of components or a cut of connections (several targets: a partition).
    public struct Fault: Sendable {
        /// Whole components and connections (every instance), by spec index.
        public var components: [Int]
        public var connections: [Int]
        /// Single instances (`bot[3]`, `bot-gateway[3]`): spec index and instance ordinal.
        public var componentInstances: [(index: Int, ordinal: Int)] = []
        public var connectionInstances: [(index: Int, ordinal: Int)] = []
        public var outage: OutageSpecification
        /// The targets as written, sorted (they key the fault's random stream).
        public var targetNames: [String] = []
    }

    public var components: [Component]
    public var connections: [Connection]
    public var paths: [Path]
    public var faults: [Fault]
    /// Metric-name prefixes rewritten when recording (templates keep their historical names).
    public var metricAliases: [(prefix: String, replacement: String)]
    /// After the horizon, sources stop creating and the run goes on this long (zero: no drain).
    public var drain: SimDuration = .zero
    /// With a drain, the run stops as soon as no message is alive after the horizon (`drain: {duration, until_empty: true}`).
    public var drainUntilEmpty = false
    /// Metrics computed from recorded ones (`derived_metrics`), recorded after the graph's own.
    public var derivedMetrics: [DerivedMetric] = []

    /// `{name: messages_lost, sum: [consumer.lost_down, broker.dropped]}`: the sum (or with
    /// `max:` the largest) of metrics named as the schema names them before aliasing. All
    /// operands share one unit; a NaN operand makes the result NaN (nothing is hidden).
    public struct DerivedMetric: Sendable {
        public enum Operation: String, Sendable, CaseIterable { case sum, max, ratio }
        public var name: String
        public var operation: Operation
        /// Indices into the schema of the other metrics (components, links, paths, graph).
        public var operands: [Int]
        public var operandNames: [String]
        public var unit: String
    }

    public func componentIndex(_ name: String) -> Int? { components.firstIndex { $0.name == name } }

    public var instanceCount: Int { components.reduce(0) { $0 + $1.count } }
}

/// The parameters of one component, by type.
public enum ComponentParameters: Sendable {
    case source(SourceParameters)
    case client(ClientParameters)
    case station(StationComponentParameters)
    case delay(DelayParameters)
    case router(RouterParameters)
    case fanOut
    case broker(BrokerParameters)
    case sink(SinkParameters)
    case priceSource(PriceSourceParameters)
    case venue(VenueParameters)
    case arbitrageur(ArbitrageurParameters)
    case settlement(SettlementParameters)
    case marketMaker(MarketMakerParameters)
    case dexArbitrageur(DEXArbitrageurParameters)
    case taker(TakerParameters)
    case tradeFlow(TradeFlowParameters)
}
