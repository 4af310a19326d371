import Testing
@testable import LatSimNetwork

/// The broker-outage time series (`keepTrace`): consistent with the run's metrics, shaped by
/// the outage (the broker's backlog rises through it and drains after; direct losses happen
/// only inside it), and free: a trace run has the same metrics and event count.
struct BrokerOutageTraceTests {
    /// Consumer 0 is down from 1 s to 2 s (BrokerOutageTests.consumerOutage); publishing runs to 3.1 s.
    static let outageStart: Int64 = 1_000_000_000, outageEnd: Int64 = 2_000_000_000
    static let interval: Int64 = 50_000_000

    struct Sample {
        var time, stored, queue, buffered, down, lost, delivered: Int64
    }

    static func run(_ design: String, trace: Bool, extra: [(String, Any)] = []) throws -> ReplicationResult {
        var spec = BrokerOutageTests.spec()
        spec.keepTrace = trace
        return try BrokerOutageTests.scenario(extra, outages: BrokerOutageTests.consumerOutage).run(design: design, spec: spec)
    }

    static func samples(_ r: ReplicationResult) -> [Sample] {
        #expect(r.traceHeader == ["time_ns", "broker_stored", "consumer_queue_total", "producer_buffered",
                                  "components_down", "messages_lost_cumulative", "messages_delivered_cumulative"])
        return r.traceRows.map { row in
            let v = row.map { Int64($0)! }
            return Sample(time: v[0], stored: v[1], queue: v[2], buffered: v[3], down: v[4], lost: v[5], delivered: v[6])
        }
    }

    /// Checks what holds for every design: the grid, the end values against the metrics, monotone counts.
    static func expectConsistent(_ r: ReplicationResult, _ s: [Sample], _ what: String) {
        let seed = BrokerOutageTests.seed
        #expect(s.count > 60, "\(what): \(s.count) samples (seed \(seed))")
        // On the 50 ms grid, then one row at the run's end (the final state).
        #expect(s.dropLast().enumerated().allSatisfy { $0.element.time == Int64($0.offset) * interval }, "\(what): samples off the 50 ms grid")
        #expect(s.last!.time > s[s.count - 2].time && s.last!.time - s[s.count - 2].time <= interval, "\(what): the last row is not the run's end")
        #expect(Double(s.last!.lost) == r.value("messages_lost"), "\(what): final cumulative lost \(s.last!.lost) != messages_lost \(r.value("messages_lost")!) (seed \(seed))")
        #expect(Double(s.last!.delivered) == r.value("messages_delivered"), "\(what): final cumulative delivered != messages_delivered (seed \(seed))")
        #expect(zip(s, s.dropFirst()).allSatisfy { $0.lost <= $1.lost && $0.delivered <= $1.delivered }, "\(what): a cumulative count decreased")
        // broker_stored_max is measured from the warm-up's end (100 ms), with the value it had then.
        let storedAfterWarmUp = s.filter { $0.time >= 100_000_000 }.map(\.stored).max()!
        #expect(Double(storedAfterWarmUp) <= r.value("broker_stored_max")!, "\(what): a sample above broker_stored_max (seed \(seed))")
        #expect(s.allSatisfy { $0.down == (($0.time >= outageStart && $0.time < outageEnd) ? 1 : 0) }, "\(what): components_down off the outage window")
    }

    @Test func queuedBacklogRisesThroughTheOutageAndDrainsAfter() throws {
        let r = try Self.run("queued", trace: true)
        let s = Self.samples(r)
        Self.expectConsistent(r, s, "queued")
        // The sample at `ms` (the final state once the run has ended: nothing changes after it).
        let at = { (ms: Int64) in s[min(Int(ms * 1_000_000 / Self.interval), s.count - 1)] }
        print("broker-outage trace queued: stored at 0.95s \(at(950).stored), 1.95s \(at(1_950).stored), 3.5s \(at(3_500).stored); max \(r.value("broker_stored_max")!); samples \(s.count)")
        // Before the outage the broker holds at most the unacknowledged prefetch (16 x 4 partitions).
        #expect(at(950).stored <= 64, "stored before the outage \(at(950).stored)")
        // Producers 0 and 2 publish 2/ms to consumer 0's partitions: ~1900 stored at 1.95 s (Poisson sd 44).
        #expect(at(1_950).stored >= 1_900 - 4 * 44, "stored late in the outage \(at(1_950).stored) (seed \(BrokerOutageTests.seed))")
        let outage = s.filter { $0.time >= Self.outageStart && $0.time < Self.outageEnd }
        #expect(zip(outage, outage.dropFirst()).allSatisfy { $0.stored < $1.stored }, "the backlog grows at every sample of the outage")
        // After it, consumer 0 (3.3/ms) drains the backlog at >= 1.3/ms: back to the prefetch level within 1.5 s.
        #expect(at(3_500).stored <= 64, "stored at 3.5 s \(at(3_500).stored) (seed \(BrokerOutageTests.seed))")
        #expect(s.last!.stored == 0 && s.allSatisfy { $0.lost == 0 && $0.queue <= 64 }, "queued: a loss, or a consumer queue above prefetch")
    }

    @Test func directLossesAccumulateOnlyDuringTheOutage() throws {
        let r = try Self.run("direct", trace: true)
        let s = Self.samples(r)
        Self.expectConsistent(r, s, "direct")
        #expect(s.allSatisfy { $0.stored == 0 }, "direct: the broker is not used")
        // Losses happen at a down consumer: between the outage's start and its end (the sample at 2 s
        // includes the recovery's instant; messages on the wire at recovery are delivered).
        #expect(s.filter { $0.time < Self.outageStart }.allSatisfy { $0.lost == 0 }, "direct: a loss before the outage")
        #expect(s.filter { $0.time >= Self.outageEnd }.allSatisfy { $0.lost == s.last!.lost }, "direct: a loss after the outage")
        let mid = s[Int(1_500_000_000 / Self.interval)].lost
        // Half the outage: ~1000 of ~2000 losses (Poisson sd 32); the full count is in BrokerOutageTests.
        print("broker-outage trace direct: lost at 1.5s \(mid), final \(s.last!.lost)")
        #expect(mid >= 1_000 - 4 * 32 && mid <= 1_000 + 4 * 32 + 50, "direct lost by 1.5 s \(mid) (seed \(BrokerOutageTests.seed))")
    }

    @Test func aTraceChangesNoMetricAndNoEventCount() throws {
        for design in BrokerOutageScenario.allDesigns {
            for extra in [[], [("direct_when_down", "block"), ("trace_interval", "7ms")]] as [[(String, Any)]] {
                let with = try Self.run(design, trace: true, extra: extra), without = try Self.run(design, trace: false, extra: extra)
                // Bit for bit (NaN included: publish_ack_latency_mean is NaN in direct).
                let same = with.metrics.count == without.metrics.count && zip(with.metrics, without.metrics).allSatisfy {
                    $0.name == $1.name && $0.unit == $1.unit && $0.value.bitPattern == $1.value.bitPattern
                }
                #expect(same, "\(design) \(extra): a trace changed a metric (seed \(BrokerOutageTests.seed))")
                #expect(with.eventsProcessed == without.eventsProcessed && with.stopReason == without.stopReason)
                #expect(without.traceRows.isEmpty && !with.traceRows.isEmpty)
            }
        }
    }

    @Test func traceIntervalIsValidated() throws {
        let s = try BrokerOutageTests.scenario([("trace_interval", "7ms")], outages: [])
        #expect(s.parameters.traceInterval == .milliseconds(7))
        #expect(try BrokerOutageTests.scenario(outages: []).parameters.traceInterval == .milliseconds(50))
        for bad in ["0", "-5ms", "fast"] {
            do {
                _ = try BrokerOutageTests.scenario([("trace_interval", bad)], outages: [])
                Issue.record("trace_interval \(bad) was accepted")
            } catch let e as ConfigError {
                #expect(e.path == "model.trace_interval" && e.given == bad, "\(e)")
            }
        }
    }
}
