import LatSimCore
import LatSimGraph

/// `kind: call-pattern`: N clients calling one service over links, blocking (`sync`, window
/// 1) versus pipelined (`async`, window W). The graph: `client` (a client with `count: N`)
/// -> `server` (a station that replies), one connection per client, a path `request` from
/// the client back to it.
///
///     model: {kind: call-pattern, clients: 50, window: 8, arrival: open, rate_per_client_per_s: 200,
///             link: {latency: {type: lognormal, median: 250us, sigma: 0.5}},
///             station: {workers: 16, service_time: {type: exponential, mean: 1ms}}}
///
/// It is also what the former `queue` kind's request/response runs become: one template
/// for clients calling a server (docs/graph.md). Outage targets: `server`, `client-links`
/// (every client's connection cut together: a partition of the clients from the server) and
/// `link-client-<k>` (client k's connection alone).
public enum CallPatternTemplate {
    public static let configKeys = ["kind", "clients", "window", "arrival", "think_time", "rate_per_client_per_s",
                                    "client_queue_capacity", "request_bytes", "response_bytes", "link", "station",
                                    "timeout", "retries", "backoff", "backoff_max", "outages"]

    public static let template = Template(
        name: "call-pattern",
        summary: "N clients calling a service over links: blocking request/response versus non-blocking with a window (a graph template).",
        designs: [("sync", "blocking: one request in flight per client; the client waits for the response"),
                  ("async", "non-blocking: up to `window` requests in flight per client")],
        example: """
            {kind: call-pattern, clients: 2, window: 2, arrival: open, rate_per_client_per_s: 100,
             link: {latency: 200us}, station: {workers: 1, service_time: 100us}}
            """,
        expand: expand)

    static let aliases: [(String, String)] = [
        ("client.latency", "request_latency"), ("client.throughput_per_s", "throughput_per_s"), ("client.timeouts", "timeouts"),
        ("client.retries", "retries"), ("client.failed", "requests_failed"), ("client.late_replies", "late_responses"),
        ("client.dropped", "client_dropped"), ("client.queue_length_mean", "client_queue_length_mean"),
        ("client.", "client_"), ("server.", "station_"),
        ("link.client-server.sent", "messages_sent"), ("link.client-server.lost_outage", "lost_outage"),
        ("link.client-server.dropped", "messages_lost"), ("link.client-server.", "link_"),
        ("request.latency", "request_path_latency"), ("request.", "request_"), ("graph.", ""),
    ]

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        // Keys the graph spells otherwise are checked here, so an error names the key as written.
        _ = try node.int("clients", default: 10, range: 1...100_000)
        _ = try node.int("client_queue_capacity", default: 1_000_000, range: 0...Int.max)
        _ = try node.int("request_bytes", default: 256, range: 0...(1 << 30))
        _ = try node.int("response_bytes", default: 1_024, range: 0...(1 << 30))
        if node.has("rate_per_client_per_s") { _ = try node.ratePerSecond("rate_per_client_per_s") }
        let retries = try node.int("retries", default: 0, range: 0...30)
        let timeout = try node.duration("timeout", default: .zero)
        if retries > 0 && timeout == .zero {
            throw (node.child("retries") ?? node).error("needs a timeout: a retry is sent when a timeout expires", allowed: "timeout > 0 with retries > 0",
                                                         given: "retries: \(retries), timeout: 0")
        }
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func copy(_ key: String, as name: String? = nil) -> [(String, ConfigNode)] {
            node.child(key).map { [(name ?? key, $0)] } ?? []
        }
        let arrival = try node.string("arrival", default: "closed", oneOf: ["closed", "open"])
        if arrival == "open" && !node.has("rate_per_client_per_s") {
            _ = try node.required("rate_per_client_per_s", allowed: "the Poisson rate of each client's requests with arrival: open")
        }
        var client: [(String, ConfigNode)] = [("name", s("client")), ("type", s("client")),
                                              ("count", node.child("clients") ?? s("10")), ("window", node.child("window") ?? s("8")),
                                              ("arrival", s(arrival))]
        if arrival == "open" { client += copy("rate_per_client_per_s", as: "rate_per_s") }
        else if let rate = node.child("rate_per_client_per_s") {
            throw rate.error("applies to arrival: open only", allowed: "arrival: open with rate_per_client_per_s", given: "rate_per_client_per_s")
        }
        client += copy("think_time") + copy("client_queue_capacity", as: "queue_capacity") + [("size_bytes", node.child("request_bytes") ?? s("256"))]
            + copy("timeout") + copy("retries") + copy("backoff") + copy("backoff_max")
        let station = try node.required("station", allowed: "{workers, service_time, capacity, overflow, discipline}")
        guard case .mapping(let stationEntries) = station.value else { throw station.error("must be a mapping", allowed: "{workers, service_time, ...}") }
        let server = [("name", s("server")), ("type", s("station"))] + stationEntries.map { ($0.key, $0.value) }
            + [("reply_bytes", node.child("response_bytes") ?? s("1024"))]
        let connection: [(String, ConfigNode)] = [("name", s("client-server")), ("from", s("client.out")), ("to", s("server.in")),
                                                  ("link", try node.required("link", allowed: "{latency, loss, ordering, bandwidth_bytes_per_s, fault_policy, regime}"))]
        var faults: [ConfigNode] = []
        for outage in try (node.child("outages")?.items() ?? []) {
            guard case .mapping(let entries) = outage.value else { throw outage.error("must be a mapping", allowed: "{target, at, duration} or {target, mtbf, mttr}") }
            let clients = try node.int("clients", default: 10, range: 1...100_000)
            let target = try outage.string("target")
            let k = target.hasPrefix("link-client-") ? Int(target.dropFirst("link-client-".count)) : nil
            guard target == "server" || target == "client-links" || (k.map { $0 >= 0 && $0 < clients } ?? false) else {
                throw (outage.child("target") ?? outage).error("is not an outage target of call-pattern",
                                                              allowed: "server, client-links, link-client-0 ... link-client-\(clients - 1)", given: target)
            }
            let graphTarget = target == "server" ? "server"
                : target == "client-links" ? "client-server"
                : "client-server[\(target.dropFirst("link-client-".count))]"
            faults.append(GraphConfig.mapping(entries.map { $0.key == "target" ? ("target", s(graphTarget)) : ($0.key, $0.value) }, at: outage.location))
        }
        var entries: [(String, ConfigNode)] = [
            ("components", GraphConfig.list([GraphConfig.mapping(client, at: at), GraphConfig.mapping(server, at: station.location)], at: at)),
            ("connections", GraphConfig.list([GraphConfig.mapping(connection, at: at)], at: at)),
            ("paths", GraphConfig.list([GraphConfig.mapping([("name", s("request")), ("from", s("client")), ("to", s("client"))], at: at)], at: at)),
        ]
        if !faults.isEmpty { entries.append(("faults", GraphConfig.list(faults, at: at))) }
        entries.append(("metric_aliases", GraphConfig.mapping(aliases.map { ($0.0, s($0.1)) }, at: at)))
        entries.append(("designs", GraphConfig.mapping([("sync", GraphConfig.mapping([("components.client.window", s("1"))], at: at)),
                                                       ("async", GraphConfig.mapping([], at: at))], at: at)))
        return GraphConfig.model(entries, at: at)
    }
}
