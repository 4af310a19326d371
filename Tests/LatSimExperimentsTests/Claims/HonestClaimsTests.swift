import Foundation
import LatSimCore
import Testing
@testable import LatSimExperiments

/// A claim never passes on evidence that is not there: undefined values, runs cut short, a
/// one-sided bound a wrong count slips under, or a regime where it could not have failed.
@Suite struct HonestClaimsTests {
    func evaluate(_ assertion: Claim.Assertion, _ left: [Double], _ right: [Double]? = nil, expect: Claim.Expectation = .hold,
                  allow: Bool = false, replications: Int? = nil, truncated: Int = 0) -> ClaimOutcome {
        ClaimEvaluation.evaluate(assertion, left: left, right: right, confidence: 0.95, expectation: expect, allowInconclusive: allow,
                                 replications: replications, truncatedRuns: truncated)
    }

    @Test func fewerDefinedValuesThanReplicationsNeverPass() {
        // Four of six replications observed nothing (NaN): the other two would pass.
        let left = [1.0, 1.1, .nan, .nan, .nan, .nan], right = [2.0, 2.1, 2.0, 2.2, 2.1, 2.0]
        #expect(evaluate(.atMost(.init(design: "sync")), left, right).verdict == .pass, "without the replication count it passes")
        for allow in [false, true] {
            let outcome = evaluate(.atMost(.init(design: "sync")), left, right, allow: allow, replications: 6)
            #expect(outcome.verdict == .inconclusive && !outcome.passed, "allow_inconclusive \(allow)")
            #expect(outcome.incomplete == "2 of 6 replications defined (a metric with no observations is NaN)")
        }
        // The same for an extreme: the undefined replications could hold the maximum.
        let extreme = evaluate(.maxAtMost(0), [0, 0, .nan], replications: 3)
        #expect(extreme.verdict == .inconclusive && !extreme.passed)
        // And for a refutation.
        let refuted = evaluate(.maxAtMost(0), [5, 4, .nan], expect: .refuted, replications: 3)
        #expect(refuted.verdict == .inconclusive && !refuted.passed)
        // Complete evidence still passes.
        #expect(evaluate(.maxAtMost(0), [0, 0, 0], replications: 3).passed)
    }

    @Test func runsCutShortByTheEventLimitNeverPass() {
        let outcome = evaluate(.maxAtMost(0), [0, 0, 0], allow: true, replications: 3, truncated: 2)
        #expect(outcome.verdict == .inconclusive && !outcome.passed)
        #expect(outcome.incomplete == "2 runs stopped at the event limit")
        // A failure stays a failure: incomplete evidence cannot make it look better.
        #expect(evaluate(.maxAtMost(0), [1, 0, 0], replications: 3, truncated: 1).verdict == .fail)
    }

    @Test func equalsCatchesACountBelowTheValue() {
        // messages_in_system must be 0: -3 (a message counted twice) passes max_at_most 0, not equals 0.
        #expect(evaluate(.maxAtMost(0), [0, -3, 0], replications: 3).verdict == .pass)
        let outcome = evaluate(.equals(0), [0, -3, 0], replications: 3)
        #expect(outcome.verdict == .fail && outcome.mean == -3)
        #expect(evaluate(.equals(0), [0, 0, 0], replications: 3).verdict == .pass)
        #expect(evaluate(.equals(0), [0, 2, 0], expect: .refuted, replications: 3).verdict == .refutedAsExpected)
    }

