import LatSimCore
import LatSimExperiments
import LatSimGraph

/// Builds and runs graphs from YAML text of a `model:` section, for tests.
enum GraphSupport {
    static func spec(_ yaml: String) throws -> GraphSpec {
        try GraphSpec(model: try YAMLConfig.parse(yaml, file: "test.yaml", path: "model"))
    }

    static func run(_ yaml: String, seed: UInt64 = 1, replication: Int = 0, horizon: SimDuration,
                    warmUp: SimDuration = .zero) throws -> ReplicationResult {
        GraphRun.run(try spec(yaml), replication: ReplicationSpec(replication: replication, rootSeed: seed, horizon: horizon, warmUp: warmUp))
    }
}
