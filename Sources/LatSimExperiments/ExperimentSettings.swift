/// The run settings at the top level of a config (everything but `model:` and `sweep:`).
///
///     seed: 42            # the root seed of every random stream
///     replications: 20    # independent replications per design and point
///     horizon: 10s        # measured simulated time, after the warm-up
///     warm_up: 1s         # simulated time before measuring starts
///     max_events: 50000000
///     trace: false        # a per-message trace.csv (small runs only)
///     series: 100ms       # series.csv: levels and counts per component and time bucket (graphs)
///     designs: [sync, async]               # a subset, in report order; the first is the baseline
///     metrics: [request_latency, drop_rate]  # record only these metric families
///
/// Invariant: every value is validated here, with file, line and what is allowed.
public struct ExperimentSettings: Sendable, Equatable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var replications: Int
    public var horizon: SimDuration
    public var warmUp: SimDuration
    public var maxEvents: Int64
    public var trace: Bool
    /// `series:` the bucket width of series.csv; nil: none.
    public var series: SimDuration?
    public var designs: [String]?
    public var metrics: [String]?

    /// The keys allowed at the top level of a config.
    public static let topLevelKeys = ["name", "description", "seed", "replications", "horizon", "warm_up", "max_events",
                                      "trace", "series", "include", "model", "designs", "metrics", "sweep"]

    /// At most this many work units (point x design x replication) may keep a trace.
    public static let traceUnitLimit = 64
    /// Every trace keeps at most this many rows per run (`ReplicationSpec.traceRowLimit`); the rest are counted, not kept.
    public static let traceRowLimit = ReplicationSpec.traceRowLimit
    /// A series has at most this many buckets per run (warm-up, horizon and drain).
    public static let seriesBucketLimit = 10_000

    public init(root: ConfigNode) throws {
        try root.checkKeys(ExperimentSettings.topLevelKeys)
        name = try root.string("name", default: "")
        description = try root.string("description", default: "")
        if let seedNode = root.child("seed") {
            let text = try seedNode.text()
            guard let value = UInt64(text.filter { $0 != "_" }) else {
                throw seedNode.error("must be a non-negative integer", allowed: "an integer in 0...\(UInt64.max)", given: text)
            }
            seed = value
        } else {
            seed = 1
        }
        replications = try root.int("replications", default: 10, range: 1...1_000_000)
        horizon = try root.duration("horizon", allowZero: false)
        warmUp = try root.duration("warm_up", default: .zero)
        maxEvents = Int64(try root.int("max_events", default: 100_000_000, range: 1...Int(Int64.max)))
        trace = try root.bool("trace", default: false)
        series = try root.child("series").map { node in
            let bucket = try node.durationValue(allowZero: false)
            let buckets = (warmUp + horizon).nanoseconds / bucket.nanoseconds
            guard buckets <= Int64(ExperimentSettings.seriesBucketLimit) else {
                throw node.error("makes \(buckets) buckets of the warm-up and horizon",
                                 allowed: "a bucket width giving at most \(ExperimentSettings.seriesBucketLimit) buckets", given: try node.text())
            }
            return bucket
        }
        designs = try root.child("designs").map { node in
            let items = try node.items()
            guard !items.isEmpty else { throw node.error("must name at least one design", allowed: "a non-empty list") }
            var names: [String] = []
            for item in items {
                let name = try item.text()
                // A design twice would be run twice and compared with itself (a difference of 0 by construction).
                if names.contains(name) { throw item.error("names a design a second time", allowed: "each design once", given: name) }
                names.append(name)
            }
            return names
        }
        metrics = try root.child("metrics").map { node in
            let items = try node.items()
            guard !items.isEmpty else { throw node.error("must name at least one metric", allowed: "a non-empty list") }
            return try items.map { try $0.text() }
        }
    }

    /// The spec of one replication.
    /// The spec of one replication (`keepSeries`: with the series, when the config asks for one).
    public func spec(replication: Int, keepTrace: Bool, keepSeries: Bool = true) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: seed, horizon: horizon, warmUp: warmUp, maxEvents: maxEvents,
                        keepTrace: keepTrace, seriesBucket: keepSeries ? series : nil)
    }

    /// Whether a metric passes the `metrics:` filter (a family name keeps `family_*`).
    public func keeps(metric: String) -> Bool {
        guard let metrics else { return true }
        return metrics.contains { metric == $0 || metric.hasPrefix($0 + "_") || metric.hasPrefix($0 + ".") }
    }
}
