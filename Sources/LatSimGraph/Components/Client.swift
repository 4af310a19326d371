import LatSimCore
import LatSimNetwork

/// `type: client`: sends requests out of `out` and waits for their replies, with up to
/// `window` requests in flight (1: blocking request/response; W: pipelined).
///
///     - {name: bot, type: client, count: 50, window: 8, arrival: open, rate_per_s: 200,
///        queue_capacity: 100000, size_bytes: 256, timeout: 50ms, retries: 2, backoff: 10ms}
///
/// Arrivals: `open` (Poisson requests that wait in the client's queue for a free slot),
/// `closed` (every slot thinks, sends, waits, thinks again) or `input` (messages arriving at
/// `in` are the requests). A request's latency runs from its creation (its arrival at the
/// client) to its reply, so time in the client's own queue counts. With a timeout, an attempt
/// whose reply is late is retried after an exponential backoff (backoff * 2^attempt, at most
/// backoff_max) up to `retries` times, then the request fails; a reply to an abandoned or
/// answered attempt is counted late. Each attempt is a copy of the request: the time before
/// a retry counts as waiting in its latency breakdown.
public struct ClientParameters: Sendable {
    public enum Arrival: String, Sendable, CaseIterable { case open, closed, input }
    public var window: Int
    public var arrival: Arrival
    public var interarrival: Distribution
    public var thinkTime: Distribution
    public var queueCapacity: Int
    public var sizeBytes: Int
    public var priority: Int
    public var timeout: SimDuration
    public var retries: Int
    public var backoff: SimDuration
    public var backoffMax: SimDuration

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["window", "arrival", "rate_per_s", "think_time", "queue_capacity", "size_bytes", "priority",
                            "timeout", "retries", "backoff", "backoff_max"])
        window = try node.int("window", default: 1, range: 1...65_535)
        arrival = Arrival(rawValue: try node.string("arrival", default: "closed", oneOf: Arrival.allCases.map(\.rawValue)))!
        if arrival == .open {
            let rate = try node.ratePerSecond("rate_per_s")
            interarrival = try node.wrap { try Distribution.exponential(mean: 1e9 / rate) }
        } else {
            if node.has("rate_per_s") {
                throw node.error("applies to arrival: open only", allowed: "arrival: open with rate_per_s", given: "rate_per_s", key: "rate_per_s")
            }
            interarrival = try .constant(0)
        }
        thinkTime = try node.distribution("think_time", default: try .constant(0))
        queueCapacity = try node.int("queue_capacity", default: 1_000_000, range: 0...Int.max)
        sizeBytes = try node.int("size_bytes", default: 0, range: 0...(1 << 30))
        priority = try node.int("priority", default: 0, range: 0...63)
        timeout = try node.duration("timeout", default: .zero)
        retries = try node.int("retries", default: 0, range: 0...30)
        if retries > 0 && timeout == .zero {
            throw node.error("needs a timeout: a retry is sent when a timeout expires", allowed: "timeout > 0 with retries > 0",
                             given: "retries: \(retries), timeout: 0", key: "retries")
        }
        backoff = try node.duration("backoff", default: .milliseconds(10))
        backoffMax = try node.duration("backoff_max", default: .seconds(Int64(1)))
    }
}

struct ClientState {
    let parameters: ClientParameters
    // Hot parameters, read without copying `parameters`.
    let interarrival: Distribution
    let thinkTime: Distribution
    let timeout: SimDuration
    let isClosed: Bool
    /// This client's slots in the model's slot arrays: slotBase ..< slotBase + window.
    var slotBase = 0
    let window: Int
    let sizeBytes: UInt32
    let priority: UInt8
    /// Requests waiting for a free slot (pool messages).
    var queue = RingBuffer<Int32>()
    var nextRequest: UInt32 = 0

    init(parameters: ClientParameters) {
        self.parameters = parameters
        interarrival = parameters.interarrival
        thinkTime = parameters.thinkTime
        timeout = parameters.timeout
        isClosed = parameters.arrival == .closed
        window = parameters.window
        sizeBytes = UInt32(parameters.sizeBytes)
        priority = UInt8(parameters.priority)
    }

