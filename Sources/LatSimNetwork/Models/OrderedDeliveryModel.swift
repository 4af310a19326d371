/// One sender streaming sequence-numbered updates to a receiver over a link with jitter,
/// FIFO (as TCP) or unordered (as UDP): what reordering costs and what ordering costs.
///
///     let r = OrderedDeliveryModel.run(parameters: p, ordering: .unordered, spec: spec)
///     r.value("reorder_count")      // updates applied after a newer one: stale state
///
/// An update that arrives after a higher-numbered one is counted reordered: a receiver that
/// applies updates as they arrive would overwrite newer state with older (a wrong outcome).
/// Under FIFO none is; instead a message that would have overtaken waits behind the earlier
/// one (head-of-line delay = FIFO arrival time minus the arrival time of its own latency draw).
/// Both designs draw the same latencies (stream "link"), so they are compared draw by draw.
public struct OrderedDeliveryModel: SimulationModel {
    public struct Parameters: Sendable {
        public var sendInterval: Distribution
        public var link: LinkParameters
        public var regime: LatencyRegime?
        public var messageBytes: Int
    }

    public enum Event {
        case send
        case arrive(sequence: Int64, sent: SimInstant)
        case warmUpEnd
    }

    let p: Parameters
    var link: Link
    let linkStream: RandomStream
    let senderStream: RandomStream
    var nextSequence: Int64 = 0
    var highestDelivered: Int64 = -1
    var pending: Int64 = 0
    var measuring = false
    var measureStart = SimInstant.zero
    var hol0 = 0.0
    var holCount0: Int64 = 0

    public var latency = LatencyHistogram()
    public var delivered: Int64 = 0
    public var reordered: Int64 = 0
    /// Largest number of positions a message arrived late by (highest delivered minus its sequence).
    public var reorderDistanceMax: Int64 = 0

    public init(parameters: Parameters, ordering: LinkOrdering, spec: ReplicationSpec) {
        p = parameters
        var lp = parameters.link
        lp.ordering = ordering
        link = Link(source: 0, target: 1, parameters: lp, regime: parameters.regime)
        linkStream = spec.stream("link")
        senderStream = spec.stream("sender")
    }

    public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .send:
            context.schedule(.send, after: p.sendInterval.sampleDuration(senderStream))
            if let at = link.send(sizeBytes: p.messageBytes, at: now, stream: linkStream) {
                pending += 1
                context.schedule(.arrive(sequence: nextSequence, sent: now), at: at)
            }
            nextSequence += 1
        case .arrive(let sequence, let sent):
            pending -= 1
            link.recordDelivered()
            guard measuring else {
                highestDelivered = max(highestDelivered, sequence)
                return
            }
            delivered += 1
            latency.record(now - sent)
            if sequence < highestDelivered {
                reordered += 1
                reorderDistanceMax = max(reorderDistanceMax, highestDelivered - sequence)
            } else {
                highestDelivered = sequence
            }
        case .warmUpEnd:
            measuring = true
            measureStart = now
            hol0 = link.headOfLineDelayTotal
            holCount0 = link.headOfLineBlockedCount
        }
    }

    public static func run(parameters: Parameters, ordering: LinkOrdering, spec: ReplicationSpec) -> ReplicationResult {
        var simulation = Simulation(model: OrderedDeliveryModel(parameters: parameters, ordering: ordering, spec: spec))
        simulation.schedule(.send, at: .zero)
        simulation.schedule(.warmUpEnd, at: .zero + spec.warmUp)
        let reason = simulation.run(RunLimits(horizon: .zero + spec.warmUp + spec.horizon, maxEvents: spec.maxEvents))
        let m = simulation.model
        var r = ReplicationResult()
        r.eventsProcessed = simulation.context.eventsProcessed
        r.stopReason = reason.description
        r.record("messages_delivered", unit: "count", value: Double(m.delivered))
        r.record("reorder_count", unit: "count", value: Double(m.reordered))
        r.record("reorder_rate", unit: "ratio", value: m.delivered > 0 ? Double(m.reordered) / Double(m.delivered) : .nan)
        r.record("reorder_distance_max", unit: "messages", value: Double(m.reorderDistanceMax))
        m.latency.summarize(into: &r, name: "delivery_latency")
        let blocked = m.link.headOfLineBlockedCount - m.holCount0
        r.record("head_of_line_blocked", unit: "count", value: ordering == .fifo ? Double(blocked) : 0)
        // Unordered: no message ever waits (0 by definition); no delivery: nothing measured (NaN).
        r.record("head_of_line_delay_mean", unit: "ns",
                 value: m.delivered == 0 ? .nan : ordering == .fifo ? (m.link.headOfLineDelayTotal - m.hol0) / Double(m.delivered) : 0)
        r.record("messages_lost", unit: "count", value: Double(m.link.ledger.dropped))
        r.record("ledger_balanced", unit: "bool", value: m.link.ledger.reconciles(holding: m.pending) ? 1 : 0)
        return r
    }
}
