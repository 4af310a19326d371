import Testing
@testable import LatSimCore

/// Every family's samples against its CDF (Kolmogorov-Smirnov at significance 0.001, n = 40,000)
/// and its closed-form mean and variance (batch means over 40 batches, within 5 standard
/// errors: a false alarm has probability below 1e-5 per check). Seeds are fixed, so a
/// failure reproduces; the seed is in the message.
@Suite struct DistributionTests {
    static let n = 40_000

    static func cases() throws -> [(String, Distribution)] {
        let lognormal = try Distribution.lognormal(median: 2_000_000, sigma: 0.5)
        return [
            ("uniform", try .uniform(lower: 1_000, upper: 5_000)),
            ("exponential", try .exponential(mean: 250_000)),
            ("normal-truncated-mild", try .truncatedNormal(location: 1_000, scale: 800)),
            ("normal-truncated-tail", try .truncatedNormal(location: -2_000, scale: 1_000)),
            ("lognormal-median", lognormal),
            ("lognormal-mean-sd", try .lognormal(mean: 1_000_000, standardDeviation: 400_000)),
            ("gamma", try .gamma(shape: 2.5, scale: 40_000)),
            ("gamma-small-shape", try .gamma(shape: 0.6, scale: 10_000)),
            ("weibull", try .weibull(shape: 1.7, scale: 300_000)),
            ("pareto", try .pareto(shape: 5, scale: 100_000)),
            ("empirical", try .empirical([5, 1, 3, 9, 2, 7, 4].map { $0 * 1_000 })),
            ("mixture", try .mixture([(0.99, lognormal), (0.01, try .constant(40_000_000))])),
            ("mixture-continuous", try .mixture([(0.7, try .exponential(mean: 1_000)), (0.3, try .uniform(lower: 2_000, upper: 3_000))])),
            ("shifted", try Distribution.exponential(mean: 500).shifted(by: 1_000)),
            ("capped", try lognormal.capped(at: 3_000_000)),
            ("scaled", try lognormal.scaled(by: 3)),
        ]
    }

