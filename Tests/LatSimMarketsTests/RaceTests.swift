import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatSimNetwork
@testable import LatSimMarkets

/// Races for one quote at a matching engine, against closed forms and numerical integrals.
///
/// The harness is built from the layer's own parts: a `TopOfBook` with depth for one order,
/// a FIFO `ServiceStation` that matches at the start of service, and latencies drawn from
/// `Distribution`s. Each trial refreshes the quote at time k x 1 s, and each contender's order
/// reaches the engine after its own latency draw; the first order matched takes the depth.
struct RaceTests {
    struct Order { var contender: Int; var trial: Int }

    struct RaceModel: SimulationModel {
        enum Event { case open(trial: Int), withdraw(trial: Int), arrive(Order), done }
        var book = TopOfBook()
        var trial = -1
        var station: ServiceStation<Order>
        let engineStream: RandomStream
        let latencies: [Distribution]
        let lifetime: Distribution?
        let streams: [RandomStream]
        let lifetimeStream: RandomStream
        var wins: [Int]

        mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
            switch event {
            case .open(let k):
                trial = k
                book.refresh(mid: 100, halfSpreadFraction: 1e-4, depth: 1)
                for c in latencies.indices {
                    context.schedule(.arrive(Order(contender: c, trial: k)), after: latencies[c].sampleDuration(streams[c]))
                }
                if let lifetime { context.schedule(.withdraw(trial: k), after: lifetime.sampleDuration(lifetimeStream)) }
            case .withdraw(let k):
                if k == trial { book.askSize = 0 }
            case .arrive(let order):
                if case .started(let completion) = station.arrive(order, at: context.now, stream: engineStream) {
                    match(order, completion: completion, context: &context)
                }
            case .done:
                if let next = station.complete(at: context.now, stream: engineStream).started {
                    match(next.job, completion: next.completion, context: &context)
                }
            }
        }

        mutating func match(_ order: Order, completion: SimInstant, context: inout SimulationContext<Event>) {
            if order.trial == trial, book.take(.buy, limit: 101, quantity: 1) != nil { wins[order.contender] += 1 }
            context.schedule(.done, at: completion)
        }
    }

    func race(_ latencies: [Distribution], lifetime: Distribution? = nil, trials: Int, seed: UInt64) throws -> [Int] {
        let station = ServiceStation<Order>(workers: 1, service: try .exponential(mean: 20_000))
        var sim = Simulation(model: RaceModel(station: station,
                                              engineStream: RandomStream(rootSeed: seed, replication: 0, component: "engine"),
                                              latencies: latencies, lifetime: lifetime,
                                              streams: latencies.indices.map { RandomStream(rootSeed: seed, replication: 0, component: "bot\($0)") },
                                              lifetimeStream: RandomStream(rootSeed: seed, replication: 0, component: "lifetime"),
                                              wins: latencies.map { _ in 0 }))
        for k in 0..<trials { sim.schedule(.open(trial: k), at: .zero + .seconds(Int64(k))) }
        _ = sim.run(RunLimits())
        return sim.model.wins
    }

    /// The lognormal density (closed form), for f_A.
    func lognormalDensity(_ x: Double, median: Double, sigma: Double) -> Double {
        guard x > 0 else { return 0 }
        let z = (log(x) - log(median)) / sigma
        return exp(-z * z / 2) / (x * sigma * (2 * Double.pi).squareRoot())
    }

    @Test("P(A beats B) = integral of f_A(t) (1 - F_B(t)) dt: lognormal A vs shifted gamma B")
    func raceProbability() throws {
        let seed: UInt64 = 4_242
        let a = try Distribution.lognormal(median: 1_000_000, sigma: 0.5)
        let b = try Distribution.gamma(shape: 2, scale: 400_000).shifted(by: 300_000)
        let trials = 20_000
        let wins = try race([a, b], trials: trials, seed: seed)
        // Integrated in milliseconds (u = t / 1e6) on [0, inf) by GSL's QAGIU.
        let reference = try #require(Integration.integrate(from: 0, to: .infinity, relativeError: 1e-8) { u in
            self.lognormalDensity(u * 1e6, median: 1_000_000, sigma: 0.5) * 1e6 * (1 - b.cdf(u * 1e6))
        })
        // Cross-check the density against a numerical derivative of Core's CDF.
        let h = 1_000.0
        let numeric = (a.cdf(1_200_000 + h) - a.cdf(1_200_000 - h)) / (2 * h)
        #expect(abs(numeric / lognormalDensity(1_200_000, median: 1_000_000, sigma: 0.5) - 1) < 1e-3)
        let p = Double(wins[0]) / Double(trials)
        // Binomial standard error sqrt(p (1 - p) / n) ~ 0.0035; tolerance 4 se (false failure ~6e-5).
        let se = (reference * (1 - reference) / Double(trials)).squareRoot()
        #expect(wins[0] + wins[1] == trials, "seed \(seed): each quote is taken exactly once")
        print("race: simulated P(A first) \(p), integral \(reference), se \(se)")
        #expect(abs(p - reference) < 4 * se, "seed \(seed): simulated \(p), integral \(reference), se \(se)")
        #expect(reference > 0.2 && reference < 0.8, "a race worth testing")
    }

    @Test("Exponential latency vs exponential opportunity lifetime: P(capture) = lambda_bot / (lambda_bot + lambda_life)")
    func exponentialLifetime() throws {
        let seed: UInt64 = 777
        let latencyMean = 2_000_000.0, lifetimeMean = 3_000_000.0
        let trials = 20_000
        let wins = try race([try .exponential(mean: latencyMean)], lifetime: try .exponential(mean: lifetimeMean), trials: trials, seed: seed)
        let closedForm = (1 / latencyMean) / (1 / latencyMean + 1 / lifetimeMean)   // 0.6
        let p = Double(wins[0]) / Double(trials)
        let se = (closedForm * (1 - closedForm) / Double(trials)).squareRoot()
        print("exponential lifetime: simulated \(p), closed form \(closedForm), se \(se)")
        // The engine's 20 us service is irrelevant (one order per trial); rounding to 1 ns is negligible.
        #expect(abs(p - closedForm) < 4 * se, "seed \(seed): simulated \(p), closed form \(closedForm), se \(se)")
    }

    @Test("Three contenders: the fastest distribution wins most; wins sum to the number of quotes")
    func threeContenders() throws {
        let seed: UInt64 = 5
        let d = [try Distribution.exponential(mean: 1_000_000), try Distribution.exponential(mean: 2_000_000), try Distribution.exponential(mean: 4_000_000)]
        let trials = 6_000
        let wins = try race(d, trials: trials, seed: seed)
        // Exponential races: P(i first) = rate_i / sum of rates = 4/7, 2/7, 1/7.
        for (i, share) in [4.0 / 7, 2.0 / 7, 1.0 / 7].enumerated() {
            let se = (share * (1 - share) / Double(trials)).squareRoot()
            #expect(abs(Double(wins[i]) / Double(trials) - share) < 4 * se, "seed \(seed): contender \(i) won \(wins[i])")
        }
        #expect(wins.reduce(0, +) == trials)
    }
}
