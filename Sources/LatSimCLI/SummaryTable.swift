import LatSimExperiments

/// The readable table `run` and `sweep` print: per point, design and metric the number of
/// replications where the metric is defined (n), the mean, 95% CI, p50 and p99 over them; then
/// each design's paired difference from the baseline (n: replications where both are defined).
///
///     metric                 design  n   mean     95% CI              p50      p99
///     request_latency_mean   sync    10  1.001ms  [0.9961ms, 1.006ms] 1.002ms  1.013ms
///
/// A metric with no observations in a replication is NaN there and left out: n below the
/// replications says so, and a metric defined nowhere prints nan with n = 0.
///
/// Durations (unit ns) print with a unit suffix (ns, us, ms, s); others with 4 significant digits.
enum SummaryTable {
    static func render(_ results: ExperimentResults) -> String {
        let plan = results.plan
        let axes = plan.axes.map(\.keyPath)
        var rows: [[String]] = [["point"] + axes + ["metric", "design", "n", "mean", "95% CI", "p50", "p99"]]
        for row in results.aggregates {
            let s = row.summary
            rows.append(pointColumns(results, row.point) + [row.metric + unitSuffix(row.unit), row.design, String(s.n),
                        value(s.mean, row.unit), interval(s.ciLow, s.ciHigh, row.unit), value(s.p50, row.unit), value(s.p99, row.unit)])
        }
        var text = align(rows)
        if !results.comparisons.isEmpty {
            var comparison: [[String]] = [["point"] + axes + ["metric", "design - baseline", "n", "difference", "95% CI", "ratio"]]
            for row in results.comparisons {
                let c = row.comparison
                comparison.append(pointColumns(results, row.point) + [row.metric + unitSuffix(row.unit), "\(row.design) - \(row.baseline)", String(c.n),
                                  value(c.difference.mean, row.unit), interval(c.difference.ciLow, c.difference.ciHigh, row.unit),
                                  formatSignificant(c.ratioOfMeans)])
            }
            text += "\npaired differences on common random numbers (n = replications where both are defined):\n" + align(comparison)
        }
        let seeds = "seed \(plan.settings.seed), \(plan.settings.replications) replications, \(results.eventsProcessed) events"
        return text + seeds + "\n"
    }

    static func pointColumns(_ results: ExperimentResults, _ point: Int) -> [String] {
        [String(point)] + results.plan.points[point].assignments.map(\.value)
    }

    static func unitSuffix(_ unit: String) -> String { unit == "ns" ? "" : " (\(unit))" }

    static func value(_ x: Double, _ unit: String) -> String { MetricFormat.value(x, unit: unit) }

    static func interval(_ low: Double, _ high: Double, _ unit: String) -> String {
        low.isFinite && high.isFinite ? "[\(value(low, unit)), \(value(high, unit))]" : "n/a"
    }

    /// Left-aligned columns separated by two spaces.
    static func align(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var text = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == columns - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            text += line + "\n"
        }
        return text
    }
}
