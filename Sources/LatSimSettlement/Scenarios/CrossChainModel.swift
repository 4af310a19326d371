import LatSimCore
import LatSimNetwork

/// Per-message records of one cross-chain run (tests and traces): the first
/// `ReplicationSpec.traceRowLimit` messages, kept only when tracing. Times in ns since start, -1 if never.
public struct CrossChainTrace: Sendable {
    public var requestedAt: [Int64] = []
    /// Submitted on the source chain.
    public var sentAt: [Int64] = []
    /// Final on the source chain (the relayers may observe it).
    public var sourceFinalAt: [Int64] = []
    /// Attested by the quorum and handed to the destination (the channel gate).
    public var readyAt: [Int64] = []
    /// Executed inside a destination block.
    public var executedAt: [Int64] = []
    /// Time spent ready but held behind an earlier nonce (ordered channels).
    public var headOfLineDelay: [Int64] = []
    /// Messages in execution order (traced messages only).
    public var executionOrder: [Int] = []
    /// Destination block times (when recorded).
    public var destinationBlockTimes: [SimInstant] = []
    /// Messages requested after the trace was full (not recorded).
    public var rowsDropped = 0
}

/// The cross-chain model: transfers leave the source chain, wait for its finality, are
/// attested by a quorum of relayers, and execute in a destination block through an ordered
/// or unordered channel; senders send lock-step or pipelined.
///
/// Ordered gate: message n is released to the destination only when it is ready and n-1 has
/// been released; a failed execution of n invalidates every later released message (their
/// copies land and are ignored as stale) and holds them until n's retry is released.
/// Streams: "transfers:arrivals", "relayer:<i>", "relay:delivery", "destination:failures", and
/// the two layers' ("source:...", "destination:...").
/// Invariant: on an ordered channel, messages execute in nonce order (checked on every execution).
/// Memory: a record per message from the oldest not executed to the newest (a nonce window) and
/// per relayed copy not landed yet (by attempt id), each retired when done; the per-message
/// trace only when tracing.
struct CrossChainModel: SimulationModel {
    /// A requested message that has not executed yet.
    struct LiveMessage {
        var requestedAt: Int64
        var sentAt: Int64 = -1
        var readyAt: Int64 = -1
        var headOfLineDelay: Int64 = 0
        /// Since when it is ready but held behind an earlier nonce, or -1.
        var heldSince: Int64 = -1
        /// The current attempt: a landed copy of an older one is stale.
        var attempt = 0
        var retryPending = false
        var measured: Bool
    }

    enum Event {
        case source(LayerEvent)
        case destination(LayerEvent)
        case request
        case ready(message: Int)
        case retry(message: Int)
        case warmUpEnd
        case measureEnd
        case drainDeadline
    }

    let parameters: CrossChainScenario
    let ordered: Bool
    let lockStep: Bool
    var source: SettlementLayer
    var destination: SettlementLayer
    let arrivals: RandomStream, relayerStreams: [RandomStream], deliveryStream: RandomStream, failureStream: RandomStream
    let windowStart: SimInstant, windowEnd: SimInstant
    let tracing: Bool
    var trace = CrossChainTrace()
    /// Messages requested and not executed, by nonce.
    var messages = NonceWindow<LiveMessage>()
    var messagesRequested = 0
    /// Relayed copies submitted to the destination and not landed, by attempt id: (nonce, attempt).
    var attempts: [Int: (message: Int, number: Int)] = [:]
    var attemptsSubmitted = 0
    var quorumBuffer: [Double]
    /// Messages waiting at a lock-step sender.
    var senderQueue = RingBuffer<Int>()
    var outstanding = false
    var backlog = TimeWeightedValue(start: .zero)
    var nextToRelease = 0
    var nextToExecute = 0
    var maxExecuted = -1
    var transferLatency = LatencyHistogram(), deliveryLatency = LatencyHistogram(), headOfLine = LatencyHistogram()
    var requested = 0, delivered = 0, deliveredInWindow = 0, outOfOrder = 0, failedAttempts = 0, staleDeliveries = 0
    var pendingMeasured = 0
    var arrivalsOpen = true
    var backlogMean = 0.0, backlogMax = 0.0

