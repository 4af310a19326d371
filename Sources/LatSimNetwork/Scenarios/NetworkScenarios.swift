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
            metrics: [("request_latency", "creation at the client to response received (ns): _mean, _p50, _p90, _p99, _p999, _max, _count"),
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
            name: "ordered-delivery",
            summary: "An update stream over a jittery link: FIFO (head-of-line delay) versus unordered (reordering).",
            designs: [("fifo", "TCP-like: never reorders"), ("unordered", "UDP-like: each message its own latency")],
            metrics: [("messages_delivered", "messages delivered after the warm-up"),
                      ("reorder_count", "updates that arrived after a higher-numbered one"),
                      ("reorder_rate", "reorder_count / messages_delivered"),
                      ("delivery_latency", "send to delivery (ns): _mean, _p50, _p90, _p99, _p999, _max, _count"),
                      ("head_of_line_delay_mean", "mean extra delay FIFO adds per message (ns)"),
                      ("reorder_distance_max", "largest (highest delivered - sequence) of a reordered update"),
                      ("head_of_line_blocked", "messages that waited behind an earlier one"),
                      ("messages_lost", "link drops"),
                      ("ledger_balanced", "1 when the link reconciles")],
            make: { try OrderedDeliveryScenario(config: $0) }),
    ]
}
