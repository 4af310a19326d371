/// How a station picks the next waiting job.
public enum QueueDiscipline: Sendable, Equatable {
    /// First come, first served.
    case fifo
    /// Strict priority: level 0 first, then 1, ...; FIFO within a level. Non-preemptive.
    case priority(levels: Int)
}

/// What a station does when a job arrives and its waiting room is full.
public enum OverflowPolicy: String, Sendable, CaseIterable {
    /// The arriving job is dropped.
    case dropNewest = "drop-newest"
    /// The oldest waiting job is dropped to make room.
    case dropOldest = "drop-oldest"
    /// The arriving job is held back at its sender (backpressure) and admitted, in arrival
    /// order, when room frees; the sender is blocked meanwhile.
    case block
}

/// A service station inside a node: `workers` identical servers, a waiting room of
/// `capacity` jobs, a service-time distribution (ns), a discipline and an overflow policy.
///
///     var station = ServiceStation<Int32>(workers: 2, service: try .exponential(mean: 1e6), capacity: 100)
///     switch station.arrive(7, at: now, stream: s) {
///     case .started(let done): context.schedule(.serviceDone(7), at: done)
///     case .queued, .blocked: break
///     case .dropped(let job, _): lost(job)
///     }
///     // at .serviceDone: if let next = station.complete(at: now, stream: s).started { schedule(next) }
///
/// The station computes times; the model schedules the completion events (one per job in
/// service), so the station holds no closures and allocates nothing per job once its queue
/// has reached its peak size. Invariants: `busy <= workers`; `waiting <= capacity`; a job
/// waits only when every worker is busy; under `.block` the waiting room never overflows.
/// Statistics (counters, waits, queue length) restart at `resetStatistics(at:)` (warm-up).
public struct ServiceStation<Job> {
    public enum ArrivalOutcome {
        /// Service started at once; it completes at the given time.
        case started(completion: SimInstant)
        /// The job waits.
        case queued
        /// The job is held at its sender (backpressure) until room frees.
        case blocked
        /// A job was dropped: the arriving one (`.overflowNewest`) or the oldest waiting one (`.overflowOldest`).
        case dropped(Job, MessageLedger.DropReason)
    }

    public struct CompletionOutcome {
        /// The next job whose service started, with its completion time.
        public var started: (job: Job, completion: SimInstant)?
        /// A job held at its sender that was admitted to the waiting room (its sender may go on).
        public var admitted: Job?
    }

    public let workers: Int
    public let service: Distribution
    public let capacity: Int
    public let discipline: QueueDiscipline
    public let overflow: OverflowPolicy

    @usableFromInline var queues: [RingBuffer<(job: Job, arrival: SimInstant)>]
    /// Jobs held at their senders under `.block` (the mechanism a broker's `block` shares).
    @usableFromInline var held: Backpressure<Job>
    public private(set) var busy = 0
    public private(set) var waiting = 0

    // Statistics since the last reset.
    public private(set) var arrivals: Int64 = 0
    public private(set) var started: Int64 = 0
    public private(set) var completed: Int64 = 0
    public private(set) var droppedNewest: Int64 = 0
    public private(set) var droppedOldest: Int64 = 0
    /// Arrivals held at their senders by a full waiting room (backpressure).
    public var blockedCount: Int64 { held.blockedCount }
    /// Total time from arrival to the start of service (ns), over jobs started (an exact sum:
    /// the wait's mean is `waitTimeMean`; its distribution is the sojourn's minus the service).
    public private(set) var waitTimeTotal: Double = 0
    /// Mean time from arrival to the start of service (ns), per job started (nan when none).
    public var waitTimeMean: Double { started > 0 ? waitTimeTotal / Double(started) : .nan }
    /// Time from arrival to the end of service (ns), per job started (wait plus service drawn at the start).
    public var sojournTime = LatencyHistogram()
    /// Jobs waiting (not in service), over time.
    public private(set) var queueLength: TimeWeightedValue
    /// Jobs in the station (waiting plus in service), over time.
    public private(set) var inSystem: TimeWeightedValue
    /// Busy workers, over time (utilisation = mean / workers).
    public private(set) var busyWorkers: TimeWeightedValue
    /// Jobs held at their senders under backpressure, over time.
    public var heldLength: TimeWeightedValue { held.heldLength }