    init(parameters: CrossChainScenario, design: SettlementDesign, spec: ReplicationSpec, tracing: Bool) {
        self.parameters = parameters
        self.tracing = tracing
        ordered = design.channel == .ordered
        lockStep = design.transfers == .lockStep
        source = SettlementLayer(spec: parameters.source, role: "source", replication: spec)
        destination = SettlementLayer(spec: parameters.destination, role: "destination", replication: spec)
        destination.recordBlockTimes = tracing
        arrivals = spec.stream("transfers:arrivals")
        relayerStreams = (0..<parameters.relayerCount).map { spec.stream("relayer:\($0)") }
        deliveryStream = spec.stream("relay:delivery")
        failureStream = spec.stream("destination:failures")
        quorumBuffer = [Double](repeating: 0, count: parameters.relayerCount)
        windowStart = .zero + spec.warmUp
        windowEnd = windowStart + spec.horizon
    }

    mutating func start(context: inout SimulationContext<Event>) {
        source.start(context: &context, wrap: Event.source)
        destination.start(context: &context, wrap: Event.destination)
        context.schedule(.request, after: nextArrivalDelay())
        context.schedule(.warmUpEnd, at: windowStart)
        context.schedule(.measureEnd, at: windowEnd)
        context.schedule(.drainDeadline, at: windowEnd + parameters.drainLimit)
    }

