import LatSimTestSupport
import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// The `settlement` component against the chain's closed forms. Transactions are rare (one per
/// 100 blocks on average) so that each sees its own blocks: the latencies are then independent
/// draws of the single-transaction laws docs/settlement.md derives.
@Suite struct SettlementComponentTests {
    static func graph(layer: String, release: String = "final") -> String {
        """
        components:
          - {name: trades, type: source, arrival: poisson, rate_per_s: 0.01}
          - {name: chain, type: settlement, layer: \(layer), release: \(release)}
          - {name: done, type: sink}
        connections:
          - {from: trades.out, to: chain.in, link: 0ms}
          - {from: chain.out, to: done.in, link: 0ms}
        paths:
          - {name: settle, from: trades, to: done}
        """
    }

    @Test("Poisson blocks (mean 10 s), 3 confirmations: inclusion Exp(10 s), finality Erlang(3, 10 s)")
    func poissonBlocksGiveErlangFinality() throws {
        let layer = "{type: chain, name: pow, blocks: {type: poisson, mean_interval: 10s}, capacity: 100, ordering: fee, finality: {confirmations: 3}}"
        let results = try GraphSupport.replicate(Self.graph(layer: layer), replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        checkTheory(GraphSupport.estimate(results, "chain.soft_latency_mean", scale: 1e-9), 10, relativeBound: 0.15, "inclusion mean (s)")
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_mean", scale: 1e-9), 30, relativeBound: 0.15, "finality mean (s)")
        // Erlang(3) median: the 0.5 quantile of Gamma(3, 10 s) = 26.74 s.
        let median = try Distribution.gamma(shape: 3, scale: 10e9).quantile(0.5) / 1e9
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_p50", scale: 1e-9), median, relativeBound: 0.15, "finality median (s)")
        // The path from trade to settled sink is the finality, all of it service (time in the layer).
        checkTheory(GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9), 30, relativeBound: 0.15, "path latency mean (s)")
        let service = GraphSupport.estimate(results, "settle.service_mean", scale: 1e-9)
        let latency = GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9)
        #expect(abs(service.mean - latency.mean) < 1e-6 * latency.mean, "the time in the layer is service: \(service) vs \(latency)")
    }

    @Test("Fixed 12 s slots released at inclusion: the residual is Uniform(0, 12 s], mean 6 s")
    func slotsReleasedSoft() throws {
        let layer = "{type: chain, name: pos, blocks: {type: slots, slot: 12s, missed_probability: 0}, capacity: 100, ordering: fifo, finality: {confirmations: 2}}"
        let results = try GraphSupport.replicate(Self.graph(layer: layer, release: "soft"), replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        checkTheory(GraphSupport.estimate(results, "settle.latency_mean", scale: 1e-9), 6, relativeBound: 0.15, "released at inclusion (s)")
        checkTheory(GraphSupport.estimate(results, "chain.final_latency_mean", scale: 1e-9), 18, relativeBound: 0.15, "finality, one slot later (s)")
        let maxSoft = results.map { $0.value("chain.soft_latency_max") ?? .nan }.max() ?? .nan
        #expect(maxSoft <= 12.1e9, "never more than one slot (histogram resolution): \(maxSoft)")
    }

    @Test("A bridge as settlement -> delay -> settlement: the mean is the sum of the stages' means (20 s + 5 s + 1 s)")
    func bridgeIsTheSumOfItsStages() throws {
        let graph = """
            components:
              - {name: transfers, type: source, arrival: poisson, rate_per_s: 0.01}
              - {name: source-chain, type: settlement, layer: {type: chain, name: src, blocks: {type: poisson, mean_interval: 10s}, capacity: 100, ordering: fee, finality: {confirmations: 2}}}
              - {name: relayer, type: delay, delay: {type: exponential, mean: 5s}}
              - {name: destination, type: settlement, layer: {type: chain, name: dst, blocks: {type: slots, slot: 2s, missed_probability: 0}, capacity: 100, ordering: fifo, finality: {confirmations: 1}}, release: soft}
              - {name: done, type: sink}
            connections:
              - {from: transfers.out, to: source-chain.in, link: 0ms}
              - {from: source-chain.out, to: relayer.in, link: 0ms}
              - {from: relayer.out, to: destination.in, link: 0ms}
              - {from: destination.out, to: done.in, link: 0ms}
            paths:
              - {name: bridge, from: transfers, to: done}
            """
        let results = try GraphSupport.replicate(graph, replications: 8, horizon: .seconds(Int64(60_000)), warmUp: .zero)
        // Source: Erlang(2, 10 s), mean 20 s; relayer: 5 s; destination inclusion: the residual of 2 s slots, mean 1 s.
        checkTheory(GraphSupport.estimate(results, "bridge.latency_mean", scale: 1e-9), 26, relativeBound: 0.15, "bridge mean (s)")
        checkTheory(GraphSupport.estimate(results, "source-chain.final_latency_mean", scale: 1e-9), 20, relativeBound: 0.15, "source finality (s)")
        checkTheory(GraphSupport.estimate(results, "destination.soft_latency_mean", scale: 1e-9), 1, relativeBound: 0.15, "destination inclusion (s)")
    }

    @Test("A preset by name decodes; a bad layer names the key")
    func presetsAndErrors() throws {
        let result = try GraphSupport.run(Self.graph(layer: "ethereum"), horizon: .seconds(Int64(3_600)))
        #expect(try #require(result.value("chain.transactions")) > 0)
        let text = try GraphConfigErrorTests.failure(Self.graph(layer: "etherium"))
        #expect(text.contains("layer"), "\(text)")
        #expect(text.contains("ethereum"), "\(text)")
    }
}
