/// What a shard records of its plan so that `latsim merge` can rebuild it without the config
/// file: the resolved config tree, the grid axes and each point's designs.
///
///     let record = PlanRecord(plan)                      // in every shard manifest
///     let rebuilt = try ExperimentPlan(recorded: record, origin: "out/shard-00000-of-00004.json")
///     rebuilt.configHash == plan.configHash              // checked by merge
///
/// Invariant: the rebuilt plan has the same file, kind name, root, settings, axes, points,
/// assignments, designs and replications as the original, hence the same units, CSV columns and
/// `run.json` fields. Its scenarios are placeholders that cannot run: a merged plan only
/// aggregates recorded results (with the same `ExperimentResults` code as a one-machine run).
/// Merge needs no config file, preset or empirical-latency file, so shards can come from any
/// machine.
public struct PlanRecord: Codable, Sendable, Equatable {
    /// A plain axis: `keyPath` and `values`. A named axis also records its name, every key
    /// path with its values and its labels (`named`); `keyPath` and `values` are its first key's.
    public struct AxisRecord: Codable, Sendable, Equatable {
        public var keyPath: String
        public var values: [ConfigTree]
        public var named: NamedAxisRecord?
    }

    public struct NamedAxisRecord: Codable, Sendable, Equatable {
        public var name: String
        public var keyPaths: [String]
        public var values: [[ConfigTree]]
        public var labels: [String]?
    }

    /// `points` consecutive points with the same designs (run-length, so a manifest stays small
    /// for a grid of 100,000 points).
    public struct DesignRun: Codable, Sendable, Equatable {
        public var points: Int
        public var designs: [String]
    }

    public var file: String
    public var kind: String
    public var root: ConfigTree
    public var axes: [AxisRecord]
    /// The designs of the points, in point order (the point count is the product of the axis sizes).
    public var designRuns: [DesignRun]
    /// The data files the plan read (absent in manifests from before data files were recorded).
    public var dataFiles: [DataFileRecord]?

    public init(_ plan: ExperimentPlan) {
        file = plan.file
        kind = plan.kind.name
        root = ConfigTree(plan.root)
        axes = plan.axes.map { axis in
            AxisRecord(keyPath: axis.keyPaths[0], values: axis.values[0].map(ConfigTree.init),
                       named: axis.isNamed ? NamedAxisRecord(name: axis.name, keyPaths: axis.keyPaths,
                                                             values: axis.values.map { $0.map(ConfigTree.init) }, labels: axis.labels) : nil)
        }
        dataFiles = plan.dataFiles.isEmpty ? nil : plan.dataFiles
        designRuns = []
        for point in plan.points {
            if let last = designRuns.last, last.designs == point.designs {
                designRuns[designRuns.count - 1].points += 1
            } else {
                designRuns.append(DesignRun(points: 1, designs: point.designs))
            }
        }
    }

    /// Each point's designs, in point order.
    public var designs: [[String]] {
        designRuns.flatMap { run in Array(repeating: run.designs, count: max(0, run.points)) }
    }
}

