import Foundation
import LatSimCore
import LatSimGraph
import Testing

/// The seed of every statistical graph test: fixed, so a test is deterministic; set
/// LATSIM_TEST_SEED to try others. Every failure message prints it.
enum GraphTestSeed {
    static let root: UInt64 = ProcessInfo.processInfo.environment["LATSIM_TEST_SEED"].flatMap(UInt64.init) ?? 20_261_126
}

/// Mean and a 99.9% Student-t confidence half-width over independent replications.
///
/// Tolerance policy of the statistical graph tests: an estimate passes when the theory value
/// lies inside the replication CI at 99.9% (a correct model fails about once in a thousand
/// seeds; the seed is fixed, so the test is deterministic). Each check also asserts that the
/// half-width is below a stated relative bound, so that a loose interval cannot make the test
/// vacuous. Replications are few (debug builds are slow), so the t quantile is large: 5.041 at
/// 8 degrees of freedom.
struct ReplicationEstimate: CustomStringConvertible {
    var values: [Double]
    var mean: Double { values.reduce(0, +) / Double(values.count) }
    var standardDeviation: Double {
        let m = mean
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }
    /// Student t quantile at 0.9995 (two-sided 99.9%) for n - 1 degrees of freedom (GSL's).
    var tQuantile: Double { StudentT.quantile(0.9995, degreesOfFreedom: Double(values.count - 1)) }
    var halfWidth: Double { tQuantile * standardDeviation / Double(values.count).squareRoot() }
    func contains(_ x: Double) -> Bool { abs(x - mean) <= halfWidth }
    var description: String {
        "mean \(String(format: "%.6g", mean)) ± \(String(format: "%.3g", halfWidth)) (99.9% CI, \(values.count) replications)"
    }
}

/// Closed forms and exact algorithms the graph is checked against.
enum QueueingTheory {
    /// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda / mu (a < c).
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        var term = 1.0, sum = 1.0
        for k in 1..<c {
            term *= a / Double(k)
            sum += term
        }
        let last = term * a / Double(c) * Double(c) / (Double(c) - a)
        return last / (sum + last)
    }

    /// Exact mean-value analysis of a closed loop of N customers: a think time Z (an infinite
    /// server) and one FCFS exponential station of mean service S. Returns throughput and
    /// response time at the station (the arrival theorem: an arrival sees the mean queue with N - 1).
    static func mva(population: Int, think: Double, service: Double) -> (throughput: Double, response: Double) {
        var queue = 0.0, throughput = 0.0, response = 0.0
        for n in 1...population {
            response = service * (1 + queue)
            throughput = Double(n) / (think + response)
            queue = throughput * response
        }
        return (throughput, response)
    }

    /// M/M/1/K (K in the system): the probability that an arrival finds K and is lost (PASTA).
    static func mm1kLoss(rho: Double, capacity k: Int) -> Double {
        (1 - rho) * pow(rho, Double(k)) / (1 - pow(rho, Double(k + 1)))
    }
}

extension GraphSupport {
    /// Runs `replications` independent replications (0, 1, ...) of one graph on `seed`.
    static func replicate(_ yaml: String, seed: UInt64 = GraphTestSeed.root, replications: Int, horizon: SimDuration,
                          warmUp: SimDuration) throws -> [ReplicationResult] {
        let graph = try spec(yaml)
        return (0..<replications).map { r in
            GraphRun.run(graph, replication: ReplicationSpec(replication: r, rootSeed: seed, horizon: horizon, warmUp: warmUp))
        }
    }

    /// The estimate of `f` over replications.
    static func estimate(_ results: [ReplicationResult], _ f: (ReplicationResult) -> Double) -> ReplicationEstimate {
        ReplicationEstimate(values: results.map(f))
    }

    /// One metric's estimate over replications, scaled (e.g. 1e-6: ns to ms). A missing metric is NaN (and fails).
    static func estimate(_ results: [ReplicationResult], _ metric: String, scale: Double = 1) -> ReplicationEstimate {
        estimate(results) { ($0.value(metric) ?? .nan) * scale }
    }
}

/// Prints and checks one estimate against theory (see `ReplicationEstimate`).
func checkTheory(_ estimate: ReplicationEstimate, _ theory: Double, relativeBound: Double, _ what: String,
                 seed: UInt64 = GraphTestSeed.root, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    print("\(what): simulated \(estimate); theory \(String(format: "%.6g", theory)) (seed \(seed))")
    #expect(estimate.contains(theory), "\(what): \(estimate) excludes theory \(theory) (seed \(seed))", sourceLocation: sourceLocation)
    #expect(estimate.halfWidth <= relativeBound * abs(theory),
            "\(what): CI too wide for a meaningful test: \(estimate), bound \(relativeBound) × theory (seed \(seed))",
            sourceLocation: sourceLocation)
}
