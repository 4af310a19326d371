import Testing
@testable import LatSimCore

@Suite struct HistogramTests {
    @Test func quantilesWithinStatedRelativeErrorOfExactOrderStatistics() throws {
        let d = try Distribution.lognormal(median: 1_000_000, sigma: 1.2)
        let stream = RandomStream(rootSeed: 8, replication: 0, component: "hist")
        var h = LatencyHistogram()
        var exact: [Int64] = []
        for _ in 0..<50_000 {
            let v = d.sampleDuration(stream).nanoseconds
            h.record(v)
            exact.append(v)
        }
        exact.sort()
        for p in [0.001, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let rank = Int((p * Double(exact.count)).rounded(.up)) - 1
            let truth = Double(exact[rank])
            #expect(abs(h.quantile(p) - truth) <= LatencyHistogram.relativeError * truth + 0.5, "p \(p)")
        }
        let mean = Double(exact.reduce(0, +)) / Double(exact.count)
        #expect(abs(h.mean - mean) <= 1e-9 * mean)
        #expect(h.quantile(1) == Double(exact.last!) && h.quantile(0) == Double(exact.first!))
    }

    @Test func smallValuesAreExactAndMergeAddsUp() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        for v in 0..<100 { a.record(Int64(v)) }
        for v in 100..<200 { b.record(Int64(v)) }
        #expect(a.quantile(0.5) == 49)
        a.merge(b)
        #expect(a.count == 200 && a.mean == 99.5)
        #expect(abs(a.variance - 3350) < 1e-6) // variance of 0..<200 with n - 1
    }

    /// 32-bit bucket counters carry into high words: a bucket past 2^32 - 1 keeps its exact
    /// count through record, merge, quantile and ==. (Break tried: dropping the carry in
    /// `record` fails the first expectation with 0.)
    @Test func bucketCountsCarryPastThirtyTwoBits() {
        let value: Int64 = 5_000, index = LatencyHistogram.index(value)
        var a = LatencyHistogram()
        #expect(a.counts.isEmpty)   // no memory until the first value
        a.add(0xFFFF_FFFF, toBucket: index)
        a.record(value)
        #expect(a.bucketCount(index) == 1 << 32)
        var b = a
        b.record(value)
        #expect(b.bucketCount(index) == (1 << 32) + 1 && a != b)
        a.merge(b)
        #expect(a.bucketCount(index) == (1 << 33) + 1)
        #expect(a.count == 3 && a.quantile(0.5) == Double(value))
        var c = LatencyHistogram(), d = LatencyHistogram()
        c.record(7); d.record(7)
        d.merge(LatencyHistogram())
        #expect(c == d)
    }

    @Test func timeWeightedMean() {
        var q = TimeWeightedValue(start: .zero)
        q.set(3, at: SimInstant(nanosecondsSinceStart: 10))
        q.set(0, at: SimInstant(nanosecondsSinceStart: 30))
        #expect(q.mean(until: SimInstant(nanosecondsSinceStart: 40)) == 1.5)
        #expect(q.maximum == 3)
    }
}
