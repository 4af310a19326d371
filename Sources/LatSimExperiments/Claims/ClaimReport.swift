import Foundation
import LatSimCore

/// The texts of a claims check: the table printed, and the CSV or JSON report.
///
///     claim                        expected  assertion                              measured (95% CI)                      verdict
///     async-lowers-p99-moderate    hold      async request_latency_p99 <= sync ...  lhs - rhs = -41us [-52us, -30us], n=6  PASS
///
/// CSV columns (one row per claim, in file then claim order):
///     file,claim,question,expected,assertion,metric,unit,n,confidence,measured_mean,measured_ci_low,
///     measured_ci_high,left_mean,right_mean,verdict,passed,replications_to_resolve
/// `measured_*` is the tested quantity: mean of x_r = A_r - (times B_r + plus) for inequalities,
/// mean of A for `within`, and the max (min) over replications for extremes (low = high).
/// Numbers are Swift's shortest round-trip form, as in the experiment CSVs.
public enum ClaimReport {
    public static let csvHeader = ["file", "claim", "question", "expected", "assertion", "metric", "unit", "n", "confidence",
                                   "measured_mean", "measured_ci_low", "measured_ci_high", "left_mean", "right_mean", "verdict",
                                   "passed", "replications_to_resolve"]

    /// The measured column of the table.
    public static func measured(_ result: ClaimResult) -> String {
        let o = result.outcome, unit = result.unit
        let ci = MetricFormat.interval(o.ciLow, o.ciHigh, unit: unit)
        let level = formatSignificant(result.claim.confidence * 100) + "%"
        switch result.claim.assertion {
        case .atMost, .atLeast:
            return "lhs - rhs = \(MetricFormat.value(o.mean, unit: unit)) \(level) \(ci), n=\(o.n)"
        case .within:
            return "mean \(MetricFormat.value(o.mean, unit: unit)) \(level) \(ci), n=\(o.n)"
        case .maxAtMost:
            return "max \(MetricFormat.value(o.mean, unit: unit)), n=\(o.n)"
        case .minAtLeast:
            return "min \(MetricFormat.value(o.mean, unit: unit)), n=\(o.n)"
        case .equals:
            return "farthest \(MetricFormat.value(o.mean, unit: unit)) (range \(ci)), n=\(o.n)"
        }
    }

    /// The verdict column: the verdict, and for INCONCLUSIVE the replications that would resolve it.
    public static func verdict(_ result: ClaimResult) -> String {
        let o = result.outcome
        guard o.verdict == .inconclusive else { return o.verdict.rawValue }
        if let incomplete = o.incomplete { return "INCONCLUSIVE (\(incomplete); never passes)" }
        let need = o.replicationsToResolve.map { "needs ~\($0) replications" } ?? "cannot estimate the replications needed"
        return "INCONCLUSIVE (\(need)\(result.claim.allowInconclusive ? "; allowed" : ""))"
    }

    /// The table printed by `latsim check`, then a summary line.
    public static func table(_ results: [ClaimResult]) -> String {
        var rows: [[String]] = [["claim", "expected", "assertion", "measured (CI)", "verdict"]]
        for result in results {
            rows.append([result.claim.name, result.claim.expectation.rawValue, result.formula, measured(result), verdict(result)])
        }
        var text = align(rows)
        let passed = results.filter(\.outcome.passed).count
        text += "\(passed) of \(results.count) claims passed"
        let failed = results.filter { !$0.outcome.passed }.map(\.claim.name)
        if !failed.isEmpty { text += "; not passed: " + failed.joined(separator: ", ") }
        return text + "\n"
    }

    public static func csv(_ results: [ClaimResult]) -> String {
        var text = CSVTables.line(csvHeader)
        for r in results {
            let o = r.outcome
            text += CSVTables.line([r.claim.location.file, r.claim.name, r.claim.question, r.claim.expectation.rawValue, r.formula,
                                    r.claim.metric, r.unit, String(o.n), CSVTables.number(r.claim.confidence),
                                    CSVTables.number(o.mean), CSVTables.number(o.ciLow), CSVTables.number(o.ciHigh),
                                    CSVTables.number(o.leftMean), CSVTables.number(o.rightMean), o.verdict.rawValue,
                                    o.passed ? "true" : "false", o.replicationsToResolve.map(String.init) ?? ""])
        }
        return text
    }

    public static func json(_ results: [ClaimResult]) -> String {
        func number(_ x: Double) -> String { x.isFinite ? CSVTables.number(x) : "null" }
        var items: [String] = []
        for r in results {
            let o = r.outcome
            let fields: [(String, String)] = [
                ("file", RunManifest.string(r.claim.location.file)), ("claim", RunManifest.string(r.claim.name)),
                ("question", RunManifest.string(r.claim.question)), ("expected", RunManifest.string(r.claim.expectation.rawValue)),
                ("assertion", RunManifest.string(r.formula)), ("metric", RunManifest.string(r.claim.metric)),
                ("unit", RunManifest.string(r.unit)), ("n", String(o.n)), ("confidence", number(r.claim.confidence)),
                ("measured_mean", number(o.mean)), ("measured_ci_low", number(o.ciLow)), ("measured_ci_high", number(o.ciHigh)),
                ("left_mean", number(o.leftMean)), ("right_mean", number(o.rightMean)),
                ("verdict", RunManifest.string(o.verdict.rawValue)), ("passed", o.passed ? "true" : "false"),
                ("replications_to_resolve", o.replicationsToResolve.map(String.init) ?? "null"),
            ]
            items.append("    {" + fields.map { RunManifest.string($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}")
        }
        let passed = results.filter(\.outcome.passed).count
        return "{\n  \"passed\": \(passed),\n  \"total\": \(results.count),\n  \"claims\": [\n"
            + items.joined(separator: ",\n") + (items.isEmpty ? "" : "\n") + "  ]\n}\n"
    }

    /// Left-aligned columns separated by two spaces.
    static func align(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in i == columns - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2) }
                .joined()
        }.joined(separator: "\n") + "\n"
    }
}
