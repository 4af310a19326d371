import LatSimTestSupport
import Foundation
import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// Networks of stations built as graphs against queueing theory: a Jackson tandem, a Jackson
/// network with feedback through weighted routers (traffic equations and product form), a
/// closed loop against exact MVA, a probabilistic fork, and join-shortest-queue against random
/// routing. Links are 0 s, so times are the stations' own. Theory in milliseconds.
///
/// Tolerances: as `SingleStationTheoryTests` (theory inside the 99.9% replication CI, whose
/// half-width is below a stated fraction of the theory value: 1.3 to 1.5 times the largest
/// half-width seen over seeds 20261126, 7 and 99), unless a test says otherwise.
@Suite struct NetworkTheoryTests {
    static let replications = 8
    static let millisecond = 1e-6   // ns -> ms
    static let warmUp = SimDuration.milliseconds(500)

    @Test func jacksonTandemSojournsAdd() throws {
        // lambda 1/ms through stations of mean 0.6 ms and 0.75 ms (rho 0.6, 0.75). 8 x 6,000 customers.
        let lambda = 1.0, s1 = 0.6, s2 = 0.75
        let yaml = """
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 1000}
              - {name: first, type: station, service_time: {type: exponential, mean: 600us}}
              - {name: second, type: station, service_time: {type: exponential, mean: 750us}}
              - {name: done, type: sink}
            connections:
              - {from: feed.out, to: first.in, link: 0s}
              - {from: first.out, to: second.in, link: 0s}
              - {from: second.out, to: done.in, link: 0s}
            paths:
              - {name: through, from: feed, to: done}
            """
        let results = try GraphSupport.replicate(yaml, replications: Self.replications, horizon: .seconds(Int64(6)), warmUp: Self.warmUp)
        let w1 = s1 / (1 - lambda * s1), w2 = s2 / (1 - lambda * s2)
        // Burke: the first station's departures are Poisson, so the second is M/M/1 too and the sojourns add.
        checkTheory(GraphSupport.estimate(results, "first.sojourn_mean", scale: Self.millisecond), w1, relativeBound: 0.14,
                    "tandem station 1 sojourn S1 / (1 - rho1) (ms)")
        checkTheory(GraphSupport.estimate(results, "second.sojourn_mean", scale: Self.millisecond), w2, relativeBound: 0.24,
                    "tandem station 2 sojourn S2 / (1 - rho2) (ms)")
        checkTheory(GraphSupport.estimate(results, "through.latency_mean", scale: Self.millisecond), w1 + w2, relativeBound: 0.19,
                    "tandem end-to-end sojourn W1 + W2 (ms)")
        for (r, result) in results.enumerated() {
            // The path's breakdown: no wire time on 0 s links; wait + service = latency.
            #expect(result.value("through.wire_mean") == 0, "wire time on 0 s links (seed \(GraphTestSeed.root), replication \(r))")
        }
    }

    /// source (gamma = 0.5/ms) -> a -> split -> b (0.6) | c (0.4); b -> back -> a (0.25) | done (0.75); c -> done.
    static let feedbackNetwork = """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: 500}
          - {name: a, type: station, service_time: {type: exponential, mean: 1200us}}
          - {name: split, type: router, policy: weighted}
          - {name: b, type: station, service_time: {type: exponential, mean: 1500us}}
          - {name: c, type: station, service_time: {type: exponential, mean: 3ms}}
          - {name: back, type: router, policy: weighted}
          - {name: done, type: sink}
        connections:
          - {from: feed.out, to: a.in, link: 0s}
          - {from: a.out, to: split.in, link: 0s}
          - {from: split.out, to: b.in, link: 0s, weight: 0.6}
          - {from: split.out, to: c.in, link: 0s, weight: 0.4}
          - {from: b.out, to: back.in, link: 0s}
          - {from: back.out, to: a.in, link: 0s, weight: 0.25}
          - {from: back.out, to: done.in, link: 0s, weight: 0.75}
          - {from: c.out, to: done.in, link: 0s}
        """

