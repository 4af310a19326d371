import LatSimCore
import LatSimNetwork

/// Decoding a graph from a config's `model:` section.
///
///     model:
///       components:
///         - {name: bot, type: client, count: 50, window: 8, arrival: open, rate_per_s: 200}
///         - {name: gateway, type: station, workers: 16, service_time: {type: exponential, mean: 1ms}}
///       connections:
///         - {from: bot.out, to: gateway.in, link: {latency: {type: lognormal, median: 250us, sigma: 0.5}}}
///       paths:
///         - {name: order, from: bot, to: bot}
///       faults:
///         - {target: gateway, at: 2s, duration: 500ms}
///
/// Errors name the file, line and key, what is allowed (the nearest valid name for a typo)
/// and what was given.
extension GraphSpec {
    public static let modelKeys = ["kind", "components", "connections", "paths", "faults", "regions", "designs", "metric_aliases", "drain",
                                     "derived_metrics"]
    static let componentKeys = ["name", "type", "count", "region"]
    static let connectionKeys = ["name", "from", "to", "link", "reply_link", "weight", "group"]

    public init(model node: ConfigNode) throws {
        try node.checkKeys(GraphSpec.modelKeys)
        let componentNodes = try node.required("components", allowed: "a list of {name, type, ...parameters}").items()
        guard !componentNodes.isEmpty else {
            throw node.error("must list at least one component", allowed: "a list of {name, type, ...parameters}", key: "components")
        }
        var components: [Component] = []
        for item in componentNodes {
            let component = try GraphSpec.component(item)
            if components.contains(where: { $0.name == component.name }) {
                throw (item.child("name") ?? item).error("repeats the component name \"\(component.name)\"",
                                                         allowed: "unique component names", given: component.name)
            }
            components.append(component)
        }
        self.components = components
        let regions = try node.child("regions").map { try RegionMatrix(config: $0, components: components) }
        connections = []
        for item in try (node.child("connections")?.items() ?? []) {
            let connection = try GraphSpec.connection(item, components: components, regions: regions)
            if connections.contains(where: { $0.name == connection.name }) {
                throw item.error("repeats the connection name \"\(connection.name)\"",
                                 allowed: "unique connection names (give `name:` to tell two connections of one pair apart)",
                                 given: connection.name, key: "name")
            }
            connections.append(connection)
        }
        paths = []
        for item in try (node.child("paths")?.items() ?? []) {
            try item.checkKeys(["name", "from", "to"])
            let name = try item.string("name")
            if paths.contains(where: { $0.name == name }) {
                throw (item.child("name") ?? item).error("repeats the path name \"\(name)\"", allowed: "unique path names", given: name)
            }
            let names = components.map(\.name)
            let from = try item.string("from", oneOf: names), to = try item.string("to", oneOf: names)
            paths.append(Path(name: name, from: names.firstIndex(of: from)!, to: names.firstIndex(of: to)!))
        }
        guard paths.count <= 8 else {
            throw node.error("lists \(paths.count) paths", allowed: "at most 8 measured paths", given: "\(paths.count)", key: "paths")
        }
        faults = []
        for item in try (node.child("faults")?.items() ?? []) {
            let targetNodes: [ConfigNode]
            if let target = item.child("target"), case .sequence = target.value {
                targetNodes = try target.items()
            } else {
                targetNodes = [try item.required("target", allowed: "a component or connection name (or name[k] for one instance), or a list of them")]
            }
            var fault = Fault(components: [], connections: [], outage: try OutageSpecification(
                config: item.removing("target").adding("target", "t"), targets: ["t"]))
            for targetNode in targetNodes {
                let text = try targetNode.text()
                try GraphSpec.resolveFaultTarget(text, at: targetNode, into: &fault, components: components, connections: connections)
                if !fault.targetNames.contains(text) { fault.targetNames.append(text) }
            }
            fault.targetNames.sort()
            faults.append(fault)
        }
        metricAliases = try (node.child("metric_aliases")?.entries() ?? []).map { ($0.key, try $0.value.text()) }
        if let d = node.child("drain"), case .mapping = d.value {
            // `drain: {duration: 24h, until_empty: true}`: at most the duration, stopping once no message is alive.
            try d.checkKeys(["duration", "until_empty"])
            drain = try d.duration("duration", allowZero: false)
            drainUntilEmpty = try d.bool("until_empty", default: false)
        } else {
            drain = try node.duration("drain", default: .zero)
        }
        try checkPorts(node)
        try checkMarkets()
        try checkTradeFlows()
        try checkMarketMakers()
        let schema = GraphRun.baseSchema(self)
        for item in try (node.child("derived_metrics")?.items() ?? []) {
            try item.checkKeys(["name", "sum", "max", "ratio"])
            let name = try item.string("name")
            let given = DerivedMetric.Operation.allCases.filter { item.has($0.rawValue) }
            guard given.count == 1, let operation = given.first else {
                throw item.error("needs exactly one of sum or max (or ratio)", allowed: "{name, sum: [metrics]}, {name, max: [metrics]} or {name, ratio: [numerator, denominator]}",
                                 given: given.isEmpty ? "neither" : "both")
            }
            let list = try item.required(operation.rawValue, allowed: "a list of metric names")
            var operands: [Int] = [], names: [String] = []
            for entry in try list.items() {
                let metric = try entry.stringValue(oneOf: schema.map(\.name))
                operands.append(schema.firstIndex { $0.name == metric }!)
                names.append(metric)
            }
            guard let first = operands.first else {
                throw list.error("lists no metric", allowed: "at least one metric name", key: nil)
            }
            if operation == .ratio && operands.count != 2 {
                throw list.error("lists \(operands.count) metric(s)", allowed: "two metrics, [numerator, denominator]", given: names.joined(separator: ", "), key: nil)
            }
            if let other = operands.first(where: { schema[$0].unit != schema[first].unit }) {
                throw list.error("mixes units: \(schema[first].name) is \(schema[first].unit), \(schema[other].name) is \(schema[other].unit)",
                                 allowed: "metrics of one unit", given: schema[other].name, key: nil)
            }
            if derivedMetrics.contains(where: { $0.name == name }) || schema.contains(where: { alias($0.name) == name }) {
                throw (item.child("name") ?? item).error("repeats the metric name \"\(name)\"", allowed: "a name no other metric has", given: name)
            }
            derivedMetrics.append(DerivedMetric(name: name, operation: operation, operands: operands, operandNames: names,
                                                unit: operation == .ratio ? "ratio" : schema[first].unit))
        }
    }

