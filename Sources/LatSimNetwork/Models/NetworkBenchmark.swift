/// The message-passing benchmark: `nodes` nodes, each keeping `outstanding` requests in
/// flight to uniformly chosen other nodes over lognormal links; each request is served by
/// the target's station (exponential service) and answered over the reverse link.
///
///     let result = NetworkBenchmark.run(nodes: 100, outstanding: 4, events: 10_000_000, seed: 1)
///     result.eventsPerSecond
///
/// Three events per request (arrival at the target, end of service, response at the source),
/// each with a lognormal or exponential draw, a link or station update, and a histogram record:
/// the building blocks exactly as the scenarios use them.
public enum NetworkBenchmark {
    public struct Job {
        var source: Int32
        var target: Int32
        var created: SimInstant
    }

    public enum Event {
        case requestAtTarget(Job)
        case serviceDone(Job)
        case responseAtSource(Job)
    }

    public struct Model: SimulationModel {
        let nodes: Int
        var links: [Link]
        var stations: [ServiceStation<Job>]
        let nodeStreams: [RandomStream]
        public var latency = LatencyHistogram()

        init(nodes: Int, seed: UInt64) throws {
            self.nodes = nodes
            let parameters = try LinkParameters(latency: .lognormal(median: 200_000, sigma: 0.5), ordering: .unordered)
            links = []
            links.reserveCapacity(nodes * nodes)
            for source in 0..<nodes {
                for target in 0..<nodes { links.append(Link(source: Int32(source), target: Int32(target), parameters: parameters)) }
            }
            let service = try Distribution.exponential(mean: 20_000)
            stations = (0..<nodes).map { _ in ServiceStation(workers: 2, service: service) }
            nodeStreams = (0..<nodes).map { RandomStream(rootSeed: seed, replication: 0, component: "node-\($0)") }
        }

        @inline(__always) func link(_ source: Int32, _ target: Int32) -> Int { Int(source) &* nodes &+ Int(target) }

        mutating func request(from source: Int32, context: inout SimulationContext<Event>) {
            let stream = nodeStreams[Int(source)]
            var target = Int32(stream.uniformInt(below: nodes - 1))
            if target >= source { target &+= 1 }
            let job = Job(source: source, target: target, created: context.now)
            let l = link(source, target)
            if let at = links[l].send(at: context.now, stream: stream) {
                context.schedule(.requestAtTarget(job), at: at)
            }
        }

        public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
            switch event {
            case .requestAtTarget(let job):
                links[link(job.source, job.target)].recordDelivered()
                let t = Int(job.target)
                if case .started(let done) = stations[t].arrive(job, at: context.now, stream: nodeStreams[t]) {
                    context.schedule(.serviceDone(job), at: done)
                }
            case .serviceDone(let job):
                let t = Int(job.target)
                if let next = stations[t].complete(at: context.now, stream: nodeStreams[t]).started {
                    context.schedule(.serviceDone(next.job), at: next.completion)
                }
                if let at = links[link(job.target, job.source)].send(at: context.now, stream: nodeStreams[t]) {
                    context.schedule(.responseAtSource(job), at: at)
                }
            case .responseAtSource(let job):
                links[link(job.target, job.source)].recordDelivered()
                latency.record(context.now - job.created)
                request(from: job.source, context: &context)
            }
        }
    }

    public struct Result: Sendable {
        public var nodes: Int
        public var events: Int64
        public var elapsedNanoseconds: Int64
        public var requestsCompleted: Int64
        public var requestLatencyMeanNanoseconds: Double
        public var simulatedSeconds: Double
        public var nanosecondsPerEvent: Double { Double(elapsedNanoseconds) / Double(max(events, 1)) }
        public var eventsPerSecond: Double { Double(events) / (Double(elapsedNanoseconds) / 1e9) }
    }

    /// Runs `events` events of the benchmark (after building the model, which is not timed).
    public static func run(nodes: Int = 100, outstanding: Int = 4, events: Int64, seed: UInt64) -> Result {
        precondition(nodes >= 2 && outstanding >= 1 && events > 0)
        var simulation = Simulation(model: try! Model(nodes: nodes, seed: seed))
        for source in 0..<nodes {
            for _ in 0..<outstanding {
                simulation.model.request(from: Int32(source), context: &simulation.context)
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        _ = simulation.run(RunLimits(maxEvents: events))
        let elapsed = clock.now - start
        let handled = simulation.context.eventsProcessed
        return Result(nodes: nodes, events: handled,
                      elapsedNanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000,
                      requestsCompleted: simulation.model.latency.count,
                      requestLatencyMeanNanoseconds: simulation.model.latency.mean,
                      simulatedSeconds: simulation.now.secondsSinceStart)
    }
}
