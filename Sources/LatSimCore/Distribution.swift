import CGSL

/// A probability distribution over non-negative reals, validated when built; a value type.
///
///     let hop = try Distribution.lognormal(median: 2_000_000, sigma: 0.4)       // ns
///     let spiky = try Distribution.mixture([(0.99, hop), (0.01, try .constant(50_000_000))])
///     let sample: SimDuration = spiky.sampleDuration(stream)
///
/// Values are in the unit of the quantity they describe; latencies are in nanoseconds.
/// Every factory throws a `ParameterError` that names the offending parameter, so an
/// invalid distribution cannot exist. Sampling is done by GSL (`gsl_ran_*`); means,
/// variances, CDFs and quantiles come from closed forms and GSL's `gsl_cdf_*` where they exist.
public struct Distribution: Sendable, Equatable, CustomStringConvertible {
    /// The family and its parameters. Build values through the throwing factories.
    ///
    /// Only the cases that wrap another distribution are `indirect`: a leaf (constant,
    /// exponential, lognormal, ...) is stored inline, so sampling it touches no box and no
    /// reference count (benchmarks/README.md has the measurement).
    public enum Kind: Sendable, Equatable {
        case constant(value: Double)
        case uniform(lower: Double, upper: Double)
        case exponential(mean: Double)
        /// A normal(location, scale) conditioned on being >= 0.
        case truncatedNormal(location: Double, scale: Double)
        /// exp(normal(mu, sigma)): the median is e^mu.
        case lognormal(mu: Double, sigma: Double)
        case gamma(shape: Double, scale: Double)
        case weibull(shape: Double, scale: Double)
        /// Density a b^a / x^(a+1) for x >= b (shape a, scale b).
        case pareto(shape: Double, scale: Double)
        /// Piecewise-linear empirical CDF through the sorted samples (R's quantile type 7).
        case empirical(sortedSamples: [Double])
        /// A piecewise-linear CDF through the knots (values[i], cumulative[i]): values and
        /// cumulative non-decreasing, cumulative from 0 to 1. Equal values make a jump (a point
        /// mass), equal cumulatives a gap with no mass. Built by the `histogram` factories.
        case histogram(values: [Double], cumulative: [Double])
        /// A time-ordered series replayed in order, one value per draw, by a `SeriesCursor`
        /// (Distribution+Series.swift); `block` > 0 makes it a moving block bootstrap.
        case series(values: [Double], block: Int, randomStart: Bool)
        case mixture(components: [Component])
        /// minimum + X.
        indirect case shifted(minimum: Double, base: Distribution)
        /// min(X, cap).
        indirect case capped(cap: Double, base: Distribution)
        /// factor * X.
        indirect case scaled(factor: Double, base: Distribution)
    }

    /// One weighted component of a mixture.
    public struct Component: Sendable, Equatable {
        public var weight: Double
        public var distribution: Distribution
        public init(weight: Double, distribution: Distribution) {
            self.weight = weight
            self.distribution = distribution
        }
    }

    public let kind: Kind
    /// Cumulative weights of a mixture (derived once, for sampling).
    @usableFromInline let cumulativeWeights: [Double]

    init(_ kind: Kind) {
        GSLError.install() // moments, CDFs and quantiles call GSL: never with its aborting handler
        self.kind = kind
        if case .mixture(let components) = kind {
            var running = 0.0
            cumulativeWeights = components.map { running += $0.weight; return running }
        } else {
            cumulativeWeights = []
        }
    }

    public static func == (lhs: Distribution, rhs: Distribution) -> Bool { lhs.kind == rhs.kind }

    // MARK: Factories (validated)

    public static func constant(_ value: Double) throws -> Distribution {
        try require(value, "value", nonNegative: true)
        return Distribution(.constant(value: value))
    }

