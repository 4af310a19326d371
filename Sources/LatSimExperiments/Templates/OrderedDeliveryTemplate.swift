import LatSimCore
import LatSimGraph

/// `kind: ordered-delivery`: one sender streaming sequence-numbered updates to a receiver
/// over a jittery link, FIFO (`fifo`, as TCP) versus unordered (`unordered`, as UDP):
/// reordering (wrong outcomes) against head-of-line delay. The graph: `sender` (a renewal
/// source) -> `receiver` (a sink that counts updates arriving after a newer one) over the
/// connection `sender-receiver`; the designs patch its `link.ordering`. Both designs draw the
/// same latencies (the connection's stream), so they are compared draw by draw.
///
///     model: {kind: ordered-delivery, send_interval: {type: exponential, mean: 100us},
///             link: {latency: {type: lognormal, median: 1ms, sigma: 0.6}}}
public enum OrderedDeliveryTemplate {
    public static let configKeys = ["kind", "send_interval", "link", "message_bytes"]

    public static let template = Template(
        name: "ordered-delivery",
        summary: "An update stream over a jittery link: FIFO (head-of-line delay) versus unordered (reordering) (a graph template).",
        designs: [("fifo", "TCP-like: never reorders"), ("unordered", "UDP-like: each message its own latency")],
        example: "{kind: ordered-delivery, send_interval: 1ms, link: {latency: 1ms}}",
        expand: expand)

    static let aliases: [(String, String)] = [
        ("receiver.received", "messages_delivered"), ("receiver.reordered", "reorder_count"), ("receiver.reorder_rate", "reorder_rate"),
        ("receiver.age", "delivery_latency"), ("receiver.reorder_distance_max", "reorder_distance_max"), ("receiver.", "receiver_"),
        ("link.sender-receiver.head_of_line_delay_mean", "head_of_line_delay_mean"),
        ("link.sender-receiver.head_of_line_blocked", "head_of_line_blocked"),
        ("link.sender-receiver.lost_outage", "link_lost_outage"), ("link.sender-receiver.dropped", "link_dropped"),
        ("link.sender-receiver.lost", "messages_lost"),
        ("link.sender-receiver.", "link_"), ("sender.", "sender_"), ("graph.", ""),
    ]

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        try node.checkKeys(configKeys)
        // Keys the graph spells otherwise are checked here, so an error names the key as written.
        _ = try node.intervalDistribution("send_interval")
        _ = try node.int("message_bytes", default: 256, range: 0...(1 << 30))
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        let link = try node.required("link", allowed: "{latency, loss, ordering, bandwidth_bytes_per_s, regime}")
        guard case .mapping = link.value, link.has("latency") else {
            throw link.error("must be a mapping with a latency", allowed: "{latency, loss, bandwidth_bytes_per_s, regime}")
        }
        let sender: [(String, ConfigNode)] = [("name", s("sender")), ("type", s("source")), ("arrival", s("renewal")),
                                              ("interarrival", try node.required("send_interval", allowed: "a distribution of the time between updates")),
                                              ("size_bytes", node.child("message_bytes") ?? s("256"))]
        let receiver: [(String, ConfigNode)] = [("name", s("receiver")), ("type", s("sink"))]
        let connection: [(String, ConfigNode)] = [("name", s("sender-receiver")), ("from", s("sender.out")), ("to", s("receiver.in")), ("link", link)]
        func design(_ ordering: String) -> ConfigNode {
            GraphConfig.mapping([("connections.sender-receiver.link.ordering", s(ordering))], at: at)
        }
        return GraphConfig.model([
            ("components", GraphConfig.list([GraphConfig.mapping(sender, at: at), GraphConfig.mapping(receiver, at: at)], at: at)),
            ("connections", GraphConfig.list([GraphConfig.mapping(connection, at: at)], at: at)),
            ("metric_aliases", GraphConfig.mapping(aliases.map { ($0.0, s($0.1)) }, at: at)),
            ("designs", GraphConfig.mapping([("fifo", design("fifo")), ("unordered", design("unordered"))], at: at)),
        ], at: at)
    }
}
