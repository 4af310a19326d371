#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parameters of a geometric Brownian motion with optional compound-Poisson jumps in the log price.
///
///     let p = try PriceProcessParameters(initialPrice: 3_000, driftPerYear: 0, volatilityPerSqrtYear: 0.6)
///
/// Convention: `driftPerYear` (mu) is the drift of the PRICE, dS/S = mu dt + sigma dW, so the
/// log price moves by (mu - sigma^2/2) t + sigma W_t. Jumps add N_t ~ Poisson(lambda t) normal
/// jumps J ~ normal(jumpMeanLog, jumpSDLog^2) to the log price (no compensation: E[S_t] =
/// S_0 exp(mu t + lambda t (exp(m + s^2/2) - 1))). Rates and variances are per year of 365 days.
public struct PriceProcessParameters: Sendable, Equatable {
    /// 1,000 jumps per second, in jumps per year of 365 days.
    public static let jumpRatePerYearLimit = 1_000 * secondsPerYear
    public var initialPrice: Double
    /// mu: the drift of the price (not of its logarithm), per year.
    public var driftPerYear: Double
    /// sigma, per square root of a year.
    public var volatilityPerSqrtYear: Double
    /// lambda: the expected number of jumps per year (0: no jumps).
    public var jumpRatePerYear: Double
    /// The mean of one jump of the log price.
    public var jumpMeanLog: Double
    /// The standard deviation of one jump of the log price.
    public var jumpSDLog: Double

    public init(initialPrice: Double, driftPerYear: Double = 0, volatilityPerSqrtYear: Double,
                jumpRatePerYear: Double = 0, jumpMeanLog: Double = 0, jumpSDLog: Double = 0) throws {
        guard initialPrice.isFinite, initialPrice > 0 else {
            throw ParameterError(parameter: "initial_price", problem: "must be positive", allowed: "a number > 0", given: "\(initialPrice)")
        }
        guard driftPerYear.isFinite else {
            throw ParameterError(parameter: "drift_per_year", problem: "must be finite", allowed: "a finite number", given: "\(driftPerYear)")
        }
        guard volatilityPerSqrtYear.isFinite, volatilityPerSqrtYear >= 0 else {
            throw ParameterError(parameter: "volatility_per_sqrt_year", problem: "must not be negative", allowed: "a number >= 0", given: "\(volatilityPerSqrtYear)")
        }
        // Each price sample draws a Poisson count of jumps: bound its mean so one event's work stays small
        // (at most 1,000 jumps per second of simulated time).
        guard jumpRatePerYear.isFinite, jumpRatePerYear >= 0, jumpRatePerYear <= PriceProcessParameters.jumpRatePerYearLimit else {
            throw ParameterError(parameter: "jump_rate_per_year", problem: "is out of range",
                                 allowed: "a number in [0, \(formatSignificant(PriceProcessParameters.jumpRatePerYearLimit, digits: 6))] (1,000 jumps per second)",
                                 given: "\(jumpRatePerYear)")
        }
        guard jumpMeanLog.isFinite else {
            throw ParameterError(parameter: "jump_mean_log", problem: "must be finite", allowed: "a finite number", given: "\(jumpMeanLog)")
        }
        guard jumpSDLog.isFinite, jumpSDLog >= 0 else {
            throw ParameterError(parameter: "jump_sd_log", problem: "must not be negative", allowed: "a number >= 0", given: "\(jumpSDLog)")
        }
        self.initialPrice = initialPrice
        self.driftPerYear = driftPerYear
        self.volatilityPerSqrtYear = volatilityPerSqrtYear
        self.jumpRatePerYear = jumpRatePerYear
        self.jumpMeanLog = jumpMeanLog
        self.jumpSDLog = jumpSDLog
    }