    public static func uniform(lower: Double, upper: Double) throws -> Distribution {
        try require(lower, "lower", nonNegative: true)
        try require(upper, "upper", nonNegative: true)
        guard upper > lower else {
            throw ParameterError(parameter: "upper", problem: "must exceed lower (\(lower))", allowed: "upper > lower", given: "\(upper)")
        }
        return Distribution(.uniform(lower: lower, upper: upper))
    }

    public static func exponential(mean: Double) throws -> Distribution {
        try require(mean, "mean", positive: true)
        return Distribution(.exponential(mean: mean))
    }

    /// A normal with the given location and scale, truncated at zero (conditioned on X >= 0).
    /// `location` and `scale` are those of the normal before truncation; `mean` reports the truncated mean.
    public static func truncatedNormal(location: Double, scale: Double) throws -> Distribution {
        try require(location, "mean", nonNegative: false)
        try require(scale, "sd", positive: true)
        guard location / scale > -30 else {
            throw ParameterError(parameter: "mean", problem: "is too far below zero for its sd: almost no mass is left above zero",
                                 allowed: "mean > -30 sd", given: "\(location)")
        }
        return Distribution(.truncatedNormal(location: location, scale: scale))
    }

    /// A lognormal given by its median (e^mu) and the sigma of its logarithm.
    public static func lognormal(median: Double, sigma: Double) throws -> Distribution {
        try require(median, "median", positive: true)
        try require(sigma, "sigma", positive: true)
        return Distribution(.lognormal(mu: _log(median), sigma: sigma))
    }

    /// A lognormal given by its mean and standard deviation:
    /// sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2.
    public static func lognormal(mean: Double, standardDeviation: Double) throws -> Distribution {
        try require(mean, "mean", positive: true)
        try require(standardDeviation, "sd", positive: true)
        let sigma2 = _log1p(standardDeviation * standardDeviation / (mean * mean))
        return Distribution(.lognormal(mu: _log(mean) - sigma2 / 2, sigma: sigma2.squareRoot()))
    }

    public static func gamma(shape: Double, scale: Double) throws -> Distribution {
        try require(shape, "shape", positive: true)
        try require(scale, "scale", positive: true)
        return Distribution(.gamma(shape: shape, scale: scale))
    }

    /// A Weibull distribution. Its mean and variance, scale * Gamma(1 + 1/shape) and
    /// scale^2 * (Gamma(1 + 2/shape) - Gamma(1 + 1/shape)^2), are computed here through GSL so that
    /// a shape too small for them (Gamma overflows past 171.6, shape < about 0.0117) is an error
    /// naming `shape`, not an abort inside GSL later.
    public static func weibull(shape: Double, scale: Double) throws -> Distribution {
        try require(shape, "shape", positive: true)
        try require(scale, "scale", positive: true)
        let allowed = "a shape > 0.0117 (below it Gamma(1 + 2/shape), in the variance, overflows)"
        for argument in [1 + 1 / shape, 1 + 2 / shape] {
            let g = try GSLError.capture(parameter: "shape", given: "\(shape)", allowed: allowed) { gsl_sf_gamma(argument) }
            guard g.isFinite, (scale * scale * g).isFinite else {
                throw ParameterError(parameter: "shape", problem: "is too small: the variance overflows", allowed: allowed, given: "\(shape)")
            }
        }
        return Distribution(.weibull(shape: shape, scale: scale))
    }

    public static func pareto(shape: Double, scale: Double) throws -> Distribution {
        try require(shape, "shape", positive: true)
        try require(scale, "scale", positive: true)
        return Distribution(.pareto(shape: shape, scale: scale))
    }

    /// The empirical distribution of observed values (any order; at least one value).
    public static func empirical(_ samples: [Double]) throws -> Distribution {
        guard !samples.isEmpty else {
            throw ParameterError(parameter: "samples", problem: "is empty", allowed: "at least one observed value", given: "[]")
        }
        for (index, value) in samples.enumerated() {
            try require(value, "samples[\(index)]", nonNegative: true)
        }
        return Distribution(.empirical(sortedSamples: samples.sorted()))
    }

