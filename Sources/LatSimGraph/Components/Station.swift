import LatSimCore
import LatSimNetwork

/// `type: station`: `workers` identical servers with a waiting room (the Network layer's
/// `ServiceStation`).
///
///     - {name: gateway, type: station, workers: 16, service_time: {type: exponential, mean: 1ms},
///        capacity: 1000, overflow: block, discipline: priority, priority_levels: 2, reply_bytes: 1024}
///
/// A served message leaves by `out` when it is connected; otherwise the station replies to
/// the sender (a request/response service) when the message wants a reply, and consumes it
/// when not. Overflow: drop-newest, drop-oldest, block (held at the sender, admitted in
/// order as room frees; the held time counts as waiting), or reject (the arriving message is
/// answered at once with a rejection, as a risk check or rate limit answers):
///
///     - {name: exchange, type: station, workers: 2, service_time: 600us, capacity: 2000,
///        overflow: reject, reject_probability: 0.01}
///
/// `reject_probability` rejects each arriving message with that probability before it is
/// admitted (drawn from the instance's stream, only when it is above 0). A rejection goes back
/// like a reply, with `reply_bytes`, to a sender that wants one; a message that wants none, or
/// a broker's delivery (the broker redelivers it after its `ack_timeout`), is dropped.
/// Both count `dropped`. An outage is a crash: the queue and the jobs in service are lost,
/// and arrivals while down are lost.
public struct StationComponentParameters: Sendable {
    public var station: StationParameters
    public var replyBytes: Int
    /// `overflow: reject`: a full waiting room answers the arriving message with a rejection.
    public var rejectsOnOverflow: Bool
    public var rejectProbability: Double

    public init(config node: ConfigNode) throws {
        rejectsOnOverflow = node.child("overflow").flatMap { try? $0.text() } == "reject"
        var own = node.removing("reply_bytes").removing("reject_probability")
        // `reject` is `drop-newest` to the waiting room; the station turns the drop into an answer.
        if rejectsOnOverflow { own = own.removing("overflow") }
        do {
            station = try StationParameters(config: own)
        } catch var error as ConfigError where error.path.hasSuffix("overflow") {
            error.allowed = (error.allowed ?? "drop-newest, drop-oldest, block") + ", reject"
            throw error
        }
        replyBytes = try node.int("reply_bytes", default: 0, range: 0...(1 << 30))
        rejectProbability = try node.probability("reject_probability", default: 0)
    }
}

struct StationState {
    let parameters: StationComponentParameters
    var station: ServiceStation<Int32>
    var epoch: UInt16 = 0

    init(parameters: StationComponentParameters) {
        self.parameters = parameters
        station = parameters.station.makeStation()
    }
}

extension GraphModel {
    static let stationDropped = 0

    static let stationMetrics: [ComponentMetric] = serviceStationMetrics(prefix: "", of: "") { m, instance in
        m.stations[Int(m.instanceInfo[Int(instance)].local)].station
    } + [
        ComponentMetric("dropped", "count", "jobs dropped by the overflow policy") { m, g, _ in
            Double(m.groupStats[g].counters[stationDropped]) },
        ComponentMetric("blocked", "count", "jobs held at their senders by backpressure") { m, g, _ in
            Double(m.instances(of: g).reduce(Int64(0)) { $0 + m.stations[Int(m.instanceInfo[Int($1)].local)].station.blockedCount }) },
        ComponentMetric("lost_crash", "count", "jobs lost in a crash: waiting, held or in service") { m, g, _ in
            Double(m.groupStats[g].lostCrash) },
    ]

