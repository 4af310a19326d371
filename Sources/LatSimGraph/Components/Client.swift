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

/// What the clients of one component (group) share: their parameters and where their slots are.
/// A fixed window's slots are computed from the client's index (`slotBase + (local - firstLocal)
/// * window`), so a request at one of 100,000 cold clients loads its slots, its free stack and
/// its state in parallel, none behind another's pointer.
struct ClientKind {
    let parameters: ClientParameters
    // Hot parameters, read without copying `parameters`.
    let interarrival: Distribution
    let thinkTime: Distribution
    let timeout: SimDuration
    let isClosed: Bool
    let isWindowUnlimited: Bool
    let sizeBytes: UInt32
    let priority: UInt8
    let window: Int
    /// The group's first client (its index in `clients`) and its first slot in `clientSlots`.
    let firstLocal: Int
    let slotBase: Int
}

/// One client instance's own state; its slots and free stack are in the model's flat arrays
/// `clientSlots` and `clientFree` (the same index for both).
struct ClientState {
    /// Its `ClientKind`.
    let kind: Int32
    /// Slots it has (the window; it grows with an unlimited window).
    var slotCount: Int32
    /// Free slots on its stack (open and input clients: O(1) admission at any window).
    var freeCount: Int32 = 0
    /// An unlimited window's slots: where they start and how many fit before they move.
    var slotBase = 0
    var slotCapacity: Int32 = 0
    var nextRequest: UInt32 = 0
    /// Requests waiting for a free slot (pool messages).
    var queue = RingBuffer<Int32>()

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

    /// The `ClientKind` of a client instance (from its group: no load of its own state).
    @inline(__always) func clientKind(_ instance: Int32) -> Int { Int(clientKindOfGroup[Int(instanceInfo[Int(instance)].group)]) }

    /// Where slot `slot` of client `local` is in `clientSlots` (and its free stack's entry in `clientFree`).
    @inline(__always) func slotIndex(_ local: Int, _ instance: Int32, _ slot: Int) -> Int {
        let k = clientKind(instance)
        if clientKinds[k].isWindowUnlimited { return clients[local].slotBase &+ slot }
        return clientKinds[k].slotBase &+ (local &- clientKinds[k].firstLocal) &* clientKinds[k].window &+ slot
    }

    /// A free slot of an open or input client: the most recently freed, or a new one when the
    /// window is unlimited; nil when every slot is busy.
    @inline(__always) mutating func takeFreeSlot(_ local: Int, instance: Int32) -> Int? {
        let free = clients[local].freeCount
        if free > 0 {
            clients[local].freeCount = free &- 1
            return Int(clientFree[slotIndex(local, instance, Int(free &- 1))])
        }
        guard clientKinds[clientKind(instance)].isWindowUnlimited else { return nil }
        if clients[local].slotCount == clients[local].slotCapacity {
            // Full: its slots move to the end of the flat arrays, with twice the room.
            let old = clients[local].slotBase, count = Int(clients[local].slotCount), capacity = Swift.max(4, 2 * count)
            let base = clientSlots.count
            clientSlots.append(contentsOf: repeatElement(ClientSlot(), count: capacity))
            clientFree.append(contentsOf: repeatElement(Int32(-1), count: capacity))
            for k in 0..<count { clientSlots[base + k] = clientSlots[old + k] }
            clients[local].slotBase = base
            clients[local].slotCapacity = Int32(capacity)
        }
        let slot = Int(clients[local].slotCount)
        clients[local].slotCount &+= 1
        return slot
    }

    @inline(__always) mutating func pushFreeSlot(_ local: Int, instance: Int32, slot: Int) {
        let free = Int(clients[local].freeCount)
        clientFree[slotIndex(local, instance, free)] = Int32(slot)
        clients[local].freeCount &+= 1
    }

