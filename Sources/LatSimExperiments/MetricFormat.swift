import LatSimCore

/// Number formatting for tables (the run summary, the claims table): durations (unit ns) with
/// a unit suffix (`2.082ms`), others with 4 significant digits; locale-free.
///
///     MetricFormat.value(2_082_000, unit: "ns")   // "2.082ms"
public enum MetricFormat {
    public static func value(_ x: Double, unit: String) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : formatSignificant(x) }
        guard unit == "ns" else { return formatSignificant(x) }
        let magnitude = abs(x)
        for (name, size) in [("s", 1e9), ("ms", 1e6), ("us", 1e3)] where magnitude >= size {
            return formatSignificant(x / size) + name
        }
        return formatSignificant(x) + "ns"
    }

    public static func interval(_ low: Double, _ high: Double, unit: String) -> String {
        low.isFinite && high.isFinite ? "[\(value(low, unit: unit)), \(value(high, unit: unit))]" : "[n/a]"
    }
}