    public init(workers: Int, service: Distribution, capacity: Int = .max, discipline: QueueDiscipline = .fifo,
                overflow: OverflowPolicy = .dropNewest, start: SimInstant = .zero) {
        precondition(workers >= 1, "a station needs at least one worker")
        precondition(capacity >= 0, "capacity must not be negative")
        self.workers = workers
        self.service = service
        self.capacity = capacity
        self.discipline = discipline
        self.overflow = overflow
        let levels: Int
        if case .priority(let n) = discipline { precondition(n >= 1); levels = n } else { levels = 1 }
        queues = (0..<levels).map { _ in RingBuffer() }
        queueLength = TimeWeightedValue(start: start)
        inSystem = TimeWeightedValue(start: start)
        busyWorkers = TimeWeightedValue(start: start)
        held = Backpressure(start: start)
    }

    /// Jobs held at senders under backpressure.
    public var heldCount: Int { held.count }

    /// A job arrives (priority `level`, 0 is served first; ignored under FIFO).
    public mutating func arrive(_ job: Job, level: Int = 0, at now: SimInstant, stream: some RandomSource) -> ArrivalOutcome {
        arrivals &+= 1
        if busy < workers {
            return .started(completion: begin(arrival: now, at: now, stream: stream))
        }
        if waiting >= capacity {
            switch overflow {
            case .dropNewest:
                droppedNewest &+= 1
                return .dropped(job, .overflowNewest)
            case .dropOldest:
                guard let victim = removeOldestWaiting() else {
                    droppedNewest &+= 1
                    return .dropped(job, .overflowNewest)   // capacity 0: nothing to evict
                }
                droppedOldest &+= 1
                enqueue(job, level: level, at: now)
                return .dropped(victim, .overflowOldest)
            case .block:
                held.hold(job, level: level, at: now)
                return .blocked
            }
        }
        enqueue(job, level: level, at: now)
        return .queued
    }

    /// A job in service finished at `now`: frees its worker, starts the next waiting job and
    /// admits one held job, if any.
    public mutating func complete(at now: SimInstant, stream: some RandomSource) -> CompletionOutcome {
        precondition(busy > 0, "completion at a station with no job in service")
        completed &+= 1
        busy -= 1
        var outcome = CompletionOutcome(started: nil, admitted: nil)
        if waiting > 0 {
            let level = queues.firstIndex { !$0.isEmpty }!
            let next = queues[level].popFirst()!
            waiting -= 1
            let done = begin(arrival: next.arrival, at: now, stream: stream)
            outcome.started = (next.job, done)
        } else {
            busyWorkers.set(Double(busy), at: now)
            inSystem.set(Double(busy), at: now)
        }
        if waiting < capacity, let h = held.admit(at: now) {
            // The held time counts as waiting: the job's arrival time is when its sender first tried.
            queues[h.level].append((h.job, h.arrival))
            waiting += 1
            queueLength.set(Double(waiting), at: now)
            inSystem.set(Double(waiting + busy), at: now)
            outcome.admitted = h.job
        }
        return outcome
    }

    @inline(__always)
    mutating func begin(arrival: SimInstant, at now: SimInstant, stream: some RandomSource) -> SimInstant {
        busy += 1
        started &+= 1
        let serviceTime = service.sampleDuration(stream)
        waitTimeTotal += Double((now - arrival).nanoseconds)
        sojournTime.record((now - arrival) + serviceTime)
        busyWorkers.set(Double(busy), at: now)
        queueLength.set(Double(waiting), at: now)
        inSystem.set(Double(waiting + busy), at: now)
        return now + serviceTime
    }

    mutating func enqueue(_ job: Job, level: Int, at now: SimInstant) {
        let l = queues.count == 1 ? 0 : Swift.min(Swift.max(level, 0), queues.count - 1)
        queues[l].append((job, now))
        waiting += 1
        queueLength.set(Double(waiting), at: now)
        inSystem.set(Double(waiting + busy), at: now)
    }