    static func component(_ item: ConfigNode) throws -> Component {
        let name = try item.string("name")
        guard !name.isEmpty, !name.contains("."), !name.contains("["), !name.contains(" ") else {
            throw (item.child("name") ?? item).error("is not a valid component name", allowed: "a non-empty name without '.', '[' or spaces",
                                                     given: name)
        }
        let typeName = try item.string("type", oneOf: ComponentType.allCases.map(\.rawValue))
        let type = ComponentType(rawValue: typeName)!
        let count = try item.int("count", default: 1, range: 1...1_000_000)
        let region = item.has("region") ? try item.string("region") : nil
        let own = item.removing("name").removing("type").removing("count").removing("region")
        let parameters: ComponentParameters
        switch type {
        case .source: parameters = .source(try SourceParameters(config: own))
        case .client: parameters = .client(try ClientParameters(config: own))
        case .station: parameters = .station(try StationComponentParameters(config: own))
        case .delay: parameters = .delay(try DelayParameters(config: own))
        case .router: parameters = .router(try RouterParameters(config: own))
        case .fanOut:
            try own.checkKeys([])
            parameters = .fanOut
        case .broker: parameters = .broker(try BrokerParameters(config: own))
        case .sink: parameters = .sink(try SinkParameters(config: own))
        case .priceSource: parameters = .priceSource(try PriceSourceParameters(config: own))
        case .venue: parameters = .venue(try VenueParameters(name: name, config: own))
        case .arbitrageur: parameters = .arbitrageur(try ArbitrageurParameters(config: own))
        case .settlement: parameters = .settlement(try SettlementParameters(config: own))
        case .marketMaker: parameters = .marketMaker(try MarketMakerParameters(config: own))
        case .dexArbitrageur: parameters = .dexArbitrageur(try DEXArbitrageurParameters(config: own))
        case .taker: parameters = .taker(try TakerParameters(config: own))
        case .tradeFlow: parameters = .tradeFlow(try TradeFlowParameters(config: own))
        }
        return Component(name: name, type: type, count: count, region: region, parameters: parameters, location: item.location)
    }

