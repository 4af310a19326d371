import LatSimCore
import LatSimGraph

/// `kind: queue`: named actors (one server, N clients, each in a region) calling the server
/// over links whose latency depends on the pair (`links:`, an `ActorLinks` table), blocking
/// (`sync`) versus non-blocking (`async`), with a bounded queue and rejections.
///
///     model:
///       kind: queue
///       actors: [{name: exchange, region: eu, role: server}, {name: bot-us, region: us, role: client}]
///       links: {default: 100us, regions: {eu: {us: 40ms}}}
///       arrival: {type: exponential, mean: 2ms}    # async: time between sends; sync: think time
///       service: {type: lognormal, median: 600us, sigma: 0.5}
///       workers: 2
///       capacity: 10000                            # waiting requests beyond this are rejected
///       reject_probability: 0.01                   # rejected on arrival, answered at once
///
/// The graph: `clients` (a client with one instance per client actor, in declaration order:
/// `clients[k]` is the k-th client) -> `actor-links` (a `hash` router: request k takes
/// connection k, so it adds no time) -> the server (a station named after its actor, with
/// `overflow: reject`) over one connection per client, `<client>-<server>`, whose link is the
/// pair's latency and whose reply link the reverse pair's (unordered: each message its own
/// draw). `sync` is a closed client with window 1 that thinks `arrival` after each response;
/// `async` an open client on a renewal process of `arrival` times with an unlimited window.
/// Differs from `call-pattern` (N identical clients with windows, timeouts and retries over
/// one link) by its named actors, per-pair latencies and rejections.
public enum QueueTemplate {
    public static let configKeys = ["kind", "actors", "links", "arrival", "service", "workers", "capacity", "reject_probability"]
    static let clientName = "clients", routerName = "actor-links"

    public static let template = Template(
        name: "queue",
        summary: "Named actors calling one server over per-pair links: blocking (sync) vs non-blocking (async) requests, with rejections (a graph template).",
        designs: [("sync", "blocking: a client sends its next request `arrival` after the previous response"),
                  ("async", "non-blocking: a client sends at its own renewal process, whatever the responses")],
        example: """
            {kind: queue, actors: [{name: exchange, role: server}, {name: bot, role: client}], links: {default: 100us},
             arrival: 1ms, service: 100us}
            """,
        expand: expand)

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        let topology = try ActorLinks(model: node, roles: ["client", "server"])
        let servers = topology.indices(role: "server"), clients = topology.indices(role: "client")
        guard servers.count == 1 else {
            throw node.error("must have exactly one actor with role server", allowed: "one server and at least one client",
                             given: "\(servers.count) servers", key: "actors")
        }
        guard !clients.isEmpty else {
            throw node.error("must have at least one actor with role client", allowed: "one server and at least one client",
                             given: "no clients", key: "actors")
        }
        let server = servers[0]
        let serverName = topology.actors[server].name
        if [clientName, routerName].contains(serverName) {
            throw (topology.actors[server].nameNode).error("is a name the template uses for its own components",
                                                           allowed: "a server name other than \(clientName) and \(routerName)", given: serverName)
        }
        // Keys the graph spells otherwise are checked here, so an error names the key as written.
        _ = try node.intervalDistribution("arrival")
        _ = try node.distribution("service")
        _ = try node.int("workers", default: 1, range: 1...100_000)
        _ = try node.int("capacity", default: 100_000, range: 0...100_000_000)
        let rejectProbability = try node.probability("reject_probability", default: 0)

        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { GraphConfig.mapping(entries, at: at) }
        let arrival = try node.required("arrival", allowed: "a distribution: the time between sends (async) or the think time (sync)")
        let client = map([("name", s(clientName)), ("type", s("client")), ("count", s("\(clients.count)")), ("window", s("1")),
                          ("arrival", s("closed")), ("think_time", arrival)])
        let router = map([("name", s(routerName)), ("type", s("router")), ("policy", s("hash"))])
        var station: [(String, ConfigNode)] = [("name", topology.actors[server].nameNode), ("type", s("station")),
                                               ("workers", node.child("workers") ?? s("1")),
                                               ("service_time", try node.required("service", allowed: "a distribution of one request's service")),
                                               ("capacity", node.child("capacity") ?? s("100000")), ("overflow", s("reject"))]
        if rejectProbability > 0 { station.append(("reject_probability", node.child("reject_probability")!)) }

        var connections = [map([("name", s("\(clientName)-\(routerName)")), ("from", s("\(clientName).out")),
                                ("to", s("\(routerName).in")), ("link", s("0ms"))])]
        for c in clients {
            func link(_ latency: ConfigNode) -> ConfigNode { map([("latency", latency), ("ordering", s("unordered"))]) }
            connections.append(map([("name", s("\(topology.actors[c].name)-\(serverName)")), ("from", s("\(routerName).out")),
                                    ("to", s("\(serverName).in")),
                                    ("link", link(topology.latency(from: c, to: server) ?? s("0ms"))),
                                    ("reply_link", link(topology.latency(from: server, to: c) ?? s("0ms")))]))
        }
        let aliases: [(String, String)] = [
            ("\(clientName).latency", "request_latency"), ("\(clientName).throughput_per_s", "throughput_per_s"),
            ("\(clientName).drop_rate", "drop_rate"), ("\(serverName).queue_length_mean", "queue_length_mean"),
            ("\(serverName).utilisation", "utilization"), ("\(clientName).", "client_"), ("\(serverName).", "server_"),
            ("\(routerName).", "router_"), ("graph.", ""),
        ]
        let async = map([("components.\(clientName).arrival", s("open")), ("components.\(clientName).window", s("unlimited")),
                         ("components.\(clientName).interarrival", arrival), ("components.\(clientName).think_time", s("0ms"))])
        return GraphConfig.model([
            ("components", GraphConfig.list([client, router, map(station)], at: at)),
            ("connections", GraphConfig.list(connections, at: at)),
            ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) })),
            ("designs", map([("sync", map([])), ("async", async)])),
        ], at: at)
    }
}
