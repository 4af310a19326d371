import Foundation
import LatSimCore
import LatSimGraph
import Testing
import LatSimTestSupport

/// The seed of every statistical graph test: fixed, so a test is deterministic; set
/// LATSIM_TEST_SEED to try others. Every failure message prints it.
enum GraphTestSeed {
    static let root: UInt64 = ProcessInfo.processInfo.environment["LATSIM_TEST_SEED"].flatMap(UInt64.init) ?? 20_261_126
}

extension GraphSupport {
    /// Runs `replications` independent replications (0, 1, ...) of one graph on `seed`.
    static func replicate(_ yaml: String, seed: UInt64 = GraphTestSeed.root, replications: Int, horizon: SimDuration,
                          warmUp: SimDuration) throws -> [ReplicationResult] {
        let graph = try spec(yaml)
        return (0..<replications).map { r in
            GraphRun.run(graph, replication: ReplicationSpec(replication: r, rootSeed: seed, horizon: horizon, warmUp: warmUp))
        }
    }

    /// The estimate of `f` over replications.
    static func estimate(_ results: [ReplicationResult], _ f: (ReplicationResult) -> Double) -> ReplicationEstimate {
        ReplicationEstimate(values: results.map(f))
    }

    /// One metric's estimate over replications, scaled (e.g. 1e-6: ns to ms). A missing metric is NaN (and fails).
    static func estimate(_ results: [ReplicationResult], _ metric: String, scale: Double = 1) -> ReplicationEstimate {
        estimate(results) { ($0.value(metric) ?? .nan) * scale }
    }
}

/// Prints and checks one estimate against theory (see `ReplicationEstimate`).
func checkTheory(_ estimate: ReplicationEstimate, _ theory: Double, relativeBound: Double, _ what: String,
                 seed: UInt64 = GraphTestSeed.root, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    print("\(what): simulated \(estimate); theory \(String(format: "%.6g", theory)) (seed \(seed))")
    #expect(estimate.contains(theory), "\(what): \(estimate) excludes theory \(theory) (seed \(seed))", sourceLocation: sourceLocation)
    #expect(estimate.halfWidth <= relativeBound * abs(theory),
            "\(what): CI too wide for a meaningful test: \(estimate), bound \(relativeBound) × theory (seed \(seed))",
            sourceLocation: sourceLocation)
}
