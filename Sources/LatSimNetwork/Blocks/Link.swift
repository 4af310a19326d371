/// Whether a link keeps the sending order.
public enum LinkOrdering: String, Sendable, CaseIterable {
    /// As over TCP: a message is never delivered before one sent earlier on the same link
    /// (it waits behind it: head-of-line blocking).
    case fifo
    /// As over UDP: each message takes its own latency draw, so later ones may overtake.
    case unordered
}

/// What a link does to a message while it is down (an outage or a partition).
public enum LinkFaultPolicy: String, Sendable, CaseIterable {
    /// Messages sent during the outage are dropped (counted `outage`).
    case lost
    /// Messages sent during the outage wait at the sender and leave when the link is back up.
    case buffered
}

/// The parameters of a directed link, validated.
///
///     let p = try LinkParameters(latency: .lognormal(median: 2e6, sigma: 0.4), lossProbability: 0.001,
///                                ordering: .fifo, bandwidthBytesPerSecond: 125e6)
public struct LinkParameters: Sendable {
    public var latency: Distribution
    public var lossProbability: Double
    public var ordering: LinkOrdering
    /// Serialisation rate; 0 means unlimited (no serialisation delay).
    public var bandwidthBytesPerSecond: Double
    public var faultPolicy: LinkFaultPolicy

    public init(latency: Distribution, lossProbability: Double = 0, ordering: LinkOrdering = .fifo,
                bandwidthBytesPerSecond: Double = 0, faultPolicy: LinkFaultPolicy = .lost) throws {
        guard lossProbability >= 0 && lossProbability <= 1 else {
            throw ParameterError(parameter: "loss", problem: "is not a probability", allowed: "a number in [0, 1]", given: "\(lossProbability)")
        }
        guard bandwidthBytesPerSecond >= 0 && bandwidthBytesPerSecond.isFinite else {
            throw ParameterError(parameter: "bandwidth", problem: "must not be negative", allowed: "bytes per second >= 0 (0: unlimited)",
                                 given: "\(bandwidthBytesPerSecond)")
        }
        self.latency = latency
        self.lossProbability = lossProbability
        self.ordering = ordering
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.faultPolicy = faultPolicy
    }
}

/// A directed link from a source node to a target node: latency, loss, ordering, bandwidth,
/// an optional time-varying regime, and a ledger of what it carried.
///
///     var link = Link(source: 0, target: 1, parameters: p)
///     if let at = link.send(sizeBytes: 512, at: now, stream: s) { context.schedule(.arrive(...), at: at) }
///     // ... when the arrival event runs:
///     link.recordDelivered()
///
/// The link computes when a message arrives; the model schedules the arrival event and calls
/// `recordDelivered` (or `recordDropped`) when it happens, so the ledger counts messages in
/// flight between the two. Invariant: on a FIFO link, delivery times are non-decreasing in the
/// order of `send` calls; serialisation keeps one message on the wire at a time
/// (`size / bandwidth` each, starting when the previous one has left).
public struct Link: Sendable {
    // Stored in the order a send reads them: a graph with 100,000 client instances has 200,000
    // links, each read once per message, so the state a send touches comes first (fewer cache
    // lines per send); the regime, the series cursor and the head-of-line totals come last.
    public let source: Int32
    public let target: Int32
    /// False while an outage or a partition cuts the link.
    public var isUp = true
    @usableFromInline var isSequential = false
    @usableFromInline var hasRegime = false
    /// The latest delivery time given so far (FIFO: the next one is not earlier).
    public private(set) var lastDelivery: SimInstant = .zero
    /// When the transmitter finishes serialising the messages already sent.
    public private(set) var transmitterFree: SimInstant = .zero
    public var parameters: LinkParameters { didSet { isSequential = parameters.latency.isSequential } }
    public var ledger = MessageLedger()
    /// Total head-of-line delay: FIFO delivery time minus the time the message would have
    /// arrived on its own draw, summed over messages (ns).
    public private(set) var headOfLineDelayTotal: Double = 0
    /// Messages that waited behind an earlier one (FIFO) or overtook one (unordered).
    public private(set) var headOfLineBlockedCount: Int64 = 0
    /// Where this link is in a replayed latency series (`type: series`): one cursor per link,
    /// so each connection replays the trace on its own.
    public var seriesCursor = SeriesCursor()
    public var regime: LatencyRegime? { didSet { hasRegime = regime != nil } }

    public init(source: Int32, target: Int32, parameters: LinkParameters, regime: LatencyRegime? = nil) {
        self.source = source
        self.target = target
        self.parameters = parameters
        self.regime = regime
        self.hasRegime = regime != nil
        self.isSequential = parameters.latency.isSequential
    }

    /// Sends a message at `now`: returns its arrival time, or nil when it is lost (random
    /// loss, or the link is down under the `lost` policy), in which case the ledger counts the drop.
    /// A down link under the `buffered` policy holds the message until `upAt`, the time the
    /// link is known to come back (pass `.distantFuture` if unknown: the model must then resend).
    @inline(__always)
    public mutating func send(sizeBytes: Int = 0, at now: SimInstant, stream: some RandomSource,
                              upAt: SimInstant = .distantFuture) -> SimInstant? {
        ledger.recordSent()
        var start = now
        if !isUp {
            if parameters.faultPolicy == .lost || upAt == .distantFuture {
                ledger.recordDropped(.outage)
                return nil
            }
            start = upAt
        }
        if parameters.lossProbability > 0 && stream.uniform() < parameters.lossProbability {
            ledger.recordDropped(.loss)
            return nil
        }
        if parameters.bandwidthBytesPerSecond > 0 {
            let wire = SimDuration(roundingNanoseconds: Double(sizeBytes) * 1e9 / parameters.bandwidthBytesPerSecond)
            if transmitterFree > start { start = transmitterFree }
            start = start + wire
            transmitterFree = start
        }
        var latency = hasRegime ? regimeLatency(at: now, stream: stream)
            : isSequential ? parameters.latency.sample(stream, cursor: &seriesCursor) : parameters.latency.sample(stream)
        if latency < 0 { latency = 0 }
        var arrival = start + SimDuration(roundingNanoseconds: latency)
        if arrival < lastDelivery {
            headOfLineBlockedCount &+= 1
            if parameters.ordering == .fifo {
                headOfLineDelayTotal += Double((lastDelivery - arrival).nanoseconds)
                arrival = lastDelivery
            }
        } else {
            lastDelivery = arrival
        }
        return arrival
    }

    mutating func regimeLatency(at now: SimInstant, stream: some RandomSource) -> Double {
        let state = regime!.advance(to: now, stream: stream)
        let s = regime!.states[state]
        return (s.replacement ?? parameters.latency).sample(stream, cursor: &seriesCursor) * s.factor
    }

    /// Counts a message that arrived.
    @inline(__always) public mutating func recordDelivered() { ledger.recordDelivered() }

    /// Counts a message dropped after it was sent (e.g. the target went down while it was in flight).
    public mutating func recordDropped(_ reason: MessageLedger.DropReason) { ledger.recordDropped(reason) }
}
