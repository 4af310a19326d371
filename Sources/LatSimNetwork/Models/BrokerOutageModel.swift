/// Producers publishing to consumers, directly (`direct`: synchronous coupling) or through a
/// broker (`queued`), while consumers or the broker suffer outages.
///
///     let result = BrokerOutageModel.run(parameters: p, design: .queued, spec: spec)
///     result.value("messages_lost")     // 0 for queued with room, > 0 for direct across an outage
///
/// Producer i publishes to partition i mod `partitions`; in each consumer group, consumer k
/// owns the partitions p with p mod `consumers` = k (no rebalancing during an outage). Every
/// group receives every message: through the broker, each group has its own offsets; direct,
/// the producer sends each group's consumer a copy. Counts of delivered and lost messages are
/// per copy (generated x groups copies in all). Links are FIFO, so each
/// producer's sequence numbers reach its consumer in order; a consumer counts a message
/// delivered the first time it processes its sequence number, and a duplicate otherwise.
///
/// Stated fault policies (each counted):
/// - direct, `direct_when_down: lose`: a message that reaches a down consumer is lost; a crash
///   loses the consumer's queue and the message in service.
/// - direct, `block`: a producer that finds its consumer down holds its messages (blocked) and
///   sends them when the consumer is back; messages already in flight or queued are lost as above.
/// - queued: the broker persists messages (persistence is FIFO per partition, survives broker
///   outages); a producer holds messages while the broker is down; a message that reaches the
///   broker as it goes down is retried when it is back. Messages that a down consumer missed,
///   or that it had not acknowledged when it crashed, are redelivered (at-least-once); so are
///   those whose acknowledgement reached a down broker. Overflow follows `broker_overflow`.
/// Crashes abort the job in service; its worker stays occupied until the job's scheduled end.
/// A consumer starts a new session (epoch) when it fails and when it recovers; a delivery
/// sent in an earlier session is discarded on arrival (it is redelivered), as a broker's
/// delivery tags are per connection, so a consumer processes each partition in offset order.
public struct BrokerOutageModel: SimulationModel {
    public enum Design: String, Sendable { case direct, queued }

    public struct Parameters: Sendable {
        public var producers: Int
        /// Consumers per group.
        public var consumers: Int
        /// Consumer groups: each receives every message (fan-out); direct sends each group a copy.
        public var groups: Int = 1
        public var partitions: Int
        public var publishInterval: Distribution
        public var link: LinkParameters
        public var persistLatency: Distribution
        public var processingTime: Distribution
        public var consumerCapacity: Int
        public var prefetch: Int
        public var brokerCapacity: Int
        public var brokerOverflow: OverflowPolicy
        public var pull: Bool
        public var pollInterval: SimDuration
        public var directBlocks: Bool
        /// Outages by target name: "broker" or "consumer-<k>".
        public var outages: [OutageSpecification]
        public var drain: SimDuration
        /// The simulated time between two samples of the time series trace (`spec.keepTrace`).
        public var traceInterval: SimDuration = .milliseconds(50)
    }

    public struct Message {
        var producer: Int32
        /// The consumer group this copy is for (direct); 0 through the broker, which fans out itself.
        var group: Int32
        var sequence: Int64
        var created: SimInstant
    }

    /// A message at a consumer: where it came from in the broker (offset -1 for direct) and the consumer's epoch.
    public struct Job {
        var message: Message
        var partition: Int32
        var offset: Int64
        var epoch: Int32
    }

    public enum Event {
        case publishTick(producer: Int32)
        case atConsumerDirect(Message)
        case atBroker(Message)
        case brokerRetry(Message)
        case persisted(Message)
        case ackAtProducer(producer: Int32, created: SimInstant)
        case atConsumer(consumer: Int32, Job)
        case consumerDone(consumer: Int32, Job)
        case ackAtBroker(consumer: Int32, partition: Int32, offset: Int64)
        case pollTick(consumer: Int32)
        case pollAtBroker(consumer: Int32)
        case outageStart(Int32)
        case outageEnd(Int32)
        case warmUpEnd
        case stopPublishing
    }

