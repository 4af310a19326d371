import Foundation
import Testing
import LatSimCore
import LatSimExperiments

/// The ordered-delivery template (a graph): FIFO pays head-of-line delay, unordered pays reordering.
struct OrderedDeliveryTemplateTests {
    @Test func fifoPaysHeadOfLineDelayUnorderedPaysReordering() throws {
        let s = try OrderedDeliveryTemplate.template.kind.make(ConfigNode.mapping([
            ("send_interval", config(["type": "exponential", "mean": "100us"] as KeyValuePairs<String, Any>)),
            ("link", config(["latency": ["type": "lognormal", "median": "1ms", "sigma": 0.6] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
        ], path: "model"))
        let spec = ReplicationSpec(replication: 0, rootSeed: 5, horizon: .seconds(Int64(2)), warmUp: .milliseconds(50))
        let fifo = s.run(design: "fifo", spec: spec)
        let unordered = s.run(design: "unordered", spec: spec)
        print("ordered-delivery: unordered reorder rate \(unordered.value("reorder_rate")!), fifo HOL delay mean \(fifo.value("head_of_line_delay_mean")!) ns, p99 latency fifo \(fifo.value("delivery_latency_p99")!) vs unordered \(unordered.value("delivery_latency_p99")!)")
        #expect(fifo.value("reorder_count") == 0)
        #expect(unordered.value("reorder_rate")! > 0.2)
        #expect(fifo.value("head_of_line_delay_mean")! > 0)
        // FIFO delivery is the running maximum of the unordered arrival times: never earlier, and
        // the difference of the means is the mean head-of-line delay (up to the window's edges:
        // the delay is counted at sending, the latency at delivery; 0.5% covers the ~40 messages in flight).
        #expect(fifo.value("delivery_latency_mean")! > unordered.value("delivery_latency_mean")!)
        #expect(abs(fifo.value("delivery_latency_mean")! - unordered.value("delivery_latency_mean")! - fifo.value("head_of_line_delay_mean")!)
                <= 0.005 * fifo.value("delivery_latency_mean")!)
        #expect(fifo.value("ledger_balanced") == 1 && unordered.value("ledger_balanced") == 1)
    }
}