    /// End to end through the runner: a max_events too small for the horizon cuts every run short.
    @Test func theRunnerCountsTruncatedRunsAndUndefinedValues() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let results = try runClaims("""
            claims:
              - name: cut-short
                question: q
                config: c.yaml
                set: {model.workers: 1, max_events: 50}
                metric: request_latency_mean
                design: async
                at_most: 1s
                allow_inconclusive: true
              - name: undefined
                question: q
                config: c.yaml
                set: {model.workers: 1, horizon: 1us}
                metric: request_latency_mean
                design: async
                at_most: 1s
            """, in: directory)
        #expect(results[0].outcome.incomplete == "6 runs stopped at the event limit" && !results[0].outcome.passed)
        #expect(results[1].outcome.n == 0 && results[1].outcome.incomplete?.hasPrefix("0 of 6 replications defined") == true)
        #expect(ClaimReport.verdict(results[1]).contains("never passes"))
    }

    @Test func auditShowsTheOppositeOutcomeOrFlagsTheClaimVacuous() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("c.yaml", claimsQueueConfig)
        let file = directory.write("claims.yaml", """
            claims:
              # Can fail: with a buffer of 100 nothing is lost; with none, a third is.
              - name: buffered-loses-nothing
                question: q
                config: c.yaml
                set: {model.workers: 1}
                metric: drop_rate
                design: async
                max_at_most: 0
                audit: {set: {model.capacity: 0}}
              # Its regime does not flip it: flagged.
              - name: buffered-loses-nothing-wrong-regime
                question: q
                config: c.yaml
                set: {model.workers: 1}
                metric: drop_rate
                design: async
                max_at_most: 0
                audit: {set: {model.capacity: 50}}
              # No regime and no sibling: flagged.
              - name: latency-under-a-second
                question: q
                config: c.yaml
                set: {model.workers: 1}
                metric: request_latency_mean
                design: async
                at_most: 1s
              # Siblings: the same assertion, opposite expectations, each the other's regime.
              - name: sync-under-1.5ms
                question: q
                config: c.yaml
                set: {model.workers: 1}
                metric: request_latency_mean
                design: sync
                at_most: 1500us
              - name: sync-under-1.5ms-with-slow-service
                question: q
                config: c.yaml
                set: {model.workers: 1, model.service.mean: 3ms}
                metric: request_latency_mean
                design: sync
                at_most: 1500us
                expect: refuted
            """)
        let entries = try ClaimAudit.run(try ClaimFile.load(file: file).map(ClaimPlan.init), jobs: 2)
        #expect(entries.map(\.own.outcome.passed) == [true, true, true, true, true])
        #expect(entries[0].status == .canFail && entries[0].regime == "audit: set {model.capacity: 0}")
        #expect(entries[0].counter!.outcome.side == .opposite)
        #expect(entries[1].status == .vacuous("the outcome does not change in the audit regime"))
        #expect(entries[2].status == .vacuous("no regime known where the opposite outcome occurs (add `audit: {set: {...}}` to the claim)"))
        #expect(entries[3].status == .canFail && entries[3].regime == "sibling claim sync-under-1.5ms-with-slow-service")
        #expect(entries[4].status == .canFail && entries[4].regime == "sibling claim sync-under-1.5ms")
        let table = ClaimAudit.table(entries)
        #expect(table.contains("3 of 5 claims can fail; vacuous: buffered-loses-nothing-wrong-regime, latency-under-a-second"))
    }

    /// A metric with no observations is NaN in every output, and n says how many replications
    /// defined it.
    @Test func aMetricWithNoObservationsIsNaNWithNZero() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", claimsQueueConfig), overrides: ["horizon=1us"], grid: ["model.workers=1"])
        let results = try Experiment.run(plan, jobs: 1)
        // (throughput_per_s is 0 here, not NaN: no completion in a positive span is a measured 0.)
        for metric in ["drop_rate", "request_latency_mean", "request_latency_p99"] {
            let row = try #require(results.aggregates.first { $0.design == "async" && $0.metric == metric })
            #expect(row.summary.n == 0 && row.summary.mean.isNaN, "\(metric): n \(row.summary.n), mean \(row.summary.mean)")
        }
        let summary = CSVTables.summary(results)
        #expect(summary.contains(",async,0,drop_rate,ratio,NaN\n"))
    }
}
