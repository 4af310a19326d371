import Foundation
import LatSimCore
import LatSimGraph
import Testing

/// The determinism contract on graphs: same graph and seed => identical results; a component
/// added elsewhere does not change another component's draws (common random numbers); and
/// the message pool stays bounded for a stable system.
@Suite struct DeterminismTests {
    static let base = """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: 800}
          - {name: gateway, type: station, workers: 2, service_time: {type: lognormal, median: 1ms, sigma: 0.6}}
          - {name: done, type: sink}
        connections:
          - {from: feed.out, to: gateway.in, link: {latency: {type: exponential, mean: 100us}, loss: 0.01}}
          - {from: gateway.out, to: done.in, link: {type: uniform, lower: 50us, upper: 150us}}
        paths:
          - {name: through, from: feed, to: done}
        """

    /// The base graph with an unrelated source and sink listed first (so every instance id,
    /// type-local index, connection index and pool slot of the base components moves).
    static let withNeighbour = """
        components:
          - {name: noise, type: source, arrival: poisson, rate_per_s: 3000}
          - {name: noise-sink, type: sink}
          - {name: feed, type: source, arrival: poisson, rate_per_s: 800}
          - {name: gateway, type: station, workers: 2, service_time: {type: lognormal, median: 1ms, sigma: 0.6}}
          - {name: done, type: sink}
        connections:
          - {from: noise.out, to: noise-sink.in, link: {latency: {type: exponential, mean: 30us}}}
          - {from: feed.out, to: gateway.in, link: {latency: {type: exponential, mean: 100us}, loss: 0.01}}
          - {from: gateway.out, to: done.in, link: {type: uniform, lower: 50us, upper: 150us}}
        paths:
          - {name: through, from: feed, to: done}
        """

    /// Metrics compared by bit pattern: NaN (no observations) equals NaN, and -0 differs from 0.
    static func bits(_ result: ReplicationResult, prefixes: [String]? = nil) -> [String: UInt64] {
        var map: [String: UInt64] = [:]
        for metric in result.metrics where prefixes == nil || prefixes!.contains(where: { metric.name.hasPrefix($0) }) {
            map[metric.name] = metric.value.bitPattern
        }
        return map
    }

    @Test func sameGraphAndSeedGiveIdenticalResults() throws {
        let seed = GraphTestSeed.root
        let spec = try GraphSupport.spec(Self.base)
        let replication = ReplicationSpec(replication: 3, rootSeed: seed, horizon: .seconds(Int64(2)), warmUp: .milliseconds(200))
        let first = GraphRun.run(spec, replication: replication)
        let second = GraphRun.run(try GraphSupport.spec(Self.base), replication: replication)   // decoded again
        #expect(first.eventsProcessed == second.eventsProcessed && first.eventsProcessed > 3_000)
        #expect(first.metrics.map(\.name) == second.metrics.map(\.name))
        #expect(Self.bits(first) == Self.bits(second), "same graph, same seed \(seed): results differ")
        // ReplicationResult's own == treats NaN as unequal; the metrics here with no observations are NaN.
        let nan = first.metrics.filter { $0.value.isNaN }.map(\.name)
        print("determinism: \(first.metrics.count) metrics, \(first.eventsProcessed) events; NaN metrics: \(nan)")
        if nan.isEmpty { #expect(first == second) }
        // Another replication and another seed do differ.
        let other = GraphRun.run(spec, replication: ReplicationSpec(replication: 4, rootSeed: seed, horizon: .seconds(Int64(2)),
                                                                     warmUp: .milliseconds(200)))
        #expect(other.value("gateway.sojourn_mean") != first.value("gateway.sojourn_mean"), "replications must not share streams (seed \(seed))")
    }

    @Test func addingAComponentElsewhereLeavesDrawsUnchanged() throws {
        let seed = GraphTestSeed.root
        let replication = ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(Int64(2)), warmUp: .milliseconds(200))
        let alone = GraphRun.run(try GraphSupport.spec(Self.base), replication: replication)
        let beside = GraphRun.run(try GraphSupport.spec(Self.withNeighbour), replication: replication)
        let prefixes = ["feed.", "gateway.", "done.", "link.feed-gateway.", "link.gateway-done.", "through."]
        let a = Self.bits(alone, prefixes: prefixes), b = Self.bits(beside, prefixes: prefixes)
        #expect(a.count > 40 && a.keys.sorted() == b.keys.sorted())
        for name in a.keys.sorted() where a[name] != b[name] {
            Issue.record("\(name): \(Double(bitPattern: a[name]!)) alone, \(Double(bitPattern: b[name]!)) beside another source (seed \(seed))")
        }
        #expect(beside.value("noise-sink.received")! > 5_000, "the neighbour did run")
    }

