/// One replication's measurements: named scalar metrics, each with its unit.
///
///     var result = ReplicationResult()
///     result.record("request_latency_mean", unit: "ns", value: 1.2e6)
///     result.record("capture_rate", unit: "ratio", value: 0.41)
///
/// Metric names follow the style guide: qualifiers and units last
/// (`settlement_latency_p99` with unit `ns`). Order is the order of recording, and must be
/// the same for every replication and design of a scenario (it is the CSV's row order).
public struct ReplicationResult: Sendable, Equatable {
    public struct Metric: Sendable, Equatable {
        public var name: String
        public var unit: String
        public var value: Double
        public init(name: String, unit: String, value: Double) {
            self.name = name
            self.unit = unit
            self.value = value
        }
    }

    public var metrics: [Metric] = []
    /// Events the simulation handled.
    public var eventsProcessed: Int64 = 0
    /// Why the run stopped (a horizon, an event limit, ...).
    public var stopReason: String = ""
    /// Optional per-message trace: a header and rows, for small runs.
    public var traceHeader: [String] = []
    public var traceRows: [[String]] = []
    /// Trace rows not kept because the trace reached `ReplicationSpec.traceRowLimit` (run.json
    /// and the run's status line report them).
    public var traceRowsDropped: Int = 0
    /// Optional time series (`series:` in the config): a header and rows, one per component
    /// instance and time bucket (graphs). Rows beyond `ReplicationSpec.traceRowLimit` are
    /// counted in `traceRowsDropped`.
    public var seriesHeader: [String] = []
    public var seriesRows: [[String]] = []

    public init() {}

    public mutating func record(_ name: String, unit: String, value: Double) {
        metrics.append(Metric(name: name, unit: unit, value: value))
    }

    public func value(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }
}

/// What every scenario run receives: which replication, the root seed, the limits, and
/// whether to keep a trace.
public struct ReplicationSpec: Sendable, Equatable {
    public var replication: Int
    public var rootSeed: UInt64
    /// The simulated-time horizon (after the warm-up).
    public var horizon: SimDuration
    /// Measurements start after this much simulated time.
    public var warmUp: SimDuration
    /// A bound on events per replication.
    public var maxEvents: Int64
    public var keepTrace: Bool
    /// The width of a time-series bucket (`series:`); nil: no series.
    public var seriesBucket: SimDuration?

    /// Every trace keeps at most this many rows per replication (memory stays bounded however
    /// long the run); a model that reaches it stops adding rows.
    public static let traceRowLimit = 100_000

    public init(replication: Int, rootSeed: UInt64, horizon: SimDuration, warmUp: SimDuration = .zero,
                maxEvents: Int64 = 200_000_000, keepTrace: Bool = false, seriesBucket: SimDuration? = nil) {
        self.replication = replication
        self.rootSeed = rootSeed
        self.horizon = horizon
        self.warmUp = warmUp
        self.maxEvents = maxEvents
        self.keepTrace = keepTrace
        self.seriesBucket = seriesBucket
    }

    /// The stream for a named component of this replication.
    public func stream(_ component: String) -> RandomStream {
        RandomStream(key: streamKey(component))
    }

    /// The key of that stream (to build many at once: `StreamArena`).
    public func streamKey(_ component: String) -> StreamKey {
        StreamKey(rootSeed: rootSeed, replication: replication, component: component)
    }
}

/// A validated, runnable scenario: a model with its parameters and the designs it compares.
///
/// Designs share component names, so with the same seed they see the same random draws
/// wherever their components coincide (common random numbers).
public protocol Scenario: Sendable {
    /// The designs to compare, in the order they are reported (e.g. ["sync", "async"]).
    var designs: [String] { get }
    /// Runs one replication of one design. Deterministic in (design, spec).
    func run(design: String, spec: ReplicationSpec) -> ReplicationResult
    /// Every metric this scenario records, when it depends on the config (a graph's are named
    /// by its components); nil when the kind's fixed list says it all.
    var metricSchema: [(name: String, unit: String, summary: String)]? { get }
    /// An upper estimate, in bytes, of what one replication allocates for its parameters:
    /// arrays sized by products of parameters (clients x window slots, actors squared links,
    /// partitions x consumer groups cursors, ...), not what grows with pending work (queues,
    /// traces; those are bounded by their capacities and `ExperimentSettings.traceRowLimit`).
    /// Models that keep per-trade or per-message arrays estimate them from the spec's horizon.
    /// Checked at validate time against `--memory-limit`, so a run that cannot fit is refused
    /// before it starts.
    func replicationMemoryBytes(spec: ReplicationSpec) -> Double
    /// What `latsim validate` prints about the data files the config replays (rows, spans,
    /// interval statistics, what happens past their end in a run of `horizon`, warm-up included).
    func dataNotes(horizon: SimDuration) -> [String]
}

extension Scenario {
    public var metricSchema: [(name: String, unit: String, summary: String)]? { nil }
    public func dataNotes(horizon: SimDuration) -> [String] { [] }
}

/// A kind of scenario a config can name in `model.kind`, with its decoder.
///
///     ScenarioKind(name: "call-pattern", summary: "Clients calling a service: blocking vs non-blocking.",
///                  make: { node in try MyScenario(config: node) })
public struct ScenarioKind: Sendable {
    public var name: String
    public var summary: String
    /// The design names and presets it accepts, each with a one-line description.
    public var designs: [(name: String, summary: String)]
    /// The metrics it reports, each with a one-line description (formulas in docs/).
    public var metrics: [(name: String, summary: String)]
    /// Decodes and validates the `model:` section of a config.
    public var make: @Sendable (ConfigNode) throws -> any Scenario

    public init(name: String, summary: String, designs: [(name: String, summary: String)] = [],
                metrics: [(name: String, summary: String)] = [], make: @escaping @Sendable (ConfigNode) throws -> any Scenario) {
        self.name = name
        self.summary = summary
        self.designs = designs
        self.metrics = metrics
        self.make = make
    }

    /// A kind whose metric list is its scenarios' schema (what `run` records, each summary with
    /// its unit), so `latsim list` cannot drift from the recorded metrics. Names a config chooses
    /// (a bot's, a venue's) appear as placeholders such as `<bot>`.
    public init(name: String, summary: String, designs: [(name: String, summary: String)] = [],
                metricSchema: [(name: String, unit: String, summary: String)],
                make: @escaping @Sendable (ConfigNode) throws -> any Scenario) {
        self.init(name: name, summary: summary, designs: designs,
                  metrics: metricSchema.map { ($0.name, $0.summary + ($0.unit.isEmpty ? "" : " (\($0.unit))")) }, make: make)
    }
}
