import Foundation
import LatSimCore

/// The verdict of one claim from its per-replication values, and how sure it is.
///
///     let outcome = ClaimEvaluation.evaluate(.atMost(.init(design: "sync", times: 0.7)),
///                                            left: asyncP99, right: syncP99, confidence: 0.95,
///                                            expectation: .hold, allowInconclusive: false)
///     outcome.verdict      // .pass when the CI of mean(async - 0.7 sync) lies wholly at or below 0
///
/// Semantics (docs/claims.md):
/// - inequalities test the paired quantity x_r = A_r - (times x B_r + plus) per replication r
///   (common random numbers: the same seed and replication give both designs the same draws),
///   or x_r = A_r - plus against a constant; a linear combination of paired values keeps the
///   t interval exact under the normal model. The CI is mean(x) -/+ t((1+level)/2, n-1) sd(x)/sqrt(n);
/// - `within` asks the CI of mean(A) to lie inside [reference - tolerance, reference + tolerance];
/// - `max_at_most` / `min_at_least` compare the max (min) over replications with the bound: no CI;
///   `equals` asks every replication's value to equal the value (neither above nor below);
/// - evidence must be complete: when fewer values are defined than replications were run
///   (`replications`: a metric with no observations is NaN) or any run stopped at the event
///   limit (`truncatedRuns`), a verdict that would have passed or been refuted as expected is
///   INCONCLUSIVE instead, and not passed even with `allow_inconclusive` (it says why);
/// - the asserted side holds when the CI lies wholly on it; the other side when the CI lies
///   wholly (strictly) beyond the bound; otherwise the CI straddles the bound: INCONCLUSIVE,
///   with the replications that would resolve it, n' = ceil(n (h/|m|)^2) = ceil((t sd/|m|)^2),
///   where h is the CI's half-width and m the distance from the mean to the bound it straddles.
///
/// Invariant: the verdict depends only on the values, in order; nothing random or timed.
public enum ClaimEvaluation {
    public static func evaluate(_ assertion: Claim.Assertion, left: [Double], right: [Double]?, confidence: Double,
                                expectation: Claim.Expectation, allowInconclusive: Bool,
                                replications: Int? = nil, truncatedRuns: Int = 0) -> ClaimOutcome {
        var outcome = ClaimOutcome()
        switch assertion {
        case .atMost(let reference), .atLeast(let reference):
            var tested: [Double] = [], lefts: [Double] = [], rights: [Double] = []
            if let right {
                precondition(right.count == left.count, "paired samples differ in length")
                for (a, b) in zip(left, right) where a.isFinite && b.isFinite {
                    tested.append(a - (reference.times * b + reference.plus)); lefts.append(a); rights.append(b)
                }
                outcome.rightMean = SampleSummary(rights).mean
            } else {
                for a in left where a.isFinite { tested.append(a - reference.plus); lefts.append(a) }
            }
            outcome.leftMean = SampleSummary(lefts).mean
            let summary = interval(tested, confidence: confidence)
            outcome.n = summary.n
            outcome.mean = summary.mean
            outcome.ciLow = summary.low
            outcome.ciHigh = summary.high
            outcome.standardDeviation = summary.sd
            let atMost: Bool
            if case .atMost = assertion { atMost = true } else { atMost = false }
            if summary.n < 2 || !summary.low.isFinite || !summary.high.isFinite {
                outcome.side = .straddles
            } else if atMost {
                outcome.side = summary.high <= 0 ? .asserted : (summary.low > 0 ? .opposite : .straddles)
            } else {
                outcome.side = summary.low >= 0 ? .asserted : (summary.high < 0 ? .opposite : .straddles)
            }
            outcome.margin = abs(summary.mean)
        case .within(let reference, let tolerance):
            let finite = left.filter(\.isFinite)
            let summary = interval(finite, confidence: confidence)
            outcome.n = summary.n
            outcome.mean = summary.mean
            outcome.leftMean = summary.mean
            outcome.ciLow = summary.low
            outcome.ciHigh = summary.high
            outcome.standardDeviation = summary.sd
            let lower = reference - tolerance, upper = reference + tolerance
            if summary.n < 2 || !summary.low.isFinite || !summary.high.isFinite {
                outcome.side = .straddles
            } else if summary.low >= lower && summary.high <= upper {
                outcome.side = .asserted
            } else if summary.high < lower || summary.low > upper {
                outcome.side = .opposite
            } else {
                outcome.side = .straddles
            }
            // The bound the CI straddles is the edge nearest the mean.
            outcome.margin = min(abs(summary.mean - lower), abs(summary.mean - upper))
        case .equals(let value):
            let finite = left.filter(\.isFinite)
            outcome.n = finite.count
            let farthest = finite.max { abs($0 - value) < abs($1 - value) }
            outcome.mean = farthest ?? .nan
            outcome.leftMean = SampleSummary(finite).mean
            outcome.ciLow = finite.min() ?? .nan
            outcome.ciHigh = finite.max() ?? .nan
            outcome.side = finite.isEmpty ? .straddles : (farthest == value ? .asserted : .opposite)
        case .maxAtMost(let bound), .minAtLeast(let bound):
            let finite = left.filter(\.isFinite)
            outcome.n = finite.count
            let isMax: Bool
            if case .maxAtMost = assertion { isMax = true } else { isMax = false }
            let extreme = finite.isEmpty ? .nan : (isMax ? finite.max()! : finite.min()!)
            outcome.mean = extreme
            outcome.leftMean = SampleSummary(finite).mean
            outcome.ciLow = extreme
            outcome.ciHigh = extreme
            if finite.isEmpty {
                outcome.side = .straddles
            } else {
                outcome.side = (isMax ? extreme <= bound : extreme >= bound) ? .asserted : .opposite
            }
        }
        switch (outcome.side, expectation) {
        case (.asserted, .hold): outcome.verdict = .pass
        case (.opposite, .refuted): outcome.verdict = .refutedAsExpected
        case (.straddles, _): outcome.verdict = .inconclusive
        default: outcome.verdict = .fail
        }
        if let replications, outcome.n < replications {
            outcome.incomplete = "\(outcome.n) of \(replications) replications defined (a metric with no observations is NaN)"
        } else if truncatedRuns > 0 {
            outcome.incomplete = "\(truncatedRuns) run\(truncatedRuns == 1 ? "" : "s") stopped at the event limit"
        }
        if outcome.incomplete != nil && (outcome.verdict == .pass || outcome.verdict == .refutedAsExpected) {
            outcome.verdict = .inconclusive
        }
        outcome.passed = outcome.incomplete == nil && (outcome.verdict == .pass || outcome.verdict == .refutedAsExpected
            || (outcome.verdict == .inconclusive && allowInconclusive))
        if outcome.verdict == .inconclusive && outcome.incomplete == nil {
            outcome.replicationsToResolve = replicationsToResolve(n: outcome.n, standardDeviation: outcome.standardDeviation,
                                                                  margin: outcome.margin, confidence: confidence)
        }
        return outcome
    }

