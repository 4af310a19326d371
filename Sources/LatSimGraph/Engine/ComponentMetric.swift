import LatSimCore

/// One metric of a component type, declared once: its name (prefixed by the component's
/// name when recorded: `gateway.wait_mean`), unit, meaning, and how it is computed at the end
/// of a replication from the model (`group` is the component's index). `latsim list`, the
/// `metrics:` filter and the recorded rows all derive from these declarations.
///
/// A metric with no observations is NaN (a mean over no jobs, a quantile of no latencies).
public struct ComponentMetric: Sendable {
    public let name: String
    public let unit: String
    public let summary: String
    let value: @Sendable (GraphModel, Int, SimInstant) -> Double

    init(_ name: String, _ unit: String, _ summary: String, value: @escaping @Sendable (GraphModel, Int, SimInstant) -> Double) {
        self.name = name
        self.unit = unit
        self.summary = summary
        self.value = value
    }

    /// The seven metrics of a latency histogram: `<name>_mean`, `_p50`, `_p90`, `_p99`, `_p999`, `_max`, `_count`.
    static func histogram(_ name: String, _ summary: String,
                          _ histogram: @escaping @Sendable (GraphModel, Int) -> LatencyHistogram) -> [ComponentMetric] {
        [ComponentMetric(name + "_mean", "ns", "mean " + summary) { m, g, _ in histogram(m, g).mean },
         ComponentMetric(name + "_p50", "ns", "median " + summary) { m, g, _ in histogram(m, g).quantile(0.5) },
         ComponentMetric(name + "_p90", "ns", "90th percentile " + summary) { m, g, _ in histogram(m, g).quantile(0.9) },
         ComponentMetric(name + "_p99", "ns", "99th percentile " + summary) { m, g, _ in histogram(m, g).quantile(0.99) },
         ComponentMetric(name + "_p999", "ns", "99.9th percentile " + summary) { m, g, _ in histogram(m, g).quantile(0.999) },
         ComponentMetric(name + "_max", "ns", "largest " + summary) { m, g, _ in
             let h = histogram(m, g)
             return h.count > 0 ? h.quantile(1) : .nan
         },
         ComponentMetric(name + "_count", "count", "observations of " + summary) { m, g, _ in Double(histogram(m, g).count) }]
    }
}

extension GraphModel {
    /// Events per second of measurement, NaN for an empty window.
    func perSecond(_ count: Int64, until end: SimInstant) -> Double {
        let seconds = (end - measureStart).seconds
        return seconds > 0 ? Double(count) / seconds : .nan
    }
}
