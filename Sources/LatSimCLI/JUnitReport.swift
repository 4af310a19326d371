import Foundation
import LatSimExperiments

/// `latsim check --junit FILE`: the claims as JUnit XML, one <testsuite> per claims file and one
/// <testcase> per claim, for CI dashboards. A claim that did not pass is a <failure> whose
/// message is its verdict and measured value.
///
///     <testsuites tests="2" failures="1">
///       <testsuite name="experiments/claims/call-pattern.yaml" tests="2" failures="1">
///         <testcase classname="call-pattern" name="async-p99-..."><failure message="INCONCLUSIVE ..."/></testcase>
enum JUnitReport {
    static func xml(_ results: [ClaimResult]) -> String {
        var files: [String] = []
        for result in results where !files.contains(result.claim.location.file) { files.append(result.claim.location.file) }
        let failures = results.filter { !$0.outcome.passed }.count
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"latsim check\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for file in files {
            let suite = results.filter { $0.claim.location.file == file }
            let classname = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            text += "  <testsuite name=\"\(escape(file))\" tests=\"\(suite.count)\" failures=\"\(suite.filter { !$0.outcome.passed }.count)\">\n"
            for result in suite {
                let measured = ClaimReport.verdict(result) + ": " + result.formula + "; " + ClaimReport.measured(result)
                text += "    <testcase classname=\"\(escape(classname))\" name=\"\(escape(result.claim.name))\">"
                text += result.outcome.passed ? "<system-out>\(escape(measured))</system-out>" : "<failure message=\"\(escape(measured))\"/>"
                text += "</testcase>\n"
            }
            text += "  </testsuite>\n"
        }
        return text + "</testsuites>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
