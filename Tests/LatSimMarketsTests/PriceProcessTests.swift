import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LatSimMarkets

/// Log-price increments against their exact law. Tolerances: 4 standard errors (two-sided
/// false-failure probability about 6e-5 per check under normality of the estimator).
struct PriceProcessTests {
    static let seed: UInt64 = 20_261_126

    /// Increments of `paths` independent paths (separate streams), `count / paths` each, so that
    /// no path runs past the Int64-nanosecond horizon (292 years).
    func increments(_ parameters: PriceProcessParameters, interval: SimDuration, count: Int, stream name: String, paths: Int = 10) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(count)
        for index in 0..<paths {
            var path = PriceProcess(parameters: parameters, stream: RandomStream(rootSeed: Self.seed, replication: index, component: name))
            var t = SimInstant.zero
            var last = path.value(at: t)
            for _ in 0..<(count / paths) {
                precondition(t + interval + interval < .distantFuture, "path runs past the time horizon")
                t += interval
                let next = path.value(at: t)
                values.append(log(next / last))
                last = next
            }
        }
        return values
    }

    @Test("GBM log increments: mean (mu - sigma^2/2) t, variance sigma^2 t (drift is the price's)")
    func gbmMoments() throws {
        let p = try PriceProcessParameters(initialPrice: 100, driftPerYear: 0.5, volatilityPerSqrtYear: 0.8)
        let interval = SimDuration.seconds(Int64(30 * 86_400))
        let t = 30.0 / 365
        let s = SampleSummary(increments(p, interval: interval, count: 20_000, stream: "gbm"))
        let expectedMean = (0.5 - 0.32) * t
        #expect(abs(s.mean - expectedMean) < 4 * s.standardError, "seed \(Self.seed): mean \(s.mean) vs \(expectedMean) (se \(s.standardError))")
        #expect(abs(s.mean - 0.5 * t) > 8 * s.standardError, "the test must tell the two drift conventions apart")
        #expect(abs(s.variance - 0.64 * t) < 4 * s.varianceStandardError, "seed \(Self.seed): variance \(s.variance) vs \(0.64 * t)")
        #expect(abs(p.logIncrementMean(years: t) - expectedMean) < 1e-15)
    }

    @Test("Irregular intervals from 1 ms to 10 days: standardised increments are standard normal")
    func irregularIntervals() throws {
        let p = try PriceProcessParameters(initialPrice: 3_000, driftPerYear: 0.2, volatilityPerSqrtYear: 0.6)
        var path = PriceProcess(parameters: p, stream: RandomStream(rootSeed: Self.seed, replication: 0, component: "irregular"))
        let spacing = RandomStream(rootSeed: Self.seed, replication: 0, component: "spacing")
        var t = SimInstant.zero
        var last = path.value(at: t)
        var z: [Double] = []
        var inside = 0
        for _ in 0..<20_000 {
            // log-uniform spacing from 1 ms to 10 days
            let seconds = exp(log(1e-3) + spacing.uniform() * (log(864_000) - log(1e-3)))
            let step = SimDuration.seconds(seconds)
            t += step
            let next = path.value(at: t)
            let years = Double(step.nanoseconds) / 1e9 / secondsPerYear
            let x = (log(next / last) - p.logIncrementMean(years: years)) / p.logIncrementVariance(years: years).squareRoot()
            z.append(x)
            if abs(x) < 1.959964 { inside += 1 }
            last = next
        }
        let s = SampleSummary(z)
        #expect(abs(s.mean) < 4 / sqrt(20_000.0), "seed \(Self.seed): mean \(s.mean)")
        #expect(abs(s.variance - 1) < 4 * (2 / 20_000.0).squareRoot(), "seed \(Self.seed): variance \(s.variance)")
        // Normality: P(|Z| < 1.96) = 0.95, binomial se sqrt(0.95 * 0.05 / n).
        let fraction = Double(inside) / 20_000
        #expect(abs(fraction - 0.95) < 4 * (0.95 * 0.05 / 20_000).squareRoot(), "seed \(Self.seed): fraction \(fraction)")
    }

    @Test("Compound Poisson jumps add lambda t m to the mean and lambda t (s^2 + m^2) to the variance")
    func jumpMoments() throws {
        let p = try PriceProcessParameters(initialPrice: 100, driftPerYear: 0.1, volatilityPerSqrtYear: 0.3,
                                           jumpRatePerYear: 365, jumpMeanLog: -0.02, jumpSDLog: 0.05)
        let t = 1.0 / 365   // one day: 1 jump expected
        let s = SampleSummary(increments(p, interval: .seconds(Int64(86_400)), count: 20_000, stream: "jumps"))
        let mean = p.logIncrementMean(years: t), variance = p.logIncrementVariance(years: t)
        #expect(abs(mean - ((0.1 - 0.045) * t - 0.02)) < 1e-15)
        #expect(abs(variance - (0.09 * t + 0.0029)) < 1e-15)
        #expect(abs(s.mean - mean) < 4 * s.standardError, "seed \(Self.seed): mean \(s.mean) vs \(mean)")
        #expect(abs(s.variance - variance) < 4 * s.varianceStandardError, "seed \(Self.seed): variance \(s.variance) vs \(variance)")
        // Without the jump terms the variance would be 0.09 t: the data must reject that.
        #expect(abs(s.variance - 0.09 * t) > 8 * s.varianceStandardError)
    }

    @Test("Sampling the same instant twice returns the same price; a path is reproducible from its seed")
    func determinism() throws {
        let p = try PriceProcessParameters(initialPrice: 50, volatilityPerSqrtYear: 0.5, jumpRatePerYear: 100, jumpSDLog: 0.01)
        var a = PriceProcess(parameters: p, stream: RandomStream(rootSeed: 3, replication: 1, component: "x"))
        var b = PriceProcess(parameters: p, stream: RandomStream(rootSeed: 3, replication: 1, component: "x"))
        let t = SimInstant.zero + .milliseconds(1_500)
        let first = a.value(at: t)
        #expect(a.value(at: t) == first)
        #expect(b.value(at: t) == first)
        #expect(throws: ParameterError.self) { try PriceProcessParameters(initialPrice: -1, volatilityPerSqrtYear: 0.5) }
    }

    @Test("The OU basis has its stationary standard deviation and half-life autocorrelation")
    func basisNoise() throws {
        var basis = BasisNoise(standardDeviation: 2e-4, halfLife: .milliseconds(300), stream: RandomStream(rootSeed: Self.seed, replication: 0, component: "basis"))
        var values: [Double] = []
        var t = SimInstant.zero
        var products = 0.0
        var previous = basis.value(at: t)
        for _ in 0..<20_000 {
            t += .milliseconds(300)
            let v = basis.value(at: t)
            products += v * previous
            values.append(v)
            previous = v
        }
        let s = SampleSummary(values)
        // Stationary sd 2e-4; lag-one-half-life autocorrelation 1/2. The samples are AR(1) with
        // phi = 1/2, so the variance estimator's se is inflated by sqrt((1 + phi^2)/(1 - phi^2)) ~ 1.29;
        // tolerance 6 naive se covers 4 inflated se.
        #expect(abs(s.variance - 4e-8) < 6 * 4e-8 * (2 / 20_000.0).squareRoot(), "seed \(Self.seed): variance \(s.variance)")
        let correlation = products / Double(values.count) / 4e-8
        #expect(abs(correlation - 0.5) < 0.05, "seed \(Self.seed): autocorrelation \(correlation)")
    }
}
