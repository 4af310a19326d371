/// The scenario kinds of the network layer, for the Experiments layer to register.
///
///     let kind = NetworkScenarios.kinds.first { $0.name == "call-pattern" }!
///     let scenario = try kind.make(modelNode)
///
/// Config keys and metric formulas: docs/network.md.
public enum NetworkScenarios {
    public static let kinds: [ScenarioKind] = [
        ScenarioKind(
            name: "call-pattern",
            summary: "N clients calling a service over links: blocking request/response versus non-blocking with a window.",
            designs: [("sync", "blocking: one request in flight per client; the client waits for the response"),
                      ("async", "non-blocking: up to `window` requests in flight per client")],
            metrics: [("request_latency_*", "creation at the client to response received (ns): mean, p50, p90, p99, p999, max, count"),
                      ("throughput_per_s", "responses received per second of measurement"),
                      ("timeouts", "attempts whose timeout expired"), ("retries", "attempts resent after a timeout"),
                      ("requests_failed", "requests abandoned after the last retry"),
                      ("late_responses", "responses to an attempt already answered or abandoned"),
                      ("client_dropped", "open arrivals refused by a full client queue"),
                      ("client_queue_length_mean", "time-weighted requests waiting at clients for a free slot"),
                      ("station_utilisation", "time-weighted busy workers / workers"),
                      ("station_queue_length_mean", "time-weighted jobs waiting at the service"),
                      ("station_queue_length_max", "largest number of jobs waiting at the service"),
                      ("station_wait_mean", "mean time from arrival at the service to start of service (ns)"),
                      ("station_sojourn_mean", "mean time from arrival at the service to end of service (ns)"),
                      ("station_in_system_mean", "time-weighted jobs waiting or in service"),
                      ("station_started", "jobs whose service started"),
                      ("station_dropped", "requests dropped by the service's overflow policy"),
                      ("station_blocked", "requests held at their senders by backpressure"),
                      ("messages_sent", "messages put on links (requests, retries, responses)"),
                      ("lost_outage", "requests lost to server outages (links and crash)"),
                      ("messages_lost", "link drops plus service overflow drops plus crash losses (whole run)"),
                      ("ledger_balanced", "1 when sent = delivered + dropped + in flight on every link")],
            make: { try CallPatternScenario(config: $0) }),
        ScenarioKind(
            name: "broker-outage",
            summary: "Producers to consumers directly or through a broker, across consumer and broker outages.",
            designs: [("direct", "producers send straight to consumers (synchronous coupling)"),
                      ("queued", "producers publish to a broker that persists, buffers and redelivers")],
            metrics: [("messages_generated", "messages produced"), ("messages_delivered", "messages processed at least once"),
                      ("messages_lost", "lost_outage + lost_overflow"), ("lost_outage", "lost to a down consumer (direct)"),
                      ("lost_overflow", "dropped by a full consumer queue or broker partition"),
                      ("messages_in_system", "generated - delivered - lost: still held somewhere at the end"),
                      ("messages_redelivered", "broker deliveries of a message delivered before"),
                      ("duplicates_processed", "messages processed more than once"),
                      ("end_to_end_latency_*", "creation to first processing (ns)"),
                      ("publish_ack_latency_mean", "creation to the broker's acknowledgement at the producer (ns)"),
                      ("producer_buffer_max", "most messages held by producers while their target was down"),
                      ("broker_stored_max", "most messages stored in the broker"),
                      ("ledger_balanced", "1 when every link and the broker reconcile")],
            make: { try BrokerOutageScenario(config: $0) }),
        ScenarioKind(
            name: "ordered-delivery",
            summary: "An update stream over a jittery link: FIFO (head-of-line delay) versus unordered (reordering).",
            designs: [("fifo", "TCP-like: never reorders"), ("unordered", "UDP-like: each message its own latency")],
            metrics: [("reorder_count", "updates that arrived after a higher-numbered one"),
                      ("reorder_rate", "reorder_count / messages_delivered"),
                      ("delivery_latency_*", "send to delivery (ns)"),
                      ("head_of_line_delay_mean", "mean extra delay FIFO adds per message (ns)"),
                      ("head_of_line_blocked", "messages that waited behind an earlier one")],
            make: { try OrderedDeliveryScenario(config: $0) }),
    ]
}
