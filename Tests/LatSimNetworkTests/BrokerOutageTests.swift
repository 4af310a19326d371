import Testing
@testable import LatSimNetwork

/// The broker-outage scenario: decoupling through a broker versus direct coupling, and the
/// accounting of every message across outages (no message lost unless a stated policy lost it).
struct BrokerOutageTests {
    static let seed: UInt64 = 2_026

    static func scenario(_ extra: [(String, Any)] = [], outages: [Any]) throws -> BrokerOutageScenario {
        var entries: [(String, ConfigNode)] = [
            ("producers", config(4)), ("consumers", config(2)),
            ("publish_interval", config(["type": "exponential", "mean": "1ms"] as KeyValuePairs<String, Any>)),
            ("link", config(["latency": ["type": "lognormal", "median": "200us", "sigma": 0.4] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
            ("processing_time", config(["type": "exponential", "mean": "300us"] as KeyValuePairs<String, Any>)),
            ("persist_latency", config("100us")), ("drain", config("5s")),
            ("outages", config(outages)),
        ]
        for (k, v) in extra {
            if let i = entries.firstIndex(where: { $0.0 == k }) { entries[i] = (k, config(v)) } else { entries.append((k, config(v))) }
        }
        return try BrokerOutageScenario(config: ConfigNode.mapping(entries, path: "model"))
    }

    static var consumerOutage: [Any] { [["target": "consumer-0", "at": "1s", "duration": "1s"] as KeyValuePairs<String, Any>] }

    static func spec(_ replication: Int = 0, seconds: Int64 = 3) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: seed, horizon: .seconds(seconds), warmUp: .milliseconds(100))
    }

    static func expectAccounted(_ r: ReplicationResult, _ what: String, groups: Double = 1) {
        let generated = groups * r.value("messages_generated")!, delivered = r.value("messages_delivered")!, lost = r.value("messages_lost")!
        #expect(generated == delivered + lost, "\(what): generated \(generated) != delivered \(delivered) + lost \(lost) (seed \(seed))")
        #expect(r.value("messages_in_system") == 0, "\(what): \(r.value("messages_in_system")!) messages unaccounted after the drain")
        #expect(r.value("ledger_balanced") == 1, "\(what): a link or broker ledger does not reconcile (seed \(seed))")
    }

    @Test func brokerBuffersThroughAConsumerOutageWhereDirectLoses() throws {
        let s = try Self.scenario(outages: Self.consumerOutage)
        let direct = s.run(design: "direct", spec: Self.spec())
        let queued = s.run(design: "queued", spec: Self.spec())
        // Producers 0 and 2 feed consumer 0: 2 x 1000/s over a 1 s outage, about 2000 messages (Poisson sd 45).
        let lost = direct.value("messages_lost")!
        print("broker-outage direct: lost \(lost); queued: stored max \(queued.value("broker_stored_max")!), redelivered \(queued.value("messages_redelivered")!), e2e p99 \(queued.value("end_to_end_latency_p99")!) ns")
        #expect(lost >= 2_000 - 4 * 45 && lost <= 2_000 + 4 * 45 + 50, "direct lost \(lost) (seed \(Self.seed))")
        #expect(queued.value("messages_lost") == 0)
        #expect(queued.value("broker_stored_max")! >= 1_800, "the broker held the outage's messages")
        #expect(queued.value("end_to_end_latency_max")! >= 0.9e9, "messages waited through the outage")
        Self.expectAccounted(direct, "direct")
        Self.expectAccounted(queued, "queued")
    }

    @Test func aGroupsOutageAffectsOnlyThatGroup() throws {
        // Two groups of two consumers; consumer-2 is group 1's owner of partitions 0 and 2.
        let outage: [Any] = [["target": "consumer-2", "at": "1s", "duration": "1s"] as KeyValuePairs<String, Any>]
        let s = try Self.scenario([("consumer_groups", 2)], outages: outage)
        let direct = s.run(design: "direct", spec: Self.spec())
        let queued = s.run(design: "queued", spec: Self.spec())
        // As with one group: about 2000 copies lost direct (group 1's), none queued; the broker keeps
        // group 1's backlog although group 0 has committed it.
        let lost = direct.value("messages_lost")!
        #expect(lost >= 2_000 - 4 * 45 && lost <= 2_000 + 4 * 45 + 50, "direct lost \(lost) (seed \(Self.seed))")
        #expect(queued.value("messages_lost") == 0 && queued.value("broker_stored_max")! >= 1_800)
        #expect(queued.value("messages_delivered") == 2 * queued.value("messages_generated")!)
        Self.expectAccounted(direct, "two groups direct", groups: 2)
        Self.expectAccounted(queued, "two groups queued", groups: 2)
    }

    @Test func directBlockingHoldsMessagesAtTheProducer() throws {
        let s = try Self.scenario([("direct_when_down", "block")], outages: Self.consumerOutage)
        let r = s.run(design: "direct", spec: Self.spec())
        #expect(r.value("producer_buffer_max")! >= 1_800)
        // Only messages in flight or queued at the crash are lost (a few, at 2/ms and 0.3 ms service).
        #expect(r.value("messages_lost")! <= 30, "lost \(r.value("messages_lost")!)")
        Self.expectAccounted(r, "direct-block")
    }

    @Test func noMessageLostUnlessAPolicyLostItOverRandomFaultSchedules() throws {
        let random: [Any] = [
            ["target": "consumers", "mtbf": ["type": "exponential", "mean": "400ms"] as KeyValuePairs<String, Any>,
             "mttr": ["type": "exponential", "mean": "50ms"] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>,
            ["target": "broker", "mtbf": ["type": "exponential", "mean": "700ms"] as KeyValuePairs<String, Any>,
             "mttr": ["type": "exponential", "mean": "30ms"] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>,
        ]
        let unbounded = try Self.scenario(outages: random)
        let bounded = try Self.scenario([("broker_capacity", 20), ("broker_overflow", "drop-oldest")], outages: random)
        let pull = try Self.scenario([("consumer_mode", "pull"), ("poll_interval", "2ms")], outages: random)
        let twoGroups = try Self.scenario([("consumer_groups", 2)], outages: random)
        var redelivered = 0.0, duplicates = 0.0, dropped = 0.0
        for replication in 0..<8 {
            let spec = Self.spec(replication, seconds: 1)
            let q = unbounded.run(design: "queued", spec: spec)
            Self.expectAccounted(q, "queued replication \(replication)")
            // An unbounded broker cannot drop a message by construction: what can fail is the
            // sizing. Room for the unbounded run's peak backlog in every partition loses nothing;
            // room for a sixteenth of it (dropping the oldest) must lose some.
            let peak = Int(q.value("broker_stored_max")!)
            #expect(peak >= 16, "the faults build a backlog worth testing: peak \(peak) (seed \(Self.seed), replication \(replication))")
            let ample = try Self.scenario([("broker_capacity", peak), ("broker_overflow", "drop-oldest")], outages: random)
                .run(design: "queued", spec: spec)
            #expect(ample.value("messages_lost") == 0, "room for the peak \(peak) lost \(ample.value("messages_lost")!) (seed \(Self.seed), replication \(replication))")
            Self.expectAccounted(ample, "ample replication \(replication)")
            let tight = try Self.scenario([("broker_capacity", max(1, peak / 16)), ("broker_overflow", "drop-oldest")], outages: random)
                .run(design: "queued", spec: spec)
            #expect(tight.value("lost_overflow")! > 0, "room for \(max(1, peak / 16)) of a peak \(peak) lost nothing (seed \(Self.seed), replication \(replication))")
            redelivered += q.value("messages_redelivered")!
            duplicates += q.value("duplicates_processed")!
            let d = unbounded.run(design: "direct", spec: spec)
            Self.expectAccounted(d, "direct replication \(replication)")
            let b = bounded.run(design: "queued", spec: spec)
            #expect(b.value("lost_outage") == 0)
            #expect(b.value("broker_stored_max")! <= 4 * 20)
            dropped += b.value("lost_overflow")!
            Self.expectAccounted(b, "bounded replication \(replication)")
            let pl = pull.run(design: "queued", spec: spec)
            #expect(pl.value("messages_lost") == 0)
            Self.expectAccounted(pl, "pull replication \(replication)")
            for design in ["queued", "direct"] {
                let g = twoGroups.run(design: design, spec: spec)
                if design == "queued" { #expect(g.value("messages_lost") == 0, "two groups lost \(g.value("messages_lost")!)") }
                Self.expectAccounted(g, "two groups, \(design), replication \(replication)", groups: 2)
            }
        }
        print("random faults: redelivered \(redelivered), duplicates \(duplicates), bounded-broker drops \(dropped)")
        #expect(redelivered > 0 && duplicates >= 0 && dropped > 0, "the fault schedules exercised redelivery and overflow")
    }

    @Test func brokerBackpressureBoundsThePartitions() throws {
        let s = try Self.scenario([("broker_capacity", 50), ("broker_overflow", "block")], outages: Self.consumerOutage)
        let r = s.run(design: "queued", spec: Self.spec())
        #expect(r.value("broker_stored_max")! <= 4 * 50)
        #expect(r.value("producer_blocked")! > 0)
        #expect(r.value("messages_lost") == 0)
        Self.expectAccounted(r, "broker block")
    }
}

struct BrokerOutageConfigTests {
    @Test func sameSeedSameResultsAndBadInputIsNamed() throws {
        let s = try BrokerOutageTests.scenario(outages: BrokerOutageTests.consumerOutage)
        let spec = BrokerOutageTests.spec(seconds: 1)
        #expect(s.run(design: "queued", spec: spec) == s.run(design: "queued", spec: spec))
        do {
            _ = try BrokerOutageTests.scenario(outages: [["target": "consumer-7", "at": "1s", "duration": "1s"] as KeyValuePairs<String, Any>])
            Issue.record("an unknown outage target was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.outages[0].target" && e.given == "consumer-7", "\(e)")
        }
        do {
            _ = try BrokerOutageTests.scenario([("publish_interval", "0")], outages: [])
            Issue.record("a zero publish interval was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.publish_interval" && e.problem.contains("at least 1us"), "\(e)")
        }
        do {
            _ = try BrokerOutageTests.scenario([("link", ["latency": "1ms", "ordering": "unordered"] as KeyValuePairs<String, Any>)], outages: [])
            Issue.record("an unordered link was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.link.ordering" && e.given == "unordered", "\(e)")
        }
    }
}
