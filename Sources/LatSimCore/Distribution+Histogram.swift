/// Measured latency distributions: histograms and percentile tables, as monitoring exports them.
///
///     let counts = try Distribution.histogram(values: [1e6, 2e6, 5e6], counts: [70, 25, 5])      // point masses
///     let hdr = try Distribution.histogram(buckets: [(0, 1e6, 10), (1e6, 2e6, 5)])                 // uniform in a bucket
///     let table = try Distribution.percentiles([(0.5, 1e6), (0.99, 1e7), (1, 4e7)], minimum: 0)  // linear between
///
/// Each is a `.histogram` kind: a piecewise-linear CDF through knots, sampled by inverting the
/// CDF with one uniform draw (a binary search over the knots, no allocation), and with mean,
/// variance, CDF and quantiles computed exactly for that CDF.
extension Distribution {
    /// Point masses: value i with probability counts[i] / sum(counts). Values in any order
    /// (sorted here; a value given twice has its counts added); counts are non-negative
    /// integers, not all zero.
    public static func histogram(values: [Double], counts: [Double]) throws -> Distribution {
        guard values.count == counts.count, !values.isEmpty else {
            throw ParameterError(parameter: "counts", problem: "must have one count per value", allowed: "equal, non-empty lists",
                                 given: "\(values.count) values, \(counts.count) counts")
        }
        for i in values.indices {
            try require(values[i], "values[\(i)]", nonNegative: true)
            try requireCount(counts[i], "counts[\(i)]")
        }
        let order = values.indices.sorted { values[$0] < values[$1] }
        let total = counts.reduce(0, +)
        guard total > 0 else {
            throw ParameterError(parameter: "counts", problem: "are all zero", allowed: "at least one positive count", given: "\(counts.count) zeros")
        }
        var knots: [Double] = [], cumulative: [Double] = []
        var running = 0.0
        for i in order where counts[i] > 0 {
            let before = running / total
            running += counts[i]
            if let last = knots.last, last == values[i] {
                cumulative[cumulative.count - 1] = running / total // the same value again: one mass
            } else {
                knots += [values[i], values[i]]
                cumulative += [before, running / total]
            }
        }
        cumulative[cumulative.count - 1] = 1
        return Distribution(.histogram(values: knots, cumulative: cumulative))
    }

    /// Buckets [lower, upper) with counts, the mass spread uniformly within each bucket (as
    /// HdrHistogram and Prometheus-style exports describe a bucket). Buckets in any order
    /// (sorted here by lower bound); lower < upper; buckets may leave gaps but not overlap.
    public static func histogram(buckets: [(lower: Double, upper: Double, count: Double)]) throws -> Distribution {
        guard !buckets.isEmpty else {
            throw ParameterError(parameter: "buckets", problem: "is empty", allowed: "at least one bucket", given: "[]")
        }
        for (i, b) in buckets.enumerated() {
            try require(b.lower, "buckets[\(i)].lower", nonNegative: true)
            try require(b.upper, "buckets[\(i)].upper", nonNegative: true)
            try requireCount(b.count, "buckets[\(i)].count")
            guard b.upper > b.lower else {
                throw ParameterError(parameter: "buckets[\(i)]", problem: "has an upper bound not above its lower bound",
                                     allowed: "lower < upper", given: "[\(b.lower), \(b.upper))")
            }
        }
        let order = buckets.indices.sorted { buckets[$0].lower < buckets[$1].lower }
        for k in 1..<order.count {
            let previous = buckets[order[k - 1]], next = buckets[order[k]]
            guard next.lower >= previous.upper else {
                throw ParameterError(parameter: "buckets[\(order[k])]", problem: "overlaps bucket [\(previous.lower), \(previous.upper))",
                                     allowed: "non-overlapping buckets", given: "[\(next.lower), \(next.upper))")
            }
        }
        let total = buckets.reduce(0) { $0 + $1.count }
        guard total > 0 else {
            throw ParameterError(parameter: "counts", problem: "are all zero", allowed: "at least one positive count", given: "\(buckets.count) zeros")
        }
        var knots: [Double] = [], cumulative: [Double] = []
        var running = 0.0
        for i in order {
            let b = buckets[i]
            let before = running / total
            running += b.count
            if let last = knots.last, last == b.lower {
                knots.append(b.upper)
                cumulative.append(running / total)
            } else {
                knots += [b.lower, b.upper]
                cumulative += [before, running / total]
            }
        }
        cumulative[cumulative.count - 1] = 1
        return Distribution(.histogram(values: knots, cumulative: cumulative))
    }

