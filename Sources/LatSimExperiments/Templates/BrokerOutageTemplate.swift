import LatSimCore
import LatSimGraph
import LatSimNetwork

/// `kind: broker-outage`: producers publishing to consumers directly (`direct`: synchronous
/// coupling) or through a Kafka-like broker (`queued`), across outages of consumers or the
/// broker (claim family 2: decoupling limits cascades). The graph:
///
///     direct:  producers --publish--> dispatch (router, hash) --dispatch-consumer-k--> consumer-k --> processed
///     queued:  producers --publish--> broker (partitions)     --dispatch-consumer-k--> consumer-k --> processed
///
/// `producers` (a renewal source, `count: producers`) sends producer i's messages with key
/// i mod partitions, so they go to partition i mod partitions, consumed in each group by its
/// consumer (i mod partitions) mod consumers, as `dispatch` hashes them directly. Each
/// consumer is its own station component `consumer-<k>` (k = group x consumers + j), so an
/// outage can name one; `processed` (a sink that counts a producer's sequence number once per
/// consumer, and acknowledges behind the broker) records the end-to-end latency. With several
/// consumer groups, `dispatch` is a fan-out to one hash router per group (`dispatch-<g>`).
/// Both designs keep the names `producers`, `publish` and `consumer-<k>`, so they draw the
/// same publications, publish latencies and processing times (common random numbers).
///
///     model: {kind: broker-outage, producers: 4, consumers: 2, publish_interval: {type: exponential, mean: 1ms},
///             link: {latency: {type: lognormal, median: 200us, sigma: 0.4}}, processing_time: {type: exponential, mean: 300us},
///             outages: [{target: consumer-0, at: 2s, duration: 1s}]}
///
/// docs/network.md defines every key and metric.
public enum BrokerOutageTemplate {
    public static let configKeys = ["kind", "producers", "consumers", "consumer_groups", "partitions", "publish_interval", "link",
                                    "persist_latency", "processing_time", "consumer_capacity", "prefetch", "broker_capacity",
                                    "broker_overflow", "consumer_mode", "poll_interval", "direct_when_down", "ack_timeout",
                                    "outages", "drain"]

    public static let template = Template(
        name: "broker-outage",
        summary: "Producers to consumers directly or through a broker, across consumer and broker outages (a graph template).",
        designs: [("direct", "producers send straight to consumers (synchronous coupling)"),
                  ("queued", "producers publish to a broker that persists, buffers and redelivers")],
        example: """
            {kind: broker-outage, producers: 2, consumers: 2, partitions: 2, publish_interval: 1ms,
             link: {latency: 100us}, processing_time: 100us, drain: 10ms,
             outages: [{target: consumer-0, at: 50ms, duration: 20ms}]}
            """,
        expand: expand)

    static let aliases: [(String, String)] = [
        ("producers.created", "messages_generated"), ("producers.", "producers_"),
        ("processed.received", "messages_delivered"), ("processed.age", "end_to_end_latency"),
        ("processed.duplicates", "duplicates_processed"), ("processed.", "processed_"),
        ("broker.redelivered", "messages_redelivered"), ("broker.stored_end", "broker_in_flight"), ("broker.", "broker_"),
        ("graph.messages_pending_end", "messages_in_system"), ("graph.ledger_balanced", "ledger_balanced"), ("graph.", "graph_"),
    ]

