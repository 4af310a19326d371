/// N clients calling one service (a station with c workers) over links: blocking
/// request/response (window 1) or non-blocking with a window of W requests in flight.
///
///     var model = CallPatternModel(parameters: p, window: 8, spec: spec)
///     let result = model.run()
///
/// Each client owns `window` slots; a slot holds one request from its creation (arrival at
/// the client, or the end of a think time) to its response, timeout-and-give-up, or loss.
/// Blocking (sync) is window 1: the client does nothing else while it waits. Closed arrivals:
/// every slot thinks, sends, waits, thinks again. Open arrivals: Poisson requests per client
/// wait in a client queue for a free slot. Timeouts (optional) retry with exponential backoff
/// up to `retries` times, then the request fails. A response for an attempt that was already
/// answered or abandoned is counted late and ignored.
///
/// Links: client i's request link is id i, its response link id N + i; streams are named by
/// link ("link-client-3-up"), so two designs on one seed share the network's draws where
/// their message sequences coincide (common random numbers).
public struct CallPatternModel: SimulationModel {
    public struct Parameters: Sendable {
        public var clients: Int
        public var openArrivals: Bool
        public var thinkTime: Distribution
        public var interarrival: Distribution
        public var clientQueueCapacity: Int
        public var requestBytes: Int
        public var responseBytes: Int
        public var link: LinkParameters
        public var regime: LatencyRegime?
        public var station: StationParameters
        public var timeout: SimDuration
        public var retries: Int
        public var backoff: SimDuration
        public var backoffMax: SimDuration
        /// Outages of the server (target `server`) and cuts of client links (`link-client-<k>`, or
        /// `client-links` for every client: independent draws if random, one partition of all
        /// clients from the server if scheduled).
        public var outages: [OutageSpecification] = []
    }

    /// A request on the wire: its slot, its logical id and the attempt number.
    public struct Request {
        var slot: Int32
        var request: UInt32
        var attempt: UInt16
        /// The server's session when the request reached it (a crash starts a new one).
        var epoch: UInt16 = 0
    }

    public enum Event {
        case clientArrival(client: Int32)
        case slotReady(slot: Int32)
        case requestAtServer(Request)
        case serviceDone(Request)
        case responseAtClient(Request)
        case timeout(Request)
        case retry(Request)
        case outageStart(Int32)
        case outageEnd(Int32)
        case warmUpEnd
    }

    let p: Parameters
    let window: Int
    var links: [Link]
    let linkStreams: [RandomStream]
    let clientStreams: [RandomStream]
    let serverStream: RandomStream
    var station: ServiceStation<Request>

    // Slot state, structure of arrays indexed by slot = client * window + k.
    var slotBusy: [Bool]
    var slotRequest: [UInt32]
    var slotAttempt: [UInt16]
    var slotCreated: [SimInstant]
    var clientQueues: [RingBuffer<SimInstant>]
    var clientWaiting: TimeWeightedValue
    var nextRequest: UInt32 = 0
    var linkArrivalsPending: Int64 = 0
    var faults = FaultSchedule()
    var serverDown = false
    /// Client k's links to and from the server are cut (a partition between it and the server).
    var linkCut: [Bool]
    var serverEpoch: UInt16 = 0

    // Measurements (after the warm-up).
    var measuring = false
    /// Per-request trace rows (spec.keepTrace), at most `traceLimit`.
    var keepTrace = false
    var trace: [[String]] = []
    static let traceLimit = 100_000
    public var measureStart = SimInstant.zero
    public var latency = LatencyHistogram()
    public var completed: Int64 = 0
    public var timeouts: Int64 = 0
    public var retriesSent: Int64 = 0
    public var failed: Int64 = 0
    public var lateResponses: Int64 = 0
    public var clientDropped: Int64 = 0
    /// Requests dropped by the service's overflow policy (whole run, like the link ledgers).
    public var lostAtServer: Int64 = 0
    /// Requests lost inside the server by a crash, whole run: its queue and the jobs in service.
    /// (Requests sent to or arriving at a down server are counted as `outage` drops by their link.)
    public var crashLost: Int64 = 0

    public init(parameters: Parameters, window: Int, spec: ReplicationSpec) {
        keepTrace = spec.keepTrace
        precondition(window >= 1)
        p = parameters
        self.window = window
        let n = parameters.clients
        links = (0..<n).map { Link(source: Int32($0), target: Int32(n), parameters: parameters.link, regime: parameters.regime) }
            + (0..<n).map { Link(source: Int32(n), target: Int32($0), parameters: parameters.link, regime: parameters.regime) }
        linkStreams = (0..<n).map { spec.stream("link-client-\($0)-up") } + (0..<n).map { spec.stream("link-client-\($0)-down") }
        clientStreams = (0..<n).map { spec.stream("client-\($0)") }
        serverStream = spec.stream("server")
        station = parameters.station.makeStation()
        slotBusy = [Bool](repeating: false, count: n * window)
        slotRequest = [UInt32](repeating: 0, count: n * window)
        slotAttempt = [UInt16](repeating: 0, count: n * window)
        slotCreated = [SimInstant](repeating: .zero, count: n * window)
        clientQueues = parameters.openArrivals ? (0..<n).map { _ in RingBuffer<SimInstant>() } : []
        clientWaiting = TimeWeightedValue(start: .zero)
        linkCut = [Bool](repeating: false, count: n)
    }

