import LatSimCore
import LatSimGraph
import Testing

/// A broker rewinds each stalled partition on its own: a delivery lost on one partition is
/// redelivered after `ack_timeout` even while the same consumer keeps acknowledging another.
@Suite struct BrokerStallTests {
    static let lossyConsumer = """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: 1000, keys: 2}
          - {name: topic, type: broker, partitions: 2, prefetch: 4, ack_timeout: 50ms}
          - {name: consumer, type: sink, deduplicate: true, acknowledge: true}
        connections:
          - {from: feed.out, to: topic.in, link: 100us}
          - {from: topic.out, to: consumer.in, link: {latency: 200us, loss: 0.02}}
        """

    @Test func aLostDeliveryOnOnePartitionIsRedeliveredWhileTheOtherProgresses() throws {
        let seed = GraphTestSeed.root
        let result = try GraphSupport.run(Self.lossyConsumer, seed: seed, horizon: .seconds(Int64(4)))
        let created = result.value("feed.created")!, received = result.value("consumer.received")!
        // 4,000 messages; about 2% of deliveries (and of acknowledgements) are lost: each is
        // redelivered within an ack timeout, so at the end at most a few timeouts' worth of
        // messages (1,000/s x 50 ms per partition) are still stored. A stalled partition would
        // hold about half of everything sent after its first loss (~2,000).
        #expect(result.value("topic.rewinds")! > 0, "(seed \(seed))")
        #expect(result.value("topic.stored_end")! <= 200, "stored at the end \(result.value("topic.stored_end")!) (seed \(seed))")
        #expect(received >= 0.95 * created, "received \(received) of \(created) (seed \(seed))")
    }
}
