/// A validated experiment: the resolved config, the grid of parameter points, and for each
/// point a decoded scenario, its designs and settings. Building a plan runs nothing.
///
///     let plan = try ExperimentPlan(file: "experiments/quickstart.yaml",
///                                   overrides: ["model.workers=2"], grid: ["model.workers=1,2,4"])
///     plan.points.count      // 3
///
/// Invariant: every point, design and setting has been validated; running a plan can fail
/// only for run-time reasons (a model's own limits, IO).
public struct ExperimentPlan: Sendable {
    /// One axis of the grid: the key paths it sets and the values they take, step by step.
    /// A plain axis sets one key path and is named after it; a named axis (`sweep: {name:
    /// {key.a: [...], key.b: [...]}}`, `--grid name:key.a=...`) sets several key paths together,
    /// zipped: step i sets every key path to its i-th value (e.g. a mixture's weights).
    public struct Axis: Sendable {
        /// The axis's label column: its key path, or the name of a named axis.
        public var name: String
        /// The key paths it sets, in order; one for a plain axis.
        public var keyPaths: [String]
        /// `values[k][i]` is step i's value of `keyPaths[k]`; every list has `count` values.
        public var values: [[ConfigNode]]
        /// The labels of the steps of a named axis (`labels:`), or nil: then a step's label is
        /// its values as written, joined by "/".
        public var labels: [String]?
        /// Whether the axis was given a name (its label column is then separate from its keys).
        public var isNamed: Bool

        public init(keyPath: String, values: [ConfigNode]) {
            name = keyPath
            keyPaths = [keyPath]
            self.values = [values]
            labels = nil
            isNamed = false
        }

        public init(name: String, keyPaths: [String], values: [[ConfigNode]], labels: [String]?) {
            self.name = name
            self.keyPaths = keyPaths
            self.values = values
            self.labels = labels
            isNamed = true
        }

        /// The number of steps.
        public var count: Int { values.first?.count ?? 0 }

        /// The label of step i, as written.
        public func label(_ step: Int) -> String {
            labels?[step] ?? values.map { $0[step].description }.joined(separator: "/")
        }
    }

    /// One grid point: the values of the axes, the config they produce and its scenario.
    public struct Point: Sendable {
        public var index: Int
        /// (key path, value as text) for each key path of each axis, in axis order.
        public var assignments: [(keyPath: String, value: String)]
        /// The label of each axis's step at this point, in axis order.
        public var labels: [String] = []
        public var settings: ExperimentSettings
        public var scenario: any Scenario
        /// The designs run, in report order; the first is the baseline of comparisons.
        public var designs: [String]
    }

    public var file: String
    public var kind: ScenarioKind
    /// The config after includes, `--set`, `--seed` and `--replications` (before the grid).
    public var root: ConfigNode
    public var settings: ExperimentSettings
    public var axes: [Axis]
    public var points: [Point]
    /// When set, only this replication index is run (`run --replication K`): the result is
    /// replication K of the whole run, exactly, because a replication's random streams depend
    /// only on the seed, the replication index and the component names.
    public var onlyReplication: Int?
    /// The data files the config reads (`file:` keys at any point), hashed into `configHash`.
    public var dataFiles: [DataFileRecord] = []

    /// The replication indices run at a point.
    public func replications(of point: Point) -> Range<Int> {
        onlyReplication.map { $0..<($0 + 1) } ?? 0..<point.settings.replications
    }

    /// - Parameters:
    ///   - overrides: `key.path=value` strings (`--set`); the value is YAML.
    ///   - grid: `key.path=v1,v2,...` strings (`--grid`); each adds or replaces a sweep axis.
    public init(file: String, overrides: [String] = [], grid: [String] = [], seed: UInt64? = nil,
                replications: Int? = nil) throws {
        var root = try ConfigLoader.load(file: file)
        let directory = SourceLocation(file: file, line: 0, column: 0).baseDirectory
        for text in overrides {
            let (keyPath, value, origin) = try ExperimentPlan.split(text, option: "--set", directory: directory)
            if ExperimentPlan.isStructural(keyPath) {
                throw ConfigError(location: origin, path: keyPath, problem: "cannot be set on the command line",
                                  allowed: "keys other than include and sweep (use --grid for sweep axes)", given: text)
            }
            if value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ConfigError(location: origin, path: keyPath, problem: "is given no value",
                                  allowed: "key.path=value (write null to unset a key explicitly)", given: text)
            }
            root = try root.setting(keyPath, to: try YAMLConfig.parse(value, file: origin.file).relocated(to: origin), origin: origin)
        }
        if let seed { root = try root.setting("seed", to: .scalar(String(seed)), origin: SourceLocation(file: "--seed", line: 0, column: 0)) }
        if let replications {
            root = try root.setting("replications", to: .scalar(String(replications)),
                                    origin: SourceLocation(file: "--replications", line: 0, column: 0))
        }
        let settings = try ExperimentSettings(root: root)
        let model = try root.required("model", allowed: "a mapping with `kind:` and the kind's parameters")
        guard case .mapping = model.value else { throw model.error("must be a mapping", allowed: "`kind:` and the kind's parameters") }
        let kind = try ScenarioRegistry.kind(for: model)

