/// Summary statistics of one metric over replications: n, mean, standard deviation, a 95%
/// Student-t confidence interval of the mean, and percentiles (type 7) over replications.
///
///     let s = SampleSummary([1, 2, 3, 4])
///     s.mean              // 2.5
///     s.ciLow, s.ciHigh   // 2.5 -/+ t(0.975, 3) * sd / sqrt(4)
///
/// Non-finite values (a metric undefined in a replication, e.g. a mean of no messages) are
/// left out: `n` counts the finite values. Below two values the CI and sd are NaN.
public struct SampleSummary: Sendable, Equatable {
    public var n: Int
    public var mean: Double
    public var standardDeviation: Double
    public var ciLow: Double
    public var ciHigh: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double

    public static let confidenceLevel = 0.95

    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        n = finite.count
        guard n > 0 else {
            mean = .nan; standardDeviation = .nan; ciLow = .nan; ciHigh = .nan
            p50 = .nan; p90 = .nan; p99 = .nan; p999 = .nan
            return
        }
        // Two-pass mean and variance, summed in replication order (deterministic).
        var sum = 0.0
        for x in finite { sum += x }
        mean = sum / Double(n)
        if n > 1 {
            var squares = 0.0
            for x in finite { squares += (x - mean) * (x - mean) }
            standardDeviation = (squares / Double(n - 1)).squareRoot()
        } else {
            standardDeviation = .nan
        }
        let half = StudentT.confidenceHalfWidth(standardDeviation: standardDeviation, count: n, level: SampleSummary.confidenceLevel)
        ciLow = mean - half
        ciHigh = mean + half
        let sorted = finite.sorted()
        p50 = SampleSummary.percentile(sorted, 0.5)
        p90 = SampleSummary.percentile(sorted, 0.9)
        p99 = SampleSummary.percentile(sorted, 0.99)
        p999 = SampleSummary.percentile(sorted, 0.999)
    }

    /// The type-7 (R's default, linear interpolation) p-quantile of sorted values:
    /// h = (n - 1) p, x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty && p >= 0 && p <= 1, "percentile of an empty sample or p outside [0, 1]")
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}

/// A paired comparison of a design with the baseline on common random numbers: per
/// replication r, d_r = design_r - baseline_r; the mean of d with its 95% t CI, and the
/// ratio of the means (design / baseline).
///
///     let c = PairedComparison(baseline: [10, 12, 11], design: [8, 9, 9])
///     c.difference.mean    // -2.333...
///
/// Only replications where both values are finite are paired.
public struct PairedComparison: Sendable, Equatable {
    public var n: Int
    public var baselineMean: Double
    public var designMean: Double
    public var difference: SampleSummary
    public var ratioOfMeans: Double

    public init(baseline: [Double], design: [Double]) {
        precondition(baseline.count == design.count, "paired samples differ in length")
        var a: [Double] = [], b: [Double] = [], d: [Double] = []
        for (x, y) in zip(baseline, design) where x.isFinite && y.isFinite {
            a.append(x); b.append(y); d.append(y - x)
        }
        n = d.count
        baselineMean = SampleSummary(a).mean
        designMean = SampleSummary(b).mean
        difference = SampleSummary(d)
        ratioOfMeans = n > 0 && baselineMean != 0 ? designMean / baselineMean : .nan
    }
}
