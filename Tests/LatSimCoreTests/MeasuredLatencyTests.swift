import Foundation
import Testing
@testable import LatSimCore

/// Histogram, percentile-table and series distributions: sampling against the piecewise CDF
/// they define, exact moments, and the reading of their files.
@Suite struct MeasuredLatencyTests {
    static let n = 20_000

    /// A file in a fresh temporary directory.
    static func file(_ name: String, _ text: String) -> String {
        let directory = NSTemporaryDirectory() + "latsim-measured-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func problem(_ body: () throws -> Any) -> ParameterError? {
        do { _ = try body(); return nil } catch let e as ParameterError { return e } catch { return nil }
    }

    /// (a) values and counts, (b) buckets, (c) a percentile table, and HdrHistogram's text output.
    static func cases() throws -> [(String, Distribution)] {
        let values = file("values.csv", "# rtt histogram\r\nrtt_us,count\r\n250,10\r\n100,70\r\n900,0\r\n400,15\r\n2000,5\r\n")
        let buckets = file("buckets.csv", "lower_us,upper_us,n\n0,100,5\n200,400,30\n100,200,60\n1000,5000,5\n")
        let hdr = file("rtt.hgrm", """
                   Value     Percentile TotalCount 1/(1-Percentile)

                 100.000 0.000000000000          1           1.00
                 180.000 0.500000000000         50           2.00
                 180.000 0.550000000000         50           2.22
                 450.000 0.900000000000         90          10.00
                 450.000 0.950000000000         95          20.00
                3000.000 1.000000000000        100
            #[Mean    =      300.000, StdDeviation   =      400.000]
            #[Max     =     3000.000, Total count    =          100]
            #[Buckets =           21, SubBuckets     =         2048]

            """)
        return [
            ("values", try Distribution.histogram(csvFile: values, valueColumn: "rtt_us", countColumn: "count", unitNanoseconds: 1_000)),
            ("buckets", try Distribution.histogram(csvFile: buckets, lowerColumn: "lower_us", upperColumn: "upper_us", countColumn: "n", unitNanoseconds: 1_000)),
            ("percentiles", try Distribution.percentiles([(0.5, 1e6), (0.9, 3e6), (0.99, 1e7), (0.999, 2e7), (1, 4e7)], minimum: 2e5)),
            ("hdr", try Distribution.percentiles(hdrFile: hdr, unitNanoseconds: 1_000)),
        ]
    }

