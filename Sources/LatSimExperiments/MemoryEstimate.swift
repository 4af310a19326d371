import Foundation
import LatSimCore

/// What a plan needs in memory, estimated before anything runs, and the limit it must fit in.
///
///     let estimate = plan.memoryEstimate(jobs: 2)
///     estimate.totalBytes        // replications running at once x one replication's arrays + results
///
/// Why: memory sized by products of parameters that are each in range (clients x window,
/// actors squared, partitions x consumer groups, the units of a sweep) would otherwise abort
/// the process after `validate` said ok. `ExperimentPlan.init` refuses a plan whose estimate
/// exceeds `MemoryBudget.current.limitBytes` (default 4 GiB, `--memory-limit` on the command
/// line), with the figures that make it up.
public struct MemoryEstimate: Sendable, Equatable {
    /// The largest `Scenario.replicationMemoryBytes` over the plan's points, plus the engine's fixed cost.
    public var replicationBytes: Double
    /// Replications running at once (worker threads, at most the number of units).
    public var concurrentReplications: Int
    /// The per-unit results held until the CSV is written (and the traces, when kept).
    public var resultBytes: Double

    public var totalBytes: Double { replicationBytes * Double(concurrentReplications) + resultBytes }

    /// A replication's fixed cost beyond its parameter-sized arrays (event queue, streams, metrics).
    public static let replicationBaseBytes = 1.0 * 1_048_576
    /// One unit's results in memory and in the CSV text: about 100 metrics of about 160 bytes.
    public static let resultBytesPerUnit = 16.0 * 1_024
    /// One trace row of a kept trace (a few numeric cells as text).
    public static let traceRowBytes = 256.0
}

/// The memory limit plans are checked against, and the worker count they will run on.
///
///     try MemoryBudget.$current.withValue(MemoryBudget(limitBytes: 1 << 30, jobs: 1)) { try ExperimentPlan(file: f) }
public struct MemoryBudget: Sendable {
    public var limitBytes: Double
    /// Worker threads; nil: the number of cores.
    public var jobs: Int?

    public init(limitBytes: Double = MemoryBudget.defaultLimitBytes, jobs: Int? = nil) {
        self.limitBytes = limitBytes
        self.jobs = jobs
    }

    /// 4 GiB: a fixed default (not the machine's memory), so whether a config is accepted does not depend on the machine.
    public static let defaultLimitBytes = 4.0 * 1_073_741_824

    @TaskLocal public static var current = MemoryBudget()

    /// Parses "512MiB", "4GiB", "2GB", "1.5G", "1000000" (bytes): binary and decimal units.
    public static func parseBytes(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1_024),
                                         ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("T", 1_099_511_627_776),
                                         ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1_024), ("B", 1)]
        for (suffix, size) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number.isFinite, number > 0
            else { return nil }
            return number * size
        }
        guard let number = Double(trimmed), number.isFinite, number > 0 else { return nil }
        return number
    }
}

extension ExperimentPlan {
    /// The estimate for running this plan on `jobs` worker threads.
    public func memoryEstimate(jobs: Int) -> MemoryEstimate {
        let replication = points.map { $0.scenario.replicationMemoryBytes(spec: $0.settings.spec(replication: 0, keepTrace: $0.settings.trace)) }.max() ?? 0
        let units = Double(unitCount)
        let traced = points.contains { $0.settings.trace }
        let traceBytes = traced ? units * Double(ExperimentSettings.traceRowLimit) * MemoryEstimate.traceRowBytes : 0
        return MemoryEstimate(replicationBytes: replication + MemoryEstimate.replicationBaseBytes,
                              concurrentReplications: max(1, min(jobs, unitCount)),
                              resultBytes: units * MemoryEstimate.resultBytesPerUnit + traceBytes)
    }

    /// Throws a `ConfigError` at the model when the estimate exceeds the budget's limit.
    func checkMemory(_ budget: MemoryBudget, model: ConfigNode) throws {
        let jobs = budget.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let estimate = memoryEstimate(jobs: jobs)
        guard estimate.totalBytes <= budget.limitBytes else {
            let size = { (bytes: Double) in formatByteSize(bytes >= 9e18 ? Int.max : Int(bytes)) }
            throw model.error("needs about \(size(estimate.totalBytes)) of memory: \(estimate.concurrentReplications) replication\(estimate.concurrentReplications == 1 ? "" : "s") at once x \(size(estimate.replicationBytes)) (arrays sized by the model's parameters) + \(size(estimate.resultBytes)) of results for \(unitCount) runs",
                              allowed: "at most \(size(budget.limitBytes)) (raise it with --memory-limit, or lower the parameters, replications, sweep points or --jobs)",
                              given: size(estimate.totalBytes))
        }
    }
}
