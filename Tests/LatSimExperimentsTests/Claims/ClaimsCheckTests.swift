import Foundation
import LatSimCore
import Testing
@testable import LatSimExperiments

/// End to end: the committed claims pass, a false claim fails, an under-powered claim is
/// inconclusive, verdicts do not depend on the thread count, and the golden fingerprints match.
@Suite struct ClaimsCheckTests {
    /// Every claims file in experiments/claims/ (not pending/): the `swift test` gate. On a
    /// failure the table names each claim with its measured CI; the seeds are in the configs.
    @Test func committedClaimsPass() throws {
        let directory = claimsRepositoryRoot + "/experiments/claims"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 2)
        let plans = try files.flatMap { try ClaimFile.load(file: directory + "/" + $0).map(ClaimPlan.init) }
        let results = try ClaimRunner.run(plans, jobs: 2)
        for result in results {
            #expect(result.outcome.passed, "claim \(result.claim.name) (\(result.claim.location)): \(result.formula): \(ClaimReport.measured(result)): \(ClaimReport.verdict(result)); seed \(result.plan.plan.settings.seed)")
        }
        // Both regimes are present: some claims hold, some are refuted as expected.
        #expect(results.contains { $0.outcome.verdict == .pass })
        #expect(results.contains { $0.outcome.verdict == .refutedAsExpected })
    }

    /// A deliberately false claim: async (M/M/1, mean 2 ms) at most 0.7 x sync (mean 1 ms).
    @Test func falseClaimFailsWithAClearVerdict() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let results = try runClaims("""
            claims:
              - name: async-latency-at-most-0.7-sync
                question: Does async cut mean latency by 30%?
                config: c.yaml
                set: {model.workers: 1}
                metric: request_latency_mean
                design: async
                at_most: {design: sync, times: 0.7}
            """, in: directory)
        let outcome = results[0].outcome
        #expect(outcome.verdict == .fail && !outcome.passed)
        #expect(outcome.ciLow > 0, "the CI of async - 0.7 sync lies above 0: \(outcome.ciLow)")
        #expect(abs(outcome.leftMean - 2e6) < 0.5e6 && abs(outcome.rightMean - 1e6) < 0.2e6)
        let table = ClaimReport.table(results)
        #expect(table.contains("async-latency-at-most-0.7-sync") && table.contains("FAIL"))
        #expect(table.contains("0 of 1 claims passed; not passed: async-latency-at-most-0.7-sync"))
        let csv = ClaimReport.csv(results).split(separator: "\n")
        #expect(csv[0] == Substring(ClaimReport.csvHeader.joined(separator: ",")))
        #expect(csv[1].contains(",FAIL,false,"))
    }

    /// Under-powered: the Erlang B loss 1/3 (load 0.5, no buffer) within 0.005 from 3 runs of
    /// 500 ms (about 250 arrivals each: the CI is about +/- 0.1 wide) cannot be resolved.
    @Test func underPoweredClaimIsInconclusiveAndSaysHowManyReplications() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let claim = """
            claims:
              - name: erlang-b-loss-tight
                question: Is the loss share 1/3 to within 0.005?
                config: c.yaml
                set: {model.workers: 1, model.capacity: 0}
                replications: 3
                metric: drop_rate
                design: async
                within: {reference: 0.3333, tolerance: 0.005}
            """
        let results = try runClaims(claim, in: directory)
        let outcome = results[0].outcome
        #expect(outcome.verdict == .inconclusive && !outcome.passed)
        #expect(outcome.ciLow < 0.3283 || outcome.ciHigh > 0.3383)
        let needed = try #require(outcome.replicationsToResolve)
        #expect(needed > 3)
        #expect(ClaimReport.verdict(results[0]) == "INCONCLUSIVE (needs ~\(needed) replications)")
        let json = ClaimReport.json(results)
        #expect(json.contains("\"verdict\": \"INCONCLUSIVE\"") && json.contains("\"replications_to_resolve\": \(needed)"))
        // allow_inconclusive turns it into a pass, still reported as inconclusive.
        let allowed = try runClaims(claim + "\n    allow_inconclusive: true\n", in: directory)
        #expect(allowed[0].outcome.verdict == .inconclusive && allowed[0].outcome.passed)
    }

    @Test func verdictsDoNotDependOnTheThreadCount() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let claims = """
            defaults: {config: c.yaml, metric: request_latency_p99, design: async, at_most: {design: sync, times: 2}}
            claims:
              - {name: one-worker, question: q, set: {model.workers: 1}}
              - {name: two-workers, question: q, set: {model.workers: 2}}
            """
        let one = try runClaims(claims, in: directory, jobs: 1)
        let two = try runClaims(claims, in: directory, jobs: 2)
        #expect(one.map(\.outcome) == two.map(\.outcome))
        #expect(ClaimReport.csv(one) == ClaimReport.csv(two))
    }

    /// Each curated experiment (experiments/*.yaml) run as configured must reproduce its golden
    /// fingerprint: a model change that moves any output number fails here until
    /// `latsim check --update-golden` rewrites the file and the diff is committed.
    /// The files are written with one worker per core (2 on the development and CI machines)
    /// and checked here with 3 workers: every kind's output is independent of the thread count.
    @Test func goldenFingerprintsMatch() throws {
        let entries = try GoldenFingerprint.check(root: claimsRepositoryRoot, jobs: 3)
        #expect(entries.count == GoldenFingerprint.curatedExperiments(root: claimsRepositoryRoot).count)
        for entry in entries {
            switch entry.status {
            case .matches: break
            case .missing: Issue.record("\(entry.goldenFile) is missing: run `latsim check --update-golden`")
            case .differs(let lines):
                let diff = lines.map { "- " + $0.old + "\n+ " + $0.new }.joined(separator: "\n")
                Issue.record(Comment(rawValue: "\(entry.goldenFile) differs (run `latsim check --update-golden` if deliberate):\n" + diff))
            }
        }
    }

    @Test func goldenDifferencesNameTheMovedNumbers() {
        let old = "config: x\nmeans:\n0, sync, a, ns, 10, 1.5\n0, sync, b, ns, 10, 2.5\n"
        let new = "config: x\nmeans:\n0, sync, a, ns, 10, 1.5\n0, sync, b, ns, 10, 2.6\n"
        let lines = GoldenFingerprint.differences(old: old, new: new)
        #expect(lines.count == 1 && lines[0].old.hasSuffix("2.5") && lines[0].new.hasSuffix("2.6"))
    }
}

/// The golden fingerprints cover the first replications of each curated experiment; they are
/// the full run's rows because streams are keyed by replication index, not by count.
@Suite struct GoldenReplicationPrefixTests {
    @Test func firstReplicationsAreTheFullRunsRows() throws {
        let file = claimsRepositoryRoot + "/experiments/queue-buffering.yaml"
        let overrides = ["horizon=1s"]
        let full = try Experiment.run(try ExperimentPlan(file: file, overrides: overrides, replications: 5), jobs: 2)
        let short = try Experiment.run(try ExperimentPlan(file: file, overrides: overrides,
                                                          replications: GoldenFingerprint.replications), jobs: 2)
        let fullRows = Set(CSVTables.summary(full).split(separator: "\n").dropFirst())
        let shortRows = CSVTables.summary(short).split(separator: "\n").dropFirst()
        #expect(!shortRows.isEmpty)
        for row in shortRows { #expect(fullRows.contains(row), "row of the 2-replication run missing from the 5-replication run: \(row)") }
    }
}