    /// ceil((t((1+level)/2, n-1) sd / |margin|)^2), and at least n + 1; nil when it cannot be
    /// estimated (fewer than 2 values, or the mean lies exactly on the bound).
    ///
    /// The t quantile is that of the current n (it shrinks as n grows, so this errs on the
    /// side of more replications), and sd is assumed not to change.
    public static func replicationsToResolve(n: Int, standardDeviation: Double, margin: Double, confidence: Double) -> Int? {
        guard n >= 2, standardDeviation.isFinite, margin.isFinite, margin > 0 else { return nil }
        let t = StudentT.quantile((1 + confidence) / 2, degreesOfFreedom: Double(n - 1))
        let needed = (t * standardDeviation / margin) * (t * standardDeviation / margin)
        guard needed < 1e9 else { return nil }
        return max(n + 1, Int(needed.rounded(.up)))
    }

    /// The mean and the two-sided `confidence` t interval of the finite values.
    static func interval(_ values: [Double], confidence: Double) -> (n: Int, mean: Double, sd: Double, low: Double, high: Double) {
        let summary = SampleSummary(values)
        let half = StudentT.confidenceHalfWidth(standardDeviation: summary.standardDeviation, count: summary.n, level: confidence)
        return (summary.n, summary.mean, summary.standardDeviation, summary.mean - half, summary.mean + half)
    }
}

/// The result of evaluating one claim.
public struct ClaimOutcome: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case pass = "PASS"
        case refutedAsExpected = "REFUTED-AS-EXPECTED"
        case fail = "FAIL"
        case inconclusive = "INCONCLUSIVE"
    }

    /// Where the CI lies relative to the assertion's bound.
    public enum Side: String, Sendable {
        case asserted, opposite, straddles
    }

    public var verdict: Verdict = .inconclusive
    /// Whether the claim counts as passed (PASS, REFUTED-AS-EXPECTED, or an allowed INCONCLUSIVE).
    public var passed = false
    public var side: Side = .straddles
    /// Replications used (where the values, or both paired values, are finite).
    public var n = 0
    /// The tested quantity: mean of x_r (inequalities), mean of A (`within`), max/min (extremes).
    public var mean = Double.nan
    public var ciLow = Double.nan
    public var ciHigh = Double.nan
    public var standardDeviation = Double.nan
    /// The distance from the mean to the bound.
    public var margin = Double.nan
    /// Means of the left- and right-hand designs' metric (right: NaN without a reference design).
    public var leftMean = Double.nan
    public var rightMean = Double.nan
    /// For an INCONCLUSIVE verdict: the replications that would resolve it, if estimable.
    public var replicationsToResolve: Int?
    /// Why the evidence is incomplete (undefined values, runs cut short), if it is: such a
    /// claim never passes.
    public var incomplete: String?

    public init() {}
}
