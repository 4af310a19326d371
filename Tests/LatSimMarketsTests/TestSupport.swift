@testable import LatSimMarkets
import LatSimCore

/// Mean, sample variance and the standard error of the mean of a list of values.
struct SampleSummary {
    let count: Int
    let mean: Double
    let variance: Double
    /// The fourth central moment (for the standard error of the variance).
    let fourthMoment: Double

    init(_ values: [Double]) {
        count = values.count
        let n = Double(values.count)
        mean = values.reduce(0, +) / n
        var m2 = 0.0, m4 = 0.0
        for x in values {
            let d = (x - mean) * (x - mean)
            m2 += d
            m4 += d * d
        }
        variance = m2 / (n - 1)
        fourthMoment = m4 / n
    }

    var standardError: Double { (variance / Double(count)).squareRoot() }
    /// Standard error of the sample variance: sqrt((m4 - s^4) / n).
    var varianceStandardError: Double { ((fourthMoment - variance * variance) / Double(count)).squareRoot() }
}

/// A paired-difference confidence interval at 95% with Student's t quantile for n - 1 degrees of freedom.
struct PairedInterval {
    let mean: Double
    let halfWidth: Double
    var lower: Double { mean - halfWidth }
    var upper: Double { mean + halfWidth }

    /// t_{0.975, n-1} (GSL's inverse CDF, for any degrees of freedom).
    static func tQuantile975(degreesOfFreedom: Int) -> Double {
        StudentT.quantile(0.975, degreesOfFreedom: Double(degreesOfFreedom))
    }

    init(differences: [Double]) {
        let s = SampleSummary(differences)
        mean = s.mean
        halfWidth = PairedInterval.tQuantile975(degreesOfFreedom: differences.count - 1) * s.standardError
    }
}

/// Builds config trees in tests without YAML.
enum Config {
    static func map(_ entries: [(String, ConfigNode)], path: String = "model") -> ConfigNode {
        ConfigNode.mapping(entries, path: path)
    }
    static func list(_ items: [ConfigNode]) -> ConfigNode { ConfigNode(value: .sequence(items), location: .unknown, path: "") }
    static func s(_ text: String) -> ConfigNode { .scalar(text) }
}
