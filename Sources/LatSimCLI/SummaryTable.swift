import Foundation
import LatSimExperiments

/// What `run` and `sweep` print: per point, design and metric the number of replications where
/// the metric is defined (n), the mean, 95% CI, p50 and p99 over them; then each design's paired
/// difference from the baseline (n: replications where both are defined). As an aligned table
/// (fitted to the terminal's width), Markdown, CSV (aggregate.csv's rows) or JSON.
///
///     metric                 design  n   mean     95% CI              p50      p99
///     request_latency_mean   sync    10  1.001ms  [0.9961ms, 1.006ms] 1.002ms  1.013ms
///
/// A metric with no observations in a replication is NaN there and left out: n below the
/// replications says so, and a metric defined nowhere prints nan with n = 0.
///
/// Durations (unit ns) print with a unit suffix (ns, us, ms, s); others with 4 significant digits.
enum SummaryTable {
    /// Whether a metric is selected by a `--metrics` filter (a name, or a prefix before "_").
    static func matches(_ metric: String, filter: [String]?) -> Bool {
        guard let filter else { return true }
        return filter.contains { metric == $0 || metric.hasPrefix($0 + "_") }
    }

    static func render(_ results: ExperimentResults, metrics filter: [String]? = nil, width: Int? = nil, markdown: Bool = false) -> String {
        let plan = results.plan
        let axes = plan.axes.map(\.name)
        var rows: [[String]] = [["point"] + axes + ["metric", "design", "n", "mean", "95% CI", "p50", "p99"]]
        for row in results.aggregates where matches(row.metric, filter: filter) {
            let s = row.summary
            rows.append(pointColumns(results, row.point) + [row.metric + unitSuffix(row.unit), row.design, String(s.n),
                        value(s.mean, row.unit), interval(s.ciLow, s.ciHigh, row.unit), value(s.p50, row.unit), value(s.p99, row.unit)])
        }
        var text = markdown ? table(rows) : fit(rows, width: width, optional: ["95% CI", "p50", "p99"])
        let comparisons = results.comparisons.filter { matches($0.metric, filter: filter) }
        if !comparisons.isEmpty {
            var comparison: [[String]] = [["point"] + axes + ["metric", "design - baseline", "n", "difference", "95% CI", "ratio"]]
            for row in comparisons {
                let c = row.comparison
                comparison.append(pointColumns(results, row.point) + [row.metric + unitSuffix(row.unit), "\(row.design) - \(row.baseline)", String(c.n),
                                  value(c.difference.mean, row.unit), interval(c.difference.ciLow, c.difference.ciHigh, row.unit),
                                  formatSignificant(c.ratioOfMeans)])
            }
            text += "\npaired differences on common random numbers (n = replications where both are defined):\n"
                + (markdown ? table(comparison) : fit(comparison, width: width, optional: ["95% CI", "ratio"]))
        }
        let replications = plan.onlyReplication.map { "replication \($0) only" } ?? "\(plan.settings.replications) replications"
        let seeds = "seed \(plan.settings.seed), \(replications), \(results.eventsProcessed) events"
        return text + (markdown ? "\n" : "") + seeds + "\n"
    }

    /// aggregate.csv's rows (those the filter selects), as written to the output directory.
    static func csv(_ results: ExperimentResults, metrics filter: [String]?) -> String {
        let text = CSVTables.aggregate(results)
        guard filter != nil else { return text }
        // One line per aggregate row, in the same order (labels and names hold no line breaks).
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.removeFirst()
        let kept = results.aggregates.enumerated().filter { matches($0.element.metric, filter: filter) }.map { lines[$0.offset] }
        return ([header] + kept).joined(separator: "\n") + "\n"
    }

