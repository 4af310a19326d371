import Foundation

/// The CSV texts of an experiment's results (see docs/config.md, "Outputs").
///
///     summary.csv     point,<axes>,design,replication,metric,unit,value
///     aggregate.csv   point,<axes>,design,metric,unit,n,mean,sd,ci95_low,ci95_high,p50,p90,p99,p999
///     comparison.csv  point,<axes>,metric,unit,baseline,design,n,baseline_mean,design_mean,
///                     difference_mean,difference_sd,difference_ci95_low,difference_ci95_high,ratio_of_means
///     trace.csv       point,<axes>,design,replication,<the scenario's trace columns>
///
/// Long form: each row carries its metric's unit in `unit`, and every number column is in that
/// unit (ratio_of_means and n are unitless). `<axes>` are the sweep-axis columns: each key
/// path's label as written and its typed column (`AxisColumns`).
/// Numbers are Swift's shortest round-trip form of a Double ("0.1", "1234.5", "1e-05"; NaN as "NaN"):
/// no locale, byte-identical on every run.
public enum CSVTables {
    /// NaN is written `NaN`, which pandas and polars both read as a float NaN with default
    /// options (polars reads Swift's `nan` as text); infinities are `inf` and `-inf`.
    public static func number(_ x: Double) -> String { x.isNaN ? "NaN" : "\(x)" }

    /// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

    static func axisValues(_ results: ExperimentResults, _ point: Int) -> [String] {
        AxisColumns.values(results.plan, point: point)
    }

    public static func summaryHeader(_ plan: ExperimentPlan) -> [String] {
        ["point"] + AxisColumns.header(plan) + ["design", "replication", "metric", "unit", "value"]
    }

    public static func aggregateHeader(_ plan: ExperimentPlan) -> [String] {
        ["point"] + AxisColumns.header(plan) + ["design", "metric", "unit", "n", "mean", "sd", "ci95_low", "ci95_high",
                                                "p50", "p90", "p99", "p999"]
    }

    public static func comparisonHeader(_ plan: ExperimentPlan) -> [String] {
        ["point"] + AxisColumns.header(plan) + ["metric", "unit", "baseline", "design", "n", "baseline_mean", "design_mean",
                                                "difference_mean", "difference_sd", "difference_ci95_low", "difference_ci95_high",
                                                "ratio_of_means"]
    }

    public static func summary(_ results: ExperimentResults) -> String {
        var text = line(summaryHeader(results.plan))
        for (unit, result) in zip(results.units, results.results) {
            let prefix = [String(unit.point)] + axisValues(results, unit.point)
                + [results.plan.points[unit.point].designs[unit.design], String(unit.replication)]
            for metric in result.metrics {
                text += line(prefix + [metric.name, metric.unit, number(metric.value)])
            }
        }
        return text
    }

    public static func aggregate(_ results: ExperimentResults) -> String {
        var text = line(aggregateHeader(results.plan))
        for row in results.aggregates {
            let s = row.summary
            text += line([String(row.point)] + axisValues(results, row.point) + [row.design, row.metric, row.unit, String(s.n)]
                         + [s.mean, s.standardDeviation, s.ciLow, s.ciHigh, s.p50, s.p90, s.p99, s.p999].map(number))
        }
        return text
    }

    public static func comparison(_ results: ExperimentResults) -> String {
        var text = line(comparisonHeader(results.plan))
        for row in results.comparisons {
            let c = row.comparison
            text += line([String(row.point)] + axisValues(results, row.point)
                         + [row.metric, row.unit, row.baseline, row.design, String(c.n)]
                         + [c.baselineMean, c.designMean, c.difference.mean, c.difference.standardDeviation,
                            c.difference.ciLow, c.difference.ciHigh, c.ratioOfMeans].map(number))
        }
        return text
    }

    /// The per-message trace, or nil when no unit kept one.
    public static func trace(_ results: ExperimentResults) -> String? {
        perUnit(results, header: \.traceHeader, rows: \.traceRows)
    }

    /// The time series (`series:`), or nil when no unit kept one.
    public static func series(_ results: ExperimentResults) -> String? {
        perUnit(results, header: \.seriesHeader, rows: \.seriesRows)
    }

    /// Rows each unit kept, prefixed by the unit's point, axes, design and replication.
    static func perUnit(_ results: ExperimentResults, header: KeyPath<ReplicationResult, [String]>,
                        rows: KeyPath<ReplicationResult, [[String]]>) -> String? {
        guard let header = results.results.first(where: { !$0[keyPath: header].isEmpty })?[keyPath: header] else { return nil }
        var text = line(["point"] + AxisColumns.header(results.plan) + ["design", "replication"] + header)
        for (unit, result) in zip(results.units, results.results) {
            let prefix = [String(unit.point)] + axisValues(results, unit.point)
                + [results.plan.points[unit.point].designs[unit.design], String(unit.replication)]
            for row in result[keyPath: rows] { text += line(prefix + row) }
        }
        return text
    }
}
