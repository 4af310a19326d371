/// The scenario kinds of the network layer, for the Experiments layer to register.
///
///     let kind = NetworkScenarios.kinds.first { $0.name == "call-pattern" }!
///     let scenario = try kind.make(modelNode)
///
/// Config keys and metric formulas: docs/network.md.
public enum NetworkScenarios {
    public static let kinds: [ScenarioKind] = [
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
                      ("end_to_end_latency", "creation to first processing (ns): _mean, _p50, _p90, _p99, _p999, _max, _count"),
                      ("publish_ack_latency_mean", "creation to the broker's acknowledgement at the producer (ns)"),
                      ("producer_buffer_max", "most messages held by producers while their target was down"),
                      ("producer_buffer_mean", "time-weighted messages held by producers"),
                      ("consumer_queue_length_max", "largest consumer queue (waiting, not in service)"),
                      ("broker_stored_max", "most messages stored in the broker"),
                      ("broker_published", "messages the broker accepted"),
                      ("broker_delivered", "first deliveries by the broker"),
                      ("broker_committed", "messages removed after every group committed them"),
                      ("broker_dropped", "messages the broker dropped by its overflow policy"),
                      ("broker_in_flight", "messages stored in the broker at the end"),
                      ("broker_retries", "messages that reached the broker as it went down, retried when back"),
                      ("producer_blocked", "messages refused by a full partition under block, held in order"),
                      ("blocked_at_broker_max", "most messages held by block at once"),
                      ("stale_deliveries", "deliveries discarded because the consumer had started a new session"),
                      ("ledger_balanced", "1 when every link and the broker reconcile")],
            make: { try BrokerOutageScenario(config: $0) }),
    ]
}