    func nextArrivalDelay() -> SimDuration {
        SimDuration(roundingNanoseconds: arrivals.exponential(mean: 1e9 / parameters.transferRatePerSecond))
    }

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        switch event {
        case .request:
            guard arrivalsOpen else { return }  // a request drawn before the window closed, due after it
            request(context: &context)
            if arrivalsOpen { context.schedule(.request, after: nextArrivalDelay()) }
        case .source(let e):
            source.handle(e, context: &context, wrap: Event.source)
            for n in source.notifications where n.kind == .final { attest(n.id, context: &context) }
        case .ready(let m):
            let now = context.now.nanosecondsSinceStart
            messages[m]!.readyAt = now
            if m < trace.readyAt.count { trace.readyAt[m] = now }
            if !ordered {
                submitToDestination(m, context: &context)
            } else if m == nextToRelease {
                releaseRun(context: &context)
            } else {
                messages[m]!.heldSince = now
            }
        case .retry(let m):
            messages[m]!.retryPending = false
            if ordered { releaseRun(context: &context) } else { submitToDestination(m, context: &context) }
        case .destination(let e):
            destination.handle(e, context: &context, wrap: Event.destination)
            for n in destination.notifications where n.kind == .soft { land(attemptId: n.id, context: &context) }
            checkDone(context: &context)
        case .warmUpEnd:
            backlog.reset(at: context.now)
        case .measureEnd:
            arrivalsOpen = false
            backlogMean = backlog.mean(until: context.now)
            backlogMax = backlog.maximum
            checkDone(context: &context)
        case .drainDeadline:
            context.requestStop(reason: "drain limit reached with \(pendingMeasured) measured transfers undelivered")
        }
    }

    mutating func request(context: inout SimulationContext<Event>) {
        let now = context.now
        let m = messagesRequested
        messagesRequested += 1
        if tracing {
            if trace.requestedAt.count < ReplicationSpec.traceRowLimit {
                trace.requestedAt.append(now.nanosecondsSinceStart)
                trace.sentAt.append(-1); trace.sourceFinalAt.append(-1); trace.readyAt.append(-1); trace.executedAt.append(-1)
                trace.headOfLineDelay.append(0)
            } else {
                trace.rowsDropped += 1
            }
        }
        let measured = now >= windowStart && now < windowEnd
        messages[m] = LiveMessage(requestedAt: now.nanosecondsSinceStart, measured: measured)
        if measured { requested += 1; pendingMeasured += 1 }
        if lockStep && (outstanding || !senderQueue.isEmpty) {
            senderQueue.append(m)
            backlog.set(Double(senderQueue.count), at: now)
        } else {
            send(m, context: &context)
        }
    }

    mutating func send(_ m: Int, context: inout SimulationContext<Event>) {
        outstanding = true
        let now = context.now.nanosecondsSinceStart
        messages[m]!.sentAt = now
        if m < trace.sentAt.count { trace.sentAt[m] = now }
        source.submit(id: m, fee: 1, context: &context, wrap: Event.source)
    }

    /// The quorum's attestation time: the q-th smallest of the relayers' observation latencies.
    mutating func attest(_ m: Int, context: inout SimulationContext<Event>) {
        if m < trace.sourceFinalAt.count { trace.sourceFinalAt[m] = context.now.nanosecondsSinceStart }
        for i in 0..<relayerStreams.count { quorumBuffer[i] = parameters.relayerLatency.sample(relayerStreams[i]) }
        quorumBuffer.sort()
        let attestation = SimDuration(roundingNanoseconds: quorumBuffer[parameters.quorum - 1])
        context.schedule(.ready(message: m), after: attestation + parameters.deliveryLatency.sampleDuration(deliveryStream))
    }

    /// Releases, in nonce order, every ready message from `nextToRelease` on (ordered channels).
    mutating func releaseRun(context: inout SimulationContext<Event>) {
        let now = context.now.nanosecondsSinceStart
        while nextToRelease < messagesRequested {
            let m = nextToRelease
            // An executed message (retired) counts as ready and not retrying: its copy lands stale.
            if var message = messages[m] {
                guard message.readyAt >= 0 && !message.retryPending else { break }
                if message.heldSince >= 0 {
                    message.headOfLineDelay += now - message.heldSince
                    message.heldSince = -1
                    messages[m] = message
                    if m < trace.headOfLineDelay.count { trace.headOfLineDelay[m] = message.headOfLineDelay }
                }
            }
            submitToDestination(m, context: &context)
            nextToRelease += 1
        }
    }

    mutating func submitToDestination(_ m: Int, context: inout SimulationContext<Event>) {
        let id = attemptsSubmitted
        attemptsSubmitted += 1
        attempts[id] = (m, messages[m]?.attempt ?? 0)
        // A copy the destination's mempool refuses never lands: forget it.
        if !destination.submit(id: id, fee: 1, context: &context, wrap: Event.destination) { attempts[id] = nil }
    }

    /// A relayed copy lands in a destination block: stale copies are ignored; otherwise the
    /// message executes or fails. A copy lands once (a re-inclusion after a reorg is stale).
    mutating func land(attemptId a: Int, context: inout SimulationContext<Event>) {
        guard let (m, number) = attempts.removeValue(forKey: a), let message = messages[m], number == message.attempt else {
            staleDeliveries += 1
            return
        }
        if (ordered && m != nextToExecute) || failureStream.bernoulli(parameters.failureProbability) {
            fail(m, context: &context)
        } else {
            execute(m, message, context: &context)
        }
    }

    mutating func fail(_ m: Int, context: inout SimulationContext<Event>) {
        failedAttempts += 1
        messages[m]!.attempt += 1
        messages[m]!.retryPending = true
        if ordered {
            let now = context.now.nanosecondsSinceStart
            // Every later released message is now out of sequence: invalidate and hold it.
            for k in (m + 1)..<Swift.max(m + 1, nextToRelease) where messages[k] != nil {
                messages[k]!.attempt += 1
                messages[k]!.heldSince = now
            }
            nextToRelease = Swift.min(nextToRelease, m)
        }
        context.schedule(.retry(message: m), after: parameters.retryDelay)
    }

    mutating func execute(_ m: Int, _ message: LiveMessage, context: inout SimulationContext<Event>) {
        let now = context.now.nanosecondsSinceStart
        // An ordered channel that broke its order is counted (out_of_order_executions), not
        // trapped: the count is the measurement claims and tests read, so it must be able to move.
        if ordered { nextToExecute = Swift.max(nextToExecute, m + 1) }
        if m < maxExecuted { outOfOrder += 1 }
        maxExecuted = Swift.max(maxExecuted, m)
        messages[m] = nil
        if m < trace.executedAt.count {
            trace.executedAt[m] = now
            trace.executionOrder.append(m)
        }
        delivered += 1
        if context.now >= windowStart && context.now < windowEnd { deliveredInWindow += 1 }
        if message.measured {
            pendingMeasured -= 1
            transferLatency.record(now - message.requestedAt)
            deliveryLatency.record(now - message.sentAt)
            headOfLine.record(message.headOfLineDelay)
        }
        if lockStep {
            outstanding = false
            if let next = senderQueue.popFirst() {
                backlog.set(Double(senderQueue.count), at: context.now)
                send(next, context: &context)
            }
        }
    }

    mutating func checkDone(context: inout SimulationContext<Event>) {
        if !arrivalsOpen && pendingMeasured == 0 { context.requestStop(reason: "all measured transfers delivered") }
    }
}