        var axes: [Axis] = []
        if let sweep = root.child("sweep") {
            for (key, valuesNode) in try sweep.entries() {
                if ExperimentPlan.isStructural(key) {
                    throw ConfigError(location: valuesNode.keyLocation ?? valuesNode.location, path: "sweep." + key,
                                      problem: "cannot be swept", allowed: "key paths of the config other than include and sweep",
                                      given: key)
                }
                if case .mapping = valuesNode.value {
                    axes.append(try ExperimentPlan.namedAxis(key, valuesNode))
                    continue
                }
                let values = try valuesNode.items()
                guard !values.isEmpty else { throw valuesNode.error("must list at least one value", allowed: "a non-empty list") }
                axes.append(Axis(keyPath: key, values: values))
            }
        }
        var namedFromGrid: [String: Int] = [:]
        for text in grid {
            let (key, list, origin) = try ExperimentPlan.split(text, option: "--grid", directory: directory)
            let swept = key.firstIndex(of: ":").map { String(key[key.index(after: $0)...]) } ?? key
            if ExperimentPlan.isStructural(swept) {
                throw ConfigError(location: origin, path: swept, problem: "cannot be swept",
                                  allowed: "key paths of the config other than include and sweep", given: text)
            }
            if !list.trimmingWhitespace().hasPrefix("[") {
                let items = list.split(separator: ",", omittingEmptySubsequences: false)
                if let empty = items.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    throw ConfigError(location: origin, path: swept, problem: "has an empty value (item \(empty + 1) of \(items.count))",
                                      allowed: "key.path=v1,v2,... with no empty item", given: text)
                }
            }
            let values = try ExperimentPlan.gridValues(list, origin: origin)
            // `name:key.path=...`: one key of the named axis `name` (options with one name zip).
            if let colon = key.firstIndex(of: ":") {
                let name = String(key[..<colon]), keyPath = String(key[key.index(after: colon)...])
                if keyPath == "labels" {
                    guard let index = namedFromGrid[name], axes[index].count == values.count else {
                        throw ConfigError(location: origin, path: key, problem: "must follow the keys of axis \(name) and give one label per step",
                                          allowed: "--grid \(name):key.path=[...] first, then --grid \(name):labels=[one per value]", given: text)
                    }
                    axes[index].labels = values.map(\.description)
                    continue
                }
                if let index = namedFromGrid[name] {
                    guard values.count == axes[index].count else {
                        throw ConfigError(location: origin, path: keyPath, problem: "has \(values.count) values but the other keys of axis \(name) have \(axes[index].count)",
                                          allowed: "the same number of values for every key of a named axis", given: text)
                    }
                    axes[index].keyPaths.append(keyPath)
                    axes[index].values.append(values)
                } else {
                    let axis = Axis(name: name, keyPaths: [keyPath], values: [values], labels: nil)
                    if let index = axes.firstIndex(where: { $0.name == name }) { axes[index] = axis } else { axes.append(axis) }
                    namedFromGrid[name] = axes.firstIndex(where: { $0.name == name })
                }
                continue
            }
            let axis = Axis(keyPath: key, values: values)
            if let index = axes.firstIndex(where: { $0.name == key }) { axes[index] = axis } else { axes.append(axis) }
        }

        // Each axis has at most `nodeBudget` values, but their product is unbounded: multiply with overflow checks.
        var total = 1
        for axis in axes {
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.count)
            total = overflow ? Int.max : product
        }
        guard total <= 100_000 else {
            throw root.error("defines a grid of \(total) points", allowed: "at most 100000 points", given: "\(total)", key: "sweep")
        }
        var points: [Point] = []
        var pointRoots: [ConfigNode] = []
        for index in 0..<total {
            let (pointRoot, assignments, labels) = try ExperimentPlan.assign(axes, index: index, total: total, to: root)
            var point = try ExperimentPlan.point(index: index, root: pointRoot, kind: kind, assignments: assignments)
            point.labels = labels
            points.append(point)
            pointRoots.append(pointRoot)
        }
        self.dataFiles = try DataFileRecord.collect(pointRoots)
        let units = points.reduce(0) { $0 + $1.designs.count * $1.settings.replications }
        if points.contains(where: { $0.settings.trace }) && units > ExperimentSettings.traceUnitLimit {
            throw (root.child("trace") ?? root).error("is for small runs: this run has \(units) replications in all",
                                                      allowed: "trace: true with at most \(ExperimentSettings.traceUnitLimit) (point x design x replication) units",
                                                      given: "true")
        }
        self.file = file
        self.kind = kind
        self.root = root
        self.settings = settings
        self.axes = axes
        self.points = points
        try checkMemory(MemoryBudget.current, model: model)
    }

    static func point(index: Int, root: ConfigNode, kind: ScenarioKind,
                      assignments: [(keyPath: String, value: String)]) throws -> Point {
        let settings = try ExperimentSettings(root: root)
        let model = try root.required("model")
        let pointKind = try ScenarioRegistry.kind(for: model)
        guard pointKind.name == kind.name else {
            throw model.error("cannot change model.kind in a sweep", allowed: kind.name, given: pointKind.name, key: "kind")
        }
        let scenario = try kind.make(model)
        if settings.series != nil && !(scenario is GraphScenario) {
            throw (root.child("series") ?? root).error("applies to graph models and their templates only",
                                                        allowed: "no series: with model.kind \(kind.name)", given: try root.child("series")?.text())
        }
        var designs = scenario.designs
        if let chosen = settings.designs {
            let node = root.child("designs")!
            for (offset, name) in chosen.enumerated() where !scenario.designs.contains(name) {
                let item = (try? node.items())?[offset] ?? node
                var problem = "is not a design of kind \(kind.name)"
                if let nearest = nearestMatch(name, in: scenario.designs) { problem += " (did you mean \"\(nearest)\"?)" }
                throw item.error(problem, allowed: scenario.designs.joined(separator: ", "), given: name)
            }
            designs = chosen
        }
        if let metrics = settings.metrics {
            let node = root.child("metrics")!
            let known = scenario.metricSchema.map { schema in
                // A graph's families: every metric, and every prefix before a '.' or '_'.
                var names: [String] = []
                for entry in schema {
                    var prefix = ""
                    for character in entry.name {
                        if (character == "." || character == "_") && !prefix.isEmpty && !names.contains(prefix) { names.append(prefix) }
                        prefix.append(character)
                    }
                    names.append(entry.name)
                }
                return names
            } ?? kind.metrics.map(\.name)
            for (offset, name) in metrics.enumerated() where !known.contains(name) {
                let item = (try? node.items())?[offset] ?? node
                var problem = "is not a metric of kind \(kind.name)"
                if let nearest = nearestMatch(name, in: known) { problem += " (did you mean \"\(nearest)\"?)" }
                throw item.error(problem, allowed: known.joined(separator: ", "), given: name)
            }
        }
        return Point(index: index, assignments: assignments, settings: settings, scenario: scenario, designs: designs)
    }

    /// The point `index` of the grid: `root` with each axis's step set (the last axis varies
    /// fastest), its assignments (per key path) and its labels (per axis).
    static func assign(_ axes: [Axis], index: Int, total: Int, to root: ConfigNode,
                       origin: SourceLocation? = nil) throws -> (ConfigNode, [(keyPath: String, value: String)], [String]) {
        var pointRoot = root
        var assignments: [(keyPath: String, value: String)] = []
        var labels: [String] = []
        var stride = total
        for axis in axes {
            stride /= axis.count
            let step = (index / stride) % axis.count
            for (keyPath, values) in zip(axis.keyPaths, axis.values) {
                let value = values[step]
                pointRoot = try pointRoot.setting(keyPath, to: value, origin: origin ?? value.location)
                assignments.append((keyPath, value.description))
            }
            labels.append(axis.label(step))
        }
        return (pointRoot, assignments, labels)
    }

    /// A named axis from `sweep:`: `name: {key.path: [...], ...}` with lists of equal length and
    /// optionally `labels: [...]` of that length.
    static func namedAxis(_ name: String, _ node: ConfigNode) throws -> Axis {
        var keyPaths: [String] = [], values: [[ConfigNode]] = [], labels: [String]?
        for (key, valuesNode) in try node.entries() {
            let items = try valuesNode.items()
            guard !items.isEmpty else { throw valuesNode.error("must list at least one value", allowed: "a non-empty list") }
            if key == "labels" { labels = try items.map { try $0.text() }; continue }
            keyPaths.append(key)
            values.append(items)
        }
        guard let count = values.first?.count else {
            throw node.error("names no key paths", allowed: "key.path: [v1, v2, ...] entries (varied together) and optionally labels: [...]")
        }
        for (keyPath, items) in zip(keyPaths, values) where items.count != count {
            throw node.error("has \(items.count) values for \(keyPath) but \(count) for \(keyPaths[0])",
                             allowed: "the same number of values for every key of a named axis (they vary together)",
                             given: "\(items.count)", key: keyPath)
        }
        if let labels, labels.count != count {
            throw node.error("has \(labels.count) labels for \(count) steps", allowed: "one label per step", given: "\(labels.count)", key: "labels")
        }
        return Axis(name: name, keyPaths: keyPaths, values: values, labels: labels)
    }

    /// The values of a `--grid` option: a YAML flow list (`[1ms, {type: exponential, mean: 2ms}]`)
    /// or comma-separated YAML scalars (`1ms,2ms`).
    static func gridValues(_ list: String, origin: SourceLocation) throws -> [ConfigNode] {
        if list.trimmingWhitespace().hasPrefix("[") {
            let node = try YAMLConfig.parse(list, file: origin.file).relocated(to: origin)
            let items = try node.items()
            guard !items.isEmpty else {
                throw ConfigError(location: origin, path: "", problem: "lists no values", allowed: "a non-empty list", given: list)
            }
            return items
        }
        return try list.split(separator: ",", omittingEmptySubsequences: false).map {
            try YAMLConfig.parse(String($0), file: origin.file).relocated(to: origin)
        }
    }

    /// `include` and `sweep` shape the config itself: they cannot be set or swept.
    static func isStructural(_ keyPath: String) -> Bool {
        ["include", "sweep"].contains { keyPath == $0 || keyPath.hasPrefix($0 + ".") || keyPath.hasPrefix($0 + "[") }
    }

    /// Splits "key.path=value" into its parts, with an origin naming the option; relative paths
    /// in the value resolve against `directory` (the config file's), as in the file.
    static func split(_ text: String, option: String, directory: String) throws -> (String, String, SourceLocation) {
        let origin = SourceLocation(file: "\(option) \(text)", line: 0, column: 0, directory: directory)
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigError(location: origin, path: "", problem: "is not of the form key.path=value",
                              allowed: option == "--grid" ? "key.path=v1,v2,..." : "key.path=value", given: text)
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]), origin)
    }

    /// The number of work units (point x design x replication).
    public var unitCount: Int { points.reduce(0) { $0 + $1.designs.count * replications(of: $1).count } }

    /// FNV-1a 64 of the resolved config's canonical text and the grid, as 16 hex digits.
    public var configHash: String {
        var text = root.canonicalText
        for axis in axes {
            // A plain axis hashes as before named axes existed (so existing hashes stay put).
            if !axis.isNamed { text += "\n" + axis.name + "=" + axis.values[0].map(\.canonicalText).joined(separator: ","); continue }
            text += "\n" + axis.name + ":"
            for (keyPath, values) in zip(axis.keyPaths, axis.values) { text += " " + keyPath + "=" + values.map(\.canonicalText).joined(separator: ",") }
            if let labels = axis.labels { text += " labels=" + labels.joined(separator: ",") }
        }
        // Data files by content (a config without any hashes as before). Not by resolved path:
        // that depends on where the checkout is and how the config was named (the path as
        // written is in the config text already), and the hash must not.
        for file in dataFiles { text += "\ndata_file " + String(file.bytes) + " " + file.fnv1a64 }
        return StreamKey(value: StreamKey.fnv1a64(text)).description
    }
}
