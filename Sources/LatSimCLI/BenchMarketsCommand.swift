import ArgumentParser
import Foundation
import LatSimExperiments
import LatSimMarkets
import LatSimSettlement

struct MarketsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets",
        abstract: "Run each market and settlement kind's example and report events per second per design (use a release build)."
    )

    @Option(help: "The simulated time of each run, e.g. 60s.")
    var horizon: String = "60s"

    @Option(help: "The root seed of every random stream.")
    var seed: UInt64 = 1

    @Option(help: "The number of repetitions; the median is reported.")
    var repeats: Int = 3

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
        guard (try? SimDuration(parsing: horizon)).map({ $0 > .zero }) == true else {
            throw ValidationError("--horizon must be a positive duration such as 60s; given \(horizon)")
        }
    }

    /// The kinds timed, in order, each on a small example model (every one is a graph template).
    /// The hand-written models they replaced are deleted. Commit 9a70c9e still has them: its
    /// `latsim bench markets` times cex-arbitrage's beside the template and the cex-amm-arbitrage
    /// and market-making models under their kind names; its `latsim run` runs the hand-written
    /// settlement and cross-chain models.
    static let timedKinds = ["cex-arbitrage", "cex-amm-arbitrage", "market-making", "settlement", "cross-chain"]

    /// Examples of the settlement kinds, sized so that a 60 s run has tens of thousands of events.
    static let settlementExamples: [String: String] = [
        "settlement": """
            kind: settlement
            layer: solana
            trades: {rate_per_second: 200, notional: {type: lognormal, median: 10000, sigma: 1}}
            capital: 5_000_000
            batch_interval: 2s
            """,
        "cross-chain": """
            kind: cross-chain
            source: solana
            destination: cometbft
            transfers: {rate_per_second: 50}
            relayers: {count: 3, quorum: 2, latency: {type: lognormal, median: 500ms, sigma: 0.8}}
            failure_probability: 0.05
            retry_delay: 2s
            """,
    ]

    static func example(kind: String) throws -> ConfigNode? {
        if let yaml = settlementExamples[kind] {
            return try YAMLConfig.parse(yaml, file: "<\(kind) benchmark example>", path: "model")
        }
        return MarketsExamples.config(kind: kind)
    }

    func run() throws {
        let span = try SimDuration(parsing: horizon)
        print("benchmark: markets")
        print("horizon: \(horizon)")
        for name in Self.timedKinds {
            guard let config = try Self.example(kind: name), let kind = ScenarioRegistry.kind(named: name) else { continue }
            let spec = ReplicationSpec(replication: 0, rootSeed: seed, horizon: span)
            let scenario = try kind.make(config)
            for timing in timeDesigns(of: scenario, spec: spec, repeats: repeats) {
                print("\(name) \(timing.design): events \(timing.events) ns_per_event \(formatFixed(timing.nanosecondsPerEvent, decimals: 1)) events_per_second \(formatFixed(1e9 / timing.nanosecondsPerEvent, decimals: 0))")
            }
        }
    }
}