    /// The clients of every client group, their kinds, slots and free stacks (at the model's build).
    mutating func buildClients() {
        var kindOfGroup = ContiguousArray<Int32>(repeating: -1, count: spec.components.count)
        var slotTotal = 0
        for (g, component) in spec.components.enumerated() {
            guard case .client(let p) = component.parameters else { continue }
            kindOfGroup[g] = Int32(clientKinds.count)
            let fixed = p.isWindowUnlimited ? 0 : p.window
            clientKinds.append(ClientKind(parameters: p, interarrival: p.interarrival, thinkTime: p.thinkTime, timeout: p.timeout,
                                          isClosed: p.arrival == .closed, isWindowUnlimited: p.isWindowUnlimited,
                                          sizeBytes: UInt32(p.sizeBytes), priority: UInt8(p.priority), window: fixed,
                                          firstLocal: clients.count, slotBase: slotTotal))
            for _ in 0..<component.count {
                clients.append(ClientState(kind: kindOfGroup[g], slotCount: Int32(fixed), freeCount: p.arrival == .closed ? 0 : Int32(fixed),
                                           slotBase: slotTotal, slotCapacity: Int32(fixed)))
                slotTotal += fixed
            }
        }
        clientKindOfGroup = kindOfGroup
        clientSlots = ContiguousArray(repeating: ClientSlot(), count: slotTotal)
        // Each free stack starts with its slots in reverse order: slot 0 is taken first.
        clientFree = ContiguousArray(repeating: 0, count: slotTotal)
        for local in clients.indices where clients[local].freeCount > 0 {
            let n = Int(clients[local].slotCount)
            for k in 0..<n { clientFree[clients[local].slotBase + k] = Int32(n - 1 - k) }
        }
    }

