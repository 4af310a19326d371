/// Stations in series fed by an open arrival stream or a closed population of clients:
/// the reference model of the queueing-theory tests (M/M/1, M/M/c, M/D/1, M/G/1, M/M/1/K,
/// Jackson tandems, closed loops with think time).
///
///     var net = TandemNetwork(stations: [ServiceStation(workers: 1, service: try .exponential(mean: 1e6))],
///                             source: .open(interarrival: try .exponential(mean: 1.25e6)),
///                             seed: 7, replication: 0)
///     let result = net.run(warmUp: .seconds(10), horizon: .seconds(1_000))
///     result.endToEnd.mean     // mean sojourn through every station, ns
///
/// A job leaves station i for station i + 1 at once (no link delay); after the last station
/// it leaves (open) or thinks and starts again (closed). Each station draws its service times
/// from its own stream ("station-<i>"), arrivals from "arrivals", think times from "think".
public struct TandemNetwork {
    public enum Source: Sendable {
        /// A renewal arrival stream into station 0.
        case open(interarrival: Distribution)
        /// `clients` jobs that cycle forever, each thinking for a draw of `think` between visits.
        case closed(clients: Int, think: Distribution)
    }

    public enum Event {
        case arrival
        case serviceDone(station: Int32, job: Job)
        case thinkDone(job: Job)
        case warmUpEnd
    }

    /// A job: its client (closed) and when it entered station 0.
    public struct Job {
        public var client: Int32
        public var entered: SimInstant
    }

    public struct Model: SimulationModel {
        public var stations: [ServiceStation<Job>]
        let source: Source
        let serviceStreams: [RandomStream]
        let arrivalStream: RandomStream
        let thinkStream: RandomStream
        /// Sojourn from entering station 0 to leaving the last (ns), for jobs that left after the warm-up.
        public var endToEnd = LatencyHistogram()
        /// Jobs that left the last station after the warm-up.
        public var departures: Int64 = 0
        /// Jobs that were dropped by a full station after the warm-up.
        public var dropped: Int64 = 0
        public var measureStart: SimInstant = .zero
        var measuring = false

        public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
            let now = context.now
            switch event {
            case .arrival:
                if case .open(let interarrival) = source {
                    context.schedule(.arrival, after: interarrival.sampleDuration(arrivalStream))
                }
                enter(0, Job(client: -1, entered: now), context: &context)
            case .thinkDone(let job):
                enter(0, Job(client: job.client, entered: now), context: &context)
            case .serviceDone(let index, let job):
                let i = Int(index)
                if let next = stations[i].complete(at: now, stream: serviceStreams[i]).started {
                    context.schedule(.serviceDone(station: index, job: next.job), at: next.completion)
                }
                if i + 1 < stations.count {
                    enter(i + 1, job, context: &context)
                } else {
                    leave(job, context: &context)
                }
            case .warmUpEnd:
                measuring = true
                measureStart = now
                for i in stations.indices { stations[i].resetStatistics(at: now) }
            }
        }

        mutating func enter(_ i: Int, _ job: Job, context: inout SimulationContext<Event>) {
            switch stations[i].arrive(job, at: context.now, stream: serviceStreams[i]) {
            case .started(let done):
                context.schedule(.serviceDone(station: Int32(i), job: job), at: done)
            case .queued, .blocked:
                break
            case .dropped(let victim, _):
                if measuring { dropped += 1 }
                leave(victim, context: &context, served: false)
            }
        }

        mutating func leave(_ job: Job, context: inout SimulationContext<Event>, served: Bool = true) {
            if measuring && served {
                departures += 1
                endToEnd.record(context.now - job.entered)
            }
            if case .closed(_, let think) = source {
                context.schedule(.thinkDone(job: job), after: think.sampleDuration(thinkStream))
            }
        }
    }

    public var simulation: Simulation<Model>

    public init(stations: [ServiceStation<Job>], source: Source, seed: UInt64, replication: Int) {
        precondition(!stations.isEmpty, "a tandem needs at least one station")
        let spec = ReplicationSpec(replication: replication, rootSeed: seed, horizon: .zero)
        let model = Model(stations: stations, source: source,
                          serviceStreams: stations.indices.map { spec.stream("station-\($0)") },
                          arrivalStream: spec.stream("arrivals"), thinkStream: spec.stream("think"))
        simulation = Simulation(model: model)
        switch source {
        case .open(let interarrival):
            simulation.schedule(.arrival, at: .zero + interarrival.sampleDuration(model.arrivalStream))
        case .closed(let clients, let think):
            precondition(clients >= 1, "a closed network needs at least one client")
            for c in 0..<clients {
                simulation.schedule(.thinkDone(job: Job(client: Int32(c), entered: .zero)),
                                    at: .zero + think.sampleDuration(model.thinkStream))
            }
        }
    }

    /// Runs a warm-up, then `horizon` of measurement; returns the model with its statistics.
    public mutating func run(warmUp: SimDuration, horizon: SimDuration) -> Model {
        simulation.schedule(.warmUpEnd, at: .zero + warmUp)
        _ = simulation.run(RunLimits(horizon: .zero + warmUp + horizon))
        return simulation.model
    }

    /// The end of the measurement window of the last `run`.
    public var now: SimInstant { simulation.now }
}
