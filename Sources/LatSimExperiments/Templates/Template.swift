import LatSimCore
import LatSimGraph
import LatSimMarkets

/// A template: a named graph with parameters. A config that names it (`model.kind:
/// call-pattern`) is expanded into a `graph` model, which is what runs; `latsim validate
/// --expand` prints that model as YAML, and the YAML runs as it is.
///
///     let graph = try CallPatternTemplate.expand(modelNode)    // model.kind: graph, components, ...
///
/// Templates keep the metric names their kinds always had through `metric_aliases`. Their
/// metric list is not written by hand: it is the metric schema of the graph that `example`
/// expands to (every listed metric is recorded, every recorded one listed; a test checks it).
public struct Template: Sendable {
    public var kind: ScenarioKind
    public var expand: @Sendable (ConfigNode) throws -> ConfigNode
    /// A small model of this kind (YAML): its graph's metrics are the kind's metric list. Names
    /// that a config chooses (an actor's connection) appear as the example names them.
    public var example: String

    public init(name: String, summary: String, designs: [(name: String, summary: String)],
                example: String, expand: @escaping @Sendable (ConfigNode) throws -> ConfigNode) {
        self.expand = expand
        self.example = example
        let schema: [(name: String, unit: String, summary: String)]
        do {
            let model = try YAMLConfig.parse(example, file: "<\(name) template example>", path: "model")
            schema = try GraphScenario(config: try expand(model)).metricSchema ?? []
        } catch {
            preconditionFailure("the \(name) template's example does not expand: \(error)")
        }
        kind = ScenarioKind(name: name, summary: summary, designs: designs, metricSchema: schema,
                            make: { try GraphScenario(config: try expand($0)) })
    }
}

/// Building graph configs in code (templates).
enum GraphConfig {
    static func scalar(_ text: String, at location: SourceLocation) -> ConfigNode { .scalar(text, location: location) }

    /// A generated mapping (its path set by `model`); the entries keep their own paths.
    static func mapping(_ entries: [(String, ConfigNode)], at location: SourceLocation) -> ConfigNode {
        ConfigNode(value: .mapping(entries.map { (key: $0.0, value: $0.1) }), location: location, path: "")
    }

    /// A bot kind's designs (`model.designs`: name -> a preset or a design mapping), or the bot
    /// presets (`sync`, `async`) when the config gives none; each becomes a patch of the focal bots.
    static func botDesignNodes(_ node: ConfigNode, at location: SourceLocation) throws -> [(String, ConfigNode)] {
        guard let d = node.child("designs") else { return BotDesign.presets.map { ($0.name, scalar($0.name, at: location)) } }
        guard case .mapping(let entries) = d.value else { throw d.error("must be a mapping", allowed: "design name -> a preset or a design") }
        return entries.map { ($0.key, $0.value) }
    }

    static func list(_ items: [ConfigNode], at location: SourceLocation) -> ConfigNode {
        ConfigNode(value: .sequence(items), location: location, path: "")
    }

    /// The whole model, paths set from the root `model`.
    static func model(_ entries: [(String, ConfigNode)], at location: SourceLocation) -> ConfigNode {
        reparent(mapping([("kind", scalar("graph", at: location))] + entries, at: location), path: "model")
    }

    /// Gives the generated nodes their paths; nodes copied from the user's config keep theirs,
    /// so an error in one names the key the user wrote (`model.window`).
    static func reparent(_ node: ConfigNode, path: String) -> ConfigNode {
        guard node.path.isEmpty else { return node }
        var copy = node
        copy.path = path
        switch node.value {
        case .mapping(let entries):
            copy.value = .mapping(entries.map { (key: $0.key, value: reparent($0.value, path: path + "." + $0.key)) })
        case .sequence(let items):
            copy.value = .sequence(items.enumerated().map { reparent($0.element, path: "\(path)[\($0.offset)]") })
        default: break
        }
        return copy
    }
}