    /// Two independent lines, `a` and `b`. `faults` is the model's fault list.
    static func twoLines(faults: String) -> String {
        """
        components:
          - {name: feed-a, type: source, arrival: poisson, rate_per_s: 500}
          - {name: a, type: station, service_time: {type: exponential, mean: 1ms}}
          - {name: feed-b, type: source, arrival: poisson, rate_per_s: 500}
          - {name: b, type: station, service_time: {type: exponential, mean: 1ms}}
        connections:
          - {from: feed-a.out, to: a.in, link: 0s}
          - {from: feed-b.out, to: b.in, link: 0s}
        faults:
        \(faults)
        """
    }

    // Outages of the sources (a source that is down creates nothing; no message meets a down target).
    static let faultOnB = "  - {target: feed-b, mtbf: {type: exponential, mean: 200ms}, mttr: {type: exponential, mean: 20ms}}"
    static let faultOnA = "  - {target: feed-a, mtbf: {type: exponential, mean: 300ms}, mttr: {type: exponential, mean: 10ms}}"

    @Test func addingAFaultElsewhereLeavesAnotherFaultsOutagesUnchanged() throws {
        let seed = GraphTestSeed.root
        let replication = ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(Int64(2)), warmUp: .milliseconds(100))
        let alone = GraphRun.run(try GraphSupport.spec(Self.twoLines(faults: Self.faultOnB)), replication: replication)
        let beside = GraphRun.run(try GraphSupport.spec(Self.twoLines(faults: Self.faultOnA + "\n" + Self.faultOnB)), replication: replication)
        #expect(beside.value("feed-a.down_time")! > 0, "the added fault did take feed-a down (seed \(seed))")
        #expect(alone.value("feed-b.down_time")! > 0)
        print("feed-b down time: \(alone.value("feed-b.down_time")!) ns alone, \(beside.value("feed-b.down_time")!) ns with a fault on feed-a listed first")
        // Common random numbers: b's outages, and so every metric of its line, must not depend on a's fault.
        let prefixes = ["b.", "feed-b.", "link.feed-b-b."]
        #expect(Self.bits(alone, prefixes: prefixes) == Self.bits(beside, prefixes: prefixes),
                "feed-b's outages changed when a fault on feed-a was added (seed \(seed))")
    }

    @Test func messagePoolStaysBoundedForAStableSystem() throws {
        // M/M/1 at rho 0.5: the most messages alive at once grows like log(n) / log(1 / rho)
        // with the number of customers n, so 8 times the horizon adds about 3, not 8 times as many.
        let yaml = """
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 1000}
              - {name: gateway, type: station, service_time: {type: exponential, mean: 500us}}
              - {name: done, type: sink}
            connections:
              - {from: feed.out, to: gateway.in, link: 200us}
              - {from: gateway.out, to: done.in, link: 200us}
            """
        var peaks: [Double] = []
        for seconds in [Int64(1), 8] {
            let result = try GraphSupport.run(yaml, seed: GraphTestSeed.root, horizon: .seconds(seconds))
            let peak = result.value("graph.messages_pending_max")!, end = result.value("graph.messages_pending_end")!
            print("messages pending, horizon \(seconds) s: max \(peak), at the end \(end), received \(result.value("done.received")!)")
            #expect(result.value("done.received")! > Double(seconds) * 900)
            // P(more than 40 alive) at rho 0.5 plus two links of 0.2 ms at 1/ms is below 1e-9 per customer.
            #expect(peak <= 40, "pool peak \(peak) at horizon \(seconds) s (seed \(GraphTestSeed.root))")
            #expect(end <= 40)
            #expect(result.value("graph.ledger_balanced") == 1)
            peaks.append(peak)
        }
        #expect(peaks[1] <= peaks[0] + 10, "the pool's peak grew with the horizon: \(peaks) (seed \(GraphTestSeed.root))")
    }
}
