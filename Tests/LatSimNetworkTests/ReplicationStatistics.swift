import Foundation
@testable import LatSimNetwork
import LatSimCore

/// Mean and a 99.9% Student-t confidence half-width over independent replications.
///
/// Tolerance policy of the statistical tests: an estimate passes when the theory value lies
/// inside the replication CI at 99.9% (so a correct model fails once in a thousand seeds; the
/// seeds are fixed, so a test is deterministic). Each test also asserts that the half-width
/// is below a stated relative bound, so that a loose interval cannot make the test vacuous.
struct ReplicationEstimate: CustomStringConvertible {
    var values: [Double]
    var mean: Double { values.reduce(0, +) / Double(values.count) }
    var standardDeviation: Double {
        let m = mean
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }
    /// Student t quantile at 0.9995 (two-sided 99.9%) for n - 1 degrees of freedom (GSL).
    var tQuantile: Double { StudentT.quantile(0.9995, degreesOfFreedom: Double(values.count - 1)) }
    var halfWidth: Double { tQuantile * standardDeviation / Double(values.count).squareRoot() }
    func contains(_ x: Double) -> Bool { abs(x - mean) <= halfWidth }
    var description: String {
        "mean \(String(format: "%.6g", mean)) ± \(String(format: "%.3g", halfWidth)) (99.9% CI, \(values.count) replications)"
    }
}

enum QueueingTheory {
    /// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda / mu.
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        for k in 1..<c {
            term *= a / Double(k)
            sum += term
        }
        let last = term * a / Double(c) * Double(c) / (Double(c) - a)
        return last / (sum + last)
    }

    /// Exact mean-value analysis of a closed loop: K clients, think time Z, one FCFS exponential
    /// station with mean service S. Returns (throughput, response time).
    static func mva(clients: Int, think: Double, service: Double) -> (throughput: Double, response: Double) {
        var queue = 0.0
        var x = 0.0, r = 0.0
        for n in 1...clients {
            r = service * (1 + queue)
            x = Double(n) / (think + r)
            queue = x * r
        }
        return (x, r)
    }

    /// M/M/1/K: probability that an arrival finds K in the system (and is lost).
    static func mm1kLoss(rho: Double, capacity k: Int) -> Double {
        (1 - rho) * pow(rho, Double(k)) / (1 - pow(rho, Double(k + 1)))
    }
}