    public static func expand(_ node: ConfigNode) throws -> ConfigNode {
        if let trace = node.child("trace_interval") {
            throw trace.error("is not available: the graph has no sampled time-series trace yet (trace: true gives its per-request trace)",
                              allowed: "no trace_interval", given: (try? trace.text()) ?? "trace_interval")
        }
        try node.checkKeys(configKeys)
        let at = node.location
        func s(_ text: String) -> ConfigNode { GraphConfig.scalar(text, at: at) }
        func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { GraphConfig.mapping(entries, at: at) }
        func list(_ items: [ConfigNode]) -> ConfigNode { GraphConfig.list(items, at: at) }

        let producers = try node.int("producers", default: 4, range: 1...100_000)
        let consumers = try node.int("consumers", default: 2, range: 1...1_000)
        let groups = try node.int("consumer_groups", default: 1, range: 1...1_000)
        guard consumers * groups <= 1_000 else {   // each consumer of each group is a component (an outage target)
            throw node.error("gives \(consumers) consumers x \(groups) groups = \(consumers * groups) consumer instances",
                             allowed: "consumers x consumer_groups <= 1000", given: "\(groups)", key: "consumer_groups")
        }
        let partitions = try node.int("partitions", default: producers, range: 1...4_096)
        _ = try node.intervalDistribution("publish_interval")
        _ = try node.distribution("processing_time")
        let capacity = try node.int("consumer_capacity", default: 10_000, range: 0...Int.max)
        let prefetch = try node.int("prefetch", default: 16, range: 1...1_000_000)
        let bounded = node.child("broker_capacity").map { (try? $0.text()) != "unlimited" } ?? false
        let brokerCapacity = bounded ? "\(try node.int("broker_capacity", range: 1...Int.max))" : "unlimited"
        let overflow = try node.string("broker_overflow", default: "drop-newest", oneOf: ["drop-newest", "drop-oldest"])
        _ = try node.interval("poll_interval", default: .milliseconds(10))
        if try node.string("consumer_mode", default: "push", oneOf: ["push", "pull"]) == "pull" {
            throw (node.child("consumer_mode") ?? node).error("is not modelled by the graph broker yet (it pushes up to prefetch)",
                                                              allowed: "push", given: "pull")
        }
        let blocks = try node.string("direct_when_down", default: "lose", oneOf: ["lose", "block"]) == "block"
        let ackTimeout = node.child("ack_timeout") ?? s("100ms")
        _ = try node.duration("ack_timeout", default: .milliseconds(100), allowZero: false)
        _ = try node.duration("drain", default: .seconds(Int64(10)))

        let linkNode = try node.required("link", allowed: "{latency, ordering, bandwidth_bytes_per_s}")
        guard case .mapping = linkNode.value, linkNode.has("latency") else {
            throw linkNode.error("must be a mapping with a latency", allowed: "{latency, ordering, bandwidth_bytes_per_s}")
        }
        let link = try LinkParameters(config: linkNode)
        if link.ordering != .fifo {
            throw linkNode.error("must be fifo here: duplicate detection relies on each producer's order", allowed: "fifo",
                                 given: link.ordering.rawValue, key: "ordering")
        }
        if link.lossProbability > 0 || linkNode.has("regime") || link.faultPolicy != .lost {
            throw linkNode.error("takes latency, ordering and bandwidth only: losses here come from outages", allowed: "loss: 0",
                                 given: "loss \(link.lossProbability)", key: "loss")
        }
        let consumerNames = (0..<(consumers * groups)).map { "consumer-\($0)" }

        // Outages by target name: each consumer its own fault (its own draws); with
        // `direct_when_down: block`, a consumer's outage also cuts the connection into it, which
        // holds what is sent meanwhile (in both designs, so their faults draw alike).
        var consumerFaults: [ConfigNode] = [], brokerFaults: [ConfigNode] = []
        for outage in try (node.child("outages")?.items() ?? []) {
            guard case .mapping(let entries) = outage.value else {
                throw outage.error("must be a mapping", allowed: "{target, at, duration} or {target, mtbf, mttr}")
            }
            try outage.checkKeys(["target", "at", "duration", "mtbf", "mttr"])
            let target = try outage.string("target", oneOf: ["broker", "consumers"] + consumerNames)
            let timing = entries.filter { $0.key != "target" }.map { ($0.key, $0.value) }
            func fault(_ targets: [String]) -> ConfigNode {
                map([("target", targets.count == 1 ? s(targets[0]) : list(targets.map(s)))] + timing)
            }
            switch target {
            case "broker": brokerFaults.append(fault(["broker", "publish"]))
            case "consumers": consumerFaults += consumerNames.map { fault(blocks ? [$0, "dispatch-\($0)"] : [$0]) }
            default: consumerFaults.append(fault(blocks ? [target, "dispatch-\(target)"] : [target]))
            }
        }

        let producerNode = map([("name", s("producers")), ("type", s("source")), ("count", s("\(producers)")), ("arrival", s("renewal")),
                                ("interarrival", try node.required("publish_interval", allowed: "a distribution of the time between messages")),
                                ("keys", s("\(partitions)")), ("keying", s("instance"))])
        let processingTime = try node.required("processing_time", allowed: "a distribution of one message's processing")
        func consumer(queued: Bool) -> [ConfigNode] {
            consumerNames.map {
                map([("name", s($0)), ("type", s("station")), ("workers", s("1")), ("service_time", processingTime),
                     // Queued: prefetch bounds what a consumer holds; its queue is unbounded so that no message is
                     // dropped there (a later cumulative acknowledgement would commit it).
                     ("capacity", s(queued ? "unlimited" : "\(capacity)"))])
            }
        }
        func processed(queued: Bool) -> ConfigNode {
            map([("name", s("processed")), ("type", s("sink")), ("deduplicate", s("true")), ("acknowledge", s(queued ? "true" : "false"))])
        }
        func connection(_ name: String, _ from: String, _ to: String, _ link: ConfigNode, group: Int? = nil) -> ConfigNode {
            map([("name", s(name)), ("from", s(from + ".out")), ("to", s(to + ".in")), ("link", link)] + (group.map { [("group", s("\($0)"))] } ?? []))
        }
        let instant = map([("latency", s("0ms"))])
        let held = map([("latency", s("0ms")), ("fault_policy", s(blocks ? "buffered" : "lost"))])
        let toProcessed = consumerNames.map { connection("\($0)-processed", $0, "processed", instant) }

        // direct: producers -> dispatch -> consumers -> processed.
        var directComponents = [producerNode]
        var directConnections = [connection("publish", "producers", "dispatch", linkNode)]
        if groups == 1 {
            directComponents.append(map([("name", s("dispatch")), ("type", s("router")), ("policy", s("hash"))]))
            directConnections += consumerNames.map { connection("dispatch-\($0)", "dispatch", $0, held) }
        } else {
            directComponents.append(map([("name", s("dispatch")), ("type", s("fan-out"))]))
            for g in 0..<groups {
                directComponents.append(map([("name", s("dispatch-\(g)")), ("type", s("router")), ("policy", s("hash"))]))
                directConnections.append(connection("dispatch-to-\(g)", "dispatch", "dispatch-\(g)", instant))
                directConnections += consumerNames[(g * consumers)..<((g + 1) * consumers)].map {
                    connection("dispatch-\($0)", "dispatch-\(g)", $0, held)
                }
            }
        }
        directComponents += consumer(queued: false) + [processed(queued: false)]
        directConnections += toProcessed

        // queued: producers -> broker -> consumers (one connection each, in its group) -> processed.
        var broker: [(String, ConfigNode)] = [("name", s("broker")), ("type", s("broker")), ("partitions", s("\(partitions)")),
                                              ("capacity_per_partition", s(brokerCapacity)), ("overflow", s(overflow)),
                                              ("prefetch", s("\(prefetch)")), ("ack_timeout", ackTimeout)]
        if let persist = node.child("persist_latency") { broker.append(("persist_time", persist)) }
        let queuedComponents = [producerNode, map(broker)] + consumer(queued: true) + [processed(queued: true)]
        let publish = try linkNode.setting("fault_policy", to: s("buffered"), origin: at)   // producers hold what they publish while the broker is down
        let queuedConnections = [connection("publish", "producers", "broker", publish)]
            + consumerNames.enumerated().map { connection("dispatch-\($0.element)", "broker", $0.element, linkNode, group: $0.offset / consumers) }
            + toProcessed

        func metrics(_ names: [String]) -> ConfigNode { list(names.map(s)) }
        func derived(queued: Bool) -> ConfigNode {
            // Queued: what reached the broker while it was down (its own lost_down also counts acknowledgements).
            // A message the broker loses is lost to every group: counted once per group, as direct counts copies.
            let perGroup = { (name: String) in Array(repeating: name, count: groups) }
            let outage = queued ? perGroup("link.publish.lost_outage") : consumerNames.flatMap { ["\($0).lost_down", "\($0).lost_crash"] }
            let overflowed = queued ? perGroup("broker.dropped") : consumerNames.map { "\($0).dropped" }
            return list([map([("name", s("messages_lost")), ("sum", metrics(outage + overflowed))]),
                         map([("name", s("lost_outage")), ("sum", metrics(outage))]),
                         map([("name", s("lost_overflow")), ("sum", metrics(overflowed))]),
                         map([("name", s("consumer_queue_length_max")), ("max", metrics(consumerNames.map { "\($0).queue_length_max" }))])])
        }
        let queued = map([("components", list(queuedComponents)), ("connections", list(queuedConnections)),
                          ("faults", list(consumerFaults + brokerFaults)), ("derived_metrics", derived(queued: true))])
        var entries: [(String, ConfigNode)] = [("components", list(directComponents)), ("connections", list(directConnections)),
                                               ("faults", list(consumerFaults)),   // the direct design has no broker to stop
                                               ("drain", node.child("drain") ?? s("10s")),
                                               ("derived_metrics", derived(queued: false)),
                                               ("metric_aliases", map(aliases.map { ($0.0, s($0.1)) }))]
        entries.append(("designs", map([("direct", map([])), ("queued", queued)])))
        return GraphConfig.model(entries, at: at)
    }
}