    public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .clientArrival(let client):
            let c = Int(client)
            context.schedule(.clientArrival(client: client), after: p.interarrival.sampleDuration(clientStreams[c]))
            if let slot = freeSlot(of: c) {
                start(slot: slot, created: now, context: &context)
            } else if clientQueues[c].count < p.clientQueueCapacity {
                clientQueues[c].append(now)
                clientWaiting.add(1, at: now)
            } else if measuring {
                clientDropped += 1
            }
        case .slotReady(let slot):
            start(slot: Int(slot), created: now, context: &context)
        case .requestAtServer(var r):
            linkArrivalsPending -= 1
            if serverDown {
                links[Int(r.slot) / window].recordDropped(.outage)
                return
            }
            links[Int(r.slot) / window].recordDelivered()
            r.epoch = serverEpoch
            switch station.arrive(r, at: now, stream: serverStream) {
            case .started(let done): context.schedule(.serviceDone(r), at: done)
            case .queued, .blocked: break
            case .dropped: lostAtServer += 1
            }
        case .serviceDone(let r):
            if let next = station.complete(at: now, stream: serverStream).started {
                context.schedule(.serviceDone(next.job), at: next.completion)
            }
            if r.epoch != serverEpoch {   // aborted by a crash
                crashLost += 1
                return
            }
            let client = Int(r.slot) / window
            let l = p.clients + client
            let upAt = links[l].isUp ? now : reachable(client: client, after: now)
            if let at = links[l].send(sizeBytes: p.responseBytes, at: now, stream: linkStreams[l], upAt: upAt) {
                linkArrivalsPending += 1
                context.schedule(.responseAtClient(r), at: at)
            }
        case .responseAtClient(let r):
            linkArrivalsPending -= 1
            links[p.clients + Int(r.slot) / window].recordDelivered()
            let s = Int(r.slot)
            guard slotBusy[s] && slotRequest[s] == r.request else {
                if measuring { lateResponses += 1 }
                return
            }
            if measuring {
                completed += 1
                latency.record(now - slotCreated[s])
                if keepTrace && trace.count < CallPatternModel.traceLimit {
                    trace.append(["\(r.request)", "\(s / window)", "\(slotCreated[s].nanosecondsSinceStart)",
                                  "\(now.nanosecondsSinceStart)", "\((now - slotCreated[s]).nanoseconds)", "\(Int(slotAttempt[s]) + 1)"])
                }
            }
            release(slot: s, context: &context)
        case .timeout(let r):
            let s = Int(r.slot)
            guard slotBusy[s] && slotRequest[s] == r.request && slotAttempt[s] == r.attempt else { return }
            if measuring { timeouts += 1 }
            if Int(r.attempt) < p.retries {
                let factor = Int64(1) << Int64(min(Int(r.attempt), 40))
                context.schedule(.retry(r), after: min(p.backoff * factor, p.backoffMax))
            } else {
                if measuring { failed += 1 }
                release(slot: s, context: &context)
            }
        case .retry(let r):
            let s = Int(r.slot)
            guard slotBusy[s] && slotRequest[s] == r.request && slotAttempt[s] == r.attempt else { return }
            slotAttempt[s] = r.attempt + 1
            if measuring { retriesSent += 1 }
            send(slot: s, context: &context)
        case .outageStart(let index):
            let component = Int(faults.outages[Int(index)].component)
            if component < p.clients {
                linkCut[component] = true
                refreshLinks(of: component)
                return
            }
            guard !serverDown else { return }
            serverDown = true
            serverEpoch &+= 1
            for c in 0..<p.clients { refreshLinks(of: c) }
            let cleared = station.clearQueue(at: now)
            crashLost += Int64(cleared.waiting + cleared.held)
        case .outageEnd(let index):
            let component = faults.outages[Int(index)].component
            guard !faults.isDown(component, at: now) else { return }   // another outage continues
            if Int(component) < p.clients {
                linkCut[Int(component)] = false
                refreshLinks(of: Int(component))
            } else {
                serverDown = false
                for c in 0..<p.clients { refreshLinks(of: c) }
            }
        case .warmUpEnd:
            measuring = true
            measureStart = now
            station.resetStatistics(at: now)
            clientWaiting.reset(at: now)
        }
    }

    func freeSlot(of client: Int) -> Int? {
        let base = client * window
        for s in base..<(base + window) where !slotBusy[s] { return s }
        return nil
    }

    mutating func start(slot s: Int, created: SimInstant, context: inout SimulationContext<Event>) {
        slotBusy[s] = true
        nextRequest &+= 1
        slotRequest[s] = nextRequest
        slotAttempt[s] = 0
        slotCreated[s] = created
        send(slot: s, context: &context)
    }

    mutating func send(slot s: Int, context: inout SimulationContext<Event>) {
        let r = Request(slot: Int32(s), request: slotRequest[s], attempt: slotAttempt[s])
        let l = s / window
        let upAt = links[l].isUp ? context.now : reachable(client: l, after: context.now)
        if let at = links[l].send(sizeBytes: p.requestBytes, at: context.now, stream: linkStreams[l], upAt: upAt) {
            linkArrivalsPending += 1
            context.schedule(.requestAtServer(r), at: at)
        }
        if p.timeout > .zero { context.schedule(.timeout(r), after: p.timeout) }
    }

    mutating func refreshLinks(of client: Int) {
        let up = !serverDown && !linkCut[client]
        links[client].isUp = up
        links[p.clients + client].isUp = up
    }

    /// When client `client` and the server can next exchange messages (both outages over).
    func reachable(client: Int, after time: SimInstant) -> SimInstant {
        var t = time
        while true {
            let next = faults.upTime(Int32(client), after: faults.upTime(Int32(p.clients), after: t))
            if next == t { return t }
            t = next
        }
    }

    mutating func release(slot s: Int, context: inout SimulationContext<Event>) {
        slotBusy[s] = false
        let client = s / window
        if p.openArrivals {
            if let created = clientQueues[client].popFirst() {
                clientWaiting.add(-1, at: context.now)
                start(slot: s, created: created, context: &context)
            }
        } else {
            context.schedule(.slotReady(slot: Int32(s)), after: p.thinkTime.sampleDuration(clientStreams[client]))
        }
    }

    /// Runs one replication: warm-up, then `spec.horizon` of measurement.
    public static func run(parameters: Parameters, window: Int, spec: ReplicationSpec) -> ReplicationResult {
        var model = CallPatternModel(parameters: parameters, window: window, spec: spec)
        let end = SimInstant.zero + spec.warmUp + spec.horizon
        for outage in parameters.outages {
            switch outage.target {
            case "server":
                outage.apply(to: &model.faults, component: Int32(parameters.clients), until: end, stream: spec.stream("faults-server"))
            case "client-links":
                for c in 0..<parameters.clients {
                    outage.apply(to: &model.faults, component: Int32(c), until: end, stream: spec.stream("faults-link-client-\(c)"))
                }
            default:
                let c = Int(outage.target.dropFirst("link-client-".count))!
                outage.apply(to: &model.faults, component: Int32(c), until: end, stream: spec.stream("faults-link-client-\(c)"))
            }
        }
        var simulation = Simulation(model: model)
        for (index, outage) in simulation.model.faults.outages.enumerated() {
            simulation.schedule(.outageStart(Int32(index)), at: outage.start)
            simulation.schedule(.outageEnd(Int32(index)), at: outage.end)
        }
        let clients = parameters.clients
        for c in 0..<clients {
            if parameters.openArrivals {
                let first = parameters.interarrival.sampleDuration(simulation.model.clientStreams[c])
                simulation.schedule(.clientArrival(client: Int32(c)), at: .zero + first)
            } else {
                for k in 0..<window {
                    let first = parameters.thinkTime.sampleDuration(simulation.model.clientStreams[c])
                    simulation.schedule(.slotReady(slot: Int32(c * window + k)), at: .zero + first)
                }
            }
        }
        simulation.schedule(.warmUpEnd, at: .zero + spec.warmUp)
        let reason = simulation.run(RunLimits(horizon: end, maxEvents: spec.maxEvents))
        return simulation.model.summary(until: simulation.now, reason: reason, eventsProcessed: simulation.context.eventsProcessed)
    }

    func summary(until end: SimInstant, reason: StopReason, eventsProcessed: Int64) -> ReplicationResult {
        var result = ReplicationResult()
        result.eventsProcessed = eventsProcessed
        result.stopReason = reason.description
        if keepTrace {
            result.traceHeader = ["request", "client", "created_ns", "completed_ns", "latency_ns", "attempts"]
            result.traceRows = trace
        }
        let seconds = (end - measureStart).seconds
        latency.summarize(into: &result, name: "request_latency")
        result.record("throughput_per_s", unit: "1/s", value: seconds > 0 ? Double(completed) / seconds : .nan)
        result.record("timeouts", unit: "count", value: Double(timeouts))
        result.record("retries", unit: "count", value: Double(retriesSent))
        result.record("requests_failed", unit: "count", value: Double(failed))
        result.record("late_responses", unit: "count", value: Double(lateResponses))
        result.record("client_dropped", unit: "count", value: Double(clientDropped))
        result.record("client_queue_length_mean", unit: "requests", value: clientWaiting.mean(until: end))
        station.summarize(into: &result, prefix: "station", until: end)
        var total = MessageLedger()
        for link in links { total.merge(link.ledger) }
        result.record("messages_sent", unit: "count", value: Double(total.sent))
        result.record("lost_outage", unit: "count", value: Double(total.dropped(.outage) + crashLost))
        result.record("messages_lost", unit: "count", value: Double(total.dropped + lostAtServer + crashLost))
        let balanced = links.allSatisfy { $0.ledger.inFlight >= 0 } && total.reconciles(holding: linkArrivalsPending)
        result.record("ledger_balanced", unit: "bool", value: balanced ? 1 : 0)
        return result
    }
}