    mutating func startClient(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let p = clientKinds[clientKind(instance)].parameters
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
                             after: clientKinds[clientKind(instance)].interarrival.sampleDuration(streams[Int(instance)]))
            let m = newRequest(local, instance: instance, now: now)
            admit(local, instance: instance, m, context: &context)
        case GraphModel.clientSlotReadyTimer:
            guard !instanceInfo[Int(instance)].down, clientSlots[slotIndex(local, instance, slot)].generation == generation else { return }
            let m = newRequest(local, instance: instance, now: now)
            start(local, instance: instance, slot: slot, m, context: &context)
        case GraphModel.clientTimeoutTimer, GraphModel.clientRetryTimer:
            // The request was answered, abandoned or replaced since this timer was set.
            guard clientSlots[slotIndex(local, instance, slot)].busy, clientSlots[slotIndex(local, instance, slot)].generation == generation else { return }
            let attempt = clientSlots[slotIndex(local, instance, slot)].attempt
            let g = Int(instanceInfo[Int(instance)].group)
            if code & 0xFFFF == GraphModel.clientRetryTimer {
                clientSlots[slotIndex(local, instance, slot)].attempt = attempt &+ 1
                if measuring { groupStats[g].counters[GraphModel.clientRetries] &+= 1 }
                sendAttempt(local, instance: instance, slot: slot, context: &context)
                return
            }
            if measuring { groupStats[g].counters[GraphModel.clientTimeouts] &+= 1 }
            if Int(attempt) < clientKinds[clientKind(instance)].parameters.retries {
                let factor = Int64(1) << Int64(min(Int(attempt), 40))
                let backoff = min(clientKinds[clientKind(instance)].parameters.backoff * factor, clientKinds[clientKind(instance)].parameters.backoffMax)
                context.schedule(.timer(component: instance, code: slotTimerCode(local, instance, GraphModel.clientRetryTimer, slot: slot), payload: payload),
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
        pool[m].key = UInt32(bitPattern: ordinal(of: Int(instance)))
        pool[m].sizeBytes = clientKinds[clientKind(instance)].sizeBytes
        pool[m].priority = clientKinds[clientKind(instance)].priority
        pool[m].wantsReply = true
        return m
    }

    /// A request to send: into a free slot, else the queue, else refused.
    mutating func admit(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if instanceInfo[Int(instance)].down {
            if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].lostDown &+= 1 }
            discard(m)
        } else if let slot = takeFreeSlot(local, instance: instance) {
            start(local, instance: instance, slot: slot, m, context: &context)
        } else if clients[local].queue.count < clientKinds[clientKind(instance)].parameters.queueCapacity {
            clients[local].queue.append(m)
            groupStats[Int(instanceInfo[Int(instance)].group)].level.add(1, at: context.now)
        } else {
            if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.clientDropped] &+= 1 }
            discard(m)
        }
    }

    /// `arrival: input`: a message arriving at `in` becomes a request of this client.
    mutating func clientReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool[m].origin = instance
        pool[m].wantsReply = true
        pool[m].returnDepth = 0
        pool[m].isReply = false
        pool[m].sizeBytes = clientKinds[clientKind(instance)].sizeBytes
        admit(local, instance: instance, m, context: &context)
    }

    mutating func start(_ local: Int, instance: Int32, slot: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        clientSlots[slotIndex(local, instance, slot)].busy = true
        clientSlots[slotIndex(local, instance, slot)].id = pool[m].id
        clientSlots[slotIndex(local, instance, slot)].attempt = 0
        clientSlots[slotIndex(local, instance, slot)].generation &+= 1
        pool[m].slot = Int32(slot)
        guard clientKinds[clientKind(instance)].timeout > .zero else {
            pool.account(m, .wait, at: context.now)
            forward(m, from: instance, context: &context)
            return
        }
        clientSlots[slotIndex(local, instance, slot)].message = m
        sendAttempt(local, instance: instance, slot: slot, context: &context)
    }

    /// The code of a timer of a slot's current request: the timer's kind and the slot's generation.
    func slotTimerCode(_ local: Int, _ instance: Int32, _ kind: Int32, slot: Int) -> Int32 {
        kind | Int32(bitPattern: UInt32(clientSlots[slotIndex(local, instance, slot)].generation) << 16)
    }

    /// Sends a copy of the slot's request (attempt `slots[slot].attempt`) and arms its timeout.
    mutating func sendAttempt(_ local: Int, instance: Int32, slot: Int, context: inout SimulationContext<GraphEvent>) {
        let template = clientSlots[slotIndex(local, instance, slot)].message
        let timeout = clientKinds[clientKind(instance)].timeout
        pool.account(template, .wait, at: context.now)
        let copy = pool.copy(template)
        pool[copy].attempt = clientSlots[slotIndex(local, instance, slot)].attempt
        forward(copy, from: instance, context: &context)
        context.schedule(.timer(component: instance, code: slotTimerCode(local, instance, GraphModel.clientTimeoutTimer, slot: slot), payload: Int32(slot)),
                         after: timeout)
    }

    mutating func clientReply(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let instance = pool[m].origin
        let slot = Int(pool[m].slot)
        let g = Int(instanceInfo[Int(instance)].group)
        guard clientSlots[slotIndex(local, instance, slot)].busy, clientSlots[slotIndex(local, instance, slot)].id == pool[m].id else {
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
                trace.append([spec.components[g].name, "\(ordinal(of: Int(instance)))", "\(pool[m].id)",
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
        if clientSlots[slotIndex(local, instance, slot)].message >= 0 { discard(clientSlots[slotIndex(local, instance, slot)].message) }
        clientSlots[slotIndex(local, instance, slot)].message = -1
        clientSlots[slotIndex(local, instance, slot)].busy = false
        clientSlots[slotIndex(local, instance, slot)].attempt = 0
        clientSlots[slotIndex(local, instance, slot)].generation &+= 1
        if clientKinds[clientKind(instance)].isClosed {
            context.schedule(.timer(component: instance, code: slotTimerCode(local, instance, GraphModel.clientSlotReadyTimer, slot: slot), payload: Int32(slot)),
                             after: clientKinds[clientKind(instance)].thinkTime.sampleDuration(streams[Int(instance)]))
        } else if let next = clients[local].queue.popFirst() {
            groupStats[Int(instanceInfo[Int(instance)].group)].level.add(-1, at: context.now)
            start(local, instance: instance, slot: slot, next, context: &context)
        } else {
            pushFreeSlot(local, instance: instance, slot: slot)
        }
    }

    /// A crash: the requests held in slots and queued are lost (their replies, if any, come late).
    mutating func clientCrash(_ local: Int, instance: Int32, now: SimInstant) {
        let g = Int(instanceInfo[Int(instance)].group)
        for slot in 0..<Int(clients[local].slotCount) where clientSlots[slotIndex(local, instance, slot)].busy {
            if clientSlots[slotIndex(local, instance, slot)].message >= 0 { discard(clientSlots[slotIndex(local, instance, slot)].message) }
            clientSlots[slotIndex(local, instance, slot)].message = -1
            clientSlots[slotIndex(local, instance, slot)].busy = false
            clientSlots[slotIndex(local, instance, slot)].generation &+= 1
            if !clientKinds[clientKind(instance)].isClosed { pushFreeSlot(local, instance: instance, slot: slot) }
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
        guard clientKinds[clientKind(instance)].isClosed else { return }
        for slot in 0..<Int(clients[local].slotCount) where !clientSlots[slotIndex(local, instance, slot)].busy {
            clientSlots[slotIndex(local, instance, slot)].generation &+= 1
            context.schedule(.timer(component: instance, code: slotTimerCode(local, instance, GraphModel.clientSlotReadyTimer, slot: slot), payload: Int32(slot)),
                             after: clientKinds[clientKind(instance)].thinkTime.sampleDuration(streams[Int(instance)]))
        }
    }
}
