import Foundation
import Testing
@testable import LatSimExperiments

/// Named (zipped) sweep axes: their keys vary together, their columns are typed, and a plan
/// rebuilt from a shard manifest has the same points.
@Suite struct NamedAxisTests {
    static let config = """
        seed: 5
        replications: 2
        horizon: 100ms
        sweep:
          model.arrival.mean: [2ms, 4ms]
          pool: {model.workers: [1, 3], model.capacity: [5, 50], labels: [small, large]}
        model:
          kind: queue
          actors: [{name: exchange, role: server}, {name: bot, role: client}]
          arrival: {type: exponential, mean: 2ms}
          service: {type: exponential, mean: 1ms}

        """

    /// A number axis mixing integers and fractions is written in decimal form (label and value),
    /// so a reader inferring types from the first rows (polars: 100) does not take it for integers.
    @Test func mixedNumberAxisIsWrittenInDecimalForm() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = NamedAxisTests.config.replacingOccurrences(of: "model.arrival.mean: [2ms, 4ms]",
                                                                with: "model.arrival.mean: [2ms, 4ms]\n  model.reject_probability: [0, 0.05, 1e-1]")
        let plan = try ExperimentPlan(file: directory.write("c.yaml", config))
        #expect(plan.points.count == 12)
        #expect(AxisColumns.values(plan, point: 0).prefix(4) == ["2ms", "2000000", "0.0", "0.0"])
        #expect(AxisColumns.values(plan, point: 2).prefix(4) == ["2ms", "2000000", "0.05", "0.05"])
        #expect(AxisColumns.values(plan, point: 4).prefix(4) == ["2ms", "2000000", "0.1", "0.1"])
        // Integers only: labels as written.
        #expect(AxisColumns.values(plan, point: 3).suffix(4) == ["3", "3", "50", "50"])
    }

    @Test func namedAxisKeysVaryTogether() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", NamedAxisTests.config))
        #expect(plan.points.count == 4)
        #expect(plan.points.map { $0.assignments.map(\.value) } ==
                [["2ms", "1", "5"], ["2ms", "3", "50"], ["4ms", "1", "5"], ["4ms", "3", "50"]])
        #expect(plan.points.map(\.labels) == [["2ms", "small"], ["2ms", "large"], ["4ms", "small"], ["4ms", "large"]])
        #expect(AxisColumns.header(plan) == ["model.arrival.mean", "model.arrival.mean_ns", "pool", "model.workers", "model.workers_value",
                                             "model.capacity", "model.capacity_value"])
        #expect(AxisColumns.values(plan, point: 3) == ["4ms", "4000000", "large", "3", "3", "50", "50"])
        let record = try JSONDecoder().decode(PlanRecord.self, from: ShardFiles.encoder().encode(PlanRecord(plan)))
        let rebuilt = try ExperimentPlan(recorded: record, origin: "test")
        #expect(rebuilt.configHash == plan.configHash)
        #expect(rebuilt.points.map(\.labels) == plan.points.map(\.labels))
        #expect(AxisColumns.header(rebuilt) == AxisColumns.header(plan))
    }

    @Test func unequalLengthsAreRefusedWithTheKey() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let text = NamedAxisTests.config.replacingOccurrences(of: "model.capacity: [5, 50]", with: "model.capacity: [5, 50, 500]")
        #expect {
            _ = try ExperimentPlan(file: directory.write("c.yaml", text))
        } throws: { error in
            "\(error)".contains("sweep.pool.model.capacity") && "\(error)".contains("the same number of values")
        }
    }

    @Test func gridOptionsWithOneNameZip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", NamedAxisTests.config),
                                      grid: ["pool:model.workers=[1, 2, 4]", "pool:model.capacity=[5, 10, 20]", "pool:labels=[a, b, c]"])
        #expect(plan.points.count == 6)
        #expect(plan.axes.map(\.name) == ["model.arrival.mean", "pool"])
        #expect(plan.points[5].labels == ["4ms", "c"] && plan.points[5].assignments.map(\.value) == ["4ms", "4", "20"])
    }
}
