import Foundation
@testable import LatSimExperiments

/// The repository root (for experiments/).
let claimsRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// One client, one server, exponential times: async is M/M/1 (mean latency 1/(mu - lambda) =
/// 2 ms here), sync has latency equal to the service time (1 ms mean).
let claimsQueueConfig = """
    seed: 11
    replications: 6
    horizon: 500ms
    model:
      kind: queue
      actors: [{name: exchange, role: server}, {name: bot, role: client}]
      arrival: {type: exponential, mean: 2ms}
      service: {type: exponential, mean: 1ms}
      capacity: 100
    sweep:
      model.workers: [1, 2]

    """

/// Plans and runs every claim of a claims file written into `directory` next to `c.yaml`.
func runClaims(_ claims: String, in directory: TemporaryDirectory, jobs: Int = 2) throws -> [ClaimResult] {
    directory.write("c.yaml", claimsQueueConfig)
    let file = directory.write("claims.yaml", claims)
    return try ClaimRunner.run(try ClaimFile.load(file: file).map(ClaimPlan.init), jobs: jobs)
}

/// The error (ConfigError or ClaimError) that loading, planning and running a claims file throws, as text.
func claimError(_ claims: String) -> String? {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    directory.write("c.yaml", claimsQueueConfig)
    let file = directory.write("claims.yaml", claims)
    do {
        _ = try ClaimRunner.run(try ClaimFile.load(file: file).map(ClaimPlan.init), jobs: 2)
        return nil
    } catch {
        return "\(error)"
    }
}