    /// The queueing metrics of a `ServiceStation` held by every instance of a group (a station's
    /// own, a venue's matching engine), named `<prefix>utilisation`, ...
    static func serviceStationMetrics(prefix: String, of what: String,
                                      _ station: @escaping @Sendable (GraphModel, Int32) -> ServiceStation<Int32>) -> [ComponentMetric] {
        @Sendable func sum(_ m: GraphModel, _ g: Int, _ f: (ServiceStation<Int32>) -> Double) -> Double {
            m.instances(of: g).reduce(0) { $0 + f(station(m, $1)) }
        }
        func t(_ text: String) -> String { what.isEmpty ? text : text + " (" + what + ")" }
        return [
            ComponentMetric(prefix + "utilisation", "ratio", t("time-weighted busy workers / workers")) { m, g, end in
                sum(m, g) { $0.utilisation(until: end) } / Double(m.instances(of: g).count) },
            ComponentMetric(prefix + "queue_length_mean", "jobs", t("time-weighted jobs waiting (summed over instances)")) { m, g, end in
                sum(m, g) { $0.queueLength.mean(until: end) } },
            ComponentMetric(prefix + "queue_length_max", "jobs", t("largest number of jobs waiting at one instance")) { m, g, _ in
                m.instances(of: g).reduce(-Double.infinity) { Swift.max($0, station(m, $1).queueLength.maximum) } },
            ComponentMetric(prefix + "wait_mean", "ns", t("mean time from arrival to the start of service")) { m, g, _ in
                let total = sum(m, g) { $0.waitTimeTotal }, n = sum(m, g) { Double($0.started) }
                return n > 0 ? total / n : .nan },
            ComponentMetric(prefix + "sojourn_mean", "ns", t("mean time from arrival to the end of service")) { m, g, _ in
                var h = LatencyHistogram()
                for i in m.instances(of: g) { h.merge(station(m, i).sojournTime) }
                return h.mean },
            ComponentMetric(prefix + "in_system_mean", "jobs", t("time-weighted jobs waiting or in service (summed over instances)")) { m, g, end in
                sum(m, g) { $0.inSystem.mean(until: end) } },
            ComponentMetric(prefix + "started", "count", t("jobs whose service started")) { m, g, _ in sum(m, g) { Double($0.started) } },
        ]
    }

    @inline(__always)
    mutating func stationReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool[m].epoch = stations[local].epoch
        let now = context.now
        let rejectProbability = stations[local].parameters.rejectProbability
        if rejectProbability > 0 && streams[Int(instance)].bernoulli(rejectProbability) {
            reject(local, instance: instance, m, context: &context)
            return
        }
        switch stations[local].station.arrive(m, level: Int(pool[m].priority), at: now, stream: streams[Int(instance)]) {
        case .started(let done):
            context.schedule(.timer(component: instance, code: 0, payload: m), at: done)
        case .queued, .blocked:
            break
        case .dropped(let victim, _):
            if stations[local].parameters.rejectsOnOverflow {
                reject(local, instance: instance, victim, context: &context)
            } else {
                if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.stationDropped] &+= 1 }
                instanceLost[Int(instance)] &+= 1
                discard(victim)
            }
        }
    }

    /// Answers `m` at once with a rejection (or drops it when no answer is wanted).
    mutating func reject(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].counters[GraphModel.stationDropped] &+= 1 }
        instanceLost[Int(instance)] &+= 1
        let origin = pool[m].origin
        guard pool[m].wantsReply, origin >= 0, instanceInfo[Int(origin)].type != .broker else {
            discard(m)
            return
        }
        pool[m].isRejected = true
        reply(m, sizeBytes: stations[local].parameters.replyBytes, context: &context)
    }

    /// Service of message `payload` ends.
    @inline(__always)
    mutating func stationTimer(_ local: Int, instance: Int32, payload m: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        let outcome = stations[local].station.complete(at: now, stream: streams[Int(instance)])
        if let next = outcome.started {
            pool.account(next.job, .wait, at: now)
            context.schedule(.timer(component: instance, code: 0, payload: next.job), at: next.completion)
        }
        if pool[m].epoch != stations[local].epoch {   // its service was voided by a crash
            discard(m)
            return
        }
        pool.account(m, .service, at: now)
        instanceOut[Int(instance)] &+= 1
        if hasOutput(instance) {
            forward(m, from: instance, context: &context)
        } else if pool[m].wantsReply {
            reply(m, sizeBytes: stations[local].parameters.replyBytes, context: &context)
        } else {
            groupStats[Int(instanceInfo[Int(instance)].group)].completed &+= measuring ? 1 : 0
            discard(m)
        }
    }

    /// A crash: the waiting and held jobs are lost now, the jobs in service when their service ends.
    mutating func stationCrash(_ local: Int, instance: Int32, now: SimInstant) {
        stations[local].epoch &+= 1
        let g = Int(instanceInfo[Int(instance)].group)
        var lost: [Int32] = []
        stations[local].station.clearQueue(at: now) { lost.append($0) }
        for m in lost { discard(m) }
        if measuring { groupStats[g].lostCrash &+= Int64(lost.count + stations[local].station.busy) }
        instanceLost[Int(instance)] &+= Int64(lost.count + stations[local].station.busy)
    }
}
