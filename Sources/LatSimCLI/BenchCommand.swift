import ArgumentParser
import LatSimCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the simulator's speed (use a release build).",
        subcommands: [BenchAllCommand.self, HoldBenchCommand.self, NetworkBenchCommand.self, MarketsBenchCommand.self,
                      ExperimentsBenchCommand.self],
        defaultSubcommand: BenchAllCommand.self
    )
}

struct HoldBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Run the hold model: pop the earliest event, schedule one at now plus an exponential sample."
    )

    @Option(help: "The number of events kept pending.")
    var pending: Int = 1_000

    @Option(help: "The number of events processed per repetition.")
    var events: Int64 = 10_000_000

    @Option(help: "The root seed of the random stream.")
    var seed: UInt64 = 1

    @Option(help: "The number of repetitions; the median is reported.")
    var repeats: Int = 5

    @Flag(help: "Also run a plain C binary heap with GSL's mt19937, interleaved, and report the ratio.")
    var reference = false

    func validate() throws {
        guard pending > 0 else { throw ValidationError("--pending must be positive; given \(pending)") }
        guard events > 0 else { throw ValidationError("--events must be positive; given \(events)") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive; given \(repeats)") }
    }

    func run() throws {
        var latsimTimes: [Double] = []
        var referenceTimes: [Double] = []
        var last: HoldBenchmark.Result?
        for _ in 0..<repeats {
            let result = HoldBenchmark.run(pending: pending, events: events, seed: seed)
            latsimTimes.append(result.nanosecondsPerEvent)
            last = result
            if reference {
                let c = HoldBenchmark.runCReference(pending: pending, events: events, seed: seed)
                referenceTimes.append(Double(c.elapsedNanoseconds) / Double(events))
            }
        }
        let nsPerEvent = median(latsimTimes)
        print("benchmark: hold")
        print("pending: \(pending)")
        print("events: \(events)")
        print("repeats: \(repeats)")
        print("ns_per_event: \(formatFixed(nsPerEvent, decimals: 2))")
        print("events_per_second: \(formatFixed(1e9 / nsPerEvent, decimals: 0))")
        if let last {
            print("queue_bytes: \(last.queueBytes)")
            print("bytes_per_pending_event: \(formatFixed(last.queueBytesPerPendingEvent, decimals: 2))")
        }
        if reference {
            let c = median(referenceTimes)
            print("reference_c_mt19937_ns_per_event: \(formatFixed(c, decimals: 2))")
            print("speedup_vs_reference: \(formatFixed(c / nsPerEvent, decimals: 2))")
        }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}
