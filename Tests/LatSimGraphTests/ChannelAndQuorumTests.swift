import Foundation
import LatSimCore
import LatSimExperiments
@testable import LatSimGraph
import Testing

/// A `delay` with `draws`/`quorum` (a relayer quorum: the k-th smallest of n draws) against the
/// order statistic's closed forms, and a `settlement`'s `channel:` (ordered nonces, failures and
/// retries) against references computed here from the run's own arrival and block times.
@Suite struct ChannelAndQuorumTests {
    static let seed: UInt64 = 5_150

    // MARK: The relayer quorum

    /// P(X_(k) <= t) for the k-th smallest of n i.i.d. draws with CDF F(t) = p: the binomial tail
    /// sum_{j >= k} C(n, j) p^j (1 - p)^(n - j).
    static func orderStatisticCDF(_ p: Double, k: Int, n: Int) -> Double {
        var total = 0.0
        for j in k...n {
            var binomial = 1.0
            for i in 0..<j { binomial *= Double(n - i) / Double(i + 1) }
            total += binomial * pow(p, Double(j)) * pow(1 - p, Double(n - j))
        }
        return total
    }

    @Test("2 of 3 relayers with Exp(1 s) latencies: mean 1/3 + 1/2 s, median and p90 of the order statistic")
    func quorumIsTheKthOrderStatistic() throws {
        let graph = """
            components:
              - {name: packets, type: source, arrival: poisson, rate_per_s: 50}
              - {name: relayers, type: delay, delay: {type: exponential, mean: 1s}, draws: 3, quorum: 2}
              - {name: done, type: sink}
            connections:
              - {from: packets.out, to: relayers.in, link: 0ms}
              - {from: relayers.out, to: done.in, link: 0ms}
            paths:
              - {name: attest, from: packets, to: done}
            """
        let results = try GraphSupport.replicate(graph, seed: Self.seed, replications: 6, horizon: .seconds(Int64(100)), warmUp: .seconds(Int64(10)))
        // The k-th order statistic of n Exp(mu): mu * sum_{i < k} 1 / (n - i) (Renyi's representation).
        checkTheory(GraphSupport.estimate(results, "attest.latency_mean", scale: 1e-9), 1.0 / 3 + 1.0 / 2, relativeBound: 0.05,
                    "2-of-3 attestation mean (s)", seed: Self.seed)
        // Quantiles: invert the binomial tail by bisection (independent of the model's sort).
        for (metric, q) in [("attest.latency_p50", 0.5), ("attest.latency_p90", 0.9)] {
            var low = 0.0, high = 20.0
            for _ in 0..<100 {
                let t = (low + high) / 2
                if Self.orderStatisticCDF(1 - exp(-t), k: 2, n: 3) < q { low = t } else { high = t }
            }
            checkTheory(GraphSupport.estimate(results, metric, scale: 1e-9), low, relativeBound: 0.08, "2-of-3 attestation \(metric) (s)",
                        seed: Self.seed)
        }
        // quorum = draws is the maximum: 3 of 3 has mean 1/3 + 1/2 + 1 s.
        let all = try GraphSupport.replicate(graph.replacingOccurrences(of: "quorum: 2", with: "quorum: 3"), seed: Self.seed, replications: 6,
                                             horizon: .seconds(Int64(100)), warmUp: .seconds(Int64(10)))
        checkTheory(GraphSupport.estimate(all, "attest.latency_mean", scale: 1e-9), 1.0 / 3 + 1.0 / 2 + 1, relativeBound: 0.05,
                    "3-of-3 attestation mean (s)", seed: Self.seed)
    }

    // MARK: The channel

    /// Packets from a Poisson source through heavy-tailed 2-of-3 relayers (arrival times invert
    /// often) into a 2 s slot chain with a channel.
    static func channelGraph(ordering: String, failure: Double = 0, window: String? = nil) -> String {
        var lines = ["components:", "  - {name: packets, type: source, arrival: poisson, rate_per_s: 0.5}"]
        if let window { lines.append("  - {name: sender, type: client, arrival: input, window: \(window)}") }
        lines += [
            "  - {name: relayers, type: delay, delay: {type: lognormal, median: 5s, sigma: 1}, draws: 3, quorum: 2}",
            "  - {name: destination, type: settlement, release: soft, layer: {type: chain, name: b, blocks: {type: slots, slot: 2s, "
                + "missed_probability: 0}, capacity: 1000, ordering: fifo, finality: {confirmations: 1}}, "
                + "channel: {ordering: \(ordering), failure_probability: \(failure), retry_delay: 20s}}",
            "  - {name: done, type: sink, acknowledge: true}",
            "connections:",
        ]
        if window != nil { lines.append("  - {from: packets.out, to: sender.in, link: 0ms}") }
        lines += [
            "  - {from: \(window == nil ? "packets" : "sender").out, to: relayers.in, link: 0ms}",
            "  - {from: relayers.out, to: destination.in, link: 0ms}",
            "  - {from: destination.out, to: done.in, link: 0ms}",
            "drain: {duration: 1h, until_empty: true}",
        ]
        return lines.joined(separator: "\n")
    }