    mutating func resetStatistics(at now: SimInstant) {}
}

extension GraphModel {
    // Timer codes of a client.
    static let clientArrivalTimer: Int32 = 0, clientSlotReadyTimer: Int32 = 1, clientTimeoutTimer: Int32 = 2, clientRetryTimer: Int32 = 3
    // Counters of a client group.
    static let clientTimeouts = 0, clientRetries = 1, clientFailed = 2, clientLate = 3, clientDropped = 4

    static let clientMetrics: [ComponentMetric] =
        ComponentMetric.histogram("latency", "time from a request's creation to its reply (ns)") { m, g in m.groupStats[g].latency }
        + [ComponentMetric("throughput_per_s", "1/s", "replies received per second of measurement") { m, g, end in
               m.perSecond(m.groupStats[g].completed, until: end) },
           ComponentMetric("completed", "count", "requests answered") { m, g, _ in Double(m.groupStats[g].completed) },
           ComponentMetric("timeouts", "count", "attempts whose timeout expired") { m, g, _ in Double(m.groupStats[g].counters[clientTimeouts]) },
           ComponentMetric("retries", "count", "attempts resent after a timeout") { m, g, _ in Double(m.groupStats[g].counters[clientRetries]) },
           ComponentMetric("failed", "count", "requests abandoned after the last retry") { m, g, _ in Double(m.groupStats[g].counters[clientFailed]) },
           ComponentMetric("late_replies", "count", "replies to an attempt already answered or abandoned") { m, g, _ in
               Double(m.groupStats[g].counters[clientLate]) },
           ComponentMetric("dropped", "count", "requests refused by a full client queue") { m, g, _ in Double(m.groupStats[g].counters[clientDropped]) },
           ComponentMetric("lost_crash", "count", "requests held or queued at a client when it went down") { m, g, _ in
               Double(m.groupStats[g].lostCrash) },
           ComponentMetric("queue_length_mean", "requests", "time-weighted requests waiting at the clients for a free slot") { m, g, end in
               m.groupStats[g].level.mean(until: end) }]

    mutating func startClient(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let p = clients[local].parameters
        let stream = streams[Int(instance)]
        switch p.arrival {
        case .open:
            return [(.timer(component: instance, code: GraphModel.clientArrivalTimer, payload: 0), .zero + p.interarrival.sampleDuration(stream))]
        case .closed:
            return (0..<p.window).map { k in
                (.timer(component: instance, code: GraphModel.clientSlotReadyTimer, payload: Int32(k)), .zero + p.thinkTime.sampleDuration(stream))
            }
        case .input:
            return []
        }
    }

