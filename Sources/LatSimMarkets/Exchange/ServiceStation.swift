/// A first-come-first-served service station with `workers` parallel servers and an unbounded
/// (but counted) queue: the minimal matching-engine station of the Markets layer.
///
///     var engine = ServiceStation<Order>(name: "venue-a", workers: 1, serviceTime: d, stream: s)
///     if let started = engine.arrive(order, at: now) { ... start service now ... }
///     // at service completion:
///     if let next = engine.complete(at: now) { ... start `next` ... }
///
/// The station does not schedule events itself: the model asks it which job starts, draws the
/// service time with `drawServiceTime()` and schedules the completion. Jobs start in arrival
/// order whatever the number of workers (FIFO), which is what price-time priority needs when
/// matching happens at the start of service. Records: arrivals, completions, the queueing delay
/// (arrival to start of service) in a histogram, and the time-weighted number waiting.
/// Invariant: `busy <= workers`; a job waits only when every worker is busy.
/// It may later be replaced by the Network layer's station.
public struct ServiceStation<Job> {
    public let name: String
    public let workers: Int
    public let serviceTime: Distribution
    let stream: RandomStream
    var waiting: ContiguousArray<(job: Job, arrival: SimInstant)> = []
    var head = 0
    public private(set) var busy = 0
    public private(set) var arrivals: Int64 = 0
    public private(set) var completions: Int64 = 0
    public private(set) var queueingDelay = LatencyHistogram()
    public private(set) var queueLength = TimeWeightedValue(start: .zero)

    public init(name: String, workers: Int, serviceTime: Distribution, stream: RandomStream) {
        precondition(workers >= 1, "a station needs at least one worker")
        self.name = name
        self.workers = workers
        self.serviceTime = serviceTime
        self.stream = stream
    }

    /// The number of jobs waiting (not in service).
    public var waitingCount: Int { waiting.count - head }

    /// A job arrives; returns it if a worker is free (it starts now), nil if it waits.
    /// - Complexity: O(1) amortised.
    public mutating func arrive(_ job: Job, at now: SimInstant) -> Job? {
        arrivals += 1
        if busy < workers {
            busy += 1
            queueingDelay.record(0)
            return job
        }
        waiting.append((job, now))
        queueLength.set(Double(waitingCount), at: now)
        return nil
    }

    /// A worker finishes; returns the next waiting job, which starts now on that worker.
    /// - Complexity: O(1) amortised.
    public mutating func complete(at now: SimInstant) -> Job? {
        precondition(busy > 0, "completion at an idle station \(name)")
        completions += 1
        guard head < waiting.count else {
            busy -= 1
            return nil
        }
        let next = waiting[head]
        head += 1
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024 && head * 2 >= waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        queueLength.set(Double(waitingCount), at: now)
        queueingDelay.record((now - next.arrival).nanoseconds)
        return next.job
    }

    /// One service time.
    public mutating func drawServiceTime() -> SimDuration { serviceTime.sampleDuration(stream) }

    /// Restarts the measurements (end of warm-up); jobs in the system are kept.
    public mutating func resetStatistics(at now: SimInstant) {
        arrivals = 0
        completions = 0
        queueingDelay = LatencyHistogram()
        queueLength.reset(at: now)
    }

    /// Records `<prefix>_arrivals_count`, `<prefix>_queueing_delay_{mean,p99}` (ns) and `<prefix>_queue_length_mean`.
    public func summarize(into result: inout ReplicationResult, prefix: String, until end: SimInstant) {
        result.record(prefix + "_arrivals_count", unit: "count", value: Double(arrivals))
        result.record(prefix + "_queueing_delay_mean", unit: "ns", value: queueingDelay.count > 0 ? queueingDelay.mean : 0)
        result.record(prefix + "_queueing_delay_p99", unit: "ns", value: queueingDelay.count > 0 ? queueingDelay.quantile(0.99) : 0)
        result.record(prefix + "_queue_length_mean", unit: "jobs", value: queueLength.mean(until: end))
    }
}
