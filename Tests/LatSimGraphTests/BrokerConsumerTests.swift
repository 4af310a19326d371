import Testing
import LatSimCore
import LatSimGraph

/// The graph capabilities a broker's consumers need (the `broker-outage` template uses them):
/// a broker's `persist_time`, a sink that deduplicates and acknowledges, sources keyed by
/// instance, a graph `drain`, and `derived_metrics`. Each is compared with an exact count or
/// a closed-form value (constant times make them exact; no tolerance is needed).
struct BrokerConsumerTests {
    @Test func persistTimeDelaysStorageAndKeepsPartitionOrder() throws {
        // Constant 1 ms publications, 100 us persistence, instant links and service: every
        // message's age at the sink is the persistence exactly.
        let constant = try GraphSupport.run("""
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: 1ms}
              - {name: topic, type: broker, persist_time: 100us}
              - {name: worker, type: station, service_time: 0ms}
              - {name: done, type: sink, acknowledge: true}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: worker.in, link: 0ms}
              - {from: worker.out, to: done.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        #expect(constant.value("done.age_mean") == 100_000 && constant.value("done.age_max") == 100_000)
        #expect(constant.value("topic.stored_end") == 0 && constant.value("topic.rewinds") == 0, "the sink's acknowledgements commit")
        // Exponential persistence (mean 2 ms, longer than the 1 ms between messages) would reorder an
        // infinite server; persistence is FIFO per partition, so nothing arrives out of order.
        let random = try GraphSupport.run("""
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 1000}
              - {name: topic, type: broker, prefetch: 1000, persist_time: {type: exponential, mean: 2ms}}
              - {name: done, type: sink, acknowledge: true}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: done.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        #expect(random.value("done.received")! > 900 && random.value("done.reordered") == 0)
        // A message is stored at the latest (publication + persistence) so far, so its age is at least its own
        // persistence: the mean at least 2 ms, less 3 sd of a mean of 1,000 exponential draws (0.19 ms).
        #expect(random.value("done.age_mean")! >= 2e6 - 0.19e6, "at least the persistence: \(random.value("done.age_mean")!)")
        #expect(random.value("topic.stored_end") == 0)
    }

    @Test func aDeduplicatingSinkCountsEachMessageOncePerConnection() throws {
        // A fan-out copies each message twice into one router, so both copies reach the sink over
        // the same connection: exactly one of each pair is a duplicate.
        let r = try GraphSupport.run("""
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: 1ms}
              - {name: copy, type: fan-out}
              - {name: merge, type: router}
              - {name: done, type: sink, deduplicate: true}
            connections:
              - {name: a, from: feed.out, to: copy.in, link: 0ms}
              - {name: b, from: copy.out, to: merge.in, link: 0ms}
              - {name: c, from: copy.out, to: merge.in, link: 0ms}
              - {from: merge.out, to: done.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        let created = r.value("feed.created")!
        #expect(created == 1_000, "a message every 1 ms up to the horizon")
        #expect(r.value("done.received") == created && r.value("done.duplicates") == created && r.value("done.age_count") == created)
        #expect(r.value("done.reordered") == 0)
    }

    @Test func instanceKeyingSendsEachProducerToItsPartition() throws {
        // Three producers, two keys: producers 0 and 2 send key 0, producer 1 key 1; a hash router sends key k to sink k.
        let r = try GraphSupport.run("""
            components:
              - {name: producers, type: source, count: 3, arrival: renewal, interarrival: 1ms, keys: 2, keying: instance}
              - {name: split, type: router, policy: hash}
              - {name: even, type: sink}
              - {name: odd, type: sink}
            connections:
              - {from: producers.out, to: split.in, link: 0ms}
              - {from: split.out, to: even.in, link: 0ms}
              - {from: split.out, to: odd.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        #expect(r.value("even.received") == 2 * 1_000 && r.value("odd.received") == 1_000)
    }

    @Test func drainStopsSourcesAndLetsQueuesEmpty() throws {
        // 1,100 messages/s into a 1,000/s server for 1 s: about 100 are still queued at the horizon.
        func graph(_ drain: String) -> String {
            """
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: {type: constant, value: 909091ns}}
              - {name: server, type: station, service_time: 1ms}
              - {name: done, type: sink}
            connections:
              - {from: feed.out, to: server.in, link: 0ms}
              - {from: server.out, to: done.in, link: 0ms}
            drain: \(drain)
            """
        }
        let stopped = try GraphSupport.run(graph("0ms"), horizon: .seconds(Int64(1)))
        let drained = try GraphSupport.run(graph("1s"), horizon: .seconds(Int64(1)))
        #expect(stopped.value("feed.created") == 1_099 && drained.value("feed.created") == 1_099, "the drain creates nothing")
        #expect(stopped.value("graph.messages_pending_end")! >= 90)
        #expect(drained.value("graph.messages_pending_end") == 0 && drained.value("done.received") == 1_099)
    }

    @Test func derivedMetricsSumAndMaximiseOthers() throws {
        let r = try GraphSupport.run("""
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 2000}
              - {name: split, type: router}
              - {name: left, type: station, service_time: {type: exponential, mean: 600us}, capacity: 2}
              - {name: right, type: station, service_time: {type: exponential, mean: 900us}, capacity: 2}
            connections:
              - {from: feed.out, to: split.in, link: 0ms}
              - {from: split.out, to: left.in, link: 0ms}
              - {from: split.out, to: right.in, link: 0ms}
            derived_metrics:
              - {name: dropped_total, sum: [left.dropped, right.dropped]}
              - {name: queue_worst, max: [left.queue_length_max, right.queue_length_max]}
            metric_aliases: {left.: l_}
            """, horizon: .seconds(Int64(2)))
        #expect(r.value("dropped_total") == r.value("l_dropped")! + r.value("right.dropped")!)
        #expect(r.value("dropped_total")! > 0)
        #expect(r.value("queue_worst") == max(r.value("l_queue_length_max")!, r.value("right.queue_length_max")!))
        for (yaml, problem) in [("{name: x, sum: [left.dropped, left.utilisation]}", "mixes units"),
                                ("{name: x, sum: [left.dropt]}", "left.dropped"),
                                ("{name: x, sum: [left.dropped], max: [left.dropped]}", "exactly one of sum or max"),
                                ("{name: left.dropped, sum: [right.dropped]}", "repeats the metric name")] {
            let failure = try GraphConfigErrorTests.failure("""
                components:
                  - {name: feed, type: source, rate_per_s: 10}
                  - {name: split, type: router}
                  - {name: left, type: station, service_time: 1ms}
                  - {name: right, type: station, service_time: 1ms}
                connections:
                  - {from: feed.out, to: split.in, link: 0ms}
                  - {from: split.out, to: left.in, link: 0ms}
                  - {from: split.out, to: right.in, link: 0ms}
                derived_metrics: [\(yaml)]
                """)
            #expect(failure.contains(problem), "\(yaml): \(failure)")
        }
    }
}
