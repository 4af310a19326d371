/// A fixed-memory histogram of non-negative integer values (nanoseconds) with a stated
/// relative error, plus exact count, mean, variance, minimum and maximum.
///
///     var h = LatencyHistogram()
///     h.record(1_250_000)
///     h.quantile(0.99)     // within 0.4% of the exact order statistic's value
///
/// Log-linear buckets (as HdrHistogram): values below 128 are exact; above, each power of two
/// is split into 128 equal sub-buckets, and a quantile reports its bucket's midpoint, clamped
/// to [min, max]. The relative error of a reported quantile is at most 1/256 (0.39%).
/// Memory: none until the first value, then 7,424 32-bit counters (29 KiB), whatever the
/// number of values (a counter that passes 2^32 - 1 carries into a sparse table of high words,
/// so counts stay exact). 32-bit counters halve the cache lines a record touches: the counter
/// increment was 90% of `record`'s samples in the network benchmark (benchmarks/README.md).
public struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 7
    static let subBucketCount = 1 << subBucketBits   // 128
    static let bucketCount = subBucketCount + (64 - subBucketBits) * subBucketCount
    /// Upper bound on the relative error of `quantile`.
    public static let relativeError = 1.0 / 256

    /// The low 32 bits of each bucket's count; empty until the first value.
    var counts: [UInt32] = []
    /// The high words of the buckets whose count passed 2^32 - 1 (bucket -> count >> 32).
    var highWords: [Int: UInt64] = [:]
    public private(set) var count: Int64 = 0
    public private(set) var minimum: Int64 = .max
    public private(set) var maximum: Int64 = .min
    var welfordMean = 0.0
    var welfordM2 = 0.0

    public init() {}

    /// Bucket `index`'s count.
    func bucketCount(_ index: Int) -> UInt64 {
        guard !counts.isEmpty else { return 0 }
        let low = UInt64(counts[index])
        return highWords.isEmpty ? low : low + ((highWords[index] ?? 0) << 32)
    }

    /// Adds `n` to bucket `index`, carrying into its high word.
    mutating func add(_ n: UInt64, toBucket index: Int) {
        if counts.isEmpty { counts = [UInt32](repeating: 0, count: LatencyHistogram.bucketCount) }
        let sum = UInt64(counts[index]) + (n & 0xFFFF_FFFF)
        counts[index] = UInt32(truncatingIfNeeded: sum)
        let high = (sum >> 32) + (n >> 32)
        if high > 0 { highWords[index, default: 0] += high }
    }

    public static func == (a: LatencyHistogram, b: LatencyHistogram) -> Bool {
        guard a.count == b.count, a.minimum == b.minimum, a.maximum == b.maximum,
              a.welfordMean == b.welfordMean, a.welfordM2 == b.welfordM2 else { return false }
        for index in 0..<bucketCount where a.bucketCount(index) != b.bucketCount(index) { return false }
        return true
    }

    static func index(_ value: Int64) -> Int {
        let v = UInt64(Swift.max(0, value))
        if v < UInt64(subBucketCount) { return Int(v) }
        let exponent = (63 - v.leadingZeroBitCount) - subBucketBits
        let sub = Int(v >> UInt64(exponent)) - subBucketCount
        return subBucketCount + exponent * subBucketCount + sub
    }

    /// The midpoint of a bucket's value range.
    static func midpoint(_ index: Int) -> Double {
        if index < subBucketCount { return Double(index) }
        let exponent = (index - subBucketCount) / subBucketCount
        let sub = (index - subBucketCount) % subBucketCount + subBucketCount
        let low = Double(sub) * Double(1 << exponent)
        return low + (Double(1 << exponent) - 1) / 2
    }

    /// Records a value (negative values count as 0).
    /// - Complexity: O(1)
    public mutating func record(_ value: Int64) {
        let index = LatencyHistogram.index(value)
        if counts.isEmpty { counts = [UInt32](repeating: 0, count: LatencyHistogram.bucketCount) }
        counts[index] &+= 1
        if counts[index] == 0 { carry(index) }
        count += 1
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        let x = Double(value)
        let delta = x - welfordMean
        welfordMean += delta / Double(count)
        welfordM2 += delta * (x - welfordMean)
    }

    public mutating func record(_ duration: SimDuration) { record(duration.nanoseconds) }

    /// Bucket `index`'s low word wrapped to 0: one more in its high word.
    @inline(never)
    mutating func carry(_ index: Int) { highWords[index, default: 0] += 1 }

    /// The exact mean (nan when empty).
    public var mean: Double { count > 0 ? welfordMean : .nan }
    /// The exact sample variance (n - 1 in the denominator; nan below 2 values).
    public var variance: Double { count > 1 ? welfordM2 / Double(count - 1) : .nan }

    /// The p-quantile: the value of the ceil(p n)-th smallest observation, to within `relativeError`.
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "quantile probability outside [0, 1]")
        guard count > 0 else { return .nan }
        if p == 0 { return Double(minimum) }
        if p == 1 { return Double(maximum) }
        let rank = UInt64(Swift.max(1, (p * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for index in counts.indices where counts[index] > 0 || !highWords.isEmpty {
            let c = bucketCount(index)
            seen += c
            if seen >= rank {
                return Swift.min(Double(maximum), Swift.max(Double(minimum), LatencyHistogram.midpoint(index)))
            }
        }
        return Double(maximum)
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        if highWords.isEmpty && other.highWords.isEmpty && !counts.isEmpty && count + other.count < Int64(UInt32.max) {
            for index in counts.indices { counts[index] &+= other.counts[index] }
        } else {
            for index in other.counts.indices where other.counts[index] > 0 || !other.highWords.isEmpty {
                add(other.bucketCount(index), toBucket: index)
            }
        }
        let total = count + other.count
        let delta = other.welfordMean - welfordMean
        welfordM2 += other.welfordM2 + delta * delta * Double(count) * Double(other.count) / Double(total)
        welfordMean += delta * Double(other.count) / Double(total)
        count = total
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The metrics `summarize(into:name:unit:)` records, in its order, each described as a
    /// statistic of `what` (for a scenario's metric schema: `latsim list` and the `metrics:` filter).
    public static func metricSchema(name: String, unit: String = "ns", of what: String) -> [(name: String, unit: String, summary: String)] {
        [("_mean", unit, "mean"), ("_p50", unit, "median"), ("_p90", unit, "90th percentile"), ("_p99", unit, "99th percentile"),
         ("_p999", unit, "99.9th percentile"), ("_max", unit, "maximum"), ("_count", "count", "number of samples")]
            .map { (name + $0.0, $0.1, $0.2 + " of " + what) }
    }

    /// Records the standard summary into a replication's metrics:
    /// `<name>_mean`, `_p50`, `_p90`, `_p99`, `_p999`, `_max` and `<name>_count`.
    public func summarize(into result: inout ReplicationResult, name: String, unit: String = "ns") {
        result.record(name + "_mean", unit: unit, value: mean)
        result.record(name + "_p50", unit: unit, value: quantile(0.5))
        result.record(name + "_p90", unit: unit, value: quantile(0.9))
        result.record(name + "_p99", unit: unit, value: quantile(0.99))
        result.record(name + "_p999", unit: unit, value: quantile(0.999))
        result.record(name + "_max", unit: unit, value: count > 0 ? Double(maximum) : .nan)
        result.record(name + "_count", unit: "count", value: Double(count))
    }
}
