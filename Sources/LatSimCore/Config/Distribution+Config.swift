/// Distributions in configs.
///
///     latency: 2ms                                   # a constant
///     latency: {type: lognormal, median: 2ms, sigma: 0.4}
///     latency: {type: lognormal, mean: 2ms, sd: 1ms}
///     latency: {type: exponential, mean: 250us, shift: 1ms, cap: 50ms}
///     latency: {type: mixture, components: [{weight: 0.99, type: lognormal, median: 2ms, sigma: 0.3},
///                                           {weight: 0.01, type: constant, value: 40ms}]}
///     latency: {type: empirical, samples: [1.2ms, 1.5ms, 2ms]}
///     latency: {type: empirical, file: data/latencies.csv, column: latency_us, unit: us}
///
/// Durations carry units ("250us"); shape parameters (sigma, shape) are plain numbers.
/// Every distribution accepts `shift` (a minimum added) and `cap` (a maximum).
extension ConfigNode {
    /// The distribution families a config may name, with a one-line description each.
    public static let distributionCatalog: [(name: String, summary: String)] = [
        ("constant", "always `value` (or write the duration alone: `latency: 2ms`)"),
        ("uniform", "uniform on [lower, upper]"),
        ("exponential", "exponential with `mean`"),
        ("normal", "normal(`mean`, `sd`) truncated at zero (conditioned on >= 0)"),
        ("lognormal", "lognormal by `median` and `sigma` (of the log), or by `mean` and `sd`"),
        ("gamma", "gamma with `shape` and `scale` (a duration)"),
        ("weibull", "Weibull with `shape` and `scale` (a duration)"),
        ("pareto", "Pareto with `shape` (alpha) and `scale` (the minimum, a duration)"),
        ("empirical", "observed latencies: inline `samples`, or a CSV `file` with optional `column` and `unit`"),
        ("histogram", "measured: `file` with `value_column` and `count_column` (point masses), or `lower_column`/`upper_column`/`count_column` (uniform in a bucket), or `percentile_column`/`value_column`, or `format: hdr`; or inline `percentiles: {p50: 1ms, p99: 10ms, max: 40ms}`"),
        ("series", "a latency trace replayed in file order on a link: `file`, `column`, `unit`, `start: first|random`, `bootstrap: {block: N}`"),
        ("mixture", "`components`: a list of distributions, each with a `weight`; weights sum to 1"),
    ]

