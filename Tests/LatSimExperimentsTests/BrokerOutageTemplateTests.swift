import Testing
import LatSimCore
import LatSimExperiments

/// The `broker-outage` template (a graph): decoupling through a broker versus direct
/// coupling, and the accounting of every message across outages (no message lost unless a
/// stated policy lost it). Runs without a warm-up, so every counter covers the whole run and
/// generated x groups = delivered + lost holds exactly after the drain.
struct BrokerOutageTemplateTests {
    static let seed: UInt64 = 2_026

    static func scenario(_ extra: String = "", outages: String = "[{target: consumer-0, at: 1s, duration: 1s}]",
                         link: String = "{latency: {type: lognormal, median: 200us, sigma: 0.4}}",
                         publishInterval: String = "{type: exponential, mean: 1ms}") throws -> any Scenario {
        let yaml = """
            kind: broker-outage
            producers: 4
            consumers: 2
            publish_interval: \(publishInterval)
            link: \(link)
            processing_time: {type: exponential, mean: 300us}
            persist_latency: 100us
            drain: 5s
            outages: \(outages)
            \(extra)
            """
        return try BrokerOutageTemplate.template.kind.make(try YAMLConfig.parse(yaml, file: "broker.yaml", path: "model"))
    }

    static func spec(_ replication: Int = 0, seconds: Int64 = 3) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: seed, horizon: .seconds(seconds), warmUp: .zero)
    }

    static func expectAccounted(_ r: ReplicationResult, _ what: String, groups: Double = 1) {
        let generated = groups * r.value("messages_generated")!, delivered = r.value("messages_delivered")!, lost = r.value("messages_lost")!
        #expect(generated == delivered + lost, "\(what): generated \(generated) != delivered \(delivered) + lost \(lost) (seed \(seed)): \(r.metrics.filter { $0.value != 0 && !$0.name.hasPrefix("link") }.map { "\($0.name)=\($0.value)" })")
        #expect(r.value("messages_in_system") == 0, "\(what): \(r.value("messages_in_system")!) messages left after the drain")
        #expect(r.value("ledger_balanced") == 1, "\(what): a link ledger does not reconcile (seed \(seed))")
    }

    @Test func brokerBuffersThroughAConsumerOutageWhereDirectLoses() throws {
        let s = try Self.scenario()
        let direct = s.run(design: "direct", spec: Self.spec())
        let queued = s.run(design: "queued", spec: Self.spec())
        // Producers 0 and 2 feed consumer 0: 2 x 1000/s over a 1 s outage, about 2000 messages (Poisson sd 45),
        // plus the few queued or in service at the crash.
        let lost = direct.value("messages_lost")!
        print("broker-outage direct: lost \(lost); queued: stored max \(queued.value("broker_stored_max")!), redelivered \(queued.value("messages_redelivered")!), e2e p99 \(queued.value("end_to_end_latency_p99")!) ns")
        #expect(lost >= 2_000 - 4 * 45 && lost <= 2_000 + 4 * 45 + 50, "direct lost \(lost) (seed \(Self.seed))")
        #expect(queued.value("messages_lost") == 0)
        #expect(queued.value("broker_stored_max")! >= 1_800, "the broker held the outage's messages")
        #expect(queued.value("end_to_end_latency_max")! >= 0.9e9, "messages waited through the outage")
        #expect(queued.value("messages_redelivered")! > 0, "what the down consumer missed was delivered again")
        Self.expectAccounted(direct, "direct")
        Self.expectAccounted(queued, "queued")
    }

    @Test func aGroupsOutageAffectsOnlyThatGroup() throws {
        // Two groups of two consumers; consumer-2 is group 1's owner of partitions 0 and 2.
        let s = try Self.scenario("consumer_groups: 2", outages: "[{target: consumer-2, at: 1s, duration: 1s}]")
        let direct = s.run(design: "direct", spec: Self.spec())
        let queued = s.run(design: "queued", spec: Self.spec())
        // As with one group: about 2000 copies lost direct (group 1's), none queued; the broker keeps
        // group 1's backlog although group 0 has committed it.
        let lost = direct.value("messages_lost")!
        #expect(lost >= 2_000 - 4 * 45 && lost <= 2_000 + 4 * 45 + 50, "direct lost \(lost) (seed \(Self.seed))")
        #expect(direct.value("consumer-0.lost_down") == 0 && direct.value("consumer-2.lost_down")! > 1_800, "group 0 is untouched")
        #expect(queued.value("messages_lost") == 0 && queued.value("broker_stored_max")! >= 1_800)
        #expect(queued.value("messages_delivered") == 2 * queued.value("messages_generated")!)
        Self.expectAccounted(direct, "two groups direct", groups: 2)
        Self.expectAccounted(queued, "two groups queued", groups: 2)
    }

    @Test func directBlockingHoldsMessagesAtTheProducer() throws {
        let r = try Self.scenario("direct_when_down: block").run(design: "direct", spec: Self.spec())
        // Only messages queued or in service at the crash are lost (a few, at 2/ms and 0.3 ms service);
        // the rest waited out the outage.
        #expect(r.value("messages_lost")! <= 30, "lost \(r.value("messages_lost")!)")
        #expect(r.value("end_to_end_latency_max")! >= 0.9e9, "held through the outage")
        #expect(r.value("link.dispatch-consumer-0.lost_outage") == 0, "the cut connection held what was sent while the consumer was down")
        Self.expectAccounted(r, "direct-block")
    }

    @Test func noMessageLostUnlessAPolicyLostItOverRandomFaultSchedules() throws {
        let random = """
            [{target: consumers, mtbf: {type: exponential, mean: 400ms}, mttr: {type: exponential, mean: 50ms}},
             {target: broker, mtbf: {type: exponential, mean: 700ms}, mttr: {type: exponential, mean: 30ms}}]
            """
        let unbounded = try Self.scenario(outages: random)
        let twoGroups = try Self.scenario("consumer_groups: 2", outages: random)
        var redelivered = 0.0, duplicates = 0.0
        for replication in 0..<4 {
            let spec = Self.spec(replication, seconds: 1)
            let q = unbounded.run(design: "queued", spec: spec)
            // The broker's own outages lose what reaches it as it goes down (counted lost_outage); nothing else is lost.
            #expect(q.value("lost_overflow") == 0)
            Self.expectAccounted(q, "queued replication \(replication)")
            // Room for the unbounded run's peak backlog in every partition loses nothing to overflow;
            // room for a sixteenth of it (dropping the oldest) must lose some.
            let peak = Int(q.value("broker_stored_max")!)
            #expect(peak >= 16, "the faults build a backlog worth testing: peak \(peak) (seed \(Self.seed), replication \(replication))")
            let ample = try Self.scenario("broker_capacity: \(peak)\nbroker_overflow: drop-oldest", outages: random).run(design: "queued", spec: spec)
            #expect(ample.value("lost_overflow") == 0, "room for the peak \(peak) dropped \(ample.value("lost_overflow")!) (replication \(replication))")
            Self.expectAccounted(ample, "ample replication \(replication)")
            let tight = try Self.scenario("broker_capacity: \(max(1, peak / 16))\nbroker_overflow: drop-oldest", outages: random)
                .run(design: "queued", spec: spec)
            #expect(tight.value("lost_overflow")! > 0, "room for \(max(1, peak / 16)) of a peak \(peak) lost nothing (replication \(replication))")
            Self.expectAccounted(tight, "tight replication \(replication)")
            redelivered += q.value("messages_redelivered")!
            duplicates += q.value("duplicates_processed")!
            Self.expectAccounted(unbounded.run(design: "direct", spec: spec), "direct replication \(replication)")
            for design in ["queued", "direct"] {
                Self.expectAccounted(twoGroups.run(design: design, spec: spec), "two groups, \(design), replication \(replication)", groups: 2)
            }
        }
        print("random faults: redelivered \(redelivered), duplicates \(duplicates)")
        #expect(redelivered > 0, "the fault schedules exercised redelivery")
    }

    @Test func sameSeedSameResultsAndBadInputIsNamed() throws {
        let s = try Self.scenario()
        // Bit for bit (the topic's batch_size_mean is NaN without batching, and NaN != NaN under ==).
        let first = s.run(design: "queued", spec: Self.spec(seconds: 1)), second = s.run(design: "queued", spec: Self.spec(seconds: 1))
        #expect(identical(first, second) && first.eventsProcessed == second.eventsProcessed)
        for (extra, outages, path, given) in [("", "[{target: consumer-7, at: 1s, duration: 1s}]", "model.outages[0].target", "consumer-7"),
                                              ("consumer_mode: pull", "[]", "model.consumer_mode", "pull"),
                                              ("partitions: 5000", "[]", "model.partitions", "5000")] {
            do {
                _ = try Self.scenario(extra, outages: outages)
                Issue.record("\(extra) \(outages) was accepted")
            } catch let e as ConfigError {
                #expect(e.path == path && e.given == given, "\(path): \(e)")
            }
        }
        do {
            _ = try Self.scenario(outages: "[]", link: "{latency: 1ms, ordering: unordered}")
            Issue.record("an unordered link was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.link.ordering" && e.given == "unordered", "\(e)")
        }
        do {
            _ = try Self.scenario(outages: "[]", publishInterval: "0")
            Issue.record("a zero publish interval was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.publish_interval" && e.problem.contains("at least 1us"), "publish_interval: \(e)")
        }
    }

    /// Every metric the kind lists is recorded by some design, and every recorded metric the kind
    /// lists is spelt as listed (the per-component ones stay under their graph names).
    @Test func listedMetricsAreRecorded() throws {
        let s = try Self.scenario(outages: "[]")
        let spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .milliseconds(200), warmUp: .milliseconds(20))
        let recorded = Set(s.designs.flatMap { s.run(design: $0, spec: spec).metrics.map(\.name) })
        for metric in BrokerOutageTemplate.template.kind.metrics.map(\.name) {
            #expect(recorded.contains { $0 == metric || $0.hasPrefix(metric + "_") }, "\(metric) is listed, never recorded")
        }
    }
}
