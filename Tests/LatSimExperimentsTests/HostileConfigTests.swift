import Foundation
import Testing
import LatSimExperiments

/// Hostile configs refused at validate time: zero or near-zero intervals (one message for every
/// kind) and plans whose memory estimate exceeds the limit.
@Suite struct HostileConfigTests {
    static let experiments = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("experiments").path

    static func error(_ config: String, _ overrides: [String], budget: MemoryBudget = MemoryBudget()) -> ConfigError? {
        do {
            _ = try MemoryBudget.$current.withValue(budget) {
                try ExperimentPlan(file: experiments + "/" + config, overrides: overrides)
            }
            return nil
        } catch let error as ConfigError { return error } catch { return nil }
    }

    /// (config, key path, a too-short value): each a time between events of a different kind.
    static let intervals: [(String, String, String)] = [
        ("broker-outage.yaml", "model.publish_interval", "{type: exponential, mean: 500ns}"),
        ("broker-outage.yaml", "model.poll_interval", "0"),
        ("ordered-delivery.yaml", "model.send_interval", "0"),
        ("queue-buffering.yaml", "model.arrival", "{type: constant, value: 0}"),
        ("cex-arbitrage.yaml", "model.tick_interval", "999ns"),
        ("cex-amm-arbitrage.yaml", "model.block_interval", "0"),
        ("market-making.yaml", "model.tick_interval", "{type: uniform, lower: 0, upper: 1ns}"),
        ("settlement-layers.yaml", "model.batch_interval", "1ns"),
        ("cross-chain-ordering.yaml", "model.retry_delay", "100ns"),
        ("quickstart.yaml", "model.rate_per_client_per_s", "2000000"),
        ("settlement-layers.yaml", "model.trades.rate_per_second", "1e7"),
    ]

    @Test(arguments: intervals) func nearZeroIntervalsAreRefusedWithOneMessage(config: String, key: String, value: String) throws {
        let error = try #require(HostileConfigTests.error(config, ["\(key)=\(value)"]), "\(config) accepted \(key)=\(value)")
        #expect(error.path == key, "\(error)")
        #expect(error.problem.contains("must be at least 1us (") || error.problem.contains("interval must be at least 1us ("), "\(error)")
    }

    @Test func theSameValuesAtTheFloorAreAccepted() {
        #expect(HostileConfigTests.error("ordered-delivery.yaml", ["model.send_interval=1us"]) == nil)
        #expect(HostileConfigTests.error("quickstart.yaml", ["model.rate_per_client_per_s=1000000"]) == nil)
    }

    @Test func aPlanPastTheMemoryLimitIsRefusedWithItsFigures() throws {
        // 400 clients x window 57,000 = 2.3e7 slots of 32 bytes: about 700 MiB per replication.
        let overrides = ["model.clients=400", "model.window=57000"]
        let small = MemoryBudget(limitBytes: 512 * 1_048_576, jobs: 1)
        let error = try #require(HostileConfigTests.error("quickstart.yaml", overrides, budget: small))
        #expect(error.path == "model")
        #expect(error.problem.contains("1 replication at once"), "\(error)")
        #expect(error.allowed?.contains("512 MiB") == true)
        #expect(error.allowed?.contains("--memory-limit") == true)
        // The same plan fits a larger limit, and two workers need twice the replication memory.
        #expect(HostileConfigTests.error("quickstart.yaml", overrides, budget: MemoryBudget(limitBytes: 1_073_741_824, jobs: 1)) == nil)
        #expect(HostileConfigTests.error("quickstart.yaml", overrides, budget: MemoryBudget(limitBytes: 1_073_741_824, jobs: 2)) != nil)
    }

    /// The estimate counts what a run keeps: state per pending trade, message or attempt does not
    /// grow with the horizon, so a horizon 10,000 times longer costs nothing more without a trace;
    /// with a trace, the trace counts, capped at `traceRowLimit` rows however long the run.
    @Test(arguments: ["settlement-layers.yaml", "cross-chain-ordering.yaml", "cex-arbitrage.yaml", "market-making.yaml"])
    func aLongHorizonCostsNoMemoryWithoutATrace(config: String) throws {
        func replicationBytes(_ overrides: [String]) throws -> Double {
            try ExperimentPlan(file: HostileConfigTests.experiments + "/" + config, overrides: overrides).memoryEstimate(jobs: 1).replicationBytes
        }
        let short = try replicationBytes(["horizon=1h"])
        let long = try replicationBytes(["horizon=10000h"])
        #expect(long == short, "\(config): \(short) bytes for 1 h, \(long) for 10,000 h")
        #expect(short < 2 * 1_048_576, "\(config): \(short) bytes")
        let tracedLong = try replicationBytes(["horizon=10000h", "trace=true", "replications=1"])
        let tracedLonger = try replicationBytes(["horizon=100000h", "trace=true", "replications=1"])
        #expect(tracedLong >= short && tracedLonger == tracedLong, "\(config): the trace is capped (\(tracedLong), \(tracedLonger))")
    }

    /// The market components' fixed state counts: attempt slots by the bots' design, the
    /// opportunity observer's ring per price source (the rival: the designs patch the focal bot).
    @Test func marketComponentsCountInTheEstimate() throws {
        func replicationBytes(_ overrides: [String]) throws -> Double {
            try ExperimentPlan(file: HostileConfigTests.experiments + "/graph-cex-arbitrage.yaml", overrides: overrides).memoryEstimate(jobs: 1).replicationBytes
        }
        let few = try replicationBytes(["model.components.rival.design={preset: async, max_in_flight: 4}"])
        let many = try replicationBytes(["model.components.rival.design={preset: async, max_in_flight: 1000}"])
        #expect(many - few >= 996 * 96, "\(few) bytes with 4 attempts in flight, \(many) with 1,000")
        #expect(few >= 16 * 16_384, "the price source's ring: \(few) bytes")
    }

    @Test func memorySizesParse() {
        #expect(MemoryBudget.parseBytes("512MiB") == 512.0 * 1_048_576)
        #expect(MemoryBudget.parseBytes("4GiB") == 4.0 * 1_073_741_824)
        #expect(MemoryBudget.parseBytes("2GB") == 2e9)
        #expect(MemoryBudget.parseBytes("1000") == 1000)
        for bad in ["", "-1GiB", "0", "lots", "nanGiB", "1e400"] { #expect(MemoryBudget.parseBytes(bad) == nil, "\(bad)") }
    }
}
