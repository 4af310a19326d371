import CGSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Distribution {
    /// The mean, from the closed form (or numerical integration for `capped`); +infinity where it diverges.
    public var mean: Double {
        switch kind {
        case .constant(let v): return v
        case .uniform(let a, let b): return (a + b) / 2
        case .exponential(let m): return m
        case .truncatedNormal(let mu, let sigma):
            let alpha = -mu / sigma
            let lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha)
            return mu + sigma * lambda
        case .lognormal(let mu, let sigma): return _exp(mu + sigma * sigma / 2)
        case .gamma(let k, let theta): return k * theta
        case .weibull(let k, let lambda): return lambda * gsl_sf_gamma(1 + 1 / k)
        case .pareto(let a, let b): return a > 1 ? a * b / (a - 1) : .infinity
        case .empirical(let x):
            if x.count == 1 { return x[0] }
            var sum = 0.0
            for i in 0..<(x.count - 1) { sum += (x[i] + x[i + 1]) / 2 }
            return sum / Double(x.count - 1)
        case .histogram(let x, let f):
            // Each segment carries mass f[i+1] - f[i], uniformly on [x[i], x[i+1]] (a point if equal).
            var sum = 0.0
            for i in 0..<(x.count - 1) { sum += (f[i + 1] - f[i]) * (x[i] + x[i + 1]) / 2 }
            return sum
        case .series(let v, _, _):
            // The marginal: each value of the series with mass 1/n.
            return v.reduce(0, +) / Double(v.count)
        case .mixture(let components):
            return components.reduce(0) { $0 + $1.weight * $1.distribution.mean }
        case .shifted(let m, let base): return m + base.mean
        case .scaled(let f, let base): return f * base.mean
        case .capped(let cap, let base):
            // E[min(X, c)] = integral over [0, c] of P(X > x) dx for X >= 0.
            return Integration.integrate(from: 0, to: cap) { 1 - base.cdf($0) } ?? .nan
        }
    }

    /// The variance, from the closed form; +infinity where it diverges.
    public var variance: Double {
        switch kind {
        case .constant: return 0
        case .uniform(let a, let b): return (b - a) * (b - a) / 12
        case .exponential(let m): return m * m
        case .truncatedNormal(let mu, let sigma):
            let alpha = -mu / sigma
            let lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha)
            return sigma * sigma * (1 + alpha * lambda - lambda * lambda)
        case .lognormal(let mu, let sigma):
            let s2 = sigma * sigma
            return _expm1(s2) * _exp(2 * mu + s2)
        case .gamma(let k, let theta): return k * theta * theta
        case .weibull(let k, let lambda):
            let g1 = gsl_sf_gamma(1 + 1 / k)
            return lambda * lambda * (gsl_sf_gamma(1 + 2 / k) - g1 * g1)
        case .pareto(let a, let b): return a > 2 ? b * b * a / ((a - 1) * (a - 1) * (a - 2)) : .infinity
        case .empirical(let x):
            if x.count == 1 { return 0 }
            // Each segment [x_i, x_i+1] carries mass 1/(n-1), uniformly.
            var secondMoment = 0.0
            for i in 0..<(x.count - 1) { secondMoment += (x[i] * x[i] + x[i] * x[i + 1] + x[i + 1] * x[i + 1]) / 3 }
            let m = mean
            return secondMoment / Double(x.count - 1) - m * m
        case .histogram(let x, let f):
            var secondMoment = 0.0
            for i in 0..<(x.count - 1) { secondMoment += (f[i + 1] - f[i]) * (x[i] * x[i] + x[i] * x[i + 1] + x[i + 1] * x[i + 1]) / 3 }
            let m = mean
            return Swift.max(0, secondMoment - m * m)
        case .series(let v, _, _):
            let m = mean
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)
        case .mixture(let components):
            let m = mean
            let second = components.reduce(0) { partial, c in
                let cm = c.distribution.mean
                return partial + c.weight * (c.distribution.variance + cm * cm)
            }
            return second - m * m
        case .shifted(_, let base): return base.variance
        case .scaled(let f, let base): return f * f * base.variance
        case .capped(let cap, let base):
            // E[min(X, c)^2] = integral over [0, c] of 2x P(X > x) dx.
            let second = Integration.integrate(from: 0, to: cap) { 2 * $0 * (1 - base.cdf($0)) } ?? .nan
            let m = mean
            return second - m * m
        }
    }

    public var standardDeviation: Double { variance.squareRoot() }

    /// P(X <= x).
    public func cdf(_ x: Double) -> Double {
        switch kind {
        case .constant(let v): return x >= v ? 1 : 0
        case .uniform(let a, let b): return gsl_cdf_flat_P(x, a, b)
        case .exponential(let m): return gsl_cdf_exponential_P(x, m)
        case .truncatedNormal(let mu, let sigma):
            if x <= 0 { return 0 }
            return 1 - gsl_cdf_ugaussian_Q((x - mu) / sigma) / gsl_cdf_ugaussian_Q(-mu / sigma)
        case .lognormal(let mu, let sigma): return gsl_cdf_lognormal_P(x, mu, sigma)
        case .gamma(let k, let theta): return gsl_cdf_gamma_P(x, k, theta)
        case .weibull(let k, let lambda): return gsl_cdf_weibull_P(x, lambda, k)
        case .pareto(let a, let b): return gsl_cdf_pareto_P(x, a, b)
        case .empirical(let s):
            let n = s.count
            if x < s[0] { return 0 }
            if x >= s[n - 1] { return 1 }
            // Largest i with s[i] <= x (binary search), then interpolate within [s[i], s[i+1]].
            var low = 0, high = n - 1
            while high - low > 1 {
                let mid = (low + high) / 2
                if s[mid] <= x { low = mid } else { high = mid }
            }
            let width = s[low + 1] - s[low]
            let fraction = width > 0 ? (x - s[low]) / width : 1
            return (Double(low) + fraction) / Double(n - 1)
        case .histogram(let knots, let f): return Distribution.histogramCDF(knots, f, x)
        case .series(let v, _, _): return Double(v.filter { $0 <= x }.count) / Double(v.count)
        case .mixture(let components):
            return components.reduce(0) { $0 + $1.weight * $1.distribution.cdf(x) }
        case .shifted(let m, let base): return base.cdf(x - m)
        case .scaled(let f, let base): return base.cdf(x / f)
        case .capped(let cap, let base): return x >= cap ? 1 : base.cdf(x)
        }
    }

    /// The p-quantile, inf{x : F(x) >= p}, for p in [0, 1].
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "quantile probability \(p) outside [0, 1]")
        switch kind {
        case .constant(let v): return v
        case .uniform(let a, let b): return gsl_cdf_flat_Pinv(p, a, b)
        case .exponential(let m): return p == 1 ? .infinity : gsl_cdf_exponential_Pinv(p, m)
        case .truncatedNormal(let mu, let sigma):
            if p == 1 { return .infinity }
            return Swift.max(0, mu + sigma * gsl_cdf_ugaussian_Qinv((1 - p) * gsl_cdf_ugaussian_Q(-mu / sigma)))
        case .lognormal(let mu, let sigma):
            if p == 0 { return 0 }
            return p == 1 ? .infinity : gsl_cdf_lognormal_Pinv(p, mu, sigma)
        case .gamma(let k, let theta):
            if p == 0 { return 0 }
            return p == 1 ? .infinity : gsl_cdf_gamma_Pinv(p, k, theta)
        case .weibull(let k, let lambda):
            if p == 0 { return 0 }
            return p == 1 ? .infinity : gsl_cdf_weibull_Pinv(p, lambda, k)
        case .pareto(let a, let b):
            if p == 0 { return b }
            return p == 1 ? .infinity : gsl_cdf_pareto_Pinv(p, a, b)
        case .empirical(let s): return Distribution.empiricalQuantile(s, p)
        case .histogram(let x, let f): return Distribution.histogramQuantile(x, f, p)
        case .series(let v, _, _):
            let sorted = v.sorted()
            return sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        case .mixture: return invertCDF(p)
        case .shifted(let m, let base): return m + base.quantile(p)
        case .scaled(let f, let base): return f * base.quantile(p)
        case .capped(let cap, let base): return Swift.min(cap, base.quantile(p))
        }
    }

    /// Bisection on the CDF (for mixtures): brackets from the components' own quantiles.
    private func invertCDF(_ p: Double) -> Double {
        guard case .mixture(let components) = kind else { return .nan }
        var low = components.map { $0.distribution.quantile(0) }.min() ?? 0
        var high = components.map { $0.distribution.quantile(Swift.min(p, 1)) }.max() ?? 0
        if p == 1 || !high.isFinite { return high }
        if cdf(low) >= p { return low }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if cdf(mid) >= p { high = mid } else { low = mid }
            if high - low <= 1e-12 * Swift.max(1, abs(high)) { break }
        }
        return high
    }
}

func _exp(_ x: Double) -> Double { exp(x) }
func _expm1(_ x: Double) -> Double { expm1(x) }
func _log(_ x: Double) -> Double { log(x) }
func _log1p(_ x: Double) -> Double { log1p(x) }