    /// "component.port" split and checked against the components.
    static func endpoint(_ item: ConfigNode, key: String, direction: ComponentType.Port.Direction,
                         components: [Component]) throws -> Int {
        let text = try item.string(key)
        let node = item.child(key)!
        guard let dot = text.lastIndex(of: ".") else {
            throw node.error("is not of the form component.port", allowed: "e.g. gateway.\(direction == .input ? "in" : "out")", given: text)
        }
        let name = String(text[..<dot]), portName = String(text[text.index(after: dot)...])
        let names = components.map(\.name)
        guard let index = names.firstIndex(of: name) else {
            var problem = "names no component \"\(name)\""
            if let nearest = nearestMatch(name, in: names) { problem += " (did you mean \"\(nearest)\"?)" }
            throw node.error(problem, allowed: names.joined(separator: ", "), given: text)
        }
        let type = components[index].type
        guard let port = type.port(named: portName) else {
            let ports = type.ports.map(\.name)
            var problem = "names no port \"\(portName)\" of \(name) (a \(type.rawValue))"
            if let nearest = nearestMatch(portName, in: ports) { problem += " (did you mean \"\(nearest)\"?)" }
            throw node.error(problem, allowed: ports.map { "\(name).\($0)" }.joined(separator: ", "), given: text)
        }
        guard port.direction == direction else {
            let wanted = type.ports.filter { $0.direction == direction }.map { "\(name).\($0.name)" }
            throw node.error("is an \(port.direction.rawValue) port, but `\(key)` needs an \(direction.rawValue) port",
                             allowed: wanted.isEmpty ? "none: a \(type.rawValue) has no \(direction.rawValue) port" : wanted.joined(separator: ", "),
                             given: text)
        }
        return index
    }

    static func connection(_ item: ConfigNode, components: [Component], regions: RegionMatrix?) throws -> Connection {
        try item.checkKeys(connectionKeys)
        let from = try endpoint(item, key: "from", direction: .output, components: components)
        let to = try endpoint(item, key: "to", direction: .input, components: components)
        let fromText = try item.string("from")
        let fromPortName = String(fromText[fromText.index(after: fromText.lastIndex(of: ".")!)...])
        let fromPort = components[from].type.ports.filter { $0.direction == .output }.firstIndex { $0.name == fromPortName } ?? 0
        let (a, b) = (components[from], components[to])
        if a.count > 1 && b.count > 1 && a.count != b.count {
            throw item.error("joins \(a.name) (\(a.count) instances) to \(b.name) (\(b.count) instances)",
                             allowed: "equal counts (pairwise), or one side with a single instance", given: "\(a.count) to \(b.count)")
        }
        let name = try item.string("name", default: "\(a.name)-\(b.name)")
        let link: LinkParameters, regime: LatencyRegime?
        if let linkNode = item.child("link") {
            (link, regime) = try GraphSpec.link(linkNode)
        } else if let regions, let latency = regions.latency(from: a, to: b) {
            (link, regime) = (try LinkParameters(latency: latency), nil)
        } else {
            throw item.error("has no link", allowed: regions == nil
                             ? "a `link:` (a latency such as 1ms, or {latency, loss, ordering, bandwidth_bytes_per_s, fault_policy, regime}), or a `regions:` matrix with both components' regions"
                             : "a `link:`, or regions on both components that the `regions:` matrix covers", given: "no link", key: "link")
        }
        let reply = try item.child("reply_link").map { try GraphSpec.link($0) }
        let replyReverse = regions.flatMap { reply == nil && item.child("link") == nil ? $0.latency(from: b, to: a) : nil }
        return Connection(name: name, from: from, to: to, fromPort: fromPort, link: link, regime: regime,
                          replyLink: try reply?.0 ?? replyReverse.map { try LinkParameters(latency: $0) } ?? link,
                          replyRegime: reply == nil ? regime : reply?.1,
                          weight: try item.double("weight", default: 1, range: 0...1e12),
                          group: try item.int("group", default: 0, range: 0...1_023), location: item.location)
    }

    /// `link: 2ms` (a latency alone) or the full mapping.
    static func link(_ node: ConfigNode) throws -> (LinkParameters, LatencyRegime?) {
        if case .mapping = node.value, node.has("latency") {
            return (try LinkParameters(config: node), try node.child("regime").map { try LatencyRegime(config: $0) })
        }
        return (try LinkParameters(latency: try node.distributionValue(sequential: true)), nil)
    }

