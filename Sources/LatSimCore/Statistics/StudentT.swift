import CGSL

/// Quantiles of Student's t distribution (GSL's `gsl_cdf_tdist_Pinv`), for confidence intervals.
///
///     StudentT.quantile(0.975, degreesOfFreedom: 9)     // 2.2621571627...
///     StudentT.confidenceHalfWidth(standardDeviation: s, count: 10, level: 0.95)
///
/// Invariant: `quantile(p, ν)` is increasing in p, symmetric (`quantile(1 - p) == -quantile(p)`),
/// and tends to the standard normal quantile as ν grows.
public enum StudentT {
    /// The p-quantile of Student's t with `degreesOfFreedom` (> 0) degrees of freedom.
    public static func quantile(_ p: Double, degreesOfFreedom: Double) -> Double {
        precondition(p > 0 && p < 1, "Student t quantile probability outside (0, 1): \(p)")
        precondition(degreesOfFreedom > 0, "Student t degrees of freedom must be positive: \(degreesOfFreedom)")
        GSLError.install()
        return gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }

    /// The CDF P(T <= x) of Student's t.
    public static func cdf(_ x: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "Student t degrees of freedom must be positive: \(degreesOfFreedom)")
        return gsl_cdf_tdist_P(x, degreesOfFreedom)
    }

    /// The half-width of the two-sided `level` confidence interval of a mean of `count`
    /// observations with sample standard deviation `standardDeviation`:
    /// t_{(1+level)/2, count-1} * s / sqrt(count). NaN below two observations.
    public static func confidenceHalfWidth(standardDeviation: Double, count: Int, level: Double = 0.95) -> Double {
        precondition(level > 0 && level < 1, "confidence level outside (0, 1): \(level)")
        guard count >= 2, standardDeviation.isFinite else { return .nan }
        let t = quantile((1 + level) / 2, degreesOfFreedom: Double(count - 1))
        return t * standardDeviation / Double(count).squareRoot()
    }
}