    /// {"aggregates": [...], "comparisons": [...]} with numbers (null for NaN) and axis labels.
    static func json(_ results: ExperimentResults, metrics filter: [String]?) -> String {
        func number(_ x: Double) -> String { x.isFinite ? CSVTables.number(x) : "null" }
        func string(_ s: String) -> String { RunManifest.string(s) }
        func axes(_ point: Int) -> String {
            "{" + zip(results.plan.axes, results.plan.points[point].labels).map { string($0.0.name) + ": " + string($0.1) }.joined(separator: ", ") + "}"
        }
        let aggregates = results.aggregates.filter { matches($0.metric, filter: filter) }.map { row -> String in
            let s = row.summary
            return "{\"point\": \(row.point), \"axes\": \(axes(row.point)), \"design\": \(string(row.design)), \"metric\": \(string(row.metric)), "
                + "\"unit\": \(string(row.unit)), \"n\": \(s.n), \"mean\": \(number(s.mean)), \"sd\": \(number(s.standardDeviation)), "
                + "\"ci95_low\": \(number(s.ciLow)), \"ci95_high\": \(number(s.ciHigh)), \"p50\": \(number(s.p50)), \"p90\": \(number(s.p90)), "
                + "\"p99\": \(number(s.p99)), \"p999\": \(number(s.p999))}"
        }
        let comparisons = results.comparisons.filter { matches($0.metric, filter: filter) }.map { row -> String in
            let c = row.comparison
            return "{\"point\": \(row.point), \"axes\": \(axes(row.point)), \"metric\": \(string(row.metric)), \"unit\": \(string(row.unit)), "
                + "\"baseline\": \(string(row.baseline)), \"design\": \(string(row.design)), \"n\": \(c.n), "
                + "\"difference_mean\": \(number(c.difference.mean)), \"difference_ci95_low\": \(number(c.difference.ciLow)), "
                + "\"difference_ci95_high\": \(number(c.difference.ciHigh)), \"ratio_of_means\": \(number(c.ratioOfMeans))}"
        }
        return "{\"aggregates\": [\n  " + aggregates.joined(separator: ",\n  ") + "\n],\n\"comparisons\": [\n  "
            + comparisons.joined(separator: ",\n  ") + "\n]}\n"
    }

    static func pointColumns(_ results: ExperimentResults, _ point: Int) -> [String] {
        [String(point)] + results.plan.points[point].labels
    }

    static func unitSuffix(_ unit: String) -> String { unit == "ns" ? "" : " (\(unit))" }

    static func value(_ x: Double, _ unit: String) -> String { MetricFormat.value(x, unit: unit) }

    static func interval(_ low: Double, _ high: Double, _ unit: String) -> String {
        low.isFinite && high.isFinite ? "[\(value(low, unit)), \(value(high, unit))]" : "n/a"
    }

    /// Aligned columns that fit `width` (when given): the `optional` columns are dropped, last
    /// first, until every line fits, and a note says which are hidden (the 95% CI goes last:
    /// p50 and p99, or the ratio, are dropped before it).
    static func fit(_ rows: [[String]], width: Int?, optional: [String]) -> String {
        var rows = rows
        var hidden: [String] = []
        var candidates = optional
        while let width, let widest = align(rows).split(separator: "\n").map(\.count).max(), widest > width,
              let name = candidates.popLast(), let column = rows.first?.firstIndex(of: name) {
            rows = rows.map { row in var row = row; row.remove(at: column); return row }
            hidden.insert(name, at: 0)
        }
        let note = hidden.isEmpty ? "" : "(hidden to fit \(width ?? 0) columns: \(hidden.joined(separator: ", ")); --format csv for all)\n"
        return align(rows) + note
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

    /// A Markdown table (the first row is the header); pipes in cells are escaped.
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        return line(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + rows.dropFirst().map(line).joined()
    }
}

/// The width of the terminal on stdout, or nil when stdout is not a terminal (a pipe, a file:
/// nothing is cut). `COLUMNS` wins when set.
enum TerminalWidth {
    static var standardOutput: Int? {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