    /// KS at alpha 0.001 against the piecewise CDF (the KS helper handles the atoms of (a) and
    /// HDR's repeated values); n = 20,000 resolves a CDF error of about 0.014. Breaks tried: drawing
    /// each segment's left knot fails (b), (c) and HDR (D 0.5-0.6); skewing the uniform to
    /// u(0.9 + 0.1u) (a CDF error of at most 0.025) fails all four (D 0.020-0.031).
    @Test(arguments: try cases())
    func samplesFollowThePiecewiseCDF(name: String, distribution: Distribution) {
        let seed: UInt64 = 13
        let stream = RandomStream(rootSeed: seed, replication: 0, component: "histogram-\(name)")
        let samples = (0..<MeasuredLatencyTests.n).map { _ in distribution.sample(stream) }
        let d = StatisticalChecks.ksStatistic(samples) { distribution.cdf($0) }
        let critical = StatisticalChecks.ksCritical(n: samples.count)
        #expect(d < critical, "\(name): KS D = \(d) >= \(critical) at alpha 0.001 (seed \(seed))")
        let mean = StatisticalChecks.batchMean(samples)
        #expect(abs(mean.mean - distribution.mean) < 5 * mean.standardError, "\(name): mean \(mean.mean) vs \(distribution.mean) (seed \(seed))")
        let variance = StatisticalChecks.batchVariance(samples)
        #expect(abs(variance.mean - distribution.variance) < 5 * variance.standardError,
                "\(name): variance \(variance.mean) vs \(distribution.variance) (seed \(seed))")
        for p in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let q = distribution.quantile(p)
            #expect(distribution.cdf(q) >= p - 1e-12, "\(name): F(Q(\(p))) = \(distribution.cdf(q))")
            if p > 0 { #expect(distribution.cdf(q.nextDown) <= p + 1e-12, "\(name): Q(\(p)) = \(q) is not the smallest") }
        }
    }

    /// The CDFs as documented, at hand-computed points.
    @Test func piecewiseCDFsAreTheDocumentedOnes() throws {
        let cases = try MeasuredLatencyTests.cases()
        let values = cases[0].1, buckets = cases[1].1, table = cases[2].1, hdr = cases[3].1
        // (a) point masses: 100us 0.7, 250us 0.1, 400us 0.15, 2000us 0.05.
        #expect(values.cdf(99_999) == 0)
        #expect(abs(values.cdf(100_000) - 0.7) < 1e-12 && abs(values.cdf(249_999) - 0.7) < 1e-12)
        #expect(abs(values.cdf(400_000) - 0.95) < 1e-12)
        #expect(abs(values.mean - (0.7 * 100 + 0.1 * 250 + 0.15 * 400 + 0.05 * 2000) * 1_000) < 1e-6)
        #expect(values.quantile(0.7) == 100_000 && values.quantile(0.7000001) == 250_000)
        // (b) uniform within a bucket; a bucket given out of order is sorted.
        #expect(abs(buckets.cdf(50_000) - 0.025) < 1e-12)
        #expect(abs(buckets.cdf(150_000) - 0.35) < 1e-12)
        #expect(abs(buckets.cdf(300_000) - 0.8) < 1e-12)
        #expect(abs(buckets.cdf(700_000) - 0.95) < 1e-12) // the gap [400us, 1ms) has no mass
        #expect(abs(buckets.mean - (0.05 * 50 + 0.6 * 150 + 0.3 * 300 + 0.05 * 3000) * 1_000) < 1e-6)
        // E[X^2] of a uniform on [a, b) is (a^2 + ab + b^2) / 3, bucket by bucket (us^2).
        let parts: [(weight: Double, a: Double, b: Double)] = [(0.05, 0, 100), (0.6, 100, 200), (0.3, 200, 400), (0.05, 1_000, 5_000)]
        var second = 0.0
        for part in parts { second += part.weight * (part.a * part.a + part.a * part.b + part.b * part.b) / 3 }
        #expect(abs(buckets.variance - (second * 1e6 - buckets.mean * buckets.mean)) < 1e-6 * buckets.variance)
        let valuesSecond: Double = (0.7 * 1e4 + 0.1 * 62_500 + 0.15 * 160_000 + 0.05 * 4e6) * 1e6
        #expect(abs(values.variance - (valuesSecond - values.mean * values.mean)) < 1e-6 * values.variance)
        // (c) linear between the quantiles, from min.
        #expect(table.quantile(0.5) == 1e6 && table.quantile(0.99) == 1e7 && table.quantile(1) == 4e7)
        #expect(abs(table.cdf(2e6) - 0.7) < 1e-12)
        #expect(abs(table.cdf(6e5) - 0.25) < 1e-12)
        // HDR: F(value) = TotalCount / total; the repeated 180/50 row is skipped; 450 repeats as a jump.
        #expect(abs(hdr.cdf(100_000) - 0.01) < 1e-12 && abs(hdr.cdf(180_000) - 0.5) < 1e-12)
        #expect(abs(hdr.cdf(450_000) - 0.95) < 1e-12 && hdr.quantile(1) == 3_000_000)
        // HdrHistogram's CSV variant (useCsvFormat) reads the same.
        let csv = MeasuredLatencyTests.file("rtt.csv", "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n100.000,0.000000000000,1,1.00\n"
            + "180.000,0.500000000000,50,2.00\n450.000,0.900000000000,90,10.00\n450.000,0.950000000000,95,20.00\n3000.000,1.000000000000,100,Infinity\n")
        #expect(try Distribution.percentiles(hdrFile: csv, unitNanoseconds: 1_000) == hdr)
    }

    @Test func badHistogramFilesNameTheLine() {
        func histogram(_ text: String, lower: Bool = false) -> String {
            let path = MeasuredLatencyTests.file("h.csv", text)
            let e = problem {
                lower ? try Distribution.histogram(csvFile: path, lowerColumn: "lower", upperColumn: "upper", countColumn: "count")
                    : try Distribution.histogram(csvFile: path, valueColumn: "value", countColumn: "count")
            }
            return e.map { "\($0)" } ?? "no error"
        }
        #expect(histogram("value,count\n1,2\n3,-1\n").contains("h.csv:3") )
        #expect(histogram("value,count\n1,2\n3,1.5\n").contains("not a count"))
        #expect(histogram("value,count\n1,2\n3,many\n").contains("h.csv:3"))
        #expect(histogram("value,count\n1,0\n3,0\n").contains("only zero counts"))
        #expect(histogram("value,count\n1ms,2\nfast,1\n").contains("h.csv:3"))
        #expect(histogram("latency,count\n1,2\n").contains("no column \"value\""))
        #expect(histogram("lower,upper,count\n0,10,1\n5,20,1\n", lower: true).contains("overlaps the bucket on line 2"))
        #expect(histogram("lower,upper,count\n10,10,1\n", lower: true).contains("h.csv:2"))
        let table = MeasuredLatencyTests.file("p.csv", "percentile,value\np50,1ms\np99,0.5ms\nmax,40ms\n")
        #expect("\(problem { try Distribution.percentiles(csvFile: table, percentileColumn: "percentile", valueColumn: "value") }!)".contains("p.csv:3"))
        let noMax = MeasuredLatencyTests.file("p.csv", "percentile,value\np50,1ms\np99,2ms\n")
        #expect("\(problem { try Distribution.percentiles(csvFile: noMax, percentileColumn: "percentile", valueColumn: "value") }!)".contains("max"))
        #expect(problem { try Distribution.percentiles([(0.9, 2), (0.5, 3), (1, 4)]) } != nil)
        #expect(problem { try Distribution.percentiles([(0.5, 3), (0.9, 3), (1, 4)]) } != nil)
        let notHDR = MeasuredLatencyTests.file("x.hgrm", "Value Percentile TotalCount\n1 0 5\n0.5 0.5 9\n")
        #expect("\(problem { try Distribution.percentiles(hdrFile: notHDR) }!)".contains("x.hgrm:3"))
    }

    /// Reading an empirical latency off a histogram's counts is the trap the issue names.
    @Test func empiricalOnACountsColumnIsAnError() {
        let path = MeasuredLatencyTests.file("hist.csv", "latency_us,count\n100,70\n250,10\n")
        for column in [nil, "count"] as [String?] {
            let e = problem { try Distribution.empirical(csvFile: path, column: column) }
            #expect(e.map { "\($0)" }?.contains("type: histogram") == true, "column \(column ?? "default"): \(String(describing: e))")
        }
        #expect(problem { try Distribution.empirical(csvFile: path, column: "latency_us") } == nil)
        let frequency = MeasuredLatencyTests.file("f.csv", "freq\n3\n")
        #expect(problem { try Distribution.empirical(csvFile: frequency) } != nil)
    }

    /// A series replays its values in order and wraps; with a bootstrap, after the first pass
    /// every draw comes in whole blocks of consecutive values.
    @Test func seriesReplaysInOrderAndBootstrapsWholeBlocks() throws {
        let values = (0..<50).map { Double(1_000 + $0) }
        let stream = RandomStream(rootSeed: 3, replication: 0, component: "series")
        let plain = try Distribution.series(values)
        var cursor = SeriesCursor()
        let drawn = (0..<120).map { _ in plain.sample(stream, cursor: &cursor) }
        #expect(drawn == (0..<120).map { values[$0 % 50] })
        let block = 7
        let boot = try Distribution.series(values, block: block)
        cursor = SeriesCursor()
        let draws = (0..<(50 + block * 40)).map { _ in boot.sample(stream, cursor: &cursor) }
        #expect(Array(draws.prefix(50)) == values)
        var starts = Set<Int>()
        for b in 0..<40 {
            let chunk = Array(draws[(50 + b * block)..<(50 + (b + 1) * block)])
            let start = Int(chunk[0]) - 1_000
            starts.insert(start)
            #expect(start + block <= 50 && chunk == Array(values[start..<(start + block)]), "block \(b): \(chunk)")
        }
        #expect(starts.count > 20, "block starts vary: \(starts.sorted())")
        #expect(abs(plain.mean - 1_024.5) < 1e-9)
        #expect(problem { try Distribution.series(values, block: 51) } != nil)
        #expect(problem { try Distribution.mixture([(1, plain)]) } != nil)
    }
}
