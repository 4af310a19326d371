import Dispatch
import Foundation
import LatSimCore

/// A claim that cannot be planned or read (a missing config, design or metric): bad input.
public struct ClaimError: Error, CustomStringConvertible, Sendable {
    public var claim: String
    public var location: SourceLocation
    public var message: String

    public init(claim: String, location: SourceLocation, message: String) {
        self.claim = claim
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): claim \(claim): \(message)" }
}

/// A claim with its validated one-point experiment plan.
public struct ClaimPlan: Sendable {
    public var claim: Claim
    public var plan: ExperimentPlan
    /// The left- and right-hand designs (right: nil for constant bounds and extremes).
    public var leftDesign: String
    public var rightDesign: String?

    public init(_ claim: Claim) throws {
        self.claim = claim
        func fail(_ message: String) -> ClaimError { ClaimError(claim: claim.name, location: claim.location, message: message) }
        guard FileManager.default.fileExists(atPath: claim.config) else {
            throw fail("config \(claim.config) does not exist; allowed: a path relative to the claims file")
        }
        // `set:` keys naming a sweep axis pin it to one value; the others are overrides.
        let axes: [String]
        do {
            axes = try ConfigLoader.load(file: claim.config).child("sweep").map { try $0.entries().map(\.key) } ?? []
        } catch {
            throw fail("\(error)")
        }
        var overrides: [String] = [], grid: [String] = []
        for (keyPath, value) in claim.overrides {
            if axes.contains(keyPath) {
                guard case .scalar(let text) = value.value, !text.contains(",") else {
                    throw fail("set.\(keyPath) pins a sweep axis and must be one scalar value; given: \(value.canonicalText)")
                }
                grid.append(keyPath + "=" + text)
            } else {
                overrides.append(keyPath + "=" + value.canonicalText)
            }
        }
        if let right = claim.referencedDesigns.dropFirst().first ?? nil, let left = claim.design {
            overrides.append("designs=" + (left == right ? "[\(left)]" : "[\(left), \(right)]"))
        } else if let left = claim.design {
            overrides.append("designs=[\(left)]")
        }
        do {
            plan = try ExperimentPlan(file: claim.config, overrides: overrides, grid: grid, seed: claim.seed,
                                      replications: claim.replications)
        } catch {
            throw fail("\(error)")
        }
        guard plan.points.count == 1 else {
            let unpinned = plan.axes.filter { $0.count > 1 }.map(\.name)
            throw fail("runs \(plan.points.count) sweep points; allowed: one point (pin each axis in set:, e.g. set: {\(unpinned.first ?? "axis"): value}); unpinned axes: \(unpinned.joined(separator: ", "))")
        }
        leftDesign = claim.design ?? plan.points[0].designs[0]
        rightDesign = claim.referencedDesigns.dropFirst().first ?? nil
        // The metric names are checked against what the runs record (ClaimRunner.evaluate):
        // a kind's metric list names families, not every recorded metric.
    }

    /// The metric of the right-hand side (the reference's `metric:` or the claim's).
    public var referenceMetric: String? {
        switch claim.assertion {
        case .atMost(let r), .atLeast(let r): return r.design == nil ? nil : (r.metric ?? claim.metric)
        default: return nil
        }
    }
}

/// One evaluated claim.
public struct ClaimResult: Sendable {
    public var plan: ClaimPlan
    public var outcome: ClaimOutcome
    /// The unit of the claim's metric (ns, ratio, 1/s, count).
    public var unit: String
    public var claim: Claim { plan.claim }
    /// The assertion as a formula with this run's designs.
    public var formula: String { claim.formula(designName: plan.leftDesign, unit: unit) }
}

