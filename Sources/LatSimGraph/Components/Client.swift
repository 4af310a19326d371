import LatSimCore
import LatSimNetwork

/// `type: client`: sends requests out of `out` and waits for their replies, with up to
/// `window` requests in flight (1: blocking request/response; W: pipelined).
///
///     - {name: bot, type: client, count: 50, window: 8, arrival: open, rate_per_s: 200,
///        queue_capacity: 100000, size_bytes: 256, timeout: 50ms, retries: 2, backoff: 10ms}
///
///     - {name: bot, type: client, window: unlimited, arrival: open,
///        interarrival: {type: lognormal, median: 2ms, sigma: 0.5}}   # sends whatever the replies
///
/// Arrivals: `open` (requests at a Poisson `rate_per_s`, or a renewal process of `interarrival`
/// times, that wait in the client's queue for a free slot), `closed` (every slot thinks, sends,
/// waits, thinks again) or `input` (messages arriving at `in` are the requests). An `unlimited`
/// window (open or input only) never queues: its slots grow with the requests in flight. A
/// reply that is a rejection (a station's `overflow: reject` or `reject_probability`) frees
/// its slot and counts `rejected`, never `completed`. A request's latency runs from its creation (its arrival at the
/// client) to its reply, so time in the client's own queue counts. With a timeout, an attempt
/// whose reply is late is retried after an exponential backoff (backoff * 2^attempt, at most
/// backoff_max) up to `retries` times, then the request fails; a reply to an abandoned or
/// answered attempt is counted late. Each attempt is a copy of the request: the time before
/// a retry counts as waiting in its latency breakdown.
public struct ClientParameters: Sendable {
    public enum Arrival: String, Sendable, CaseIterable { case open, closed, input }
    /// Requests in flight per instance; `Int.max` for `window: unlimited`.
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
        try node.checkKeys(["window", "arrival", "rate_per_s", "interarrival", "think_time", "queue_capacity", "size_bytes", "priority",
                            "timeout", "retries", "backoff", "backoff_max"])
        arrival = Arrival(rawValue: try node.string("arrival", default: "closed", oneOf: Arrival.allCases.map(\.rawValue)))!
        if let w = node.child("window"), (try? w.text()) == "unlimited" {
            guard arrival != .closed else {
                throw node.error("cannot be unlimited with arrival: closed (every slot is a request in circulation)",
                                 allowed: "1 to 65535 with arrival: closed; unlimited with open or input", given: "unlimited", key: "window")
            }
            window = .max
        } else {
            window = try node.int("window", default: 1, range: 1...65_535)
        }
        if arrival == .open {
            switch (node.has("rate_per_s"), node.has("interarrival")) {
            case (true, true):
                throw node.error("gives both rate_per_s and interarrival", allowed: "one of them: a Poisson rate, or a renewal interarrival distribution",
                                 given: "both", key: "interarrival")
            case (false, true):
                interarrival = try node.intervalDistribution("interarrival")
            default:
                let rate = try node.ratePerSecond("rate_per_s")
                interarrival = try node.wrap { try Distribution.exponential(mean: 1e9 / rate) }
            }
        } else {
            for key in ["rate_per_s", "interarrival"] where node.has(key) {
                throw node.error("applies to arrival: open only", allowed: "arrival: open with rate_per_s or interarrival", given: key, key: key)
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

    /// `window: unlimited`: the slots grow with the requests in flight.
    public var isWindowUnlimited: Bool { window == .max }
}

/// One request slot of a client instance: the request it holds, packed in 16 bytes so that a
/// request's start, reply and release touch one cache line of one array (at 100,000 clients the
/// slots of five parallel arrays cost a cache miss each).
struct ClientSlot {
    /// The request kept as the template of each attempt when a timeout may resend it, or -1.
    /// A message once sent belongs to the graph (a broker may store it), never to the client.
    var message: Int32 = -1
    /// The id of the request it holds.
    var id: UInt32 = 0
    var attempt: UInt16 = 0
    /// Bumped at each new request, so a timer of an earlier request is recognised.
    var generation: UInt16 = 0
    /// Whether it holds a request.
    var busy = false
}

struct ClientState {
    let parameters: ClientParameters
    // Hot parameters, read without copying `parameters`.
    let interarrival: Distribution
    let thinkTime: Distribution
    let timeout: SimDuration
    let isClosed: Bool
    let sizeBytes: UInt32
    let priority: UInt8
    var slots: [ClientSlot]
    /// Free slots of an open or input client (a stack: O(1) admission at any window).
    var freeSlots: [Int32]
    /// Closed slots to restart when the client is back from an outage.
    var crashed = false
    /// Requests waiting for a free slot (pool messages).
    var queue = RingBuffer<Int32>()
    var nextRequest: UInt32 = 0

    init(parameters: ClientParameters) {
        self.parameters = parameters
        interarrival = parameters.interarrival
        thinkTime = parameters.thinkTime
        timeout = parameters.timeout
        isClosed = parameters.arrival == .closed
        sizeBytes = UInt32(parameters.sizeBytes)
        priority = UInt8(parameters.priority)
        let count = parameters.isWindowUnlimited ? 0 : parameters.window
        slots = Array(repeating: ClientSlot(), count: count)
        freeSlots = isClosed ? [] : (0..<Int32(count)).reversed()
    }

    /// A free slot of an open or input client: the most recently freed, or a new one when the
    /// window is unlimited; nil when every slot is busy.
    mutating func takeFreeSlot() -> Int? {
        if let slot = freeSlots.popLast() { return Int(slot) }
        guard parameters.isWindowUnlimited else { return nil }
        slots.append(ClientSlot())
        return slots.count - 1
    }

    mutating func resetStatistics(at now: SimInstant) {}
}

extension GraphModel {
    // Timer kinds of a client: the low 16 bits of a timer's code; a slot timer carries the
    // slot's generation in the high 16 bits and the slot in its payload.
    static let clientArrivalTimer: Int32 = 0, clientSlotReadyTimer: Int32 = 1, clientTimeoutTimer: Int32 = 2, clientRetryTimer: Int32 = 3
    // Counters of a client group.
    static let clientTimeouts = 0, clientRetries = 1, clientFailed = 2, clientLate = 3, clientDropped = 4, clientRejected = 5

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
           ComponentMetric("rejected", "count", "requests answered with a rejection (a station's overflow: reject or reject_probability)") { m, g, _ in
               Double(m.groupStats[g].counters[clientRejected]) },
           ComponentMetric("drop_rate", "ratio", "rejected / (completed + rejected): the share of answers that were rejections") { m, g, _ in
               let rejected = m.groupStats[g].counters[clientRejected], answered = m.groupStats[g].completed + rejected
               return answered > 0 ? Double(rejected) / Double(answered) : .nan },
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
        let slot = Int(payload), generation = UInt16(truncatingIfNeeded: UInt32(bitPattern: code) >> 16)
        switch code & 0xFFFF {
        case GraphModel.clientArrivalTimer:
            context.schedule(.timer(component: instance, code: GraphModel.clientArrivalTimer, payload: 0),
                             after: clients[local].interarrival.sampleDuration(streams[Int(instance)]))
            let m = newRequest(local, instance: instance, now: now)
            admit(local, instance: instance, m, context: &context)
        case GraphModel.clientSlotReadyTimer:
            guard !instanceDown[Int(instance)], clients[local].slots[slot].generation == generation else { return }
            let m = newRequest(local, instance: instance, now: now)
            start(local, instance: instance, slot: slot, m, context: &context)
        case GraphModel.clientTimeoutTimer, GraphModel.clientRetryTimer:
            // The request was answered, abandoned or replaced since this timer was set.
            guard clients[local].slots[slot].busy, clients[local].slots[slot].generation == generation else { return }
            let attempt = clients[local].slots[slot].attempt
            let g = Int(instanceGroup[Int(instance)])
            if code & 0xFFFF == GraphModel.clientRetryTimer {
                clients[local].slots[slot].attempt = attempt &+ 1
                if measuring { groupStats[g].counters[GraphModel.clientRetries] &+= 1 }
                sendAttempt(local, instance: instance, slot: slot, context: &context)
                return
            }
            if measuring { groupStats[g].counters[GraphModel.clientTimeouts] &+= 1 }
            if Int(attempt) < clients[local].parameters.retries {
                let factor = Int64(1) << Int64(min(Int(attempt), 40))
                let backoff = min(clients[local].parameters.backoff * factor, clients[local].parameters.backoffMax)
                context.schedule(.timer(component: instance, code: slotTimerCode(local, GraphModel.clientRetryTimer, slot: slot), payload: payload),
                                 after: backoff)
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
        } else if let slot = clients[local].takeFreeSlot() {
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
        pool[m].sizeBytes = clients[local].sizeBytes
        admit(local, instance: instance, m, context: &context)
    }

    mutating func start(_ local: Int, instance: Int32, slot: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        clients[local].slots[slot].busy = true
        clients[local].slots[slot].id = pool[m].id
        clients[local].slots[slot].attempt = 0
        clients[local].slots[slot].generation &+= 1
        pool[m].slot = Int32(slot)
        guard clients[local].timeout > .zero else {
            pool.account(m, .wait, at: context.now)
            forward(m, from: instance, context: &context)
            return
        }
        clients[local].slots[slot].message = m
        sendAttempt(local, instance: instance, slot: slot, context: &context)
    }

    /// The code of a timer of a slot's current request: the timer's kind and the slot's generation.
    func slotTimerCode(_ local: Int, _ kind: Int32, slot: Int) -> Int32 {
        kind | Int32(bitPattern: UInt32(clients[local].slots[slot].generation) << 16)
    }

    /// Sends a copy of the slot's request (attempt `slots[slot].attempt`) and arms its timeout.
    mutating func sendAttempt(_ local: Int, instance: Int32, slot: Int, context: inout SimulationContext<GraphEvent>) {
        let template = clients[local].slots[slot].message
        let timeout = clients[local].timeout
        pool.account(template, .wait, at: context.now)
        let copy = pool.copy(template)
        pool[copy].attempt = clients[local].slots[slot].attempt
        forward(copy, from: instance, context: &context)
        context.schedule(.timer(component: instance, code: slotTimerCode(local, GraphModel.clientTimeoutTimer, slot: slot), payload: Int32(slot)),
                         after: timeout)
    }

    mutating func clientReply(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let instance = pool[m].origin
        let slot = Int(pool[m].slot)
        let g = Int(instanceGroup[Int(instance)])
        guard clients[local].slots[slot].busy, clients[local].slots[slot].id == pool[m].id else {
            if measuring { groupStats[g].counters[GraphModel.clientLate] &+= 1 }
            discard(m)
            return
        }
        if pool[m].isRejected {
            if measuring { groupStats[g].counters[GraphModel.clientRejected] &+= 1 }
        } else if measuring {
            groupStats[g].completed &+= 1
            groupStats[g].latency.record(context.now - pool[m].created)
            if keepTrace && trace.count >= ReplicationSpec.traceRowLimit {
                traceRowsDropped += 1
            } else if keepTrace {
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
        if clients[local].slots[slot].message >= 0 { discard(clients[local].slots[slot].message) }
        clients[local].slots[slot].message = -1
        clients[local].slots[slot].busy = false
        clients[local].slots[slot].attempt = 0
        clients[local].slots[slot].generation &+= 1
        if clients[local].isClosed {
            context.schedule(.timer(component: instance, code: slotTimerCode(local, GraphModel.clientSlotReadyTimer, slot: slot), payload: Int32(slot)),
                             after: clients[local].thinkTime.sampleDuration(streams[Int(instance)]))
        } else if let next = clients[local].queue.popFirst() {
            groupStats[Int(instanceGroup[Int(instance)])].level.add(-1, at: context.now)
            start(local, instance: instance, slot: slot, next, context: &context)
        } else {
            clients[local].freeSlots.append(Int32(slot))
        }
    }

    /// A crash: the requests held in slots and queued are lost (their replies, if any, come late).
    mutating func clientCrash(_ local: Int, instance: Int32, now: SimInstant) {
        let g = Int(instanceGroup[Int(instance)])
        for slot in clients[local].slots.indices where clients[local].slots[slot].busy {
            if clients[local].slots[slot].message >= 0 { discard(clients[local].slots[slot].message) }
            clients[local].slots[slot].message = -1
            clients[local].slots[slot].busy = false
            clients[local].slots[slot].generation &+= 1
            if !clients[local].isClosed { clients[local].freeSlots.append(Int32(slot)) }
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
        for slot in clients[local].slots.indices where !clients[local].slots[slot].busy {
            clients[local].slots[slot].generation &+= 1
            context.schedule(.timer(component: instance, code: slotTimerCode(local, GraphModel.clientSlotReadyTimer, slot: slot), payload: Int32(slot)),
                             after: clients[local].thinkTime.sampleDuration(streams[Int(instance)]))
        }
    }
}