    static func simulate(_ yaml: String) throws -> (GraphModel, SettlementChannelState, ReplicationResult, StopReason) {
        let spec = try GraphSupport.spec(yaml)
        let replication = ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(Int64(1_200)), keepTrace: true)
        let (simulation, reason) = GraphRun.simulate(spec, replication: replication)
        let model = simulation.model
        let channel = model.settlements.first { $0.channel != nil }!.channel!
        return (model, channel, GraphRun.run(spec, replication: replication), reason)
    }

    /// With no failures the ordered channel submits n at max_{m <= n} R_m (R: arrival times), so its
    /// head-of-line delay is max(0, max_{m < n} R_m - R_n) and it executes at the first block after
    /// that; the unordered channel executes at the first block after R_n.
    @Test("Ordered channel: head-of-line delay is the wait for the earlier nonce; unordered executes at the first block after arrival")
    func orderedHeadOfLineIsTheWaitForTheEarlierNonce() throws {
        let (orderedModel, ordered, orderedResult, _) = try Self.simulate(Self.channelGraph(ordering: "ordered"))
        let (_, unordered, unorderedResult, _) = try Self.simulate(Self.channelGraph(ordering: "unordered"))
        #expect(ordered.arrivals.map(\.at) == unordered.arrivals.map(\.at), "the same arrivals (common random numbers)")
        let blocks = orderedModel.settlements[0].layer.blockTimes.map(\.nanosecondsSinceStart)
        func firstBlock(after t: Int64) -> Int64? { blocks.first { $0 > t } }
        var arrival: [UInt32: Int64] = [:]
        for a in ordered.arrivals { arrival[a.nonce] = a.at }
        #expect(ordered.executions.map(\.nonce) == ordered.executions.map(\.nonce).sorted(), "ordered executes in nonce order")
        #expect(ordered.executions.count == ordered.arrivals.count && ordered.executions.count > 500, "all \(ordered.arrivals.count) executed")
        var latest: Int64 = -1, positive = 0
        for e in ordered.executions {
            let ready = arrival[e.nonce]!
            let expected = max(0, latest - ready)
            latest = max(latest, ready)
            #expect(e.headOfLine == expected, "nonce \(e.nonce), seed \(Self.seed)")
            #expect(e.at == firstBlock(after: latest), "nonce \(e.nonce), seed \(Self.seed)")
            if expected > 0 { positive += 1 }
        }
        for e in unordered.executions {
            #expect(e.at == firstBlock(after: arrival[e.nonce]!), "nonce \(e.nonce), seed \(Self.seed)")
            #expect(e.headOfLine == 0)
        }
        #expect(positive > 10, "head-of-line blocking happened: \(positive) packets")
        #expect(orderedResult.value("done.reordered") == 0)
        let inversions = unorderedResult.value("done.reordered")!
        #expect(inversions > 10, "an unordered channel executes out of order when arrivals invert: \(inversions)")
        let meanHOL = Double(ordered.executions.reduce(0) { $0 + $1.headOfLine }) / Double(ordered.executions.count)
        #expect(abs(orderedResult.value("destination.head_of_line_delay_mean")! - meanHOL) < 1e-6 * meanHOL, "the metric is the records' mean")
        print("channel (no failures): \(positive) packets held behind an earlier nonce, mean head-of-line \(meanHOL / 1e9) s; unordered reordered \(inversions)")
    }

    /// With failures: the ordered channel still executes in nonce order and a failed packet holds
    /// the later ones for at least the retry delay; each packet's attempts are geometric, so an
    /// unordered channel fails p / (1 - p) times per execution.
    @Test("Failures: an ordered channel stays in nonce order and a failure holds those behind it; failed attempts per execution p / (1 - p)")
    func failedPacketBlocksThoseBehindUntilRetried() throws {
        let (_, ordered, orderedResult, reason) = try Self.simulate(Self.channelGraph(ordering: "ordered", failure: 0.2))
        let (_, unordered, unorderedResult, _) = try Self.simulate(Self.channelGraph(ordering: "unordered", failure: 0.2))
        #expect(reason.description.contains("drained"), "the drain stops once everything executed: \(reason)")
        #expect(ordered.executions.map(\.nonce) == Array(1...UInt32(ordered.executions.count)), "nonce order despite failures (seed \(Self.seed))")
        #expect(orderedResult.value("done.reordered") == 0)
        #expect(unorderedResult.value("done.reordered")! > 0, "failures reorder an unordered channel (seed \(Self.seed))")
        #expect(orderedResult.value("graph.messages_pending_end") == 0 && unorderedResult.value("graph.messages_pending_end") == 0)
        #expect(orderedResult.value("destination.stale_deliveries")! > 0, "invalidated copies landed and were ignored")
        let heldForRetry = ordered.executions.filter { $0.headOfLine >= 20_000_000_000 }.count
        #expect(heldForRetry > 10, "packets held behind a retry: \(heldForRetry)")
        // Unordered: failures per execution ~ p / (1 - p) = 0.25. Over ~600 executions the ratio's
        // standard error is about sqrt(p) / ((1 - p) sqrt(n)) = 0.023: 4 standard errors.
        let ratio = unorderedResult.value("destination.failed_attempts")! / unorderedResult.value("destination.executed")!
        #expect(abs(ratio - 0.25) < 0.09, "failed attempts per execution \(ratio), theory 0.25 (seed \(Self.seed))")
        #expect(unordered.executions.count == unordered.arrivals.count)
        // Executions within the horizon (1,200 s) per hour; the drain's are not counted.
        let inHorizon = Double(unordered.executions.filter { $0.at < 1_200_000_000_000 }.count)
        #expect(inHorizon < Double(unordered.executions.count), "some executions fall in the drain")
        #expect(unorderedResult.value("destination.executed_per_hour") == inHorizon / (1_200.0 / 3_600), "executed_per_hour (seed \(Self.seed))")
        print("channel (p = 0.2): \(heldForRetry) packets held behind a retry; unordered failed attempts per execution \(ratio) (theory 0.25)")
    }

    /// Lock-step (a window-1 client before the relayers, confirmed by the acknowledging sink): packet
    /// n reaches the channel only after n - 1 executed.
    @Test("Lock-step: each packet reaches the channel only after the previous one executed")
    func lockStepWaitsForThePreviousExecution() throws {
        let (_, locked, lockedResult, _) = try Self.simulate(Self.channelGraph(ordering: "unordered", window: "1"))
        let (_, piped, pipedResult, _) = try Self.simulate(Self.channelGraph(ordering: "unordered", window: "unlimited"))
        var executed: [UInt32: Int64] = [:]
        for e in locked.executions { executed[e.nonce] = e.at }
        #expect(locked.arrivals.count > 100)
        for a in locked.arrivals where a.nonce > 1 {
            #expect(a.at >= executed[a.nonce - 1]!, "nonce \(a.nonce) arrived before \(a.nonce - 1) executed (seed \(Self.seed))")
        }
        #expect(lockedResult.value("sender.queue_length_mean")! > 1)
        #expect(pipedResult.value("sender.queue_length_mean") == 0)
        #expect(lockedResult.value("done.reordered") == 0, "one packet in flight never reorders")
        #expect(pipedResult.value("done.age_mean")! * 2 < lockedResult.value("done.age_mean")!)
    }

    /// Ported from the hand-written model's BoundedStateTests: a pipelined channel at 0.5 packets/s
    /// (each about 15 s in flight) keeps a few dozen packets and copies, whatever the horizon: the
    /// records are retired at execution, so 2 h and 8 h hold the same bound (500) while the long
    /// run processes 14,400. (Past its capacity a channel's backlog is pending work and grows.)
    @Test(arguments: ["ordered", "unordered"])
    func aChannelKeepsOnlyPacketsInFlight(ordering: String) throws {
        var processed: [Int] = []
        for hours in [Int64(2), 8] {
            let spec = try GraphSupport.spec(Self.channelGraph(ordering: ordering))
            let replication = ReplicationSpec(replication: 0, rootSeed: Self.seed, horizon: .seconds(hours * 3_600))
            let (simulation, _) = GraphRun.simulate(spec, replication: replication)
            let settlement = simulation.model.settlements[0], channel = settlement.channel!
            let entries = channel.lanes.values.reduce(0) { $0 + $1.entries.capacity }
            print("channel \(ordering) \(hours) h: capacities \(channel.copies.capacity) copies, \(entries) lane entries, "
                  + "\(settlement.pending.capacity) pending, \(channel.executed) executed")
            #expect(channel.copies.capacity <= 500 && entries <= 500 && settlement.pending.capacity <= 500,
                    "\(ordering) \(hours) h: \(channel.copies.capacity) copies, \(entries) entries, \(settlement.pending.capacity) pending (seed \(Self.seed))")
            #expect(channel.copies.isEmpty && channel.lanes.values.allSatisfy(\.entries.isEmpty), "every packet executed by the end of the drain")
            #expect(channel.arrivals.isEmpty && settlement.layer.blockTimes.isEmpty, "no records without a trace")
            processed.append(Int(channel.executed))
        }
        #expect(processed[1] > 10 * 500 && processed[1] > 3 * processed[0], "the long run processes far more than the bound: \(processed)")
    }

    // MARK: Config errors

    @Test func quorumAboveDrawsIsAnError() throws {
        let text = try GraphConfigErrorTests.failure("""
            components:
              - {name: a, type: source, rate_per_s: 1}
              - {name: relayers, type: delay, delay: 1s, draws: 3, quorum: 4}
              - {name: b, type: sink}
            connections:
              - {from: a.out, to: relayers.in, link: 0ms}
              - {from: relayers.out, to: b.in, link: 0ms}
            """)
        #expect(text.hasPrefix("graph.yaml:3:"), "\(text)")
        #expect(text.contains("quorum") && text.contains("1...3") && text.contains("given: 4"), "\(text)")
        let draws = try GraphConfigErrorTests.failure("""
            components:
              - {name: a, type: source, rate_per_s: 1}
              - {name: relayers, type: delay, delay: 1s, draws: 0}
              - {name: b, type: sink}
            connections:
              - {from: a.out, to: relayers.in, link: 0ms}
              - {from: relayers.out, to: b.in, link: 0ms}
            """)
        #expect(draws.contains("draws") && draws.contains("1...1000") && draws.contains("given: 0"), "\(draws)")
    }

    static func channelConfig(_ settlement: String) -> String {
        """
        components:
          - {name: a, type: source, rate_per_s: 1}
          - {name: destination, type: settlement, layer: cometbft, \(settlement)}
          - {name: b, type: sink}
        connections:
          - {from: a.out, to: destination.in, link: 0ms}
          - {from: destination.out, to: b.in, link: 0ms}
        """
    }

    @Test func channelErrorsNameTheKey() throws {
        let release = try GraphConfigErrorTests.failure(Self.channelConfig("release: final, channel: {ordering: ordered}"))
        #expect(release.hasPrefix("graph.yaml:3:") && release.contains("release") && release.contains("allowed: soft")
                && release.contains("given: final"), "\(release)")
        let ordering = try GraphConfigErrorTests.failure(Self.channelConfig("channel: {ordering: orderd}"))
        #expect(ordering.contains("ordering") && ordering.contains("ordered") && ordering.contains("orderd"), "\(ordering)")
        let retry = try GraphConfigErrorTests.failure(Self.channelConfig("channel: {failure_probability: 0.1, retry_delay: 0s}"))
        #expect(retry.contains("retry_delay") && retry.contains("1us") && retry.contains("given: 0s"), "\(retry)")
        let probability = try GraphConfigErrorTests.failure(Self.channelConfig("channel: {failure_probability: 1}"))
        #expect(probability.contains("failure_probability") && probability.contains("given: 1"), "\(probability)")
        let key = try GraphConfigErrorTests.failure(Self.channelConfig("channel: {retry: 1s}"))
        #expect(key.contains("retry") && key.contains("retry_delay"), "\(key)")
    }

    @Test func drainMappingErrors() throws {
        let base = Self.channelConfig("channel: {ordering: ordered}")
        let zero = try GraphConfigErrorTests.failure(base + "\ndrain: {duration: 0s, until_empty: true}")
        #expect(zero.contains("drain.duration"), "\(zero)")
        let flag = try GraphConfigErrorTests.failure(base + "\ndrain: {duration: 1h, until_empty: sometimes}")
        #expect(flag.contains("until_empty") && flag.contains("sometimes"), "\(flag)")
        let key = try GraphConfigErrorTests.failure(base + "\ndrain: {duration: 1h, until: empty}")
        #expect(key.contains("until") && key.contains("until_empty"), "\(key)")
    }
}
