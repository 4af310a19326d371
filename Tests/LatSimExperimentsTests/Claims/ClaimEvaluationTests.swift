import Foundation
import LatSimCore
import Testing
@testable import LatSimExperiments

/// The verdict rules on hand-made samples, against intervals computed here from the formula
/// mean -/+ t((1 + level)/2, n - 1) sd / sqrt(n) (t from GSL, checked in the Core tests).
@Suite struct ClaimEvaluationTests {
    /// The reference t interval of a sample.
    func interval(_ x: [Double], level: Double = 0.95) -> (mean: Double, low: Double, high: Double, sd: Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let half = StudentT.quantile((1 + level) / 2, degreesOfFreedom: n - 1) * sd / n.squareRoot()
        return (mean, mean - half, mean + half, sd)
    }

    func evaluate(_ assertion: Claim.Assertion, _ left: [Double], _ right: [Double]? = nil, expect: Claim.Expectation = .hold,
                  allow: Bool = false, level: Double = 0.95) -> ClaimOutcome {
        ClaimEvaluation.evaluate(assertion, left: left, right: right, confidence: level, expectation: expect, allowInconclusive: allow)
    }

    @Test func ratioClaimTestsThePairedLinearCombination() {
        // A <= 0.7 B per replication: x_r = A_r - 0.7 B_r. B shares noise with A (common random numbers).
        let b = [10.0, 12, 11, 13, 9, 10.5]
        let a = b.map { 0.6 * $0 + 0.1 }
        let outcome = evaluate(.atMost(.init(design: "sync", times: 0.7)), a, b)
        let reference = interval(zip(a, b).map { $0 - 0.7 * $1 })
        #expect(abs(outcome.mean - reference.mean) < 1e-12)
        #expect(abs(outcome.ciLow - reference.low) < 1e-12 && abs(outcome.ciHigh - reference.high) < 1e-12)
        #expect(outcome.ciHigh < 0)
        #expect(outcome.verdict == .pass && outcome.passed)
        #expect(abs(outcome.leftMean - a.reduce(0, +) / 6) < 1e-12 && abs(outcome.rightMean - b.reduce(0, +) / 6) < 1e-12)
        // The same claim expected refuted fails: the CI lies on the asserted side.
        #expect(evaluate(.atMost(.init(design: "sync", times: 0.7)), a, b, expect: .refuted).verdict == .fail)
    }

    @Test func falseClaimFailsAndRefutedAsExpectedPasses() {
        // async capture rate >= sync + 0.1, but it is only about 0.02 higher, consistently.
        let sync = [0.30, 0.32, 0.31, 0.29, 0.33, 0.30, 0.31, 0.32]
        let async = sync.enumerated().map { $0.element + 0.02 + 0.002 * Double($0.offset % 3) }
        let claim = Claim.Assertion.atLeast(.init(design: "sync", plus: 0.1))
        let held = evaluate(claim, async, sync)
        #expect(held.ciHigh < 0)
        #expect(held.verdict == .fail && !held.passed)
        let refuted = evaluate(claim, async, sync, expect: .refuted)
        #expect(refuted.verdict == .refutedAsExpected && refuted.passed)
    }

    @Test func straddlingIntervalIsInconclusiveWithTheReplicationsThatWouldResolveIt() {
        let x = [0.5, -0.3, 0.9, -0.1, 0.4, 0.2]            // mean 0.2667, CI around [-0.2, 0.7]
        let outcome = evaluate(.atMost(.init(plus: 0)), x)
        let reference = interval(x)
        #expect(reference.low < 0 && reference.high > 0)
        #expect(outcome.verdict == .inconclusive && !outcome.passed)
        // n' = ceil((t sd / |mean|)^2), with the t quantile of the current n.
        let t = StudentT.quantile(0.975, degreesOfFreedom: 5)
        let expected = Int(((t * reference.sd / reference.mean) * (t * reference.sd / reference.mean)).rounded(.up))
        #expect(outcome.replicationsToResolve == max(7, expected))
        #expect(expected > 6)
        // Allowed: counts as passed, still reported INCONCLUSIVE.
        let allowed = evaluate(.atMost(.init(plus: 0)), x, allow: true)
        #expect(allowed.verdict == .inconclusive && allowed.passed)
        // The mean exactly on the bound: no finite number of replications is predicted.
        #expect(ClaimEvaluation.replicationsToResolve(n: 6, standardDeviation: 1, margin: 0, confidence: 0.95) == nil)
    }

