import Foundation
import LatSimCore

/// Mean and a 99.9% Student-t confidence half-width over independent replications: the
/// estimate the statistical tests of the Network and Graph layers check against theory.
///
/// Tolerance policy: an estimate passes when the theory value lies inside the replication CI
/// at 99.9% (a correct model fails about once in a thousand seeds; the seeds are fixed, so a
/// test is deterministic). Each check also asserts that the half-width is below a stated
/// relative bound, so that a loose interval cannot make the test vacuous.
public struct ReplicationEstimate: CustomStringConvertible {
    public var values: [Double]
    public init(values: [Double]) { self.values = values }
    public var mean: Double { values.reduce(0, +) / Double(values.count) }
    public var standardDeviation: Double {
        let m = mean
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }
    /// Student t quantile at 0.9995 (two-sided 99.9%) for n - 1 degrees of freedom (GSL's).
    public var tQuantile: Double { StudentT.quantile(0.9995, degreesOfFreedom: Double(values.count - 1)) }
    public var halfWidth: Double { tQuantile * standardDeviation / Double(values.count).squareRoot() }
    public func contains(_ x: Double) -> Bool { abs(x - mean) <= halfWidth }
    public var description: String {
        "mean \(String(format: "%.6g", mean)) ± \(String(format: "%.3g", halfWidth)) (99.9% CI, \(values.count) replications)"
    }
}

/// Closed forms and exact algorithms of queueing theory the models are checked against.
public enum QueueingTheory {
    /// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda / mu (a < c).
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
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
    public static func mva(population: Int, think: Double, service: Double) -> (throughput: Double, response: Double) {
        var queue = 0.0, throughput = 0.0, response = 0.0
        for n in 1...population {
            response = service * (1 + queue)
            throughput = Double(n) / (think + response)
            queue = throughput * response
        }
        return (throughput, response)
    }

    /// M/M/1/K (K in the system): the probability that an arrival finds K and is lost (PASTA).
    public static func mm1kLoss(rho: Double, capacity k: Int) -> Double {
        (1 - rho) * pow(rho, Double(k)) / (1 - pow(rho, Double(k + 1)))
    }
}
