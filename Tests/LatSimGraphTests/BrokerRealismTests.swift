import Foundation
import Testing
import LatSimCore
import LatSimGraph
import LatSimTestSupport

/// The broker's backpressure, pull consumers, consumer lag, producer batching and conflation,
/// each against a closed form or an exact count.
struct BrokerRealismTests {
    /// Poisson producer -> broker (one partition, room for `capacity`, prefetch 1) -> one exponential
    /// consumer; instant links. The partition holds the message in service until it is
    /// acknowledged, so the broker plus its consumer is an M/M/1 system of capacity K.
    static func backpressureGraph(overflow: String, capacity: Int, rate: Double, serviceMean: String) -> String {
        """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: \(rate)}
          - {name: topic, type: broker, capacity_per_partition: \(capacity), overflow: \(overflow)}
          - {name: worker, type: station, service_time: {type: exponential, mean: \(serviceMean)}}
          - {name: done, type: sink, acknowledge: true}
        connections:
          - {from: feed.out, to: topic.in, link: 0ms}
          - {from: topic.out, to: worker.in, link: 0ms}
          - {from: worker.out, to: done.in, link: 0ms}
        """
    }

    @Test func blockLosesNothingAndBehavesAsAnUnboundedQueue() throws {
        // lambda 500/s, mu 1000/s (rho 0.5), room for 2: drop-newest loses the M/M/1/2 fraction
        // (1 - rho) rho^2 / (1 - rho^3) = 1/7; block loses nothing, holds the overflow at the
        // producer, and the end-to-end age is the unbounded M/M/1 sojourn 1 / (mu - lambda) = 2 ms.
        let horizon = SimDuration.seconds(Int64(30)), warmUp = SimDuration.milliseconds(200)
        let drop = try GraphSupport.replicate(Self.backpressureGraph(overflow: "drop-newest", capacity: 2, rate: 500, serviceMean: "1ms"),
                                              replications: 10, horizon: horizon, warmUp: warmUp)
        checkTheory(GraphSupport.estimate(drop) { $0.value("topic.dropped")! / $0.value("feed.created")! },
                    QueueingTheory.mm1kLoss(rho: 0.5, capacity: 2), relativeBound: 0.1, "drop-newest: loss fraction vs M/M/1/2")
        let block = try GraphSupport.replicate(Self.backpressureGraph(overflow: "block", capacity: 2, rate: 500, serviceMean: "1ms"),
                                               replications: 10, horizon: horizon, warmUp: warmUp)
        for r in block {
            #expect(r.value("topic.dropped") == 0 && r.value("graph.ledger_balanced") == 1)
            #expect(r.value("topic.blocked")! > 0, "producer stalls are counted")
        }
        checkTheory(GraphSupport.estimate(block, "done.age_mean", scale: 1e-6), 2.0, relativeBound: 0.1,
                    "block: end-to-end age vs the unbounded M/M/1 sojourn (ms)")
        // The held fraction: an arrival is held when it finds at least 2 in the system, P(N >= 2) = rho^2.
        checkTheory(GraphSupport.estimate(block) { $0.value("topic.blocked")! / $0.value("feed.created")! }, 0.25, relativeBound: 0.1,
                    "block: held fraction vs P(N >= 2) = rho^2")
    }

