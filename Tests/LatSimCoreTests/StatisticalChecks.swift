@testable import LatSimCore

/// Goodness-of-fit helpers shared by the statistical tests.
enum StatisticalChecks {
    /// Kolmogorov-Smirnov statistic of `samples` against `cdf`, correct also for atoms (ties):
    /// at each distinct value x, compares F_n(x) with F(x) and F_n(x-) with F(x-).
    static func ksStatistic(_ samples: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = samples.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[i] { j += 1 }
            let x = sorted[i]
            let below = Double(i) / n          // F_n(x-)
            let atOrBelow = Double(j + 1) / n  // F_n(x)
            d = max(d, abs(atOrBelow - cdf(x)), abs(below - cdf(x.nextDown)))
            i = j + 1
        }
        return d
    }

    /// The KS critical value at significance 0.001 (asymptotic: sqrt(-ln(alpha/2)/2) / sqrt(n)).
    static func ksCritical(n: Int, alpha: Double = 0.001) -> Double {
        (-0.5 * log(alpha / 2)).squareRoot() / Double(n).squareRoot()
    }

    /// Batch means: the mean and its standard error from `batches` independent batch averages,
    /// valid whatever the distribution (as long as its variance is finite).
    static func batchMean(_ values: [Double], batches: Int = 40) -> (mean: Double, standardError: Double) {
        let size = values.count / batches
        let means = (0..<batches).map { b in values[(b * size)..<((b + 1) * size)].reduce(0, +) / Double(size) }
        let m = means.reduce(0, +) / Double(batches)
        let v = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(batches - 1)
        return (m, (v / Double(batches)).squareRoot())
    }

    /// Batch sample variances: their mean and its standard error.
    static func batchVariance(_ values: [Double], batches: Int = 40) -> (mean: Double, standardError: Double) {
        let size = values.count / batches
        let variances = (0..<batches).map { b -> Double in
            let slice = values[(b * size)..<((b + 1) * size)]
            let m = slice.reduce(0, +) / Double(size)
            return slice.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(size - 1)
        }
        let m = variances.reduce(0, +) / Double(batches)
        let v = variances.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(batches - 1)
        return (m, (v / Double(batches)).squareRoot())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