    /// A fault target: a component or connection name, or `name[k]` for its instance k.
    static func resolveFaultTarget(_ text: String, at node: ConfigNode, into fault: inout Fault,
                                   components: [Component], connections: [Connection]) throws {
        let names = components.map(\.name) + connections.map(\.name)
        var name = text, ordinal: Int? = nil
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            name = String(text[..<open])
            ordinal = Int(text[text.index(after: open)..<text.index(before: text.endIndex)])
            guard ordinal != nil else {
                throw node.error("is not a valid instance index", allowed: "name[k] with k an integer", given: text)
            }
        }
        if let index = components.firstIndex(where: { $0.name == name }) {
            guard let k = ordinal else { fault.components.append(index); return }
            guard k >= 0 && k < components[index].count else {
                throw node.error("names instance \(k) of \(name), which has \(components[index].count)",
                                 allowed: "\(name)[0] to \(name)[\(components[index].count - 1)]", given: text)
            }
            fault.componentInstances.append((index, k))
        } else if let index = connections.firstIndex(where: { $0.name == name }) {
            let count = Swift.max(components[connections[index].from].count, components[connections[index].to].count)
            guard let k = ordinal else { fault.connections.append(index); return }
            guard k >= 0 && k < count else {
                throw node.error("names instance \(k) of connection \(name), which has \(count)",
                                 allowed: "\(name)[0] to \(name)[\(count - 1)]", given: text)
            }
            fault.connectionInstances.append((index, k))
        } else {
            var problem = "names no component or connection \"\(name)\""
            if let nearest = nearestMatch(name, in: names) { problem += " (did you mean \"\(nearest)\"?)" }
            throw node.error(problem, allowed: names.joined(separator: ", "), given: text)
        }
    }

    /// Every required port connected; a single-connection output port connected once.
    func checkPorts(_ node: ConfigNode) throws {
        for (index, component) in components.enumerated() {
            for port in component.type.ports {
                let outputIndex = component.type.ports.filter { $0.direction == .output }.firstIndex { $0.name == port.name } ?? 0
                let count = port.direction == .output
                    ? connections.filter { $0.from == index && $0.fromPort == outputIndex }.count
                    : connections.filter { $0.to == index }.count
                let where_ = ConfigNode(value: .null, location: component.location, path: node.path.isEmpty ? "components" : node.path + ".components")
                if port.required && count == 0 {
                    throw where_.error("leaves the required port \(component.name).\(port.name) unconnected (\(port.summary))",
                                       allowed: port.direction == .output ? "a connection from: \(component.name).\(port.name)"
                                                                          : "a connection to: \(component.name).\(port.name)",
                                       given: "no connection")
                }
                if port.direction == .output && !port.multiple && count > 1 {
                    let targets = connections.filter { $0.from == index && $0.fromPort == outputIndex }.map { components[$0.to].name }
                    throw where_.error("connects \(component.name).\(port.name) \(count) times (to \(targets.joined(separator: ", ")))",
                                       allowed: "one connection (put a router or a fan-out behind it to reach several)", given: "\(count)")
                }
            }
            for connection in connections where connection.from == index && component.count == 1 && components[connection.to].count > 1 {
                guard component.type.ports.filter({ $0.direction == .output })[connection.fromPort].multiple else {
                    throw where_error(node, component).error(
                        "connects its single instance to \(components[connection.to].count) instances of \(components[connection.to].name)",
                        allowed: "a router, fan-out or broker in between, or equal counts", given: connection.name)
                }
            }
        }
    }

    func where_error(_ node: ConfigNode, _ component: Component) -> ConfigNode {
        ConfigNode(value: .null, location: component.location, path: node.path.isEmpty ? "components" : node.path + ".components")
    }
}

extension ConfigNode {
    /// This mapping with `key: text` appended.
    func adding(_ key: String, _ text: String) -> ConfigNode {
        guard case .mapping(var entries) = value else { return self }
        entries.append((key: key, value: .scalar(text, path: (path.isEmpty ? key : path + "." + key), location: location)))
        var copy = self
        copy.value = .mapping(entries)
        return copy
    }
}

/// `regions: {eu: {eu: 200us, us: 40ms}, us: {us: 150us}}`: latencies by region pair,
/// symmetric unless the reverse pair is given.
struct RegionMatrix: Sendable {
    var entries: [(source: String, target: String, latency: Distribution)]

    init(config node: ConfigNode, components: [GraphSpec.Component]) throws {
        entries = []
        for (source, row) in try node.entries() {
            for (target, cell) in try row.entries() { entries.append((source, target, try cell.distributionValue(sequential: true))) }
        }
    }

    func latency(from a: GraphSpec.Component, to b: GraphSpec.Component) -> Distribution? {
        guard let ra = a.region, let rb = b.region else { return nil }
        return entries.first { $0.source == ra && $0.target == rb }?.latency ?? entries.first { $0.source == rb && $0.target == ra }?.latency
    }
}