    let p: Parameters
    let design: Design
    var links: [Link]
    var linkPending: [Int64]
    let linkStreams: [RandomStream]
    let producerStreams: [RandomStream]
    let consumerStreams: [RandomStream]
    let brokerStream: RandomStream
    var consumers: [ServiceStation<Job>]
    var broker: Broker<Message>
    var faults = FaultSchedule()
    /// Consumers over every group: consumer c = group x consumers + k.
    let consumerCount: Int
    /// Component ids in `faults`: consumer c is c, the broker is `consumerCount`.
    var brokerID: Int32 { Int32(consumerCount) }
    var down: [Bool]
    var epochs: [Int32]
    var producerBuffers: [RingBuffer<Message>]
    var producerBuffered: TimeWeightedValue
    var nextSequence: [Int64]
    var lastPersist: [SimInstant]
    /// Messages persisted but refused by a full partition under `block`, in order: the producer
    /// is blocked on them, and later messages of the partition queue behind (order is kept).
    var awaitingRoom: [RingBuffer<Message>]
    var awaitingRoomCount: TimeWeightedValue
    var maxProcessed: [Int64]
    var publishing = true
    var measuring = false
    /// Time series trace (`spec.keepTrace`): sampled without events, see BrokerOutageModel+Trace.swift.
    var sampling: Bool
    var nextSampleAt: SimInstant = .zero
    var trace: [[String]] = []

    public var endToEnd = LatencyHistogram()
    public var publishAck = LatencyHistogram()
    public var generated: Int64 = 0
    public var deliveredUnique: Int64 = 0
    public var duplicates: Int64 = 0
    public var lostOutage: Int64 = 0
    public var lostOverflow: Int64 = 0
    public var brokerRetries: Int64 = 0
    public var producerBlocked: Int64 = 0
    public var staleDeliveries: Int64 = 0
    public var missedByDownConsumer: Int64 = 0

    // Link ids (P producers, G groups, n consumers in all): producer i -> group g's consumer
    // (direct) or -> broker (queued, g = 0) is i G + g; ack to producer i is P G + i; broker ->
    // consumer c is P G + P + c; consumer c -> broker is P G + P + n + c.
    func up(_ i: Int, _ g: Int = 0) -> Int { i * p.groups + g }
    func ack(_ i: Int) -> Int { p.producers * p.groups + i }
    func toConsumer(_ c: Int) -> Int { p.producers * p.groups + p.producers + c }
    func fromConsumer(_ c: Int) -> Int { p.producers * p.groups + p.producers + consumerCount + c }
    func consumer(ofPartition partition: Int, group g: Int) -> Int { g * p.consumers + partition % p.consumers }
    func group(ofConsumer c: Int) -> Int { c / p.consumers }
    func partition(ofProducer i: Int) -> Int { i % p.partitions }
    /// Index of producer i's buffer towards group g (direct) or the broker (queued, g = 0).
    func buffer(_ i: Int, _ g: Int) -> Int { i * p.groups + g }

    public init(parameters: Parameters, design: Design, spec: ReplicationSpec) {
        p = parameters
        self.design = design
        consumerCount = p.consumers * p.groups
        let nLinks = p.producers * p.groups + p.producers + 2 * consumerCount
        links = (0..<nLinks).map { Link(source: Int32($0), target: -1, parameters: parameters.link) }
        linkPending = [Int64](repeating: 0, count: nLinks)
        linkStreams = (0..<nLinks).map { spec.stream("link-\($0)") }
        producerStreams = (0..<p.producers).map { spec.stream("producer-\($0)") }
        consumerStreams = (0..<consumerCount).map { spec.stream("consumer-\($0)") }
        brokerStream = spec.stream("broker")
        consumers = (0..<consumerCount).map { _ in
            // Queued: prefetch bounds what a consumer holds; its queue is unbounded so that no message is
            // dropped there (a drop would be committed silently by a later cumulative ack).
            ServiceStation(workers: 1, service: parameters.processingTime,
                           capacity: design == .direct ? parameters.consumerCapacity : .max, overflow: .dropNewest)
        }
        broker = Broker(partitions: p.partitions, groups: p.groups, capacityPerPartition: p.brokerCapacity, overflow: p.brokerOverflow,
                        prefetch: p.prefetch)
        down = [Bool](repeating: false, count: consumerCount + 1)
        epochs = [Int32](repeating: 0, count: consumerCount)
        producerBuffers = (0..<(p.producers * p.groups)).map { _ in RingBuffer() }
        producerBuffered = TimeWeightedValue(start: .zero)
        nextSequence = [Int64](repeating: 0, count: p.producers)
        lastPersist = [SimInstant](repeating: .zero, count: p.partitions)
        awaitingRoom = (0..<p.partitions).map { _ in RingBuffer() }
        awaitingRoomCount = TimeWeightedValue(start: .zero)
        maxProcessed = [Int64](repeating: -1, count: p.producers * p.groups)
        sampling = spec.keepTrace
    }

    mutating func send(_ link: Int, bytes: Int = 0, at now: SimInstant) -> SimInstant? {
        let at = links[link].send(sizeBytes: bytes, at: now, stream: linkStreams[link])
        if at != nil { linkPending[link] += 1 }
        return at
    }

    mutating func arrived(_ link: Int) {
        linkPending[link] -= 1
        links[link].recordDelivered()
    }
}
