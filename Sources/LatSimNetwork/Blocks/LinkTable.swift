/// A typed message in transit: payload, endpoints and send time.
///
///     let e = Envelope(source: 0, target: 3, sentAt: now, payload: Order(...))
public struct Envelope<Payload> {
    public var source: Int32
    public var target: Int32
    public var sentAt: SimInstant
    public var payload: Payload
    @inlinable public init(source: Int32, target: Int32, sentAt: SimInstant, payload: Payload) {
        self.source = source
        self.target = target
        self.sentAt = sentAt
        self.payload = payload
    }
}

/// The directed links among named nodes, addressed by (source, target) integer ids, each with
/// its own random stream ("link-<source name>-<target name>") and its own ledger.
///
///     var table = try LinkTable(nodeNames: ["exchange", "bot", "chain"], spec: spec) { s, t in
///         s == t ? nil : linkParameters
///     }
///     if let (envelope, at) = table.send(order, from: 1, to: 0, at: now) { schedule(.arrive(envelope), at: at) }
///     // when the arrival event runs:
///     table.recordDelivered(from: envelope.source, to: envelope.target)
///
/// Invariant: for every link, sent = delivered + dropped + in flight, where in flight is the
/// table's own count of arrivals not yet recorded (`reconciles`). A node outage or a partition
/// cuts links (`setNode(_:up:)`, `apply(_:at:)`); what a cut link does is its fault policy.
public struct LinkTable {
    public let nodeNames: [String]
    @usableFromInline var links: [Link?]
    @usableFromInline var pending: [Int64]
    @usableFromInline let streams: [RandomStream?]
    var nodeUp: [Bool]
    var activePartitions: [FaultSchedule.Partition] = []

    /// `parameters(source, target)` gives each link's parameters, or nil for no link (called at construction only).
    public init(nodeNames: [String], spec: ReplicationSpec, parameters: (Int, Int) throws -> LinkParameters?) rethrows {
        let n = nodeNames.count
        self.nodeNames = nodeNames
        var links: [Link?] = []
        var streams: [RandomStream?] = []
        links.reserveCapacity(n * n)
        for s in 0..<n {
            for t in 0..<n {
                if let p = try parameters(s, t) {
                    links.append(Link(source: Int32(s), target: Int32(t), parameters: p))
                    streams.append(spec.stream("link-\(nodeNames[s])-\(nodeNames[t])"))
                } else {
                    links.append(nil)
                    streams.append(nil)
                }
            }
        }
        self.links = links
        self.streams = streams
        pending = [Int64](repeating: 0, count: n * n)
        nodeUp = [Bool](repeating: true, count: n)
    }

    @inlinable func index(_ source: Int32, _ target: Int32) -> Int { Int(source) * nodeNames.count + Int(target) }

    /// The link from `source` to `target` (nil when there is none).
    public subscript(source: Int32, target: Int32) -> Link? {
        get { links[index(source, target)] }
        set { links[index(source, target)] = newValue }
    }

    /// Sends `payload`; returns the envelope and its arrival time, or nil when the link lost it.
    public mutating func send<Payload>(_ payload: Payload, from source: Int32, to target: Int32, sizeBytes: Int = 0,
                                       at now: SimInstant, upAt: SimInstant = .distantFuture) -> (Envelope<Payload>, SimInstant)? {
        let i = index(source, target)
        precondition(links[i] != nil, "no link from \(nodeNames[Int(source)]) to \(nodeNames[Int(target)])")
        guard let at = links[i]!.send(sizeBytes: sizeBytes, at: now, stream: streams[i]!, upAt: upAt) else { return nil }
        pending[i] += 1
        return (Envelope(source: source, target: target, sentAt: now, payload: payload), at)
    }

    /// Counts an arrival (call when the arrival event runs).
    public mutating func recordDelivered(from source: Int32, to target: Int32) {
        let i = index(source, target)
        pending[i] -= 1
        links[i]!.recordDelivered()
    }

    /// Counts a message that arrived at a node unable to take it (down, full): dropped with `reason`.
    public mutating func recordDropped(from source: Int32, to target: Int32, _ reason: MessageLedger.DropReason) {
        let i = index(source, target)
        pending[i] -= 1
        links[i]!.recordDropped(reason)
    }

    /// Takes a node down or up: every link from or to it follows (unless a partition still cuts it).
    public mutating func setNode(_ node: Int32, up: Bool) {
        nodeUp[Int(node)] = up
        let n = nodeNames.count
        for other in 0..<n {
            refreshLink(Int(node), other)
            refreshLink(other, Int(node))
        }
    }

    /// Starts (`active: true`) or ends a partition: links between its groups are cut while any partition separates them.
    public mutating func apply(_ partition: FaultSchedule.Partition, active: Bool) {
        if active {
            activePartitions.append(partition)
        } else if let i = activePartitions.firstIndex(of: partition) {
            activePartitions.remove(at: i)
        }
        let n = nodeNames.count
        for s in 0..<n { for t in 0..<n { refreshLink(s, t) } }
    }

    mutating func refreshLink(_ s: Int, _ t: Int) {
        let i = s * nodeNames.count + t
        guard links[i] != nil else { return }
        var up = nodeUp[s] && nodeUp[t]
        for p in activePartitions where up {
            let gs = s < p.groupOf.count ? p.groupOf[s] : -1
            let gt = t < p.groupOf.count ? p.groupOf[t] : -1
            if gs >= 0 && gt >= 0 && gs != gt { up = false }
        }
        links[i]!.isUp = up
    }

    /// The ledgers of every link, summed.
    public var totalLedger: MessageLedger {
        var total = MessageLedger()
        for link in links { if let link { total.merge(link.ledger) } }
        return total
    }

    /// Every link's ledger matches the arrivals the table still expects.
    public var reconciles: Bool {
        links.indices.allSatisfy { i in links[i].map { $0.ledger.reconciles(holding: pending[i]) } ?? true }
    }
}
