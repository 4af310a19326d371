import Testing
@testable import LatSimNetwork

/// Push vs pull consumers of the broker-outage kind.
struct PushPullTests {
    @Test func pullAddsHalfAPollIntervalAtLightLoad() throws {
        // Poisson arrivals meet deterministic polls: the wait for the next poll is uniform on
        // [0, interval), mean interval / 2 = 5 ms; everything else is the same path.
        let base: [(String, ConfigNode)] = [
            ("producers", config(2)), ("consumers", config(2)),
            ("publish_interval", config(["type": "exponential", "mean": "5ms"] as KeyValuePairs<String, Any>)),
            ("link", config(["latency": "100us"] as KeyValuePairs<String, Any>)),
            ("processing_time", config("50us")), ("drain", config("1s")),
        ]
        let push = try BrokerOutageScenario(config: ConfigNode.mapping(base, path: "model"))
        let pull = try BrokerOutageScenario(config: ConfigNode.mapping(base + [("consumer_mode", config("pull")), ("poll_interval", config("10ms"))], path: "model"))
        let spec = ReplicationSpec(replication: 0, rootSeed: 21, horizon: .seconds(Int64(20)), warmUp: .milliseconds(100))
        let a = push.run(design: "queued", spec: spec), b = pull.run(design: "queued", spec: spec)
        let difference = b.value("end_to_end_latency_mean")! - a.value("end_to_end_latency_mean")!
        // 8,000 messages; the uniform residual has sd 2.9 ms, so the mean's sd is 0.03 ms: 0.3 ms is ample.
        #expect(abs(difference - 5e6) <= 0.3e6, "pull - push = \(difference) ns, expected 5e6 (seed 21)")
        #expect(a.value("messages_lost") == 0 && b.value("messages_lost") == 0)
    }
}