    @Test(arguments: try cases())
    func samplesMatchCDFMeanAndVariance(name: String, distribution: Distribution) {
        let seed: UInt64 = 20_261_126
        let stream = RandomStream(rootSeed: seed, replication: 0, component: "dist-\(name)")
        let samples = (0..<DistributionTests.n).map { _ in distribution.sample(stream) }
        #expect(samples.allSatisfy { $0 >= 0 }, "\(name): negative sample (seed \(seed))")
        let d = StatisticalChecks.ksStatistic(samples) { distribution.cdf($0) }
        let critical = StatisticalChecks.ksCritical(n: samples.count)
        #expect(d < critical, "\(name): KS D = \(d) >= \(critical) at alpha 0.001 (seed \(seed))")
        let mean = StatisticalChecks.batchMean(samples)
        #expect(abs(mean.mean - distribution.mean) < 5 * mean.standardError + 1e-9 * distribution.mean,
                "\(name): mean \(mean.mean) vs \(distribution.mean) (se \(mean.standardError), seed \(seed))")
        let variance = StatisticalChecks.batchVariance(samples)
        #expect(abs(variance.mean - distribution.variance) < 5 * variance.standardError + 1e-9 * distribution.variance,
                "\(name): variance \(variance.mean) vs \(distribution.variance) (se \(variance.standardError), seed \(seed))")
    }

    @Test(arguments: try cases())
    func quantileInvertsCDF(name: String, distribution: Distribution) {
        for p in [0.01, 0.1, 0.5, 0.9, 0.99] {
            let q = distribution.quantile(p)
            // F(q) >= p, and F just below q is <= p (inf{x: F(x) >= p}).
            #expect(distribution.cdf(q) >= p - 1e-9, "\(name): F(Q(\(p))) = \(distribution.cdf(q))")
            #expect(distribution.cdf(q * (1 - 1e-6) - 1e-9) <= p + 1e-6, "\(name): Q(\(p)) = \(q) not the smallest")
        }
    }

    @Test func closedFormMomentsAgainstNumericalIntegration() throws {
        // Mean = integral of the survival function; independent of the closed forms above.
        for (name, d) in try DistributionTests.cases() where !name.hasPrefix("empirical") {
            let upper = d.quantile(0.999_999_9) * 4
            let mean = Integration.integrate(from: 0, to: upper, relativeError: 1e-9) { 1 - d.cdf($0) }!
            #expect(abs(mean - d.mean) <= 1e-4 * d.mean, "\(name): integral \(mean) vs closed form \(d.mean)")
        }
    }

    @Test func constantAlwaysGivesItsValue() throws {
        let d = try Distribution.constant(1_500)
        let stream = RandomStream(rootSeed: 1, replication: 0, component: "c")
        #expect((0..<100).allSatisfy { _ in d.sample(stream) == 1_500 })
        #expect(d.mean == 1_500 && d.variance == 0 && d.quantile(0.3) == 1_500)
    }

    @Test func empiricalReproducesInputQuantiles() throws {
        // Type-7 quantiles of 1...101 are exact: Q(p) = 1 + 100 p.
        let values = (1...101).map(Double.init).reversed()
        let d = try Distribution.empirical(Array(values))
        for p in [0.0, 0.05, 0.25, 0.5, 0.9, 0.99, 1.0] {
            #expect(abs(d.quantile(p) - (1 + 100 * p)) < 1e-9)
        }
        // And its samples reproduce them (KS already checks the whole CDF; here the median).
        let stream = RandomStream(rootSeed: 4, replication: 0, component: "emp")
        let samples = (0..<20_000).map { _ in d.sample(stream) }.sorted()
        #expect(abs(samples[10_000] - 51) < 1.5)
    }

    @Test func empiricalFromCSVFile() throws {
        let path = "/tmp/latsim-empirical-\(StreamKey.fnv1a64(#function)).csv"
        try writeFile(path, "# observed\nlatency_us,venue\n100,a\n300,b\n200,c\n")
        let d = try Distribution.empirical(csvFile: path, column: "latency_us", unitNanoseconds: 1_000)
        #expect(d.quantile(0) == 100_000 && d.quantile(0.5) == 200_000 && d.quantile(1) == 300_000)
        try writeFile(path, "latency\n100\nfast\n")
        #expect(throws: ParameterError.self) { try Distribution.empirical(csvFile: path) }
        do {
            _ = try Distribution.empirical(csvFile: path)
        } catch let e as ParameterError {
            #expect(e.parameter == "\(path):3" && e.given == "\"fast\"")
        }
        #expect(throws: ParameterError.self) { try Distribution.empirical(csvFile: "/nonexistent/latencies.csv") }
    }

    @Test func invalidParametersNameTheParameter() {
        func parameter(_ body: () throws -> Distribution) -> String? {
            do { _ = try body(); return nil } catch let e as ParameterError { return e.parameter } catch { return "?" }
        }
        #expect(parameter { try .lognormal(median: 1_000, sigma: -0.5) } == "sigma")
        #expect(parameter { try .lognormal(median: 0, sigma: 0.5) } == "median")
        #expect(parameter { try .exponential(mean: -1) } == "mean")
        #expect(parameter { try .uniform(lower: 5, upper: 2) } == "upper")
        #expect(parameter { try .gamma(shape: 0, scale: 1) } == "shape")
        #expect(parameter { try .weibull(shape: 1, scale: .nan) } == "scale")
        #expect(parameter { try .pareto(shape: 2, scale: -3) } == "scale")
        #expect(parameter { try .empirical([]) } == "samples")
        #expect(parameter { try .empirical([1, -2]) } == "samples[1]")
        #expect(parameter { try .constant(-1) } == "value")
        let one = try! Distribution.constant(1)
        #expect(parameter { try .mixture([(0.5, one), (0.4, one)]) } == "weights")
        #expect(parameter { try .mixture([(1.5, one), (-0.5, one)]) } == "components[0].weight")
        #expect(parameter { try one.shifted(by: -1) } == "shift")
        #expect(parameter { try one.capped(at: 0) } == "cap")
    }

    @Test func sampleDurationRoundsAndNeverNegative() throws {
        let d = try Distribution.uniform(lower: 0, upper: 1)
        let stream = RandomStream(rootSeed: 2, replication: 0, component: "r")
        for _ in 0..<1_000 {
            let v = d.sampleDuration(stream).nanoseconds
            #expect(v == 0 || v == 1)
        }
    }
}

func writeFile(_ path: String, _ text: String) throws {
    guard let file = fopen(path, "wb") else { throw ParameterError(parameter: path, problem: "cannot be written") }
    _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, file) }
    fclose(file)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