    /// Drops the oldest waiting job of the lowest-priority non-empty level.
    mutating func removeOldestWaiting() -> Job? {
        guard let level = queues.lastIndex(where: { !$0.isEmpty }) else { return nil }
        waiting -= 1
        return queues[level].popFirst()!.job
    }

    /// Removes every waiting and held job (a crash that loses the queue); returns how many.
    /// Jobs in service are not touched: their completion events are the model's to cancel.
    public mutating func clearQueue(at now: SimInstant) -> (waiting: Int, held: Int) {
        clearQueue(at: now) { _ in }
    }

    /// Removes every waiting and held job, handing each to `lost` (oldest first, by level).
    @discardableResult
    public mutating func clearQueue(at now: SimInstant, lost: (Job) -> Void) -> (waiting: Int, held: Int) {
        let w = waiting, h = held.count
        for index in queues.indices { for k in 0..<queues[index].count { lost(queues[index][k].job) } }
        held.removeAll(at: now, lost: lost)
        for index in queues.indices { queues[index].removeAll() }
        waiting = 0
        queueLength.set(0, at: now)
        inSystem.set(Double(busy), at: now)
        return (w, h)
    }

    /// Restarts every statistic at `now` (the end of the warm-up), keeping the state.
    public mutating func resetStatistics(at now: SimInstant) {
        arrivals = 0; started = 0; completed = 0; droppedNewest = 0; droppedOldest = 0
        held.resetStatistics(at: now)
        waitTimeTotal = 0
        sojournTime = LatencyHistogram()
        queueLength.reset(at: now)
        inSystem.reset(at: now)
        busyWorkers.reset(at: now)
    }

    /// Mean busy workers over [reset, end] divided by `workers`.
    public func utilisation(until end: SimInstant) -> Double { busyWorkers.mean(until: end) / Double(workers) }

    /// Records the station's standard metrics under `prefix` (e.g. "station"), in the order of
    /// `ServiceStationMetrics.metricSchema`.
    public func summarize(into result: inout ReplicationResult, prefix: String, until end: SimInstant) {
        result.record(prefix + "_utilisation", unit: "ratio", value: utilisation(until: end))
        result.record(prefix + "_queue_length_mean", unit: "jobs", value: queueLength.mean(until: end))
        result.record(prefix + "_queue_length_max", unit: "jobs", value: queueLength.maximum)
        result.record(prefix + "_wait_mean", unit: "ns", value: waitTimeMean)
        result.record(prefix + "_sojourn_mean", unit: "ns", value: sojournTime.mean)
        result.record(prefix + "_in_system_mean", unit: "jobs", value: inSystem.mean(until: end))
        result.record(prefix + "_started", unit: "count", value: Double(started))
        result.record(prefix + "_dropped", unit: "count", value: Double(droppedNewest + droppedOldest))
        result.record(prefix + "_blocked", unit: "count", value: Double(blockedCount))
    }
}

/// The metrics every `ServiceStation` records (not generic over the job type, so a scenario can
/// declare them without naming one).
public enum ServiceStationMetrics {
    /// The metrics `ServiceStation.summarize(into:prefix:until:)` records, in its order (for a scenario's metric
    /// schema: `latsim list` and the `metrics:` filter); `what` names the station in the summaries.
    public static func metricSchema(prefix: String, of what: String) -> [(name: String, unit: String, summary: String)] {
        [("_utilisation", "ratio", "mean busy workers / workers"), ("_queue_length_mean", "jobs", "time-weighted mean queue length"),
         ("_queue_length_max", "jobs", "maximum queue length"), ("_wait_mean", "ns", "mean wait from arrival to start of service"),
         ("_sojourn_mean", "ns", "mean time from arrival to departure"), ("_in_system_mean", "jobs", "time-weighted mean jobs in the station"),
         ("_started", "count", "services started"), ("_dropped", "count", "jobs dropped by a full queue"),
         ("_blocked", "count", "arrivals held at their sender by a full queue (backpressure)")]
            .map { (prefix + $0.0, $0.1, what + ": " + $0.2) }
    }
}
