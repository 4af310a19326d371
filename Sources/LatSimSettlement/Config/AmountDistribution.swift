import LatSimCore

/// Distributions of plain amounts (notional, fees) in configs: numbers, not durations.
///
///     notional: 10000                                   # a constant
///     notional: {type: lognormal, median: 10000, sigma: 1}
///     notional: {type: exponential, mean: 5000}
///     notional: {type: uniform, lower: 1000, upper: 20000}
///     notional: {type: pareto, shape: 2.5, scale: 1000}
extension ConfigNode {
    public static let amountFamilies = ["constant", "uniform", "exponential", "lognormal", "pareto"]

    public func amountDistribution(_ key: String, default fallback: Distribution? = nil) throws -> Distribution {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: "a number or {type: \(ConfigNode.amountFamilies.joined(separator: "|")), ...}")
            fatalError("unreachable")
        }
        if case .scalar = node.value {
            let v = try node.doubleValue(range: 0...1e15)
            return try node.wrap { try Distribution.constant(v) }
        }
        let type = try node.string("type", oneOf: ConfigNode.amountFamilies)
        switch type {
        case "constant":
            try node.checkKeys(["type", "value"])
            let v = try node.double("value", range: 0...1e15)
            return try node.wrap { try Distribution.constant(v) }
        case "uniform":
            try node.checkKeys(["type", "lower", "upper"])
            let lower = try node.double("lower", range: 0...1e15), upper = try node.double("upper", range: 0...1e15)
            return try node.wrap { try Distribution.uniform(lower: lower, upper: upper) }
        case "exponential":
            try node.checkKeys(["type", "mean"])
            let mean = try node.double("mean", range: 0...1e15)
            return try node.wrap { try Distribution.exponential(mean: mean) }
        case "lognormal":
            try node.checkKeys(["type", "median", "sigma"])
            let median = try node.double("median", range: 0...1e15), sigma = try node.double("sigma", range: 0...10)
            return try node.wrap { try Distribution.lognormal(median: median, sigma: sigma) }
        default:
            try node.checkKeys(["type", "shape", "scale"])
            let shape = try node.double("shape", range: 0...1e3), scale = try node.double("scale", range: 0...1e15)
            return try node.wrap { try Distribution.pareto(shape: shape, scale: scale) }
        }
    }
}