    @Test func blockStallsAClientProducerAtTheConsumersRate() throws {
        // A closed producer (a client with a window of 4, acknowledged on store) feeding a 1 ms
        // constant consumer through a partition of room 2: it is held back to 1,000 messages/s, loses none.
        let r = try GraphSupport.run("""
            components:
              - {name: producer, type: client, arrival: closed, window: 4, think_time: 0ms}
              - {name: topic, type: broker, capacity_per_partition: 2, overflow: block}
              - {name: worker, type: station, service_time: 1ms}
              - {name: done, type: sink, acknowledge: true}
            connections:
              - {from: producer.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: worker.in, link: 0ms}
              - {from: worker.out, to: done.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        #expect(r.value("topic.dropped") == 0)
        #expect(r.value("done.received")! >= 999 && r.value("done.received")! <= 1_001, "\(r.value("done.received")!)")
        #expect(r.value("topic.held_end")! <= 4 && r.value("topic.stored_max")! <= 2)
    }

    static func pullGraph(_ delivery: String) -> String {
        """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: 10}
          - {name: topic, type: broker, prefetch: 100\(delivery)}
          - {name: done, type: sink, acknowledge: true}
        connections:
          - {from: feed.out, to: topic.in, link: 0ms}
          - {from: topic.out, to: done.in, link: 0ms}
        """
    }

    @Test func pullAddsHalfThePollIntervalAtLowLoad() throws {
        // Poisson arrivals at 10/s, polls every 10 ms at a uniform phase: a message waits for the
        // next poll, a uniform residual of mean T/2 = 5 ms (instant links: push adds nothing).
        let horizon = SimDuration.seconds(Int64(60)), warmUp = SimDuration.milliseconds(100)
        let push = try GraphSupport.replicate(Self.pullGraph(""), replications: 10, horizon: horizon, warmUp: warmUp)
        let pull = try GraphSupport.replicate(Self.pullGraph(", delivery: pull, poll_interval: 10ms"), replications: 10,
                                              horizon: horizon, warmUp: warmUp)
        #expect(push.allSatisfy { $0.value("done.age_mean") == 0 })
        let extra = ReplicationEstimate(values: zip(pull, push).map { ($0.value("done.age_mean")! - $1.value("done.age_mean")!) * 1e-6 })
        checkTheory(extra, 5.0, relativeBound: 0.05, "pull: extra mean latency vs half the poll interval (ms)")
        #expect(pull.allSatisfy { $0.value("done.age_max")! <= 10e6 }, "no message waits more than one interval")
        // A long poll (open for a whole interval) answers a message at once unless an earlier one
        // closed the poll in the same interval: the first-order closed form is
        // T/2 - 1/lambda + (1 - e^(-lambda T)) / (lambda^2 T) = 0.163 ms, far below T/2.
        let long = try GraphSupport.replicate(Self.pullGraph(", delivery: pull, poll_interval: 10ms, poll_wait: 10ms"), replications: 10,
                                              horizon: horizon, warmUp: warmUp)
        let longExtra = GraphSupport.estimate(long, "done.age_mean", scale: 1e-6)
        print("long poll: extra mean latency \(longExtra) ms")
        #expect(longExtra.mean > 0.08 && longExtra.mean < 0.33, "long poll: \(longExtra) vs about 0.163 ms")
    }

    @Test func pullKeysNeedPullDelivery() throws {
        #expect(throws: ConfigError.self) {
            _ = try GraphSupport.spec(Self.pullGraph(", poll_interval: 10ms"))
        }
        do {
            _ = try GraphSupport.spec(Self.pullGraph(", poll_interval: 10ms"))
        } catch let error as ConfigError {
            #expect(error.description.contains("poll_interval") && error.description.contains("delivery: pull"), "\(error)")
        }
    }

    @Test func consumerLagOnOnePartitionIsTheMM1NumberInSystem() throws {
        // One partition, prefetch 1, an exponential consumer that acknowledges at the end of its
        // service: the lag (stored minus committed) is the number in an M/M/1 system, whose
        // time average is rho / (1 - rho): 1 at rho 0.5, 4 at rho 0.8.
        let horizon = SimDuration.seconds(Int64(30)), warmUp = SimDuration.milliseconds(500)
        for (rate, theory, bound) in [(500.0, 1.0, 0.1), (800.0, 4.0, 0.2)] {
            let runs = try GraphSupport.replicate(Self.backpressureGraph(overflow: "drop-newest", capacity: 1_000_000, rate: rate, serviceMean: "1ms"),
                                                  replications: 10, horizon: horizon, warmUp: warmUp)
            checkTheory(GraphSupport.estimate(runs, "topic.lag_mean"), theory, relativeBound: bound, "lag_mean at rho \(rate / 1000) vs rho/(1-rho)")
            #expect(runs.allSatisfy { $0.value("topic.lag_peak")! >= $0.value("topic.lag_mean")! && $0.value("topic.lag_peak")! >= 1 })
        }
        // No consumer ever commits: the lag is every message stored, growing linearly (mean = half the end).
        let stuck = try GraphSupport.run("""
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: 1ms}
              - {name: topic, type: broker, prefetch: 1}
              - {name: never, type: station, service_time: 1h}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: never.in, link: 0ms}
            """, horizon: .seconds(Int64(1)))
        #expect(stuck.value("topic.lag_peak") == 1_000 && abs(stuck.value("topic.lag_mean")! - 500) <= 1, "\(stuck.value("topic.lag_mean")!)")
    }

    /// Producer batching under Poisson arrivals (rate lambda, batch size B, linger L), a batch
    /// opened by its first message: with X ~ Poisson(lambda L) the arrivals a linger would see,
    /// mean batch E[N] = 1 + E[min(X, B - 1)], and the total wait of a batch's messages
    /// E[S] = (1 / lambda) sum_{k=0}^{B-2} (k + 1) P(X >= k + 1) (the batch holds 1 + k messages
    /// while open with k later arrivals; integral of P(A(t) = k) over [0, L] is P(X >= k + 1) / lambda).
    /// Mean delay per message (renewal reward): E[S] / E[N].
    static func batchingTheory(rate: Double, batch: Int, linger: Double) -> (size: Double, delay: Double) {
        let mu = rate * linger
        var pmf = exp(-mu), cdf = 0.0, size = 1.0, total = 0.0
        for k in 0..<2_000 {
            if k > 0 { pmf *= mu / Double(k) }
            size += Double(min(k, batch - 1)) * pmf
            cdf += pmf                                  // P(X <= k)
            if k <= batch - 2 { total += Double(k + 1) * (1 - cdf) / rate }
        }
        return (size, total / size)
    }

    @Test func batchingDelayAndSizeMatchTheirClosedFormForPoissonArrivals() throws {
        let horizon = SimDuration.seconds(Int64(10)), warmUp = SimDuration.milliseconds(100)
        for (batch, lingerMs) in [(4, 5), (50, 5)] {
            let runs = try GraphSupport.replicate("""
                components:
                  - {name: feed, type: source, arrival: poisson, rate_per_s: 1000}
                  - {name: topic, type: broker, prefetch: 1000, batch_size: \(batch), linger: \(lingerMs)ms}
                  - {name: done, type: sink, acknowledge: true}
                connections:
                  - {from: feed.out, to: topic.in, link: 0ms}
                  - {from: topic.out, to: done.in, link: 0ms}
                """, replications: 10, horizon: horizon, warmUp: warmUp)
            let theory = Self.batchingTheory(rate: 1000, batch: batch, linger: Double(lingerMs) * 1e-3)
            checkTheory(GraphSupport.estimate(runs, "topic.batch_size_mean"), theory.size, relativeBound: 0.05,
                        "batch \(batch), linger \(lingerMs) ms: mean batch size")
            checkTheory(GraphSupport.estimate(runs, "done.age_mean", scale: 1e-9), theory.delay, relativeBound: 0.05,
                        "batch \(batch), linger \(lingerMs) ms: mean batching delay (s)")
            #expect(runs.allSatisfy { $0.value("done.age_max")! <= Double(lingerMs) * 1e6 }, "no message waits beyond the linger")
        }
        #expect(throws: ConfigError.self) { _ = try GraphSupport.spec(Self.pullGraph(", batch_size: 8")) }   // no linger
        #expect(throws: ConfigError.self) { _ = try GraphSupport.spec(Self.pullGraph(", linger: 1ms")) }     // no batching
    }

    @Test func conflationDeliversTheNewestValuePerKeyAndBoundsTheLag() throws {
        // 5,000 messages/s over 5 keys (round-robin) into a consumer that serves 500/s: without
        // conflation the backlog grows without bound; with it, each key holds at most one pending
        // value. At a delivery the pending value is the newest of its key, whose age is the
        // backward recurrence time of the key's arrivals (Erlang-5 gaps X of mean 1 ms):
        // E[X^2] / (2 E[X]) = (k + 1) / (2 lambda) = 0.6 ms, plus the 2 ms service: 2.6 ms.
        func graph(_ conflate: Bool) -> String {
            """
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 5000, keys: 5}
              - {name: topic, type: broker, conflate: \(conflate)}
              - {name: worker, type: station, service_time: {type: exponential, mean: 2ms}}
              - {name: done, type: sink, acknowledge: true}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: worker.in, link: 0ms}
              - {from: worker.out, to: done.in, link: 0ms}
            """
        }
        let runs = try GraphSupport.replicate(graph(true), replications: 10, horizon: .seconds(Int64(10)), warmUp: .zero)
        for r in runs {
            #expect(r.value("done.reordered") == 0, "never an older value after a newer one of its key")
            #expect(r.value("feed.created") == r.value("done.received")! + r.value("topic.conflated")! + r.value("topic.stored_end")!,
                    "every message is delivered, conflated away or still stored")
            #expect(r.value("done.received")! < r.value("feed.created")! && r.value("topic.conflated")! > 0)
            #expect(r.value("topic.lag_peak")! <= 5 + 1, "at most one pending value per key, plus the one in service")
        }
        checkTheory(GraphSupport.estimate(runs, "done.age_mean", scale: 1e-6), 2.6, relativeBound: 0.05,
                    "conflated: age at the consumer vs backward recurrence + service (ms)")
        let plain = try GraphSupport.run(graph(false), horizon: .seconds(Int64(2)))
        #expect(plain.value("topic.lag_peak")! > 5_000, "without conflation the backlog grows: \(plain.value("topic.lag_peak")!)")
    }

    @Test func aConsumerRestartPausesItsWholeGroupForTheRebalance() throws {
        // One message a millisecond over two partitions (two keys), one group of two consumers;
        // c0 restarts (down 1 s to 1.5 s). With a 100 ms rebalance pause, c1 (which did nothing
        // wrong) receives nothing for 100 ms after c0 leaves and again after it returns: the
        // message published just after a pause starts waits the whole pause, so c1's oldest is
        // just under 100 ms; without a pause c1 never waits.
        func graph(_ pause: String) -> String {
            """
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: 1ms, keys: 2}
              - {name: topic, type: broker, partitions: 2, ack_timeout: 50ms\(pause)}
              - {name: c0, type: station, service_time: 0ms}
              - {name: c1, type: station, service_time: 0ms}
              - {name: s0, type: sink, acknowledge: true}
              - {name: s1, type: sink, acknowledge: true}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: c0.in, link: 0ms}
              - {from: topic.out, to: c1.in, link: 0ms}
              - {from: c0.out, to: s0.in, link: 0ms}
              - {from: c1.out, to: s1.in, link: 0ms}
            faults:
              - {target: c0, at: 1s, duration: 500ms}
            """
        }
        let paused = try GraphSupport.run(graph(", rebalance_pause: 100ms"), horizon: .seconds(Int64(3)))
        let free = try GraphSupport.run(graph(""), horizon: .seconds(Int64(3)))
        #expect(paused.value("topic.rebalances") == 2 && free.value("topic.rebalances") == 0)
        #expect(free.value("s1.age_max") == 0)
        let oldest = paused.value("s1.age_max")!
        #expect(oldest >= 98e6 && oldest <= 100e6, "c1's oldest message waited the pause: \(oldest)")
        // c1's messages published during the two pauses (about 50 each) waited; the rest did not.
        let waited = paused.value("s1.age_mean")! * paused.value("s1.age_count")!
        #expect(abs(waited - 2 * 50 * 50e6) <= 2 * 50e6 * 2, "total wait \(waited) vs 2 pauses x 50 messages x 50 ms on average")
        #expect(paused.value("s1.received") == free.value("s1.received"), "the pause delays, loses nothing")
    }
}
