import LatSimCore
import LatSimGraph

/// The `graph` kind: a system described as components and connections, with designs as
/// patches of the model (key path -> value, applied like `--set`), so "sync" and "async"
/// are data. Templates (`call-pattern`, `queue`, ...) expand into this.
///
///     model:
///       kind: graph
///       components: [...]
///       connections: [...]
///       designs:
///         sync: {components.bot.window: 1}
///         async: {components.bot.window: 8}
///
/// Key paths address list items by name (`components.bot.window`). Every design is decoded
/// and checked when the config is loaded, so a patch to a missing key fails before any run.
public struct GraphScenario: Scenario {
    public let designs: [String]
    public let specs: [GraphSpec]
    /// Each design's model after its patch (what `latsim validate --expand` prints).
    public let models: [ConfigNode]

    public static let kind = ScenarioKind(
        name: "graph",
        summary: "Any system as components (" + ComponentType.allCases.map(\.rawValue).joined(separator: ", ") + ") and connections over links; designs are patches.",
        designs: [("<from model.designs>", "each design a mapping of key paths to values; none: one design named `base`")],
        metrics: [("<component>.<metric>", "per component, by its type (docs/graph.md)"),
                  ("link.<connection>.<metric>", "per connection: sent, delivered, lost, lost_outage, head-of-line"),
                  ("<path>.latency", "per measured path: end-to-end latency and its wire / wait / service breakdown")],
        make: { try GraphScenario(config: $0) })

    public init(config model: ConfigNode) throws {
        var designs: [String] = [], specs: [GraphSpec] = [], models: [ConfigNode] = []
        let base = model.removing("designs")
        if let designNode = model.child("designs") {
            let entries = try designNode.entries()
            guard !entries.isEmpty else {
                throw designNode.error("lists no design", allowed: "design name -> {key.path: value, ...}", key: nil)
            }
            for (name, patch) in entries {
                if designs.contains(name) {
                    throw patch.error("repeats the design \"\(name)\"", allowed: "unique design names", given: name)
                }
                var patched = base
                for (keyPath, value) in try patch.entries() {
                    patched = try patched.setting(keyPath, to: value, origin: value.location)
                }
                designs.append(name)
                models.append(patched)
                specs.append(try GraphSpec(model: patched))
            }
        } else {
            designs = ["base"]
            models = [base]
            specs = [try GraphSpec(model: base)]
        }
        self.designs = designs
        self.specs = specs
        self.models = models
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        guard let index = designs.firstIndex(of: design) else { preconditionFailure("unknown design \(design)") }
        return GraphRun.run(specs[index], replication: spec)
    }

    /// Every design's metrics, in the order of first appearance (a design may add components).
    public var metricSchema: [(name: String, unit: String, summary: String)]? {
        var schema: [(name: String, unit: String, summary: String)] = []
        var seen = Set<String>()
        for spec in specs {
            for entry in GraphRun.metricSchema(spec) where seen.insert(entry.name).inserted { schema.append(entry) }
        }
        return schema
    }
}

extension GraphScenario {
    /// What one replication allocates for its structure: per instance its stream and state
    /// (a client's window slots, a broker's partitions x groups cursors, a closed source's
    /// population of pending timers), per instance connection two links and two streams.
    /// Messages grow with pending work and are bounded by queue capacities.
    /// Replayed price files (price sources) and block files (settlement components), once each.
    public func dataNotes(horizon: SimDuration) -> [String] {
        var lines: [String] = []
        for spec in specs {
            for component in spec.components {
                var notes: [String] = []
                switch component.parameters {
                case .priceSource(let p): notes = p.replay?.notes(component: component.name, horizon: horizon) ?? []
                case .settlement(let p): notes = p.layer.dataNotes(horizon: horizon).map { $0.hasPrefix("  ") ? $0 : "\(component.name) (settlement), " + $0 }
                default: break
                }
                if !notes.isEmpty, !lines.contains(notes[0]) { lines += notes }
            }
        }
        return lines
    }

    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        specs.map { graph in
            var bytes = 0.0
            for component in graph.components {
                var each = 256.0   // stream, ids, group statistics share
                switch component.parameters {
                case .client(let p): each += Double(p.isWindowUnlimited ? 16 : p.window) * 32   // unlimited: grows with pending work
                case .source(let p): each += Double(p.population) * 48
                case .broker(let p):
                    // Cursors and consumer lag per (partition, consumer); held and batch rings per partition when used.
                    each += Double(p.partitions) * 96 * Double(max(1, graph.connections.filter { $0.from == graph.componentIndex(component.name)! }.count))
                    each += Double(p.partitions) * ((p.overflow == .block ? 448 : 0) + (p.batching ? 192 : 0))
                case .arbitrageur(let p): each += Double(p.design.capacity) * 96   // attempt slots (views: per connection)
                case .priceSource: each += 16 * 16_384                             // the observer's ring of recent episodes
                case .venue(let p):
                    each += Double(p.exchange.workers) * 64                          // the engine's workers
                    if let flow = p.book { each += Double(flow.book.levels) * 16 + 256 }  // the book's two depth arrays
                default: break
                }
                bytes += each * Double(component.count)
            }
            for connection in graph.connections {
                let instances = max(graph.components[connection.from].count, graph.components[connection.to].count)
                bytes += Double(instances) * 2 * 512
            }
            if let bucket = spec.seriesBucket {
                // series.csv: a row of eight short strings per broker and station instance and bucket, at most the row limit.
                let sampled = graph.components.filter { $0.type == .broker || $0.type == .station }.reduce(0) { $0 + $1.count }
                let buckets = Double((spec.warmUp + spec.horizon + graph.drain).nanoseconds / bucket.nanoseconds + 1)
                bytes += min(Double(ReplicationSpec.traceRowLimit), buckets * Double(sampled)) * 8 * 32
            }
            return bytes
        }.max() ?? 0
    }
}