    /// The mean of the log-price increment over `t` years: (mu - sigma^2/2) t + lambda t m.
    public func logIncrementMean(years t: Double) -> Double {
        (driftPerYear - volatilityPerSqrtYear * volatilityPerSqrtYear / 2) * t + jumpRatePerYear * t * jumpMeanLog
    }

    /// The variance of the log-price increment over `t` years: sigma^2 t + lambda t (s^2 + m^2).
    public func logIncrementVariance(years t: Double) -> Double {
        volatilityPerSqrtYear * volatilityPerSqrtYear * t + jumpRatePerYear * t * (jumpSDLog * jumpSDLog + jumpMeanLog * jumpMeanLog)
    }
}

/// One path of a jump-diffusion price, sampled exactly at the (non-decreasing) times it is asked for.
///
///     var price = PriceProcess(parameters: p, stream: spec.stream("fundamental"))
///     let s1 = price.value(at: t1)      // exact draw of S(t1) given S(t0)
///
/// Exactness: between two sampling times the log increment is drawn from its exact law
/// (normal diffusion part, Poisson number of normal jumps whose sum is normal given the count),
/// so there is no time-step discretisation error whatever the spacing of the samples.
/// Invariant: samples are asked for in non-decreasing time order (a precondition).
public struct PriceProcess {
    public let parameters: PriceProcessParameters
    public private(set) var logPrice: Double
    public private(set) var lastTime: SimInstant
    let stream: RandomStream

    public init(parameters: PriceProcessParameters, stream: RandomStream, start: SimInstant = .zero) {
        self.parameters = parameters
        self.logPrice = log(parameters.initialPrice)
        self.lastTime = start
        self.stream = stream
    }

    /// The price at `time`, advancing the path to it.
    public mutating func value(at time: SimInstant) -> Double {
        precondition(time >= lastTime, "price sampled in the past: \(time) < \(lastTime)")
        if time > lastTime {
            let years = Double((time - lastTime).nanoseconds) / 1e9 / secondsPerYear
            logPrice += increment(years: years)
            lastTime = time
        }
        return exp(logPrice)
    }

    /// The current price (at `lastTime`).
    public var current: Double { exp(logPrice) }

    /// One exact draw of the log increment over `years`.
    func increment(years t: Double) -> Double {
        let p = parameters
        var x = (p.driftPerYear - p.volatilityPerSqrtYear * p.volatilityPerSqrtYear / 2) * t
        if p.volatilityPerSqrtYear > 0 { x += stream.gaussian(standardDeviation: p.volatilityPerSqrtYear * t.squareRoot()) }
        if p.jumpRatePerYear > 0 {
            let jumps = stream.poisson(mean: p.jumpRatePerYear * t)
            if jumps > 0 {
                x += Double(jumps) * p.jumpMeanLog
                if p.jumpSDLog > 0 { x += stream.gaussian(standardDeviation: p.jumpSDLog * Double(jumps).squareRoot()) }
            }
        }
        return x
    }
}

extension PriceProcessParameters {
    /// Reads `{initial_price, drift_per_year, volatility_per_sqrt_year, jump_rate_per_year, jump_mean_log, jump_sd_log}`.
    public init(config node: ConfigNode) throws {
        try node.checkKeys(["initial_price", "drift_per_year", "volatility_per_sqrt_year", "jump_rate_per_year", "jump_mean_log", "jump_sd_log"])
        let initial = try node.double("initial_price", default: 3_000)
        let drift = try node.double("drift_per_year", default: 0)
        let sigma = try node.double("volatility_per_sqrt_year", default: 0.6)
        let rate = try node.double("jump_rate_per_year", default: 0)
        let mean = try node.double("jump_mean_log", default: 0)
        let sd = try node.double("jump_sd_log", default: 0)
        self = try node.wrap {
            try PriceProcessParameters(initialPrice: initial, driftPerYear: drift, volatilityPerSqrtYear: sigma,
                                       jumpRatePerYear: rate, jumpMeanLog: mean, jumpSDLog: sd)
        }
    }
}
