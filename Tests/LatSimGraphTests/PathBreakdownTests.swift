import LatSimCore
import LatSimGraph
import Testing

/// The per-hop breakdown of a path sums to its end-to-end latency, by construction.
@Suite struct PathBreakdownTests {
    static let requestResponse = """
        components:
          - {name: bot, type: client, count: 5, window: 4, arrival: open, rate_per_s: 300, size_bytes: 256}
          - {name: risk, type: delay, delay: {type: exponential, mean: 50us}}
          - {name: gateway, type: station, workers: 2, service_time: {type: exponential, mean: 1ms}, reply_bytes: 512}
        connections:
          - {from: bot.out, to: risk.in, link: {latency: {type: lognormal, median: 200us, sigma: 0.5}, bandwidth_bytes_per_s: 1e7}}
          - {from: risk.out, to: gateway.in, link: 100us}
        paths:
          - {name: order, from: bot, to: bot}
        """

    @Test func breakdownSumsToLatency() throws {
        let result = try GraphSupport.run(PathBreakdownTests.requestResponse, horizon: .seconds(Int64(2)), warmUp: .milliseconds(200))
        let latency = try #require(result.value("order.latency_mean"))
        let parts = try #require(result.value("order.wire_mean")) + #require(result.value("order.wait_mean"))
            + #require(result.value("order.service_mean"))
        #expect(latency > 1e6)
        #expect(abs(parts - latency) <= 1e-9 * latency, "wire + wait + service = \(parts), latency = \(latency) (seed 1)")
        // Every component's and the client's latency agree: the path starts and ends at the bot.
        #expect(result.value("bot.latency_mean") == latency)
        #expect(result.value("graph.ledger_balanced") == 1)
    }

    @Test func unobservedPathIsNaNNotZero() throws {
        // Nothing completes within 1 ms: the path's latency is NaN, its count 0.
        let result = try GraphSupport.run(PathBreakdownTests.requestResponse, horizon: .milliseconds(1))
        #expect(result.value("order.latency_count") == 0)
        #expect(result.value("order.latency_mean")!.isNaN)
        #expect(result.value("order.wire_mean")!.isNaN)
    }
}
