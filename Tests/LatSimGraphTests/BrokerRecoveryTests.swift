import Foundation
import Testing
import LatSimCore
import LatSimGraph

/// A market-data consumer's recovery after a restart: snapshot plus delta against the plain
/// replay of the backlog, by exact counts (deterministic arrivals and service).
struct BrokerRecoveryTests {
    /// One message a millisecond over `keys` keys (round-robin) into one partition; the consumer
    /// (0.1 ms a message, prefetch 1) is down from 1 s to 1.5 s, so about 500 messages (N >> K)
    /// are stored and not committed when it comes back.
    static func graph(_ recovery: String, keys: Int = 5) -> String {
        """
        components:
          - {name: feed, type: source, arrival: renewal, interarrival: 1ms, keys: \(keys)}
          - {name: topic, type: broker, ack_timeout: 50ms, recovery: \(recovery)}
          - {name: worker, type: station, service_time: 100us}
          - {name: done, type: sink, acknowledge: true}
        connections:
          - {from: feed.out, to: topic.in, link: 0ms}
          - {from: topic.out, to: worker.in, link: 0ms}
          - {from: worker.out, to: done.in, link: 0ms}
        faults:
          - {target: worker, at: 1s, duration: 500ms}
        """
    }

    @Test func snapshotSendsOneValuePerKeyThenTheDeltasAndCatchesUpFaster() throws {
        let replay = try GraphSupport.run(Self.graph("replay"), horizon: .seconds(Int64(3)))
        let snapshot = try GraphSupport.run(Self.graph("snapshot"), horizon: .seconds(Int64(3)))
        for r in [replay, snapshot] {
            #expect(r.value("done.reordered") == 0, "never an older value of a key after a newer one")
            #expect(r.value("topic.recoveries") == 1, "one restart, one partition: \(r.value("topic.recoveries")!)")
        }
        // Replay redelivers the whole backlog: the ~500 messages stored during the outage.
        let backlog = replay.value("topic.replayed")!
        #expect(backlog >= 499 && backlog <= 502, "replayed backlog \(backlog)")
        #expect(replay.value("topic.snapshots") == 0)
        // The snapshot is the latest value of each of the 5 keys, once.
        #expect(snapshot.value("topic.snapshots") == 1 && snapshot.value("topic.replayed") == 5)
        // Same arrivals before and after: the consumer gets K instead of N messages, nothing else changes.
        #expect(replay.value("done.received")! - snapshot.value("done.received")! == backlog - 5,
                "received \(replay.value("done.received")!) vs \(snapshot.value("done.received")!)")
        // Snapshot: 5 messages of 0.1 ms; replay waits for the rewind (at most ack_timeout) and
        // then serves the N messages of 0.1 ms (later arrivals queue behind them on the partition).
        let fast = snapshot.value("topic.recovery_time_mean")!, slow = replay.value("topic.recovery_time_mean")!
        #expect(abs(fast - 0.5e6) <= 1e3, "snapshot recovery \(fast) ns vs 5 x 0.1 ms")
        #expect(slow >= backlog * 0.1e6 - 1e3 && slow <= 50e6 + backlog * 0.1e6 + 1e3, "replay recovery \(slow) ns")
        // The snapshot holds the newest values (published in the last K ms before the restart),
        // never a stale one: no message the consumer receives is older than that plus the snapshot's service.
        #expect(snapshot.value("done.age_max")! <= 5e6 + 0.5e6, "oldest value received \(snapshot.value("done.age_max")!) ns")
        #expect(replay.value("done.age_max")! >= 450e6, "replay hands over the oldest backlog: \(replay.value("done.age_max")!) ns")
    }

    @Test func recoveryMetricsNeedTheKeyAndBadValuesAreNamed() throws {
        let plain = try GraphSupport.spec(Self.graph("replay").replacingOccurrences(of: ", recovery: replay", with: ""))
        let topic = try #require(plain.components.first { $0.name == "topic" })
        #expect(!topic.metrics.contains { $0.name == "recovery_time_mean" }, "no recovery key: the metrics are not recorded")
        let none = try GraphSupport.run(Self.graph("snapshot").replacingOccurrences(of: "faults:\n  - {target: worker, at: 1s, duration: 500ms}", with: ""),
                                        horizon: .seconds(Int64(1)))
        #expect(none.value("topic.recovery_time_mean")!.isNaN, "no restart: NaN, not 0")
        #expect(throws: ConfigError.self) { try GraphSupport.spec(Self.graph("latest")) }
        do { _ = try GraphSupport.spec(Self.graph("latest")) } catch {
            #expect("\(error)".contains("recovery") && "\(error)".contains("snapshot") && "\(error)".contains("latest"), "\(error)")
        }
    }

    @Test func aSnapshotCoversTheRestartedConsumersPartitionsOnlyAndKeepsOtherGroupsWhole() throws {
        // Ten keys over two partitions (keys 0, 2, ... on p0), group 0 of two consumers (c0 has p0,
        // c1 has p1), and group 1 of one consumer (c2) that never fails. c0 restarts: one snapshot of
        // p0's five keys; c1 and group 1 lose nothing, and per key nobody sees an older value after a newer one.
        let yaml = """
            components:
              - {name: feed, type: source, arrival: renewal, interarrival: 1ms, keys: 10}
              - {name: topic, type: broker, partitions: 2, ack_timeout: 50ms, recovery: snapshot}
              - {name: c0, type: station, service_time: 100us}
              - {name: c1, type: station, service_time: 100us}
              - {name: c2, type: station, service_time: 100us}
              - {name: s0, type: sink, acknowledge: true}
              - {name: s1, type: sink, acknowledge: true}
              - {name: s2, type: sink, acknowledge: true}
            connections:
              - {from: feed.out, to: topic.in, link: 0ms}
              - {from: topic.out, to: c0.in, link: 0ms}
              - {from: topic.out, to: c1.in, link: 0ms}
              - {from: topic.out, to: c2.in, link: 0ms, group: 1}
              - {from: c0.out, to: s0.in, link: 0ms}
              - {from: c1.out, to: s1.in, link: 0ms}
              - {from: c2.out, to: s2.in, link: 0ms}
            faults:
              - {target: c0, at: 1s, duration: 500ms}
            """
        let r = try GraphSupport.run(yaml, horizon: .seconds(Int64(3)))
        #expect(r.value("topic.snapshots") == 1 && r.value("topic.replayed") == 5 && r.value("topic.recoveries") == 1)
        for sink in ["s0", "s1", "s2"] { #expect(r.value("\(sink).reordered") == 0, "\(sink) reordered") }
        let created = r.value("feed.created")!
        #expect(r.value("s2.received")! >= created - 1, "group 1 gets every message: \(r.value("s2.received")!) of \(created)")
        #expect(r.value("s1.received")! >= created / 2 - 1, "c1's partition is untouched: \(r.value("s1.received")!)")
        // c0: p0's messages before the outage and after the restart, plus the 5 snapshot values
        // instead of the ~250 stored during the outage.
        let s0 = r.value("s0.received")!
        #expect(s0 >= created / 2 - 250 + 5 - 3 && s0 <= created / 2 - 250 + 5 + 1, "c0 received \(s0)")
    }
}
