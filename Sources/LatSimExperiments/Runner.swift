import Dispatch
import Foundation

/// Runs a plan's work units (point x design x replication) on a fixed number of worker
/// threads and returns the results in unit order, whatever the scheduling.
///
///     let results = Runner.run(plan, jobs: 2) { progress in ... }
///
/// Invariant: `results[i]` depends only on unit i (its scenario, design and spec), so one
/// worker and many give identical results. Workers take the next unit index from a shared
/// counter; each result is stored at its index.
public enum Runner {
    /// One unit of work.
    public struct Unit: Sendable, Equatable {
        public var point: Int
        public var design: Int
        public var replication: Int
    }

    /// What the progress callback sees (called at most every `interval` seconds, and at the end).
    public struct Progress: Sendable {
        public var unitsDone: Int
        public var unitsTotal: Int
        public var pointsDone: Int
        public var pointsTotal: Int
        public var eventsProcessed: Int64
        public var elapsedSeconds: Double

        public init(unitsDone: Int, unitsTotal: Int, pointsDone: Int, pointsTotal: Int, eventsProcessed: Int64, elapsedSeconds: Double) {
            self.unitsDone = unitsDone
            self.unitsTotal = unitsTotal
            self.pointsDone = pointsDone
            self.pointsTotal = pointsTotal
            self.eventsProcessed = eventsProcessed
            self.elapsedSeconds = elapsedSeconds
        }
    }

    /// Units in output order: point, then design, then replication.
    public static func units(of plan: ExperimentPlan) -> [Unit] {
        var units: [Unit] = []
        for point in plan.points {
            for design in point.designs.indices {
                for replication in plan.replications(of: point) {
                    units.append(Unit(point: point.index, design: design, replication: replication))
                }
            }
        }
        return units
    }

    public static func run(_ plan: ExperimentPlan, jobs: Int, progressInterval: Double = 0.1,
                           progress: (@Sendable (Progress) -> Void)? = nil) -> [ReplicationResult] {
        precondition(jobs >= 1, "jobs must be positive")
        let units = Runner.units(of: plan)
        let state = SharedState(count: units.count, points: plan.points.map { $0.designs.count * plan.replications(of: $0).count })
        let start = DispatchTime.now().uptimeNanoseconds
        let workers = min(jobs, max(1, units.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.next() {
                let unit = units[index]
                let point = plan.points[unit.point]
                let keepTrace = point.settings.trace
                let result = point.scenario.run(design: point.designs[unit.design],
                                                spec: point.settings.spec(replication: unit.replication, keepTrace: keepTrace))
                let snapshot = state.store(result, at: index, point: unit.point, start: start, interval: progressInterval)
                if let snapshot { progress?(snapshot) }
            }
        }
        let results = state.results.map { $0! }
        if let progress {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            progress(Progress(unitsDone: units.count, unitsTotal: units.count, pointsDone: plan.points.count,
                              pointsTotal: plan.points.count, eventsProcessed: results.reduce(0) { $0 + $1.eventsProcessed },
                              elapsedSeconds: elapsed))
        }
        return results
    }

    /// The counter and result slots shared by the workers, guarded by one lock.
    final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var done = 0
        private var events: Int64 = 0
        private var remainingByPoint: [Int]
        private var pointsDone = 0
        private var lastReport: UInt64 = 0
        var results: [ReplicationResult?]

        init(count: Int, points: [Int]) {
            results = Array(repeating: nil, count: count)
            remainingByPoint = points
        }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard nextIndex < results.count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        /// Stores a result; returns a progress snapshot when one is due.
        func store(_ result: ReplicationResult, at index: Int, point: Int, start: UInt64, interval: Double) -> Progress? {
            lock.lock(); defer { lock.unlock() }
            results[index] = result
            done += 1
            events += result.eventsProcessed
            remainingByPoint[point] -= 1
            if remainingByPoint[point] == 0 { pointsDone += 1 }
            let now = DispatchTime.now().uptimeNanoseconds
            guard Double(now - lastReport) / 1e9 >= interval, done < results.count else { return nil }
            lastReport = now
            return Progress(unitsDone: done, unitsTotal: results.count, pointsDone: pointsDone, pointsTotal: remainingByPoint.count,
                            eventsProcessed: events, elapsedSeconds: Double(now - start) / 1e9)
        }
    }
}
