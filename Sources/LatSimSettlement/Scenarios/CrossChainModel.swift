import LatSimCore

/// Per-message records of one cross-chain run (tests and traces). Times in ns since start, -1 if never.
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
    /// Messages in execution order.
    public var executionOrder: [Int] = []
    /// Destination block times (when recorded).
    public var destinationBlockTimes: [SimInstant] = []
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
struct CrossChainModel: SimulationModel {
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
    var trace = CrossChainTrace()
    var attempt: [Int] = []
    var executed: [Bool] = []
    var retryPending: [Bool] = []
    var heldSince: [Int64] = []
    var inWindow: [Bool] = []
    var attemptMessage: [Int] = []
    var attemptNumber: [Int] = []
    var quorumBuffer: [Double]
    var senderQueue: [Int] = []
    var senderQueueHead = 0
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

    init(parameters: CrossChainScenario, design: SettlementDesign, spec: ReplicationSpec) {
        self.parameters = parameters
        ordered = design.channel == .ordered
        lockStep = design.transfers == .lockStep
        source = SettlementLayer(spec: parameters.source, role: "source", replication: spec)
        destination = SettlementLayer(spec: parameters.destination, role: "destination", replication: spec)
        destination.recordBlockTimes = spec.keepTrace
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
            trace.readyAt[m] = context.now.nanosecondsSinceStart
            if !ordered {
                submitToDestination(m, context: &context)
            } else if m == nextToRelease {
                releaseRun(context: &context)
            } else {
                heldSince[m] = context.now.nanosecondsSinceStart
            }
        case .retry(let m):
            retryPending[m] = false
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
        let m = trace.requestedAt.count
        trace.requestedAt.append(now.nanosecondsSinceStart)
        trace.sentAt.append(-1); trace.sourceFinalAt.append(-1); trace.readyAt.append(-1); trace.executedAt.append(-1)
        trace.headOfLineDelay.append(0)
        attempt.append(0); executed.append(false); retryPending.append(false); heldSince.append(-1)
        let measured = now >= windowStart && now < windowEnd
        inWindow.append(measured)
        if measured { requested += 1; pendingMeasured += 1 }
        if lockStep && (outstanding || senderQueueHead < senderQueue.count) {
            senderQueue.append(m)
            backlog.set(Double(senderQueue.count - senderQueueHead), at: now)
        } else {
            send(m, context: &context)
        }
    }

    mutating func send(_ m: Int, context: inout SimulationContext<Event>) {
        outstanding = true
        trace.sentAt[m] = context.now.nanosecondsSinceStart
        source.submit(id: m, fee: 1, context: &context, wrap: Event.source)
    }

    /// The quorum's attestation time: the q-th smallest of the relayers' observation latencies.
    mutating func attest(_ m: Int, context: inout SimulationContext<Event>) {
        trace.sourceFinalAt[m] = context.now.nanosecondsSinceStart
        for i in 0..<relayerStreams.count { quorumBuffer[i] = parameters.relayerLatency.sample(relayerStreams[i]) }
        quorumBuffer.sort()
        let attestation = SimDuration(roundingNanoseconds: quorumBuffer[parameters.quorum - 1])
        context.schedule(.ready(message: m), after: attestation + parameters.deliveryLatency.sampleDuration(deliveryStream))
    }

    /// Releases, in nonce order, every ready message from `nextToRelease` on (ordered channels).
    mutating func releaseRun(context: inout SimulationContext<Event>) {
        let now = context.now.nanosecondsSinceStart
        while nextToRelease < trace.readyAt.count && trace.readyAt[nextToRelease] >= 0 && !retryPending[nextToRelease] {
            let m = nextToRelease
            if heldSince[m] >= 0 {
                trace.headOfLineDelay[m] += now - heldSince[m]
                heldSince[m] = -1
            }
            submitToDestination(m, context: &context)
            nextToRelease += 1
        }
    }

    mutating func submitToDestination(_ m: Int, context: inout SimulationContext<Event>) {
        attemptMessage.append(m)
        attemptNumber.append(attempt[m])
        destination.submit(id: attemptMessage.count - 1, fee: 1, context: &context, wrap: Event.destination)
    }

    /// A relayed copy lands in a destination block: stale copies are ignored; otherwise the
    /// message executes or fails.
    mutating func land(attemptId a: Int, context: inout SimulationContext<Event>) {
        let m = attemptMessage[a]
        guard !executed[m] && attemptNumber[a] == attempt[m] else {
            staleDeliveries += 1
            return
        }
        if (ordered && m != nextToExecute) || failureStream.bernoulli(parameters.failureProbability) {
            fail(m, context: &context)
        } else {
            execute(m, context: &context)
        }
    }

    mutating func fail(_ m: Int, context: inout SimulationContext<Event>) {
        failedAttempts += 1
        attempt[m] += 1
        retryPending[m] = true
        if ordered {
            let now = context.now.nanosecondsSinceStart
            // Every later released message is now out of sequence: invalidate and hold it.
            for k in (m + 1)..<Swift.max(m + 1, nextToRelease) where !executed[k] {
                attempt[k] += 1
                heldSince[k] = now
            }
            nextToRelease = Swift.min(nextToRelease, m)
        }
        context.schedule(.retry(message: m), after: parameters.retryDelay)
    }

    mutating func execute(_ m: Int, context: inout SimulationContext<Event>) {
        let now = context.now.nanosecondsSinceStart
        // An ordered channel that broke its order is counted (out_of_order_executions), not
        // trapped: the count is the measurement claims and tests read, so it must be able to move.
        if ordered { nextToExecute = Swift.max(nextToExecute, m + 1) }
        if m < maxExecuted { outOfOrder += 1 }
        maxExecuted = Swift.max(maxExecuted, m)
        executed[m] = true
        trace.executedAt[m] = now
        trace.executionOrder.append(m)
        delivered += 1
        if context.now >= windowStart && context.now < windowEnd { deliveredInWindow += 1 }
        if inWindow[m] {
            pendingMeasured -= 1
            transferLatency.record(now - trace.requestedAt[m])
            deliveryLatency.record(now - trace.sentAt[m])
            headOfLine.record(trace.headOfLineDelay[m])
        }
        if lockStep {
            outstanding = false
            if senderQueueHead < senderQueue.count {
                let next = senderQueue[senderQueueHead]
                senderQueueHead += 1
                backlog.set(Double(senderQueue.count - senderQueueHead), at: context.now)
                send(next, context: &context)
            }
        }
    }

    mutating func checkDone(context: inout SimulationContext<Event>) {
        if !arrivalsOpen && pendingMeasured == 0 { context.requestStop(reason: "all measured transfers delivered") }
    }
}
