/// The built-in `queue` scenario: clients send requests over links to a server with `workers`
/// parallel workers and a FIFO queue of `capacity` slots, in two designs:
///
/// - `async` (non-blocking, open): each client sends at its own renewal process (`arrival` is
///   the time between sends), whatever the responses;
/// - `sync` (blocking request/response, closed): each client sends its next request `arrival`
///   after it received the previous response (`arrival` is the think time).
///
///     model:
///       kind: queue
///       actors: [{name: bot, role: client}, {name: exchange, role: server}]
///       links: {default: 0}
///       arrival: {type: exponential, mean: 2ms}
///       service: {type: exponential, mean: 1ms}
///       workers: 1
///       capacity: 10000
///       reject_probability: 0.01   # rejected on arrival, answered at once
///
/// With one client, no link latency and exponential times, `async` is an M/M/1 queue (mean
/// latency 1/(mu - lambda)) and `sync` has latency equal to the service time: the tests check both.
/// Streams: `client:<name>:arrival`, `link:<source>-><target>`, `server:<name>:service`, `server:<name>:reject`, so the
/// two designs see the same draws per component (common random numbers).
public struct QueueScenario: Scenario {
    public static let designNames = ["sync", "async"]

    public let topology: Topology
    public let arrival: Distribution
    public let service: Distribution
    public let workers: Int
    public let capacity: Int
    /// The probability that the server rejects a request on arrival (risk checks, rate limits).
    public let rejectProbability: Double
    public let designs: [String]

    public static let kind = ScenarioKind(
        name: "queue",
        summary: "Clients calling one server over links: blocking (sync) vs non-blocking (async) requests.",
        designs: [("sync", "blocking: a client sends its next request `arrival` after the previous response"),
                  ("async", "non-blocking: a client sends at its own renewal process, whatever the responses")],
        metrics: [("request_latency", "send to response receipt, ns: _mean, _p50, _p90, _p99, _p999, _max, _count"),
                  ("throughput_per_s", "responses received per second of measured time"),
                  ("drop_rate", "share of requests rejected (queue full, or reject_probability)"),
                  ("queue_length_mean", "time-weighted mean of requests waiting (not in service)"),
                  ("utilization", "time-weighted share of busy workers")],
        make: { node in try QueueScenario(model: node) })

    public init(model: ConfigNode) throws {
        try model.checkKeys(["kind", "actors", "links", "arrival", "service", "workers", "capacity", "reject_probability"])
        topology = try Topology(model: model, roles: ["client", "server"])
        let servers = topology.indices(role: "server"), clients = topology.indices(role: "client")
        guard servers.count == 1 else {
            throw model.error("must have exactly one actor with role server", allowed: "one server and at least one client",
                              given: "\(servers.count) servers", key: "actors")
        }
        guard !clients.isEmpty else {
            throw model.error("must have at least one actor with role client", allowed: "one server and at least one client",
                              given: "no clients", key: "actors")
        }
        arrival = try model.intervalDistribution("arrival")
        service = try model.distribution("service")
        workers = try model.int("workers", default: 1, range: 1...100_000)
        capacity = try model.int("capacity", default: 100_000, range: 0...100_000_000)
        rejectProbability = try model.probability("reject_probability", default: 0)
        designs = QueueScenario.designNames
    }

    /// The actors-squared latency table (already held by the topology), per-client state, the workers.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let actors = Double(topology.actors.count)
        return actors * actors * 16 + actors * 512 + Double(workers) * 64
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        precondition(designs.contains(design), "unknown design \(design)")
        var model = QueueModel(scenario: self, blocking: design == "sync", spec: spec)
        var simulation = Simulation(model: model)
        for client in model.clients.indices {
            simulation.schedule(.send(client: Int32(client)), at: .zero + model.clients[client].arrival.sampleDuration(model.clients[client].arrivalStream))
        }
        simulation.schedule(.startMeasuring, at: .zero + spec.warmUp)
        let end = SimInstant.zero + spec.warmUp + spec.horizon
        let reason = simulation.run(RunLimits(horizon: end, maxEvents: spec.maxEvents))
        model = simulation.model
        var result = model.finish(at: simulation.now < end ? simulation.now : end)
        result.eventsProcessed = simulation.context.eventsProcessed
        result.stopReason = reason.description
        return result
    }
}