    /// A percentile table: the CDF is linear between (minimum, 0) and the given (p, value)
    /// points. p is strictly increasing in (0, 1] and the last p is 1 (the maximum);
    /// values increase strictly, or, with `allowEqualValues` (HdrHistogram's percentile output,
    /// whose rows repeat a value at its resolution), do not decrease (an equal value is a jump).
    public static func percentiles(_ points: [(p: Double, value: Double)], minimum: Double = 0,
                                   allowEqualValues: Bool = false) throws -> Distribution {
        guard !points.isEmpty else {
            throw ParameterError(parameter: "percentiles", problem: "is empty", allowed: "at least the maximum (p100)", given: "[]")
        }
        try require(minimum, "min", nonNegative: true)
        var knots = [minimum], cumulative = [0.0]
        for (i, point) in points.enumerated() {
            let name = percentileName(point.p)
            try require(point.value, name, nonNegative: true)
            guard point.p > 0 || (point.p == 0 && i == 0), point.p <= 1 else {
                throw ParameterError(parameter: name, problem: "is not a percentile in (0, 100]", allowed: "p0 (the minimum) to p100", given: "\(point.p)")
            }
            if point.p == 0 { knots[0] = point.value; continue }
            guard point.p > cumulative[cumulative.count - 1] else {
                throw ParameterError(parameter: name, problem: "does not follow a smaller percentile",
                                     allowed: "percentiles in increasing order", given: "after \(percentileName(cumulative[cumulative.count - 1]))")
            }
            let previous = knots[knots.count - 1]
            guard point.value > previous || (allowEqualValues && point.value == previous) || (point.value == previous && knots.count == 1) else {
                throw ParameterError(parameter: name, problem: "is \(allowEqualValues ? "smaller than" : "not larger than") the value of the percentile before it",
                                     allowed: "values increasing with the percentile (\(knots.count == 1 ? "min" : percentileName(cumulative[cumulative.count - 1])) = \(nanosecondsText(previous)))",
                                     given: nanosecondsText(point.value))
            }
            knots.append(point.value)
            cumulative.append(point.p)
        }
        guard cumulative[cumulative.count - 1] == 1 else {
            throw ParameterError(parameter: "max", problem: "is missing, so the tail above \(percentileName(cumulative[cumulative.count - 1])) is unknown",
                                 allowed: "a `max` (p100) entry", given: points.map { percentileName($0.p) }.joined(separator: ", "))
        }
        return Distribution(.histogram(values: knots, cumulative: cumulative))
    }

    /// "2000000 ns" (an integral value without its ".0").
    static func nanosecondsText(_ value: Double) -> String {
        (value == value.rounded() && abs(value) < 1e18 ? "\(Int64(value))" : "\(value)") + " ns"
    }

    /// "p99.9" for 0.999, "max" for 1, "min" for 0.
    static func percentileName(_ p: Double) -> String {
        if p == 1 { return "max" }
        if p == 0 { return "min" }
        var text = "\(p * 100)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return "p" + text
    }

    static func requireCount(_ count: Double, _ name: String) throws {
        guard count.isFinite, count >= 0, count == count.rounded(), count < 0x1p53 else {
            throw ParameterError(parameter: name, problem: "is not a count", allowed: "a non-negative integer", given: "\(count)")
        }
    }

    /// The quantile of a piecewise-linear CDF: the smallest x with F(x) >= p (x[0] for p = 0).
    @inline(__always)
    static func histogramQuantile(_ x: [Double], _ f: [Double], _ p: Double) -> Double {
        // First knot j with f[j] >= p (binary search; f[last] = 1 >= p), then interpolate on [j-1, j].
        var low = 0, high = f.count - 1
        if p <= f[0] { return x[0] }
        while high - low > 1 {
            let mid = (low + high) >> 1
            if f[mid] >= p { high = mid } else { low = mid }
        }
        let width = f[high] - f[low]
        return x[low] + (p - f[low]) / width * (x[high] - x[low])
    }

    /// The CDF through the knots, right-continuous at jumps.
    static func histogramCDF(_ x: [Double], _ f: [Double], _ value: Double) -> Double {
        if value < x[0] { return 0 }
        if value >= x[x.count - 1] { return 1 }
        // Largest i with x[i] <= value; x[i + 1] > value.
        var low = 0, high = x.count - 1
        while high - low > 1 {
            let mid = (low + high) >> 1
            if x[mid] <= value { low = mid } else { high = mid }
        }
        return f[low] + (value - x[low]) / (x[high] - x[low]) * (f[high] - f[low])
    }
}
