import LatSimCore

/// Actors and the latencies between them, decoded from a model's `actors:` and `links:`
/// sections (the `queue` template's topology): per ordered pair, the config node of its
/// latency, which the template copies into that pair's connection (so an error in it names
/// the key the user wrote).
///
///     actors:
///       - {name: bot-eu, region: eu, role: client}
///       - {name: exchange, region: eu, role: server}
///     links:
///       default: 1ms                                   # any pair not named below
///       regions: {eu: {eu: 200us, us: 40ms}}           # by region pair; symmetric unless the reverse is given
///       pairs:                                         # per-pair overrides (both ways unless symmetric: false)
///         - {source: bot-eu, target: exchange, latency: {type: lognormal, median: 300us, sigma: 0.3}}
///
/// Invariant: names are unique; every link names known actors and regions; the latency of
/// (source, target) is the pair override if any, else the region-matrix entry, else the default
/// (none: 0). Every latency given is checked to be a distribution.
struct ActorLinks {
    /// The most actors a topology may have (4 million latency cells).
    static let actorLimit = 2_000

    struct Actor {
        var name: String
        var nameNode: ConfigNode
        var region: String
        var role: String
    }

    private(set) var actors: [Actor]
    /// latencies[source * actors.count + target]: the latency's config node, nil for 0.
    private var latencies: [ConfigNode?]

    /// Decodes `actors` (a required list) and `links` (optional) of `model`.
    /// `roles` are the allowed actor roles; the first is the default.
    init(model: ConfigNode, roles: [String]) throws {
        let actorNodes = try model.required("actors", allowed: "a list of {name, region, role}").items()
        guard !actorNodes.isEmpty else {
            throw model.error("must list at least one actor", allowed: "a non-empty list of {name, region, role}", key: "actors")
        }
        // The latency table has actors squared cells, built right here: bound it before it is allocated.
        guard actorNodes.count <= ActorLinks.actorLimit else {
            throw model.error("lists \(actorNodes.count) actors: the latency table has actors squared cells",
                              allowed: "at most \(ActorLinks.actorLimit) actors", given: "\(actorNodes.count)", key: "actors")
        }
        var actors: [Actor] = []
        for node in actorNodes {
            try node.checkKeys(["name", "region", "role"])
            let name = try node.string("name")
            if actors.contains(where: { $0.name == name }) {
                throw (node.child("name") ?? node).error("repeats the actor name \"\(name)\"", allowed: "unique actor names", given: name)
            }
            actors.append(Actor(name: name, nameNode: node.child("name")!, region: try node.string("region", default: "default"),
                                role: try node.string("role", default: roles[0], oneOf: roles)))
        }
        self.actors = actors
        guard let links = model.child("links") else {
            latencies = Array(repeating: nil, count: actors.count * actors.count)
            return
        }
        try links.checkKeys(["default", "regions", "pairs"])
        _ = try links.distribution("default", default: try .constant(0), sequential: true)
        var table = Array(repeating: links.child("default"), count: actors.count * actors.count)
        let n = actors.count
        let regionNames = actors.map(\.region)
        if let regions = links.child("regions") {
            var given: [(String, String, ConfigNode)] = []
            for (source, row) in try regions.entries() {
                guard regionNames.contains(source) else { throw ActorLinks.unknown("region", source, row, regionNames) }
                for (target, cell) in try row.entries() {
                    guard regionNames.contains(target) else { throw ActorLinks.unknown("region", target, cell, regionNames) }
                    _ = try cell.distributionValue(sequential: true)
                    given.append((source, target, cell))
                }
            }
            // Symmetric fill first, explicit directions after, so a given reverse entry wins.
            for (source, target, d) in given where !given.contains(where: { $0.0 == target && $0.1 == source }) {
                for i in 0..<n where actors[i].region == target {
                    for j in 0..<n where actors[j].region == source { table[i * n + j] = d }
                }
            }
            for (source, target, d) in given {
                for i in 0..<n where actors[i].region == source {
                    for j in 0..<n where actors[j].region == target { table[i * n + j] = d }
                }
            }
        }
        if let pairs = links.child("pairs") {
            let names = actors.map(\.name)
            for pair in try pairs.items() {
                try pair.checkKeys(["source", "target", "latency", "symmetric"])
                let source = try pair.string("source"), target = try pair.string("target")
                guard let i = names.firstIndex(of: source) else { throw ActorLinks.unknown("actor", source, pair.child("source")!, names) }
                guard let j = names.firstIndex(of: target) else { throw ActorLinks.unknown("actor", target, pair.child("target")!, names) }
                _ = try pair.distribution("latency", sequential: true)
                let d = pair.child("latency")!
                table[i * n + j] = d
                if try pair.bool("symmetric", default: true) { table[j * n + i] = d }
            }
        }
        latencies = table
    }

    static func unknown(_ what: String, _ name: String, _ node: ConfigNode, _ known: [String]) -> ConfigError {
        var unique: [String] = []
        for k in known where !unique.contains(k) { unique.append(k) }
        var problem = "names an unknown \(what)"
        if let nearest = nearestMatch(name, in: unique) { problem += " (did you mean \"\(nearest)\"?)" }
        return node.error(problem, allowed: "one of the declared \(what)s: " + unique.joined(separator: ", "), given: name)
    }

    /// The latency of messages from actor `source` to actor `target` (indices): its node, nil for 0.
    func latency(from source: Int, to target: Int) -> ConfigNode? {
        latencies[source * actors.count + target]
    }

    /// Indices of the actors with `role`, in declaration order.
    func indices(role: String) -> [Int] { actors.indices.filter { actors[$0].role == role } }
}