/// A config tree without locations, in JSON: a scalar is a string, null is null, a list is an
/// array, and a mapping is `{"mapping": [[key, value], ...]}` (a list of pairs keeps key order).
public indirect enum ConfigTree: Codable, Sendable, Equatable {
    case scalar(String)
    case null
    case sequence([ConfigTree])
    case mapping([(key: String, value: ConfigTree)])

    public init(_ node: ConfigNode) {
        switch node.value {
        case .scalar(let text): self = .scalar(text)
        case .null: self = .null
        case .sequence(let items): self = .sequence(items.map(ConfigTree.init))
        case .mapping(let entries): self = .mapping(entries.map { (key: $0.key, value: ConfigTree($0.value)) })
        }
    }

    /// The tree as a `ConfigNode` at `location` with key paths from `path`.
    public func node(at location: SourceLocation, path: String = "") -> ConfigNode {
        switch self {
        case .scalar(let text): return ConfigNode(value: .scalar(text), location: location, path: path)
        case .null: return ConfigNode(value: .null, location: location, path: path)
        case .sequence(let items):
            return ConfigNode(value: .sequence(items.enumerated().map { $0.element.node(at: location, path: "\(path)[\($0.offset)]") }),
                              location: location, path: path)
        case .mapping(let entries):
            return ConfigNode(value: .mapping(entries.map { (key: $0.key, value: $0.value.node(at: location, path: ConfigNode.joinPath(path, $0.key))) }),
                              location: location, path: path)
        }
    }

    public static func == (a: ConfigTree, b: ConfigTree) -> Bool {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return x == y
        case (.null, .null): return true
        case (.sequence(let x), .sequence(let y)): return x == y
        case (.mapping(let x), .mapping(let y)): return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: return false
        }
    }

    private struct MappingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let mapping = MappingKey(stringValue: "mapping")
    }

    private struct Pair: Codable {
        var key: String
        var value: ConfigTree
        init(key: String, value: ConfigTree) { self.key = key; self.value = value }
        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            key = try container.decode(String.self)
            value = try container.decode(ConfigTree.self)
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(key)
            try container.encode(value)
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .scalar(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .sequence(let items):
            var container = encoder.singleValueContainer()
            try container.encode(items)
        case .mapping(let entries):
            var container = encoder.container(keyedBy: MappingKey.self)
            try container.encode(entries.map { Pair(key: $0.key, value: $0.value) }, forKey: .mapping)
        }
    }

    public init(from decoder: Decoder) throws {
        if let container = try? decoder.container(keyedBy: MappingKey.self), container.contains(.mapping) {
            self = .mapping(try container.decode([Pair].self, forKey: .mapping).map { (key: $0.key, value: $0.value) })
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .scalar(text)
        } else {
            self = .sequence(try container.decode([ConfigTree].self))
        }
    }
}

/// The scenario of a rebuilt plan: it names the designs and cannot run (a merge only aggregates).
struct RecordedScenario: Scenario {
    var designs: [String]

    /// A recorded scenario is never run: its results come from shard files.
    func replicationMemoryBytes(spec: ReplicationSpec) -> Double { 0 }

    func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        preconditionFailure("a plan rebuilt from shard manifests aggregates recorded results; it cannot run a replication")
    }
}

extension ExperimentPlan {
    /// Rebuilds a plan from its record, as `ExperimentPlan(file:...)` built it: each point is the
    /// root with its axis values set (the last axis varying fastest) and its settings validated.
    /// Throws a `ShardError` naming `origin` when the record is inconsistent.
    init(recorded record: PlanRecord, origin: String) throws {
        let location = SourceLocation(file: origin, line: 0, column: 0)
        func corrupt(_ problem: String) -> ShardError { ShardError(badInput: "\(origin): \(problem); the shard manifest is corrupt or of another version") }
        let root = record.root.node(at: location)
        let axes = record.axes.map { axis in
            guard let named = axis.named else { return Axis(keyPath: axis.keyPath, values: axis.values.map { $0.node(at: location) }) }
            return Axis(name: named.name, keyPaths: named.keyPaths, values: named.values.map { $0.map { $0.node(at: location) } },
                        labels: named.labels)
        }
        let consistent = axes.allSatisfy { axis in
            axis.count > 0 && axis.keyPaths.count == axis.values.count && axis.values.allSatisfy { $0.count == axis.count }
                && (axis.labels?.count ?? axis.count) == axis.count
        }
        let total = consistent ? axes.reduce(1) { $0 * $1.count } : 0
        let recordedPoints = record.designRuns.reduce(0) { $0 + $1.points }
        guard consistent, total == recordedPoints, record.designRuns.allSatisfy({ $0.points > 0 }) else {
            throw corrupt("records \(recordedPoints) points but its axes make \(total)")
        }
        let designs = record.designs
        do {
            settings = try ExperimentSettings(root: root)
            var points: [Point] = []
            for index in 0..<total {
                let (pointRoot, assignments, labels) = try ExperimentPlan.assign(axes, index: index, total: total, to: root, origin: location)
                points.append(Point(index: index, assignments: assignments, labels: labels, settings: try ExperimentSettings(root: pointRoot),
                                    scenario: RecordedScenario(designs: designs[index]), designs: designs[index]))
            }
            self.points = points
        } catch let error as ConfigError {
            throw corrupt("its recorded config does not validate (\(error))")
        }
        guard !designs.contains(where: \.isEmpty) else { throw corrupt("records a point without designs") }
        file = record.file
        kind = ScenarioRegistry.kind(named: record.kind)
            ?? ScenarioKind(name: record.kind, summary: "(recorded in a shard manifest)", make: { node in
                throw node.error("is a kind this build does not know", given: record.kind)
            })
        self.root = root
        self.axes = axes
        self.dataFiles = record.dataFiles ?? []
    }
}