/// Plans claims, runs all their work units together on `jobs` threads, and evaluates them.
///
///     let claims = try ClaimFile.load(file: "experiments/claims/sync-vs-async.yaml")
///     let results = try ClaimRunner.run(claims.map(ClaimPlan.init), jobs: 2)
///     results.allSatisfy(\.outcome.passed)
///
/// Invariant: the units of every claim are run in one pool (claims run in parallel with one
/// another), each result stored at its index: the verdicts do not depend on `jobs`. Claims
/// whose resolved experiments are identical share one run (same draws, so same verdicts).
public enum ClaimRunner {
    public static func run(_ plans: [ClaimPlan], jobs: Int) throws -> [ClaimResult] {
        precondition(jobs >= 1, "jobs must be positive")
        // Claims whose resolved experiments are identical (same config hash: config, overrides,
        // seed, replications, designs) share one run.
        var distinct: [Int] = [], runOfPlan: [Int] = []
        var runOfHash: [String: Int] = [:]   // lookup only; run order is first appearance
        for claimPlan in plans {
            let hash = claimPlan.plan.configHash
            if let run = runOfHash[hash] {
                runOfPlan.append(run)
            } else {
                runOfHash[hash] = distinct.count
                runOfPlan.append(distinct.count)
                distinct.append(runOfPlan.count - 1)
            }
        }
        let work: [(plan: Int, unit: Runner.Unit)] = distinct.flatMap { index in
            Runner.units(of: plans[index].plan).map { (plan: index, unit: $0) }
        }
        let slots = ResultSlots(count: work.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, work.count))) { _ in
            while let index = slots.next() {
                let (planIndex, unit) = work[index]
                let point = plans[planIndex].plan.points[unit.point]
                slots.store(point.scenario.run(design: point.designs[unit.design],
                                               spec: point.settings.spec(replication: unit.replication, keepTrace: false, keepSeries: false)), at: index)
            }
        }
        var offset = 0
        var experiments: [ExperimentResults] = []
        for index in distinct {
            let count = plans[index].plan.unitCount
            let raw = slots.results[offset..<(offset + count)].map { $0! }
            offset += count
            experiments.append(try ExperimentResults(plan: plans[index].plan, results: Array(raw)))
        }
        return try plans.indices.map { try evaluate(plans[$0], results: experiments[runOfPlan[$0]]) }
    }

    /// Evaluates a claim on an experiment's results (one point).
    public static func evaluate(_ claimPlan: ClaimPlan, results: ExperimentResults) throws -> ClaimResult {
        let claim = claimPlan.claim
        var truncated = 0   // runs of the claim's designs stopped at the event limit
        func values(design: String, metric: String) throws -> (values: [Double], unit: String) {
            let point = results.plan.points[0]
            guard let designIndex = point.designs.firstIndex(of: design) else {
                throw ClaimError(claim: claim.name, location: claim.location,
                                 message: "design \(design) is not run; allowed: \(point.designs.joined(separator: ", "))")
            }
            var found: [Double] = [], unit: String?
            for (unit_, result) in zip(results.units, results.results) where unit_.design == designIndex {
                if result.stopReason.hasPrefix("event limit") { truncated += 1 }
                let metricValue = result.metrics.first { $0.name == metric }
                if unit == nil { unit = metricValue?.unit }
                found.append(metricValue?.value ?? .nan)
            }
            guard let unit else {
                let recorded = results.results.first?.metrics.map(\.name) ?? []
                var message = "metric \(metric) is not recorded by design \(design)"
                if let nearest = nearestMatch(metric, in: recorded) { message += " (did you mean \"\(nearest)\"?)" }
                throw ClaimError(claim: claim.name, location: claim.location,
                                 message: message + "; allowed: " + recorded.joined(separator: ", "))
            }
            return (found, unit)
        }
        let left = try values(design: claimPlan.leftDesign, metric: claim.metric)
        let right = try claimPlan.rightDesign.map { try values(design: $0, metric: claimPlan.referenceMetric ?? claim.metric).values }
        let outcome = ClaimEvaluation.evaluate(claim.assertion, left: left.values, right: right, confidence: claim.confidence,
                                               expectation: claim.expectation, allowInconclusive: claim.allowInconclusive,
                                               replications: results.plan.points[0].settings.replications, truncatedRuns: truncated)
        return ClaimResult(plan: claimPlan, outcome: outcome, unit: left.unit)
    }

    /// Result slots shared by the workers, guarded by one lock.
    final class ResultSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        var results: [ReplicationResult?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextIndex < results.count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func store(_ result: ReplicationResult, at index: Int) {
            lock.lock(); defer { lock.unlock() }
            results[index] = result
        }
    }
}
