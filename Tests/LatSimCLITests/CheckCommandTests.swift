import Foundation
import Testing
@testable import LatSimCLI

/// `latsim check`: exit codes 0 (all passed), 1 (a claim failed or was inconclusive), 2 (bad
/// input), and the report files.
@Suite struct CheckCommandTests {
    let claimHeader = "claims:\n"

    func claims(_ body: String) -> String {
        claimHeader + body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    @Test func exitCodesAndReports() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("c.yaml", smallConfig)
        let good = directory.write("good.yaml", claims("""
            - {name: sync-latency-near-service, question: q, config: c.yaml, metric: drop_rate, design: sync, max_at_most: 0}
            - {name: async-slower, question: q, config: c.yaml, metric: request_latency_mean, design: async, at_most: {design: sync}, expect: refuted, replications: 10}
            """))
        let bad = directory.write("bad.yaml", claims("""
            - {name: async-at-most-0.7-sync, question: q, config: c.yaml, metric: request_latency_mean, design: async, at_most: {design: sync, times: 0.7}}
            """))
        let csv = directory.path + "/report.csv", json = directory.path + "/report.json"
        #expect(LatSimCommand.runMain(["check", good, "--report", csv, "--jobs", "2"]) == 0)
        let report = try #require(directory.read("report.csv"))
        #expect(report.hasPrefix("file,claim,question,expected,assertion,metric,unit,n,confidence,measured_mean"))
        #expect(report.contains(",PASS,true,") && report.contains(",REFUTED-AS-EXPECTED,true,"))
        #expect(LatSimCommand.runMain(["check", good, bad, "--report", json]) == 1)
        let text = try #require(directory.read("report.json"))
        #expect(text.contains("\"verdict\": \"FAIL\"") && text.contains("\"passed\": 2,\n  \"total\": 3"))
        // Bad input: exit 2.
        #expect(LatSimCommand.runMain(["check", directory.path + "/missing.yaml"]) == 2)
        #expect(LatSimCommand.runMain(["check", good, "--report", directory.path + "/r.txt"]) == 2)
        let typo = directory.write("typo.yaml", claims("- {name: a, question: q, config: c.yaml, metric: drop_rate, at_mots: 0}"))
        #expect(LatSimCommand.runMain(["check", typo]) == 2)
        let noMetric = directory.write("nometric.yaml", claims("- {name: a, question: q, config: c.yaml, metric: drop_rat, max_at_most: 0}"))
        #expect(LatSimCommand.runMain(["check", noMetric]) == 2)
    }

    @Test func inconclusiveFailsUnlessAllowed() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("c.yaml", smallConfig)
        let claim = "- {name: tight, question: q, config: c.yaml, metric: request_latency_mean, design: sync, replications: 2, within: {reference: 1ms, tolerance: 1us}"
        let strict = directory.write("strict.yaml", claims(claim + "}"))
        let allowed = directory.write("allowed.yaml", claims(claim + ", allow_inconclusive: true}"))
        #expect(LatSimCommand.runMain(["check", strict]) == 1)
        #expect(LatSimCommand.runMain(["check", allowed]) == 0)
    }
}