    @Test func intervalEdgesCountForTheAssertedSideOnly() {
        // Constant samples: a zero-width CI exactly on the bound is on the asserted side...
        #expect(evaluate(.atMost(.init(plus: 3)), [3, 3, 3]).verdict == .pass)
        #expect(evaluate(.atLeast(.init(plus: 3)), [3, 3, 3]).verdict == .pass)
        // ...and is never "wholly beyond" it.
        #expect(evaluate(.atMost(.init(plus: 3)), [3, 3, 3], expect: .refuted).verdict == .fail)
        #expect(evaluate(.atMost(.init(plus: 3)), [3.5, 3.5, 3.5]).verdict == .fail)
    }

    @Test func withinToleranceNeedsTheWholeIntervalInside() {
        let x = [1.00, 1.02, 0.99, 1.01, 1.00, 0.98]
        let r = interval(x)
        #expect(evaluate(.within(reference: 1.0, tolerance: 0.05), x).verdict == .pass)
        // A tolerance narrower than the CI: inconclusive, the margin is the nearest edge.
        let narrow = evaluate(.within(reference: 1.0, tolerance: 0.005), x)
        #expect(narrow.verdict == .inconclusive)
        #expect(abs(narrow.margin - min(abs(r.mean - 0.995), abs(r.mean - 1.005))) < 1e-12)
        // Far from the reference: refuted.
        #expect(evaluate(.within(reference: 2.0, tolerance: 0.1), x).verdict == .fail)
        #expect(evaluate(.within(reference: 2.0, tolerance: 0.1), x, expect: .refuted).verdict == .refutedAsExpected)
    }

    @Test func extremesUseTheMaxOrMinOverReplications() {
        #expect(evaluate(.maxAtMost(0), [0, 0, 0, 0]).verdict == .pass)
        let lost = evaluate(.maxAtMost(0), [0, 0, 0.001, 0])
        #expect(lost.verdict == .fail && lost.mean == 0.001)
        #expect(evaluate(.maxAtMost(0), [0, 0, 0.001, 0], expect: .refuted).verdict == .refutedAsExpected)
        #expect(evaluate(.minAtLeast(0.5), [0.6, 0.7, 0.55]).verdict == .pass)
        #expect(evaluate(.minAtLeast(0.5), [0.6, 0.4, 0.55]).verdict == .fail)
    }

    @Test func nonFiniteValuesAreLeftOutPairwise() {
        let a = [1.0, .nan, 1.1, 0.9, 1.0], b = [2.0, 2.0, .nan, 2.1, 1.9]
        let outcome = evaluate(.atMost(.init(design: "b")), a, b)
        #expect(outcome.n == 3)
        #expect(abs(outcome.mean - (-1.0 - 1.2 - 0.9) / 3) < 1e-12)
        // Fewer than two values: no interval, inconclusive without an estimate.
        let one = evaluate(.atMost(.init(plus: 0)), [.nan, -1])
        #expect(one.verdict == .inconclusive && one.replicationsToResolve == nil)
    }

    @Test func higherConfidenceWidensTheInterval() {
        let x = [0.2, 0.5, 0.1, 0.4, 0.3, 0.35, 0.25]
        let at95 = evaluate(.atLeast(.init(plus: 0.1)), x)
        let at999 = evaluate(.atLeast(.init(plus: 0.1)), x, level: 0.999)
        #expect(at999.ciLow < at95.ciLow && at999.ciHigh > at95.ciHigh)
        #expect(at95.verdict == .pass)
        #expect(at999.verdict == .inconclusive)
    }
}
