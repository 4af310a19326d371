import CGSL

extension Distribution {
    /// One draw, by GSL's samplers over the stream's generator.
    public func sample(_ stream: some RandomSource) -> Double {
        let rng = stream.gslGenerator
        switch kind {
        case .constant(let value):
            return value
        case .uniform(let lower, let upper):
            return gsl_ran_flat(rng, lower, upper)
        case .exponential(let mean):
            return gsl_ran_exponential(rng, mean)
        case .truncatedNormal(let location, let scale):
            if location >= 0 {
                // Acceptance probability >= 1/2: plain rejection.
                while true {
                    let x = location + gsl_ran_gaussian_ziggurat(rng, scale)
                    if x >= 0 { return x }
                }
            }
            // The mass lies in the upper tail beyond -location: GSL's tail sampler is exact there.
            return location + gsl_ran_gaussian_tail(rng, -location, scale)
        case .lognormal(let mu, let sigma):
            // exp(mu + sigma Z) with Z from GSL's ziggurat sampler: exact in distribution, and about
            // twice as fast as gsl_ran_lognormal's polar method (benchmarks/README.md).
            return _exp(mu + sigma * gsl_ran_gaussian_ziggurat(rng, 1))
        case .gamma(let shape, let scale):
            return gsl_ran_gamma(rng, shape, scale)
        case .weibull(let shape, let scale):
            return gsl_ran_weibull(rng, scale, shape)
        case .pareto(let shape, let scale):
            return gsl_ran_pareto(rng, shape, scale)
        case .empirical(let sorted):
            return Distribution.empiricalQuantile(sorted, gsl_rng_uniform(rng))
        case .histogram(let values, let cumulative):
            return Distribution.histogramQuantile(values, cumulative, gsl_rng_uniform(rng))
        case .series:
            preconditionFailure("a series is drawn with sample(_:cursor:): the config accepts it only where a cursor exists")
        case .mixture(let components):
            let u = gsl_rng_uniform(rng) * cumulativeWeights[cumulativeWeights.count - 1]
            var index = 0
            while index < components.count - 1 && u >= cumulativeWeights[index] { index += 1 }
            return components[index].distribution.sample(stream)
        case .shifted(let minimum, let base):
            return minimum + base.sample(stream)
        case .capped(let cap, let base):
            return Swift.min(cap, base.sample(stream))
        case .scaled(let factor, let base):
            return factor * base.sample(stream)
        }
    }

    /// One draw as a duration, the distribution's values read as nanoseconds (rounded, >= 0, saturating).
    @inlinable public func sampleDuration(_ stream: some RandomSource) -> SimDuration {
        let value = sample(stream)
        return SimDuration(roundingNanoseconds: value > 0 ? value : 0)
    }

    /// The type-7 quantile of sorted samples: linear interpolation between order statistics.
    static func empiricalQuantile(_ sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        if n == 1 { return sorted[0] }
        let position = p * Double(n - 1)
        let lower = Swift.min(Int(position), n - 2)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower])
    }
}
