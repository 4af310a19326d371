import Testing
import LatSimExperiments

/// Aggregation against values computed by hand and R (`quantile(x, type = 7)`, `qt`).
@Suite struct StatisticsTests {
    @Test func studentTQuantilesMatchTables() {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 9) - 2.262157162798205) < 1e-9)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 3) - 3.182446305284263) < 1e-9)
        #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: 3) + 3.182446305284263) < 1e-9)
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1e9) - 1.959963984540054) < 1e-6)
    }

    @Test func summaryOfASmallSample() {
        let s = SampleSummary([4, 1, 3, 2])
        #expect(s.n == 4)
        #expect(s.mean == 2.5)
        #expect(abs(s.standardDeviation - 1.2909944487358056) < 1e-12)
        let half = 3.182446305284263 * 1.2909944487358056 / 2
        #expect(abs(s.ciLow - (2.5 - half)) < 1e-9 && abs(s.ciHigh - (2.5 + half)) < 1e-9)
        #expect(s.p50 == 2.5)
        #expect(abs(s.p90 - 3.7) < 1e-12)       // R: quantile(1:4, 0.9) = 3.7
        #expect(abs(s.p99 - 3.97) < 1e-12)
        #expect(abs(s.p999 - 3.997) < 1e-12)
    }

    @Test func nonFiniteValuesAreLeftOut() {
        let s = SampleSummary([1, .nan, 3])
        #expect(s.n == 2 && s.mean == 2)
        let one = SampleSummary([5])
        #expect(one.mean == 5 && one.standardDeviation.isNaN && one.ciLow.isNaN && one.p99 == 5)
        #expect(SampleSummary([]).mean.isNaN)
    }

    @Test func pairedComparison() {
        let c = PairedComparison(baseline: [10, 12, 11], design: [8, 9, 9])
        #expect(c.n == 3)
        #expect(abs(c.difference.mean - (-7.0 / 3)) < 1e-12)
        #expect(abs(c.difference.standardDeviation - 0.5773502691896258) < 1e-12)
        #expect(abs(c.ratioOfMeans - (26.0 / 3) / 11) < 1e-12)
        let half = 4.302652729749464 * 0.5773502691896258 / 3.0.squareRoot()   // qt(0.975, 2)
        #expect(abs(c.difference.ciHigh - (-7.0 / 3 + half)) < 1e-9)
        // A replication with a NaN on either side is not paired.
        #expect(PairedComparison(baseline: [1, .nan, 3], design: [2, 2, 5]).n == 2)
    }
}