    mutating func clientTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        switch code {
        case GraphModel.clientArrivalTimer:
            context.schedule(.timer(component: instance, code: GraphModel.clientArrivalTimer, payload: 0),
                             after: clients[local].interarrival.sampleDuration(streams[Int(instance)]))
            let m = newRequest(local, instance: instance, now: now)
            admit(local, instance: instance, m, context: &context)
        case GraphModel.clientSlotReadyTimer:
            let slot = Int(payload & 0xFFFF)
            guard !instanceDown[Int(instance)], slotGeneration[clients[local].slotBase &+ slot] == UInt16(truncatingIfNeeded: payload >> 16) else { return }
            let m = newRequest(local, instance: instance, now: now)
            start(local, instance: instance, slot: slot, m, context: &context)
        case GraphModel.clientTimeoutTimer, GraphModel.clientRetryTimer:
            let slot = Int(payload & 0xFFFF), generation = UInt16(truncatingIfNeeded: payload >> 16)
            // The request was answered, abandoned or replaced since this timer was set.
            guard slotBusy[clients[local].slotBase &+ slot], slotGeneration[clients[local].slotBase &+ slot] == generation else { return }
            let attempt = slotAttempt[clients[local].slotBase &+ slot]
            let p = clients[local].parameters
            let g = Int(instanceGroup[Int(instance)])
            if code == GraphModel.clientRetryTimer {
                slotAttempt[clients[local].slotBase &+ slot] = attempt &+ 1
                if measuring { groupStats[g].counters[GraphModel.clientRetries] &+= 1 }
                sendAttempt(local, instance: instance, slot: slot, context: &context)
                return
            }
            if measuring { groupStats[g].counters[GraphModel.clientTimeouts] &+= 1 }
            if Int(attempt) < p.retries {
                let factor = Int64(1) << Int64(min(Int(attempt), 40))
                context.schedule(.timer(component: instance, code: GraphModel.clientRetryTimer, payload: payload),
                                 after: min(p.backoff * factor, p.backoffMax))
            } else {
                if measuring { groupStats[g].counters[GraphModel.clientFailed] &+= 1 }
                release(local, instance: instance, slot: slot, context: &context)
            }
        default:
            preconditionFailure("unknown client timer \(code)")
        }
    }

    mutating func newRequest(_ local: Int, instance: Int32, now: SimInstant) -> Int32 {
        let m = create(by: instance, now: now)
        clients[local].nextRequest &+= 1
        pool[m].id = clients[local].nextRequest
        pool[m].sequence = clients[local].nextRequest
        pool[m].key = UInt32(bitPattern: instanceOrdinal[Int(instance)])
        pool[m].sizeBytes = clients[local].sizeBytes
        pool[m].priority = clients[local].priority
        pool[m].wantsReply = true
        return m
    }

    /// A request to send: into a free slot, else the queue, else refused.
    mutating func admit(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if instanceDown[Int(instance)] {
            if measuring { groupStats[Int(instanceGroup[Int(instance)])].lostDown &+= 1 }
            discard(m)
        } else if let slot = freeSlot(local) {
            start(local, instance: instance, slot: slot, m, context: &context)
        } else if clients[local].queue.count < clients[local].parameters.queueCapacity {
            clients[local].queue.append(m)
            groupStats[Int(instanceGroup[Int(instance)])].level.add(1, at: context.now)
        } else {
            if measuring { groupStats[Int(instanceGroup[Int(instance)])].counters[GraphModel.clientDropped] &+= 1 }
            discard(m)
        }
    }

    /// `arrival: input`: a message arriving at `in` becomes a request of this client.
    mutating func clientReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool[m].origin = instance
        pool[m].wantsReply = true
        pool[m].returnDepth = 0
        pool[m].isReply = false
        pool[m].sizeBytes = UInt32(clients[local].parameters.sizeBytes)
        admit(local, instance: instance, m, context: &context)
    }

    mutating func start(_ local: Int, instance: Int32, slot: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        slotBusy[clients[local].slotBase &+ slot] = true
        slotID[clients[local].slotBase &+ slot] = pool[m].id
        slotAttempt[clients[local].slotBase &+ slot] = 0
        slotGeneration[clients[local].slotBase &+ slot] &+= 1
        pool[m].slot = Int32(slot)
        guard clients[local].timeout > .zero else {
            pool.account(m, .wait, at: context.now)
            forward(m, from: instance, context: &context)
            return
        }
        slotMessage[clients[local].slotBase &+ slot] = m
        sendAttempt(local, instance: instance, slot: slot, context: &context)
    }

    /// The first free slot of a client, if any.
    @inline(__always)
    func freeSlot(_ local: Int) -> Int? {
        let base = clients[local].slotBase
        for slot in 0..<clients[local].window where !slotBusy[base &+ slot] { return slot }
        return nil
    }

    /// The timer payload of a slot's current request: slot and generation.
    func slotPayload(_ local: Int, slot: Int) -> Int32 {
        Int32(slot) | Int32(bitPattern: UInt32(slotGeneration[clients[local].slotBase &+ slot]) << 16)
    }

    /// Sends a copy of the slot's request (attempt `slotAttempt`) and arms its timeout.
    mutating func sendAttempt(_ local: Int, instance: Int32, slot: Int, context: inout SimulationContext<GraphEvent>) {
        let template = slotMessage[clients[local].slotBase &+ slot]
        let timeout = clients[local].timeout
        pool.account(template, .wait, at: context.now)
        let copy = pool.copy(template)
        pool[copy].attempt = slotAttempt[clients[local].slotBase &+ slot]
        forward(copy, from: instance, context: &context)
        context.schedule(.timer(component: instance, code: GraphModel.clientTimeoutTimer, payload: slotPayload(local, slot: slot)),
                         after: timeout)
    }

    mutating func clientReply(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let instance = pool[m].origin
        let slot = Int(pool[m].slot)
        let g = Int(instanceGroup[Int(instance)])
        guard slotBusy[clients[local].slotBase &+ slot], slotID[clients[local].slotBase &+ slot] == pool[m].id else {
            if measuring { groupStats[g].counters[GraphModel.clientLate] &+= 1 }
            discard(m)
            return
        }
        if measuring {
            groupStats[g].completed &+= 1
            groupStats[g].latency.record(context.now - pool[m].created)
            if keepTrace && trace.count < GraphModel.traceLimit {
                let created = pool[m].created
                trace.append([spec.components[g].name, "\(instanceOrdinal[Int(instance)])", "\(pool[m].id)",
                              "\(created.nanosecondsSinceStart)", "\(context.now.nanosecondsSinceStart)",
                              "\((context.now - created).nanoseconds)", "\(Int(pool[m].attempt) + 1)",
                              "\(pool[m].wire)", "\(pool[m].wait)", "\(pool[m].service)"])
            }
        }
        discard(m)
        release(local, instance: instance, slot: slot, context: &context)
    }

    /// Frees a slot: the next queued request takes it (open, input), or it thinks (closed).
    mutating func release(_ local: Int, instance: Int32, slot: Int, context: inout SimulationContext<GraphEvent>) {
        if slotMessage[clients[local].slotBase &+ slot] >= 0 { discard(slotMessage[clients[local].slotBase &+ slot]) }
        slotMessage[clients[local].slotBase &+ slot] = -1
        slotBusy[clients[local].slotBase &+ slot] = false
        slotAttempt[clients[local].slotBase &+ slot] = 0
        slotGeneration[clients[local].slotBase &+ slot] &+= 1
        if clients[local].isClosed {
            context.schedule(.timer(component: instance, code: GraphModel.clientSlotReadyTimer, payload: slotPayload(local, slot: slot)),
                             after: clients[local].thinkTime.sampleDuration(streams[Int(instance)]))
        } else if let next = clients[local].queue.popFirst() {
            groupStats[Int(instanceGroup[Int(instance)])].level.add(-1, at: context.now)
            start(local, instance: instance, slot: slot, next, context: &context)
        }
    }

    /// A crash: the requests held in slots and queued are lost (their replies, if any, come late).
    mutating func clientCrash(_ local: Int, instance: Int32, now: SimInstant) {
        let g = Int(instanceGroup[Int(instance)])
        for slot in 0..<clients[local].window where slotBusy[clients[local].slotBase &+ slot] {
            if slotMessage[clients[local].slotBase &+ slot] >= 0 { discard(slotMessage[clients[local].slotBase &+ slot]) }
            slotMessage[clients[local].slotBase &+ slot] = -1
            slotBusy[clients[local].slotBase &+ slot] = false
            slotGeneration[clients[local].slotBase &+ slot] &+= 1
            if measuring { groupStats[g].lostCrash &+= 1 }
        }
        while let m = clients[local].queue.popFirst() {
            discard(m)
            groupStats[g].level.add(-1, at: now)
            if measuring { groupStats[g].lostCrash &+= 1 }
        }
    }

    /// Back from an outage: every slot of a closed client starts thinking again.
    mutating func clientResume(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard clients[local].isClosed else { return }
        for slot in 0..<clients[local].window where !slotBusy[clients[local].slotBase &+ slot] {
            slotGeneration[clients[local].slotBase &+ slot] &+= 1
            context.schedule(.timer(component: instance, code: GraphModel.clientSlotReadyTimer, payload: slotPayload(local, slot: slot)),
                             after: clients[local].thinkTime.sampleDuration(streams[Int(instance)]))
        }
    }
}
