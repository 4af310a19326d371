import LatSimTestSupport
import Foundation
import LatSimCore
import LatSimGraph
import Testing

/// The client's renewal arrivals and unlimited window, and the station's rejections
/// (`overflow: reject`, `reject_probability`), against closed forms: GI/M/1 (D/M/1), M/M/1/K
/// loss, and Poisson thinning. Zero-latency links, so the client's latency is the station's
/// sojourn. Tolerance as in `SingleStationTheoryTests`: the theory value lies in the 99.9% CI
/// over replications, and the half-width is below a bound about 1.5 times the one measured at
/// the default seed (so a model that became noisy fails, not an unlucky seed).
@Suite struct RejectionTheoryTests {
    static let replications = 8
    static let millisecond = 1e-6   // ns -> ms
    static let warmUp = SimDuration.milliseconds(500)

    /// client -> station over a 0 s link; the station replies (no `out`).
    static func clientStation(client: String, station: String) -> String {
        """
        components:
          - {name: bot, type: client, \(client)}
          - {name: server, type: station, \(station)}
        connections:
          - {from: bot.out, to: server.in, link: 0s}
        """
    }

    /// GI/M/1: sigma solves sigma = A*(mu (1 - sigma)), A* the Laplace transform of the
    /// interarrival time; here deterministic, A*(s) = exp(-s T). Mean sojourn 1 / (mu (1 - sigma)).
    static func dm1Sojourn(interarrival t: Double, mu: Double) -> Double {
        var sigma = 0.5
        for _ in 0..<10_000 { sigma = exp(-mu * t * (1 - sigma)) }
        return 1 / (mu * (1 - sigma))
    }

    @Test func renewalArrivalsIntoOneWorkerAreDM1() throws {
        let t = 1.25, mu = 1.0   // ms: lambda 0.8 per ms; 8 x 4,000 requests
        let results = try GraphSupport.replicate(
            Self.clientStation(client: "arrival: open, window: unlimited, interarrival: 1.25ms",
                               station: "workers: 1, service_time: {type: exponential, mean: 1ms}"),
            replications: Self.replications, horizon: .seconds(Int64(5)), warmUp: Self.warmUp)
        let sojourn = Self.dm1Sojourn(interarrival: t, mu: mu)   // 2.6927 ms (sigma 0.6286)
        checkTheory(GraphSupport.estimate(results, "bot.latency_mean", scale: Self.millisecond), sojourn, relativeBound: 0.3,
                    "D/M/1 mean sojourn 1 / (mu (1 - sigma)), sigma = exp(-mu T (1 - sigma)) (ms)")
        checkTheory(GraphSupport.estimate(results, "bot.throughput_per_s"), 800, relativeBound: 0.01, "D/M/1 throughput 1 / T (per s)")
        for result in results {
            #expect(result.value("bot.queue_length_mean") == 0, "an unlimited window never queues at the client")
            #expect(result.value("bot.drop_rate") == 0, "nothing is rejected without a capacity")
        }
    }

    @Test func unlimitedWindowHoldsMoreThanAnyFixedWindow() throws {
        // 1,000,000 requests/s into an infinite server of 100 ms: 100,000 in flight, above the largest
        // fixed window (65,535). None waits at the client; every latency is the service time.
        let results = try GraphSupport.replicate(
            Self.clientStation(client: "arrival: open, window: unlimited, rate_per_s: 1000000",
                               station: "workers: 1000000, service_time: 100ms"),
            replications: 1, horizon: .milliseconds(150), warmUp: .zero)
        let result = results[0]
        #expect((result.value("graph.messages_pending_max") ?? 0) > 90_000)
        #expect(result.value("bot.queue_length_mean") == 0)
        #expect(result.value("bot.latency_max") == result.value("bot.latency_p50"))
        #expect(abs((result.value("bot.latency_mean") ?? 0) - 100e6) < 1e3)
        #expect((result.value("bot.completed") ?? 0) > 40_000)
    }

