import CGSL

/// The classic hold model (Jones 1986): keep `pending` events in the queue; each event pops
/// the earliest and schedules one at now + Exp(mean), drawn by GSL from a latsim stream.
///
///     let result = HoldBenchmark.run(pending: 1_000, events: 10_000_000, seed: 1)
///     result.nanosecondsPerEvent
///
/// Measures the scheduler (queue, run loop) plus one GSL exponential draw per event.
public enum HoldBenchmark {
    public struct Model: SimulationModel {
        public let stream: RandomStream
        public let meanNanoseconds: Double
        public var checksum: Int64 = 0

        public init(stream: RandomStream, meanNanoseconds: Double) {
            self.stream = stream
            self.meanNanoseconds = meanNanoseconds
        }

        @inlinable
        public mutating func handle(_ event: UInt32, context: inout SimulationContext<UInt32>) {
            checksum &+= context.now.nanosecondsSinceStart
            let delay = SimDuration(roundingNanoseconds: gsl_ran_exponential(stream.gslGenerator, meanNanoseconds))
            context.schedule(event, after: delay)
        }
    }

    public struct Result: Sendable {
        public var pending: Int
        public var events: Int64
        public var elapsedNanoseconds: Int64
        /// Bytes of queue storage divided by the events pending.
        public var queueBytesPerPendingEvent: Double
        /// Queue storage in bytes after the run (unchanged by the number of events processed).
        public var queueBytes: Int
        public var checksum: Int64
        public var nanosecondsPerEvent: Double { Double(elapsedNanoseconds) / Double(max(events, 1)) }
        public var eventsPerSecond: Double { Double(events) / (Double(elapsedNanoseconds) / 1e9) }
    }

    /// Runs the hold model; `meanNanoseconds` is the mean of the exponential increment.
    public static func run(pending: Int, events: Int64, seed: UInt64, meanNanoseconds: Double = 1_000_000) -> Result {
        precondition(pending > 0 && events >= 0)
        let stream = RandomStream(rootSeed: seed, replication: 0, component: "hold")
        var simulation = Simulation(model: Model(stream: stream, meanNanoseconds: meanNanoseconds))
        simulation.context.queue.reserveCapacity(pending)
        for index in 0..<pending {
            let t = SimInstant.zero + SimDuration(roundingNanoseconds: gsl_ran_exponential(stream.gslGenerator, meanNanoseconds))
            simulation.schedule(UInt32(truncatingIfNeeded: index), at: t)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let reason = simulation.run(RunLimits(maxEvents: events))
        let elapsed = clock.now - start
        precondition(reason == .eventLimitReached(events), "hold run stopped early: \(reason)")
        let bytes = simulation.context.queueMemoryBytes
        return Result(pending: pending, events: events,
                      elapsedNanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
                      queueBytesPerPendingEvent: Double(bytes) / Double(pending), queueBytes: bytes,
                      checksum: simulation.model.checksum)
    }

    /// The same hold model in plain C (a binary heap of (double time, sequence) and GSL's
    /// mt19937), as a reference measured side by side in the same process.
    public static func runCReference(pending: Int, events: Int64, seed: UInt64, meanNanoseconds: Double = 1_000_000) -> (elapsedNanoseconds: Int64, checksum: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let checksum = latsim_cref_hold(latsim_gsl_rng_mt19937(), UInt(seed), pending, Int(events), meanNanoseconds)
        let elapsed = clock.now - start
        return (elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000, checksum)
    }
}