    /// A mixture: with probability weight_i, a draw of distribution_i. Weights are positive and sum to one (within 1e-9).
    public static func mixture(_ components: [(weight: Double, distribution: Distribution)]) throws -> Distribution {
        guard !components.isEmpty else {
            throw ParameterError(parameter: "components", problem: "is empty", allowed: "at least one weighted component", given: "[]")
        }
        var total = 0.0
        for (index, component) in components.enumerated() {
            try require(component.weight, "components[\(index)].weight", positive: true)
            guard !component.distribution.isSequential else {
                throw ParameterError(parameter: "components[\(index)]", problem: "is a series, which cannot be mixed (a mixture draws its components independently)",
                                     allowed: "a distribution other than `series`", given: "\(component.distribution)")
            }
            guard component.weight <= 1 else {
                throw ParameterError(parameter: "components[\(index)].weight", problem: "exceeds 1", allowed: "0 < weight <= 1", given: "\(component.weight)")
            }
            total += component.weight
        }
        guard abs(total - 1) <= 1e-9 else {
            throw ParameterError(parameter: "weights", problem: "do not sum to one", allowed: "a sum of 1 (within 1e-9)",
                                 given: "sum \(total) of " + components.map { "\($0.weight)" }.joined(separator: ", "))
        }
        return Distribution(.mixture(components: components.map { Component(weight: $0.weight, distribution: $0.distribution) }))
    }

    /// `minimum + X`: a floor such as a propagation delay under a jitter.
    public func shifted(by minimum: Double) throws -> Distribution {
        try Distribution.require(minimum, "shift", nonNegative: true)
        return Distribution(.shifted(minimum: minimum, base: self))
    }

    /// `min(X, cap)`: a timeout or a physical bound.
    public func capped(at cap: Double) throws -> Distribution {
        try Distribution.require(cap, "cap", positive: true)
        return Distribution(.capped(cap: cap, base: self))
    }

    /// `factor * X`: the same shape, slower or faster (a stress regime).
    public func scaled(by factor: Double) throws -> Distribution {
        try Distribution.require(factor, "factor", positive: true)
        return Distribution(.scaled(factor: factor, base: self))
    }

    static func require(_ value: Double, _ name: String, positive: Bool = false, nonNegative: Bool = false) throws {
        guard value.isFinite else {
            throw ParameterError(parameter: name, problem: "must be a finite number", allowed: "a finite number", given: "\(value)")
        }
        if positive && !(value > 0) {
            throw ParameterError(parameter: name, problem: "must be positive", allowed: "a number > 0", given: "\(value)")
        }
        if nonNegative && value < 0 {
            throw ParameterError(parameter: name, problem: "must not be negative", allowed: "a number >= 0", given: "\(value)")
        }
    }

    public var description: String {
        switch kind {
        case .constant(let v): return "constant(\(v))"
        case .uniform(let a, let b): return "uniform(\(a), \(b))"
        case .exponential(let m): return "exponential(mean \(m))"
        case .truncatedNormal(let m, let s): return "normal(\(m), \(s)) truncated at 0"
        case .lognormal(let mu, let s): return "lognormal(mu \(mu), sigma \(s))"
        case .gamma(let k, let t): return "gamma(shape \(k), scale \(t))"
        case .weibull(let k, let l): return "weibull(shape \(k), scale \(l))"
        case .pareto(let a, let b): return "pareto(shape \(a), scale \(b))"
        case .empirical(let s): return "empirical(\(s.count) samples)"
        case .histogram(let v, _): return "histogram(\(v.count) knots)"
        case .series(let v, let block, _): return "series(\(v.count) values" + (block > 0 ? ", bootstrap block \(block))" : ")")
        case .mixture(let c): return "mixture(" + c.map { "\($0.weight): \($0.distribution)" }.joined(separator: ", ") + ")"
        case .shifted(let m, let b): return "\(m) + \(b)"
        case .capped(let c, let b): return "min(\(b), \(c))"
        case .scaled(let f, let b): return "\(f) * \(b)"
        }
    }
}
