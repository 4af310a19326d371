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
    /// One axis of the grid: a key path and the values it takes.
    public struct Axis: Sendable {
        public var keyPath: String
        public var values: [ConfigNode]
    }

    /// One grid point: the values of the axes, the config they produce and its scenario.
    public struct Point: Sendable {
        public var index: Int
        /// (key path, value as text) for each axis, in axis order.
        public var assignments: [(keyPath: String, value: String)]
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
            for (keyPath, valuesNode) in try sweep.entries() {
                if ExperimentPlan.isStructural(keyPath) {
                    throw ConfigError(location: valuesNode.keyLocation ?? valuesNode.location, path: "sweep." + keyPath,
                                      problem: "cannot be swept", allowed: "key paths of the config other than include and sweep",
                                      given: keyPath)
                }
                let values = try valuesNode.items()
                guard !values.isEmpty else { throw valuesNode.error("must list at least one value", allowed: "a non-empty list") }
                axes.append(Axis(keyPath: keyPath, values: values))
            }
        }
        for text in grid {
            let (keyPath, list, origin) = try ExperimentPlan.split(text, option: "--grid", directory: directory)
            if ExperimentPlan.isStructural(keyPath) {
                throw ConfigError(location: origin, path: keyPath, problem: "cannot be swept",
                                  allowed: "key paths of the config other than include and sweep", given: text)
            }
            let items = list.split(separator: ",", omittingEmptySubsequences: false)
            if let empty = items.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw ConfigError(location: origin, path: keyPath, problem: "has an empty value (item \(empty + 1) of \(items.count))",
                                  allowed: "key.path=v1,v2,... with no empty item", given: text)
            }
            let values = try items.map {
                try YAMLConfig.parse(String($0), file: origin.file).relocated(to: origin)
            }
            let axis = Axis(keyPath: keyPath, values: values)
            if let index = axes.firstIndex(where: { $0.keyPath == keyPath }) { axes[index] = axis } else { axes.append(axis) }
        }

        var points: [Point] = []
        var combination = [Int](repeating: 0, count: axes.count)
        // Each axis has at most `nodeBudget` values, but their product is unbounded: multiply with overflow checks.
        var total = 1
        for axis in axes {
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            total = overflow ? Int.max : product
        }
        guard total <= 100_000 else {
            throw root.error("defines a grid of \(total) points", allowed: "at most 100000 points", given: "\(total)", key: "sweep")
        }
        for index in 0..<total {
            var pointRoot = root
            var assignments: [(keyPath: String, value: String)] = []
            for (axisIndex, axis) in axes.enumerated() {
                let value = axis.values[combination[axisIndex]]
                pointRoot = try pointRoot.setting(axis.keyPath, to: value, origin: value.location)
                assignments.append((axis.keyPath, value.description))
            }
            points.append(try ExperimentPlan.point(index: index, root: pointRoot, kind: kind, assignments: assignments))
            // Odometer: the last axis varies fastest.
            var axisIndex = axes.count - 1
            while axisIndex >= 0 {
                combination[axisIndex] += 1
                if combination[axisIndex] < axes[axisIndex].values.count { break }
                combination[axisIndex] = 0
                axisIndex -= 1
            }
        }
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
    public var unitCount: Int { points.reduce(0) { $0 + $1.designs.count * $1.settings.replications } }

    /// FNV-1a 64 of the resolved config's canonical text and the grid, as 16 hex digits.
    public var configHash: String {
        var text = root.canonicalText
        for axis in axes { text += "\n" + axis.keyPath + "=" + axis.values.map(\.canonicalText).joined(separator: ",") }
        return StreamKey(value: StreamKey.fnv1a64(text)).description
    }
}