    @Test func rejectOverflowLosesTheMM1KShare() throws {
        let lambda = 0.9, mu = 1.0, capacity = 2   // K = capacity + 1 in the system; 8 x 9,000 requests
        let results = try GraphSupport.replicate(
            Self.clientStation(client: "arrival: open, window: unlimited, rate_per_s: 900",
                               station: "workers: 1, service_time: {type: exponential, mean: 1ms}, capacity: \(capacity), overflow: reject"),
            replications: Self.replications, horizon: .seconds(Int64(10)), warmUp: Self.warmUp)
        let loss = QueueingTheory.mm1kLoss(rho: lambda / mu, capacity: capacity + 1)   // 0.2120
        checkTheory(GraphSupport.estimate(results, "bot.drop_rate"), loss, relativeBound: 0.05,
                    "M/M/1/3 rejected share (1 - rho) rho^K / (1 - rho^(K + 1))")
        for result in results {
            // Zero-latency links: each rejection is answered at the instant it is made.
            let rejected = result.value("bot.rejected") ?? -1, dropped = result.value("server.dropped") ?? -2
            #expect(abs(rejected - dropped) <= 1, "client rejected \(rejected) vs station dropped \(dropped)")
            let completed = result.value("bot.completed") ?? 0
            #expect(result.value("bot.drop_rate") == rejected / (rejected + completed))
            #expect(result.value("bot.latency_count") == completed, "rejections are not latencies")
        }
    }

    @Test func rejectProbabilityThinsThePoissonArrivals() throws {
        // Rejected with p = 0.25 on arrival: the admitted requests are Poisson(0.6 per ms): M/M/1 with
        // sojourn 1 / (mu - 0.6) = 2.5 ms. 8 x 4,800 admitted requests.
        let results = try GraphSupport.replicate(
            Self.clientStation(client: "arrival: open, window: unlimited, rate_per_s: 800",
                               station: "workers: 1, service_time: {type: exponential, mean: 1ms}, reject_probability: 0.25"),
            replications: Self.replications, horizon: .seconds(Int64(8)), warmUp: Self.warmUp)
        checkTheory(GraphSupport.estimate(results, "bot.drop_rate"), 0.25, relativeBound: 0.04, "rejected share = reject_probability")
        checkTheory(GraphSupport.estimate(results, "bot.latency_mean", scale: Self.millisecond), 2.5, relativeBound: 0.2,
                    "M/M/1 sojourn of the thinned arrivals 1 / (mu - (1 - p) lambda) (ms)")
        checkTheory(GraphSupport.estimate(results, "server.utilisation"), 0.6, relativeBound: 0.05, "utilisation (1 - p) lambda / mu")
    }

    @Test func closedClientThinksAfterARejection() throws {
        // One closed client, window 1, think 2 ms, service 1 ms, p = 0.5: a cycle is think + (service if
        // admitted): mean 2 + 0.5 ms, so answers arrive at 400/s, half of them rejections.
        let results = try GraphSupport.replicate(
            Self.clientStation(client: "window: 1, think_time: {type: exponential, mean: 2ms}",
                               station: "workers: 1, service_time: {type: exponential, mean: 1ms}, reject_probability: 0.5"),
            replications: Self.replications, horizon: .seconds(Int64(5)), warmUp: Self.warmUp)
        checkTheory(GraphSupport.estimate(results) { ($0.value("bot.throughput_per_s") ?? .nan) / 0.5 }, 400, relativeBound: 0.06,
                    "answers per second 1 / (E think + p_admit E service), from throughput / (1 - p)")
        checkTheory(GraphSupport.estimate(results, "bot.latency_mean", scale: Self.millisecond), 1, relativeBound: 0.1,
                    "latency of the admitted: the service time (ms)")
    }

    @Test func dropRateIsNaNWhenNothingWasAnswered() throws {
        let result = try GraphSupport.run(Self.clientStation(client: "arrival: open, rate_per_s: 0.001",
                                                             station: "service_time: 1ms, overflow: reject"),
                                          horizon: .seconds(Int64(1)))
        #expect(result.value("bot.drop_rate")?.isNaN == true)
        #expect(result.value("bot.rejected") == 0)
    }

    @Test func newKeysAreChecked() throws {
        func error(_ client: String, _ station: String = "service_time: 1ms") -> String {
            do {
                _ = try GraphSupport.spec(Self.clientStation(client: client, station: station))
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(error("window: unlimited").contains("arrival: closed"))
        #expect(error("arrival: open, rate_per_s: 10, interarrival: 1ms").contains("both rate_per_s and interarrival"))
        #expect(error("arrival: closed, interarrival: 1ms").contains("applies to arrival: open only"))
        #expect(error("arrival: open, interarrival: 0ms").contains("interarrival"))
        #expect(error("arrival: open, rate_per_s: 10", "service_time: 1ms, overflow: rejected").contains("reject"))
        #expect(error("arrival: open, rate_per_s: 10", "service_time: 1ms, reject_probability: 1.5").contains("reject_probability"))
        #expect(error("arrival: open, window: unlimited, interarrival: 1ms") == "no error")
    }
}
