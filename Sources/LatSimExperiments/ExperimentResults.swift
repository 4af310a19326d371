/// The results of a plan, in unit order, with per-(point, design, metric) aggregates and
/// paired comparisons of each design against the point's first design (the baseline).
///
///     let results = try ExperimentResults(plan: plan, results: Runner.run(plan, jobs: 2))
///     results.aggregates.first?.summary.mean
///
/// Invariant: row order is point, design (report order), metric (the scenario's recording
/// order), replication: it never depends on thread scheduling or hash order.
public struct ExperimentResults: Sendable {
    public struct Aggregate: Sendable {
        public var point: Int
        public var design: String
        public var metric: String
        public var unit: String
        public var summary: SampleSummary
    }

    public struct Comparison: Sendable {
        public var point: Int
        public var baseline: String
        public var design: String
        public var metric: String
        public var unit: String
        public var comparison: PairedComparison
    }

    public let plan: ExperimentPlan
    public let units: [Runner.Unit]
    /// Results in unit order, with the `metrics:` filter applied.
    public let results: [ReplicationResult]
    public private(set) var aggregates: [Aggregate] = []
    public private(set) var comparisons: [Comparison] = []

    /// A run-time failure: a scenario broke its own contract (metrics that differ between replications).
    public struct InconsistentMetrics: Error, CustomStringConvertible {
        public var description: String
    }

    public init(plan: ExperimentPlan, results raw: [ReplicationResult]) throws {
        self.plan = plan
        units = Runner.units(of: plan)
        precondition(units.count == raw.count, "one result per unit")
        results = zip(units, raw).map { unit, result in
            var kept = result
            kept.metrics = result.metrics.filter { plan.points[unit.point].settings.keeps(metric: $0.name) }
            return kept
        }
        var offset = 0
        for point in plan.points {
            let replications = plan.replications(of: point).count
            var valuesByDesign: [[ReplicationResult.Metric]] = [] // metric layout of replication 0, per design
            var columns: [[[Double]]] = []                         // [design][metric][replication]
            for design in point.designs {
                let block = results[offset..<(offset + replications)]
                offset += replications
                let layout = block.first!.metrics
                var values = Array(repeating: [Double](), count: layout.count)
                for (replication, result) in block.enumerated() {
                    guard result.metrics.map(\.name) == layout.map(\.name) else {
                        throw InconsistentMetrics(description: "design \(design) at point \(point.index) recorded different metrics in replication \(replication) than in replication 0")
                    }
                    for (m, metric) in result.metrics.enumerated() { values[m].append(metric.value) }
                }
                for (m, metric) in layout.enumerated() {
                    aggregates.append(Aggregate(point: point.index, design: design, metric: metric.name, unit: metric.unit,
                                                summary: SampleSummary(values[m])))
                }
                valuesByDesign.append(layout)
                columns.append(values)
            }
            guard let baselineLayout = valuesByDesign.first else { continue }
            for d in point.designs.indices.dropFirst() {
                for (m, metric) in valuesByDesign[d].enumerated() {
                    guard let b = baselineLayout.firstIndex(where: { $0.name == metric.name }) else { continue }
                    comparisons.append(Comparison(point: point.index, baseline: point.designs[0], design: point.designs[d],
                                                  metric: metric.name, unit: metric.unit,
                                                  comparison: PairedComparison(baseline: columns[0][b], design: columns[d][m])))
                }
            }
        }
    }

    /// Trace rows not kept, over all runs (each run's trace is capped at `ReplicationSpec.traceRowLimit` rows).
    public var traceRowsDropped: Int { results.reduce(0) { $0 + $1.traceRowsDropped } }

    /// How many units stopped for each reason, by first appearance in unit order
    /// (a horizon, an event limit, ...).
    public var stopReasons: [(reason: String, count: Int)] {
        var counts: [(reason: String, count: Int)] = []
        for result in results {
            let reason = result.stopReason.hasPrefix("horizon reached") ? "horizon reached" : result.stopReason
            if let index = counts.firstIndex(where: { $0.reason == reason }) { counts[index].count += 1 } else { counts.append((reason, 1)) }
        }
        return counts
    }

    /// Events handled over all units.
    public var eventsProcessed: Int64 { results.reduce(0) { $0 + $1.eventsProcessed } }
}
