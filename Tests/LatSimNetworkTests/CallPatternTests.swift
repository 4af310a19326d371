import Testing
@testable import LatSimNetwork

/// The call-pattern scenario: the claim "non-blocking lowers latency and raises throughput
/// versus blocking" where it holds (many concurrent requests, a service with spare capacity),
/// where it fails (past the service's saturation), and its bookkeeping.
struct CallPatternTests {
    static let seed: UInt64 = 42

    static func scenario(_ extra: KeyValuePairs<String, Any> = [:], rate: Double = 800, workers: Int = 16,
                         stationExtra: [(String, Any)] = []) throws -> CallPatternScenario {
        var station: [(String, Any)] = [("workers", workers), ("service_time", ["type": "exponential", "mean": "1ms"] as KeyValuePairs<String, Any>)]
        station += stationExtra
        var entries: [(String, ConfigNode)] = [
            ("kind", config("call-pattern")), ("clients", config(10)), ("window", config(8)), ("arrival", config("open")),
            ("rate_per_client_per_s", config(rate)),
            ("link", config(["latency": ["type": "lognormal", "median": "250us", "sigma": 0.5] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
            ("station", ConfigNode.mapping(station.map { ($0.0, config($0.1)) })),
        ]
        for (k, v) in extra {
            if let i = entries.firstIndex(where: { $0.0 == k }) { entries[i] = (k, config(v)) } else { entries.append((k, config(v))) }
        }
        return try CallPatternScenario(config: ConfigNode.mapping(entries, path: "model"))
    }

    static func spec(replication: Int = 0, seconds: Int64 = 2) -> ReplicationSpec {
        ReplicationSpec(replication: replication, rootSeed: seed, horizon: .seconds(seconds), warmUp: .milliseconds(200))
    }

    @Test func asyncRaisesThroughputAndLowersLatencyBelowSaturation() throws {
        // 10 clients x 800 requests/s; a blocking client can finish at most 1 / (RTT + service) ~ 600/s,
        // the service (16 workers x 1 ms) is at half load: async is stable, sync is not.
        let s = try Self.scenario()
        let sync = s.run(design: "sync", spec: Self.spec())
        let async = s.run(design: "async", spec: Self.spec())
        let syncX = sync.value("throughput_per_s")!, asyncX = async.value("throughput_per_s")!
        print("call-pattern below saturation: sync \(syncX)/s p50 \(sync.value("request_latency_p50")!) ns; async \(asyncX)/s p50 \(async.value("request_latency_p50")!) ns p99 \(async.value("request_latency_p99")!) ns")
        #expect(abs(asyncX - 8_000) <= 0.05 * 8_000, "async throughput \(asyncX) /s, offered 8000 /s (seed \(Self.seed))")
        #expect(asyncX >= 1.2 * syncX, "async \(asyncX) vs sync \(syncX) /s (seed \(Self.seed))")
        #expect(async.value("request_latency_p50")! < sync.value("request_latency_p50")!)
        #expect(async.value("request_latency_p99")! < 10_000_000, "async p99 \(async.value("request_latency_p99")!) ns")
        #expect(sync.value("ledger_balanced") == 1 && async.value("ledger_balanced") == 1)
        // Little's law at the service: L = lambda W, lambda = jobs started / T (1% for the window's edges).
        for r in [sync, async] {
            let l = r.value("station_in_system_mean")!
            let lambdaW = r.value("station_started")! / 2.0 * r.value("station_sojourn_mean")! / 1e9
            #expect(abs(l - lambdaW) <= 0.01 * l, "Little's law at the service: L \(l) vs lambda W \(lambdaW) (seed \(Self.seed))")
        }
    }

    @Test func asyncPastSaturationQueuesWithoutBoundUnlessBackpressured() throws {
        // 10 x 2000/s = 20k/s offered to a 16k/s service: async floods the station.
        let flood = try Self.scenario(rate: 2_000)
        let r = flood.run(design: "async", spec: Self.spec())
        let x = r.value("throughput_per_s")!
        print("call-pattern flood: async \(x)/s latency mean \(r.value("request_latency_mean")!) ns, queue max \(r.value("station_queue_length_max")!)")
        #expect(x <= 16_000 * 1.03, "throughput \(x) /s cannot exceed the service's 16000 /s")
        #expect(r.value("station_utilisation")! > 0.97)
        #expect(r.value("request_latency_mean")! > 20_000_000, "latency \(r.value("request_latency_mean")!) ns should explode")
        // Backpressure: a bounded station that blocks senders never holds more than its capacity.
        let bounded = try Self.scenario(rate: 2_000, stationExtra: [("capacity", 50), ("overflow", "block")])
        let b = bounded.run(design: "async", spec: Self.spec())
        #expect(b.value("station_queue_length_max")! <= 50)
        #expect(b.value("station_blocked")! > 0)
        #expect(b.value("messages_lost") == 0)
        #expect(b.value("ledger_balanced") == 1)
    }

    @Test func retriesRecoverLostMessagesAtTheGeometricRate() throws {
        // Loss p on each link: an attempt fails with q = 1 - (1 - p)^2; with 2 retries a
        // request fails with q^3. Timeout 50 ms >> latency, so no spurious timeouts.
        let p = 0.05
        let s = try CallPatternScenario(config: ConfigNode.mapping([
            ("clients", config(20)), ("arrival", config("closed")), ("think_time", config("1ms")),
            ("link", config(["latency": "200us", "loss": p] as KeyValuePairs<String, Any>)),
            ("station", config(["workers": 32, "service_time": "100us"] as KeyValuePairs<String, Any>)),
            ("timeout", config("50ms")), ("retries", config(2)), ("backoff", config("1ms")),
        ], path: "model"))
        var failed = 0.0, finished = 0.0, timeouts = 0.0, attempts = 0.0
        for r in 0..<4 {
            let result = s.run(design: "sync", spec: ReplicationSpec(replication: r, rootSeed: Self.seed, horizon: .seconds(Int64(10))))
            failed += result.value("requests_failed")!
            finished += result.value("requests_failed")! + result.value("request_latency_count")!
            timeouts += result.value("timeouts")!
            attempts += result.value("retries")!
            #expect(result.value("late_responses") == 0)
            #expect(result.value("ledger_balanced") == 1)
        }
        let q = 1 - (1 - p) * (1 - p)
        let expected = finished * q * q * q
        print("retries: failed \(failed) vs expected \(expected) of \(finished); timeouts \(timeouts), retries \(attempts)")
        // Poisson count: 99.9% two-sided bound 3.29 standard deviations.
        #expect(abs(failed - expected) <= 3.29 * expected.squareRoot(), "failed \(failed) vs \(expected) of \(finished) (seed \(Self.seed))")
        #expect(timeouts > 0 && attempts > 0)
    }

    @Test func sameSeedSameResults() throws {
        let s = try Self.scenario(["timeout": "5ms", "retries": 1])
        #expect(s.run(design: "async", spec: Self.spec(seconds: 1)) == s.run(design: "async", spec: Self.spec(seconds: 1)))
    }

    @Test func badConfigNamesKeyAllowedAndGiven() throws {
        do {
            _ = try Self.scenario(["windw": 3])
            Issue.record("an unknown key was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.windw" && e.problem.contains("did you mean \"window\""), "\(e)")
        }
        do {
            _ = try Self.scenario(["retries": 2])
            Issue.record("retries without a timeout were accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.retries" && e.problem.contains("timeout"), "\(e)")
        }
        do {
            _ = try Self.scenario(["arrival": "sometimes"])
            Issue.record("an unknown arrival process was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.arrival" && e.allowed == "closed, open" && e.given == "sometimes", "\(e)")
        }
    }
}

struct CallPatternOutageTests {
    @Test func serverOutageLosesQueuedWorkAndRetriesRecoverIt() throws {
        let s = try CallPatternScenario(config: ConfigNode.mapping([
            ("clients", config(10)), ("window", config(4)), ("arrival", config("closed")), ("think_time", config("1ms")),
            ("link", config(["latency": "200us"] as KeyValuePairs<String, Any>)),
            ("station", config(["workers": 4, "service_time": ["type": "exponential", "mean": "500us"] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
            ("timeout", config("20ms")), ("retries", config(10)), ("backoff", config("5ms")), ("backoff_max", config("100ms")),
            ("outages", config([["target": "server", "at": "500ms", "duration": "300ms"] as KeyValuePairs<String, Any>])),
        ], path: "model"))
        let spec = ReplicationSpec(replication: 0, rootSeed: 8, horizon: .seconds(Int64(2)), warmUp: .milliseconds(100))
        for design in ["sync", "async"] {
            let r = s.run(design: design, spec: spec)
            #expect(r.value("lost_outage")! > 0, "\(design): the crash lost nothing")
            #expect(r.value("messages_lost")! >= r.value("lost_outage")!)
            #expect(r.value("requests_failed") == 0, "\(design): 10 retries with backoff up to 100 ms outlast a 300 ms outage")
            #expect(r.value("request_latency_max")! >= 250e6, "\(design): some request waited through the outage")
            #expect(r.value("ledger_balanced") == 1)
        }
    }
}

struct CallPatternSaturationTests {
    @Test func pastSaturationAsyncOnlyAddsLatencyAsLittlesLawPredicts() throws {
        // Closed loop, 50 clients, think 1 ms, a 4-worker service of 1 ms: saturated even when
        // blocking. Throughput is the service's 4000/s either way; by Little's law on the loop,
        // response time R = (clients x window) / X - think, so async with window 8 multiplies
        // the response time by about 8 and gains nothing.
        let s = try CallPatternScenario(config: ConfigNode.mapping([
            ("clients", config(50)), ("window", config(8)), ("arrival", config("closed")),
            ("think_time", config(["type": "exponential", "mean": "1ms"] as KeyValuePairs<String, Any>)),
            ("link", config(["latency": ["type": "lognormal", "median": "100us", "sigma": 0.3] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
            ("station", config(["workers": 4, "service_time": ["type": "exponential", "mean": "1ms"] as KeyValuePairs<String, Any>] as KeyValuePairs<String, Any>)),
        ], path: "model"))
        let spec = ReplicationSpec(replication: 0, rootSeed: 13, horizon: .seconds(Int64(4)), warmUp: .seconds(Int64(1)))
        for (design, inFlight) in [("sync", 50.0), ("async", 400.0)] {
            let r = s.run(design: design, spec: spec)
            let x = r.value("throughput_per_s")!, latency = r.value("request_latency_mean")! / 1e9
            let little = inFlight / x - 0.001
            print("saturated \(design): X \(x)/s, R \(latency * 1e3) ms, Little \(little * 1e3) ms")
            // 16,000 completions: the throughput's Poisson-like sd is under 1%; 3% is a 3-sd bound.
            #expect(abs(x - 4_000) <= 0.03 * 4_000, "\(design) throughput \(x) (seed 13)")
            // Little's law holds up to the window's edges (a few response times out of 4 s).
            #expect(abs(latency - little) <= 0.05 * little, "\(design): R \(latency) vs \(little) (seed 13)")
        }
    }
}

struct CallPatternPartitionTests {
    static func scenario(policy: String) throws -> CallPatternScenario {
        try CallPatternScenario(config: ConfigNode.mapping([
            ("clients", config(4)), ("window", config(2)), ("arrival", config("closed")), ("think_time", config("2ms")),
            ("link", config(["latency": "300us", "fault_policy": policy] as KeyValuePairs<String, Any>)),
            ("station", config(["workers": 8, "service_time": "200us"] as KeyValuePairs<String, Any>)),
            ("timeout", config("50ms")), ("retries", config(3)), ("backoff", config("10ms")),
            ("outages", config([["target": "link-client-1", "at": "300ms", "duration": "100ms"] as KeyValuePairs<String, Any>])),
        ], path: "model"))
    }

    @Test func aPartitionedClientLosesOrBuffersByPolicyAndOthersCarryOn() throws {
        let spec = ReplicationSpec(replication: 0, rootSeed: 6, horizon: .seconds(Int64(1)), warmUp: .milliseconds(100))
        let lost = try Self.scenario(policy: "lost").run(design: "async", spec: spec)
        let buffered = try Self.scenario(policy: "buffered").run(design: "async", spec: spec)
        // Lost: the cut client's in-flight attempts time out and are retried.
        #expect(lost.value("lost_outage")! > 0 && lost.value("timeouts")! > 0)
        // Buffered: nothing is lost; messages wait for the end of the cut (up to 100 ms + latency).
        #expect(buffered.value("messages_lost") == 0 && buffered.value("lost_outage") == 0)
        #expect(buffered.value("request_latency_max")! >= 90e6 && buffered.value("request_latency_max")! <= 110e6)
        #expect(lost.value("ledger_balanced") == 1 && buffered.value("ledger_balanced") == 1)
        // Each slot cycles in think 2 ms + round trip 0.6 ms + service 0.2 ms = 2.8 ms: 8 slots give
        // 2857/s uncut. Only client 1 (a quarter) stalls, for 100 ms of the 1 s: at least 85% remains.
        let uncut = 4.0 * 2 / 0.0028
        #expect(buffered.value("throughput_per_s")! >= 0.85 * uncut && buffered.value("throughput_per_s")! <= 1.02 * uncut,
                "throughput \(buffered.value("throughput_per_s")!) vs \(uncut) uncut (seed 6)")
    }
}

struct CallPatternTraceTests {
    @Test func traceRowsMatchTheLatencyHistogram() throws {
        let s = try CallPatternTests.scenario(rate: 100)
        var spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .milliseconds(300), warmUp: .milliseconds(50))
        spec.keepTrace = true
        let r = s.run(design: "sync", spec: spec)
        #expect(r.traceHeader == ["request", "client", "created_ns", "completed_ns", "latency_ns", "attempts"])
        #expect(Double(r.traceRows.count) == r.value("request_latency_count")!)
        let mean = r.traceRows.map { Double($0[4])! }.reduce(0, +) / Double(r.traceRows.count)
        #expect(abs(mean - r.value("request_latency_mean")!) <= 1e-6 * mean)
        spec.keepTrace = false
        #expect(s.run(design: "sync", spec: spec).traceRows.isEmpty)
    }
}
