/// The event model behind `QueueScenario`: value-type events, no allocation per event
/// except the FIFO's amortised growth (and trace rows when a trace is kept).
struct QueueModel: SimulationModel {
    enum Event {
        case send(client: Int32)
        case arrive(client: Int32, sentAt: SimInstant)
        case finish(worker: Int32)
        case respond(client: Int32, sentAt: SimInstant, dropped: Bool)
        case startMeasuring
    }

    struct Client {
        var name: String
        var arrival: Distribution
        var arrivalStream: RandomStream
        var uplink: Distribution
        var uplinkStream: RandomStream
        var downlink: Distribution
        var downlinkStream: RandomStream
    }

    struct Job { var client: Int32; var sentAt: SimInstant }

    var clients: [Client]
    let service: Distribution
    let serviceStream: RandomStream
    let rejectProbability: Double
    let rejectStream: RandomStream
    let blocking: Bool
    let capacity: Int
    var jobs: [Job?]
    var idleWorkers: [Int32]
    var waiting = JobQueue()
    var measuring = false
    var measureStart = SimInstant.zero
    var latency = LatencyHistogram()
    var completed: Int64 = 0
    var dropped: Int64 = 0
    var queueLength = TimeWeightedValue(start: .zero)
    var busy = TimeWeightedValue(start: .zero)
    let keepTrace: Bool
    var traceRows: [[String]] = []

    init(scenario: QueueScenario, blocking: Bool, spec: ReplicationSpec) {
        let topology = scenario.topology
        let server = topology.indices(role: "server")[0]
        let serverName = topology.actors[server].name
        clients = topology.indices(role: "client").map { index in
            let name = topology.actors[index].name
            return Client(name: name, arrival: scenario.arrival, arrivalStream: spec.stream("client:\(name):arrival"),
                          uplink: topology.latency(from: index, to: server), uplinkStream: spec.stream("link:\(name)->\(serverName)"),
                          downlink: topology.latency(from: server, to: index), downlinkStream: spec.stream("link:\(serverName)->\(name)"))
        }
        service = scenario.service
        serviceStream = spec.stream("server:\(serverName):service")
        rejectProbability = scenario.rejectProbability
        rejectStream = spec.stream("server:\(serverName):reject")
        self.blocking = blocking
        capacity = scenario.capacity
        jobs = Array(repeating: nil, count: scenario.workers)
        idleWorkers = (0..<Int32(scenario.workers)).reversed()
        keepTrace = spec.keepTrace
    }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .send(let client):
            let c = Int(client)
            if !blocking { context.schedule(.send(client: client), after: clients[c].arrival.sampleDuration(clients[c].arrivalStream)) }
            context.schedule(.arrive(client: client, sentAt: now), after: clients[c].uplink.sampleDuration(clients[c].uplinkStream))
        case .arrive(let client, let sentAt):
            if rejectProbability > 0 && rejectStream.bernoulli(rejectProbability) {
                respond(Job(client: client, sentAt: sentAt), dropped: true, context: &context)
            } else if let worker = idleWorkers.popLast() {
                busy.add(1, at: now)
                start(Job(client: client, sentAt: sentAt), on: worker, context: &context)
            } else if waiting.count < capacity {
                waiting.append(Job(client: client, sentAt: sentAt))
                queueLength.set(Double(waiting.count), at: now)
            } else {
                respond(Job(client: client, sentAt: sentAt), dropped: true, context: &context)
            }
        case .finish(let worker):
            let job = jobs[Int(worker)]!
            jobs[Int(worker)] = nil
            respond(job, dropped: false, context: &context)
            if let next = waiting.popFirst() {
                queueLength.set(Double(waiting.count), at: now)
                start(next, on: worker, context: &context)
            } else {
                idleWorkers.append(worker)
                busy.add(-1, at: now)
            }
        case .respond(let client, let sentAt, let wasDropped):
            if measuring {
                if wasDropped { dropped += 1 } else { completed += 1; latency.record(now - sentAt) }
                if keepTrace {
                    traceRows.append([String(sentAt.nanosecondsSinceStart), clients[Int(client)].name, String(now.nanosecondsSinceStart),
                                      String((now - sentAt).nanoseconds), wasDropped ? "dropped" : "served"])
                }
            }
            if blocking {
                let c = Int(client)
                context.schedule(.send(client: client), after: clients[c].arrival.sampleDuration(clients[c].arrivalStream))
            }
        case .startMeasuring:
            measuring = true
            measureStart = now
            queueLength.reset(at: now)
            busy.reset(at: now)
        }
    }

    mutating func start(_ job: Job, on worker: Int32, context: inout SimulationContext<Event>) {
        jobs[Int(worker)] = job
        context.schedule(.finish(worker: worker), after: service.sampleDuration(serviceStream))
    }

    mutating func respond(_ job: Job, dropped: Bool, context: inout SimulationContext<Event>) {
        let c = Int(job.client)
        context.schedule(.respond(client: job.client, sentAt: job.sentAt, dropped: dropped),
                         after: clients[c].downlink.sampleDuration(clients[c].downlinkStream))
    }

    func finish(at end: SimInstant) -> ReplicationResult {
        var result = ReplicationResult()
        latency.summarize(into: &result, name: "request_latency")
        let seconds = (end - measureStart).seconds
        result.record("throughput_per_s", unit: "1/s", value: seconds > 0 ? Double(completed) / seconds : .nan)
        let answered = completed + dropped
        result.record("drop_rate", unit: "ratio", value: answered > 0 ? Double(dropped) / Double(answered) : .nan)
        result.record("queue_length_mean", unit: "count", value: queueLength.mean(until: end))
        result.record("utilization", unit: "ratio", value: busy.mean(until: end) / Double(jobs.count))
        if keepTrace {
            result.traceHeader = ["sent_ns", "client", "received_ns", "latency_ns", "outcome"]
            result.traceRows = traceRows
        }
        return result
    }
}

/// A growable FIFO ring buffer of jobs (amortised O(1) append and popFirst).
struct JobQueue {
    private var storage: ContiguousArray<QueueModel.Job?> = ContiguousArray(repeating: nil, count: 16)
    private var head = 0
    private(set) var count = 0

    mutating func append(_ job: QueueModel.Job) {
        if count == storage.count {
            var grown = ContiguousArray<QueueModel.Job?>(repeating: nil, count: storage.count * 2)
            for i in 0..<count { grown[i] = storage[(head + i) % storage.count] }
            storage = grown
            head = 0
        }
        storage[(head + count) % storage.count] = job
        count += 1
    }

    mutating func popFirst() -> QueueModel.Job? {
        guard count > 0 else { return nil }
        let job = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return job
    }
}