    @Test func jacksonNetworkWithFeedback() throws {
        // Traffic equations lambda_i = gamma_i + sum_j lambda_j p_ji, solved in closed form:
        // lambda_a = gamma + 0.25 lambda_b, lambda_b = 0.6 lambda_a, lambda_c = 0.4 lambda_a.
        let gamma = 0.5
        let lambdaA = gamma / (1 - 0.6 * 0.25), lambdaB = 0.6 * lambdaA, lambdaC = 0.4 * lambdaA
        // Bounds per station: c (3 ms service, the fewest visits) has the widest intervals.
        let stations: [(name: String, lambda: Double, service: Double, utilisationBound: Double, inSystemBound: Double)] =
            [("a", lambdaA, 1.2, 0.06, 0.25), ("b", lambdaB, 1.5, 0.06, 0.18), ("c", lambdaC, 3.0, 0.09, 0.40)]
        let horizon = SimDuration.seconds(Int64(14))   // 8 x 7,000 external arrivals, 8,200 visits to a
        let results = try GraphSupport.replicate(Self.feedbackNetwork, replications: Self.replications, horizon: horizon, warmUp: Self.warmUp)
        for s in stations {
            let rho = s.lambda * s.service
            // Jackson: the product form makes each station an M/M/1 at its own rate, though the
            // feedback makes its arrival process non-Poisson.
            checkTheory(GraphSupport.estimate(results, "\(s.name).utilisation"), rho, relativeBound: s.utilisationBound,
                        "feedback network \(s.name): utilisation lambda_i S_i")
            checkTheory(GraphSupport.estimate(results, "\(s.name).in_system_mean"), rho / (1 - rho), relativeBound: s.inSystemBound,
                        "feedback network \(s.name): L_i = rho_i / (1 - rho_i)")
            checkTheory(GraphSupport.estimate(results) { $0.value("\(s.name).started")! / horizon.seconds / 1e3 }, s.lambda,
                        relativeBound: 0.065, "feedback network \(s.name): visit rate lambda_i (per ms)")
        }
        checkTheory(GraphSupport.estimate(results) { $0.value("done.throughput_per_s")! / 1e3 }, gamma, relativeBound: 0.04,
                    "feedback network: departures = gamma (per ms)")
        // Little's law at every station of every replication, visits counted separately.
        for (r, result) in results.enumerated() {
            for s in stations {
                let l = result.value("\(s.name).in_system_mean")!
                let lambdaW = result.value("\(s.name).started")! / Double(horizon.nanoseconds) * result.value("\(s.name).sojourn_mean")!
                #expect(abs(l - lambdaW) <= 0.03 * l,
                        "Little at \(s.name): L \(l) vs lambda W \(lambdaW) (seed \(GraphTestSeed.root), replication \(r))")
            }
        }
    }

    /// N customers, exponential think time Z = 5 ms, one exponential station S = 1 ms that replies.
    static func closedLoop(_ population: String) -> String {
        """
        components:
          \(population)
          - {name: gateway, type: station, service_time: {type: exponential, mean: 1ms}}
        connections:
          - {from: users.out, to: gateway.in, link: 0s}
        paths:
          - {name: cycle, from: users, to: users}
        """
    }

    @Test(arguments: [
        ("closed source", "- {name: users, type: source, arrival: closed, population: 10, think_time: {type: exponential, mean: 5ms}}"),
        ("blocking clients", "- {name: users, type: client, count: 10, window: 1, arrival: closed, think_time: {type: exponential, mean: 5ms}}"),
    ])
    func closedLoopAgainstMVA(design: String, population: String) throws {
        let n = 10, think = 5.0, service = 1.0
        let exact = QueueingTheory.mva(population: n, think: think, service: service)
        let horizon = SimDuration.seconds(Int64(5))   // 8 x 6,800 cycles
        let results = try GraphSupport.replicate(Self.closedLoop(population), replications: Self.replications, horizon: horizon,
                                                 warmUp: Self.warmUp)
        let throughput = GraphSupport.estimate(results) { $0.value("gateway.started")! / horizon.seconds / 1e3 }
        checkTheory(throughput, exact.throughput, relativeBound: 0.045, "closed loop (\(design)) throughput X, exact MVA (per ms)")
        let response = GraphSupport.estimate(results, "cycle.latency_mean", scale: Self.millisecond)
        checkTheory(response, exact.response, relativeBound: 0.10, "closed loop (\(design)) response time R, exact MVA (ms)")
        checkTheory(GraphSupport.estimate(results, "gateway.sojourn_mean", scale: Self.millisecond), exact.response, relativeBound: 0.10,
                    "closed loop (\(design)) station sojourn = R on 0 s links (ms)")
        // The interactive response-time law X = N / (Z + R), with the measured R: 1% (it is exact up to boundary terms).
        let law = Double(n) / (think + response.mean)
        #expect(abs(throughput.mean - law) <= 0.01 * law, "X = N / (Z + R): \(throughput.mean) vs \(law) (seed \(GraphTestSeed.root))")
        // A closed source holds one message per customer; a client two (the request it keeps and the attempt in flight).
        let held = design == "closed source" ? n : 2 * n
        for (r, result) in results.enumerated() {
            #expect(result.value("graph.messages_pending_max")! <= Double(held),
                    "a closed population of \(n) never holds more than \(held) messages (seed \(GraphTestSeed.root), replication \(r))")
        }
    }

    @Test func weightedForkSplitsBinomially() throws {
        // Weights 1 and 3 (not normalised): fractions 0.25 and 0.75.
        let yaml = """
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 4000}
              - {name: split, type: router, policy: weighted}
              - {name: left, type: sink}
              - {name: right, type: sink}
            connections:
              - {from: feed.out, to: split.in, link: 0s}
              - {from: split.out, to: left.in, link: 0s, weight: 1}
              - {from: split.out, to: right.in, link: 0s, weight: 3}
            """
        for r in 0..<2 {
            let result = try GraphSupport.run(yaml, seed: GraphTestSeed.root, replication: r, horizon: .seconds(Int64(5)))
            let left = result.value("left.received")!, right = result.value("right.received")!, n = left + right
            #expect(n == result.value("split.received")!, "every routed message reaches a sink")
            let p = 0.25, sd = (p * (1 - p) / n).squareRoot()
            print("weighted fork, replication \(r): left fraction \(left / n) of \(Int(n)); theory \(p) ± \(4 * sd) (4 sd)")
            // 4 binomial standard deviations: two-sided 99.994% for ~20,000 messages.
            #expect(abs(left / n - p) <= 4 * sd, "left fraction \(left / n) vs \(p) ± \(4 * sd) (seed \(GraphTestSeed.root), replication \(r))")
            #expect(n > 18_000)
        }
    }

    @Test func joinShortestQueueBeatsRandomAtHighLoad() throws {
        // Four M/M/1 servers at rho 0.9 behind one router; the designs differ only in its policy
        // and are paired on the same seed (common random numbers: the same arrivals).
        let yaml = """
            components:
              - {name: feed, type: source, arrival: poisson, rate_per_s: 3600}
              - {name: lb, type: router, policy: random}
              - {name: servers, type: station, count: 4, service_time: {type: exponential, mean: 1ms}}
            connections:
              - {from: feed.out, to: lb.in, link: 0s}
              - {from: lb.out, to: servers.in, link: 0s}
            designs:
              random: {components.lb.policy: random}
              jsq: {components.lb.policy: shortest-queue}
            """
        let scenario = try GraphScenario(config: try YAMLConfig.parse(yaml, file: "jsq.yaml", path: "model"))
        #expect(scenario.designs == ["random", "jsq"])
        let c = 4, lambda = 3.6   // per ms
        let pooled = QueueingTheory.erlangC(servers: c, offeredLoad: lambda) / (Double(c) - lambda)   // M/M/4: a lower bound for JSQ
        var ratios: [Double] = []
        for r in 0..<3 {   // 3 x 14,400 customers per design
            let spec = ReplicationSpec(replication: r, rootSeed: GraphTestSeed.root, horizon: .seconds(Int64(4)), warmUp: Self.warmUp)
            let random = scenario.run(design: "random", spec: spec).value("servers.wait_mean")! * Self.millisecond
            let jsq = scenario.run(design: "jsq", spec: spec).value("servers.wait_mean")! * Self.millisecond
            print("rho 0.9 over 4 servers, replication \(r): mean wait random \(random) ms (M/M/1: 9), JSQ \(jsq) ms (M/M/4 pooled: \(pooled))")
            ratios.append(jsq / random)
            // Random routing makes four M/M/1 queues at 0.9 (Wq = 9 ms); JSQ is close to the pooled M/M/4
            // (Wq = 2.0 ms). A clear margin: JSQ below half of random in every paired replication.
            #expect(jsq < 0.5 * random, "JSQ \(jsq) ms vs random \(random) ms (seed \(GraphTestSeed.root), replication \(r))")
            #expect(jsq >= 0.8 * pooled, "JSQ cannot beat a pooled queue by much: \(jsq) vs M/M/4 \(pooled) (seed \(GraphTestSeed.root))")
        }
        print("JSQ / random mean wait ratios: \(ratios)")
    }
}