    /// The distribution at `key` (values in nanoseconds).
    /// `sequential` is true where the caller keeps a `SeriesCursor` (link latencies): only there may
    /// the distribution be a `series`.
    public func distribution(_ key: String, default fallback: Distribution? = nil, sequential: Bool = false) throws -> Distribution {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: "a duration (e.g. 2ms) or a distribution such as {type: lognormal, median: 2ms, sigma: 0.4}")
            fatalError("unreachable")
        }
        return try node.distributionValue(sequential: sequential)
    }

    /// This node read as a distribution over durations (values in nanoseconds).
    public func distributionValue(extraKeys: [String] = [], sequential: Bool = false) throws -> Distribution {
        if case .scalar = value {
            return try wrap { try Distribution.constant(Double(durationValue().nanoseconds)) }
        }
        let families = ConfigNode.distributionCatalog.map(\.name)
        let type = try string("type", oneOf: families)
        let common = ["type", "shift", "cap"] + extraKeys
        func ns(_ key: String) throws -> Double { Double(try duration(key).nanoseconds) }
        var base: Distribution
        switch type {
        case "constant":
            try checkKeys(common + ["value"])
            base = try wrap { try Distribution.constant(ns("value")) }
        case "uniform":
            try checkKeys(common + ["lower", "upper"])
            let lower = try ns("lower"), upper = try ns("upper")
            base = try wrap { try Distribution.uniform(lower: lower, upper: upper) }
        case "exponential":
            try checkKeys(common + ["mean"])
            let mean = try ns("mean")
            base = try wrap { try Distribution.exponential(mean: mean) }
        case "normal":
            try checkKeys(common + ["mean", "sd"])
            let mean = try ns("mean"), sd = try ns("sd")
            base = try wrap { try Distribution.truncatedNormal(location: mean, scale: sd) }
        case "lognormal":
            try checkKeys(common + ["median", "sigma", "mean", "sd"])
            if has("median") || has("sigma") {
                if has("mean") || has("sd") {
                    throw error("gives both (median, sigma) and (mean, sd)", allowed: "either median and sigma, or mean and sd",
                                given: "both")
                }
                let median = try ns("median"), sigma = try double("sigma")
                base = try wrap { try Distribution.lognormal(median: median, sigma: sigma) }
            } else {
                let mean = try ns("mean"), sd = try ns("sd")
                base = try wrap { try Distribution.lognormal(mean: mean, standardDeviation: sd) }
            }
        case "gamma":
            try checkKeys(common + ["shape", "scale"])
            let shape = try double("shape"), scale = try ns("scale")
            base = try wrap { try Distribution.gamma(shape: shape, scale: scale) }
        case "weibull":
            try checkKeys(common + ["shape", "scale"])
            let shape = try double("shape"), scale = try ns("scale")
            base = try wrap { try Distribution.weibull(shape: shape, scale: scale) }
        case "pareto":
            try checkKeys(common + ["shape", "scale"])
            let shape = try double("shape"), scale = try ns("scale")
            base = try wrap { try Distribution.pareto(shape: shape, scale: scale) }
        case "empirical":
            try checkKeys(common + ["samples", "file", "column", "unit"])
            if let file = child("file") {
                if has("samples") { throw error("gives both samples and file", allowed: "one of samples or file", given: "both") }
                let unitName = try string("unit", default: "ns", oneOf: SimDuration.parseableUnits.map(\.name))
                let unit = SimDuration.parseableUnits.first { $0.name == unitName }!.nanoseconds
                let path = try file.dataFilePath()
                let column = try child("column")?.text()
                base = try file.wrap { try Distribution.empirical(csvFile: path, column: column, unitNanoseconds: Double(unit)) }
            } else {
                let samples = try required("samples", allowed: "a list of durations").items().map { Double(try $0.durationValue().nanoseconds) }
                base = try wrap { try Distribution.empirical(samples) }
            }
        case "histogram":
            try checkKeys(common + ConfigNode.histogramKeys)
            base = try histogramValue()
        case "series":
            try checkKeys(common + ["file", "column", "unit", "start", "bootstrap"])
            guard sequential else {
                throw error("is a latency series, replayed in order, which needs a connection to keep its place in the series",
                            allowed: "`type: series` as a link latency only (a connection's `link` or `reply_link`, a `regions:` cell, a network link); "
                                + "elsewhere use `type: empirical` (i.i.d. draws) on the same file", given: "type: series", key: "type")
            }
            base = try seriesValue()
        case "mixture":
            try checkKeys(common + ["components"])
            let items = try required("components", allowed: "a list of distributions with weights").items()
            var components: [(weight: Double, distribution: Distribution)] = []
            for item in items {
                let weight = try item.double("weight", range: 0...1)
                components.append((weight, try item.distributionValue(extraKeys: ["weight"])))
            }
            base = try wrap { try Distribution.mixture(components) }
        default:
            fatalError("unreachable: type checked against the catalog")
        }
        if has("shift") {
            let shift = try ns("shift")
            base = try wrap { try base.shifted(by: shift) }
        }
        if has("cap") {
            let cap = try ns("cap")
            base = try wrap { try base.capped(at: cap) }
        }
        return base
    }

    /// Runs `body`, turning a `ParameterError` into a `ConfigError` at this node.
    public func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ParameterError {
            throw ConfigError(location: location, path: ConfigNode.join(path, e.parameter), problem: e.problem,
                              allowed: e.allowed, given: e.given)
        }
    }
}
