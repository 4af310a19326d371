/// A model the run loop drives: it receives each event at its time and may schedule more.
///
///     struct Ping: SimulationModel {
///         mutating func handle(_ event: Int, context: inout SimulationContext<Int>) {
///             if event < 3 { context.schedule(event + 1, after: .milliseconds(1)) }
///         }
///     }
///
/// Events are value types (typically an enum with payloads), never closures.
public protocol SimulationModel {
    associatedtype Event
    mutating func handle(_ event: Event, context: inout SimulationContext<Event>)
}

/// What a handler sees and uses: the current time and the means to schedule events.
///
/// Invariant: `now` is set before a handler runs, and an event is never scheduled in the past.
public struct SimulationContext<Event> {
    /// The current simulated time: the time of the event being handled.
    @inlinable public var now: SimInstant { currentTime }
    @usableFromInline var currentTime: SimInstant = .zero
    @usableFromInline var queue = EventQueue<Event>()
    /// The event being handled is still at the top of the heap: the first `schedule` of the
    /// handler replaces it in one sift (the hold pattern), otherwise it is removed afterwards.
    /// The event being handled is still at the top of the heap: the first `schedule` of the
    /// handler replaces it in one sift (the hold pattern), otherwise it is removed afterwards.
    @usableFromInline var currentIsAtTop = false
    /// Events handled so far.
    @inlinable public var eventsProcessed: Int64 { handledCount }
    @usableFromInline var handledCount: Int64 = 0
    @usableFromInline var stopRequested: String? = nil

    @inlinable public init() {}

    /// Schedules `event` at `time`, which must not be earlier than `now`.
    /// - Complexity: O(log n)
    @inlinable public mutating func schedule(_ event: Event, at time: SimInstant) {
        precondition(time >= now, "event scheduled in the past: \(time) < now \(now)")
        if currentIsAtTop {
            currentIsAtTop = false
            queue.replaceMin(with: event, at: time)
        } else {
            queue.push(event, at: time)
        }
    }

    /// Schedules `event` after `delay` (which must not be negative).
    @inlinable public mutating func schedule(_ event: Event, after delay: SimDuration) {
        precondition(delay >= .zero, "negative delay \(delay)")
        schedule(event, at: now + delay)
    }

    /// Asks the run loop to stop after this handler, giving the reason it reports.
    public mutating func requestStop(reason: String) { stopRequested = reason }

    /// Events scheduled and not yet handled.
    @inlinable public var pendingCount: Int { queue.count - (currentIsAtTop ? 1 : 0) }

    /// Whether an event other than the one being handled is pending at `now` (it will run
    /// before any later one). A handler that must run after everything else at its instant
    /// (a block sealed after every arrival at its sealing time) re-schedules itself at `now`
    /// while this holds, with a bound of its own.
    /// - Complexity: O(1)
    @inlinable public var hasOtherEventNow: Bool {
        let s = queue.storage
        let t = currentTime.nanosecondsSinceStart
        if currentIsAtTop {
            // The handled event is the root: the next one is one of its children (1 ... arity).
            var child = 1
            while child < s.count && child <= EventQueue<Event>.arity {
                if s[child].time == t { return true }
                child += 1
            }
            return false
        }
        return !s.isEmpty && s[0].time == t
    }

    /// The event likely to be handled next, for a model to prefetch what it will read: while a
    /// handler runs and before it schedules anything, the earliest child of the heap's root (the
    /// next event unless the handler schedules an earlier one). A model whose state is too big
    /// for the caches (100,000 components) asks the memory for that event's state at the start
    /// of a handler, so the misses overlap the handler's work instead of stalling the next one.
    /// - Complexity: O(1)
    @inlinable public var likelyNextEvent: Event? { currentIsAtTop ? queue.earliestChildOfRoot : queue.min?.event }

    /// Bytes held by the pending-event storage.
    public var queueMemoryBytes: Int { queue.capacity * EventQueue<Event>.bytesPerEntry }

}

extension SimulationContext {
    /// Removes the handled event if the handler scheduled nothing that replaced it.
    @inlinable mutating func settleCurrent() {
        if currentIsAtTop {
            currentIsAtTop = false
            queue.removeMin()
        }
    }
}

/// Why a run stopped.
public enum StopReason: Equatable, Sendable, CustomStringConvertible {
    /// The next event lies beyond the time horizon.
    case horizonReached(SimInstant)
    /// The event-count bound was reached.
    case eventLimitReached(Int64)
    /// No event is pending.
    case queueEmpty
    /// The model asked to stop.
    case requestedByModel(String)

    public var description: String {
        switch self {
        case .horizonReached(let t): return "horizon reached (\(SimDuration(nanoseconds: t.nanosecondsSinceStart)))"
        case .eventLimitReached(let n): return "event limit reached (\(n) events)"
        case .queueEmpty: return "no event pending"
        case .requestedByModel(let why): return "stopped by the model: \(why)"
        }
    }
}

/// Bounds on a run: a simulated-time horizon and an event count. Every run has both.
public struct RunLimits: Sendable, Equatable {
    /// Events at times after the horizon are not handled.
    public var horizon: SimInstant
    /// At most this many events are handled by one `run` call.
    public var maxEvents: Int64

    public init(horizon: SimInstant = .distantFuture, maxEvents: Int64 = 1_000_000_000) {
        precondition(maxEvents >= 0, "maxEvents must not be negative")
        self.horizon = horizon
        self.maxEvents = maxEvents
    }
}

/// A model and its pending events: the run loop.
///
///     var sim = Simulation(model: Ping())
///     sim.schedule(0, at: .zero)
///     let reason = sim.run(RunLimits(horizon: SimInstant.zero + .seconds(1)))
///
/// `step` is the core; `run` is `step` in a loop with limits.
public struct Simulation<Model: SimulationModel> {
    public var model: Model
    public var context = SimulationContext<Model.Event>()

    @inlinable public init(model: Model) { self.model = model }

    /// The current simulated time.
    @inlinable public var now: SimInstant { context.now }

    /// Schedules an event from outside a handler (initial events).
    @inlinable public mutating func schedule(_ event: Model.Event, at time: SimInstant) {
        context.settleCurrent()
        context.schedule(event, at: time)
    }

    /// Handles the earliest pending event if its time is within `horizon`; returns false otherwise.
    @inlinable @discardableResult
    public mutating func step(horizon: SimInstant = .distantFuture) -> Bool {
        context.settleCurrent()
        guard let time = context.queue.minTime, time <= horizon else { return false }
        #if LATSIM_INVARIANTS
        precondition(time >= context.now, "event in the past: \(time) < now \(context.now)")
        #endif
        let event = context.queue.storage[0].event
        context.currentTime = time
        context.currentIsAtTop = true
        context.handledCount &+= 1
        model.handle(event, context: &context)
        return true
    }

    /// Runs until a limit stops it, and says which.
    /// On `horizonReached`, `now` advances to the horizon (time passes even without events).
    @inlinable
    public mutating func run(_ limits: RunLimits) -> StopReason {
        var handled: Int64 = 0
        while true {
            if let why = context.stopRequested {
                context.stopRequested = nil
                context.settleCurrent()
                return .requestedByModel(why)
            }
            if handled >= limits.maxEvents {
                context.settleCurrent()
                return .eventLimitReached(handled)
            }
            if !step(horizon: limits.horizon) {
                if context.queue.isEmpty { return .queueEmpty }
                if limits.horizon != .distantFuture && limits.horizon > context.now { context.currentTime = limits.horizon }
                return .horizonReached(limits.horizon)
            }
            handled &+= 1
            #if LATSIM_INVARIANTS
            if handled & 0xFFF == 0 { context.queue.checkInvariants() }
            #endif
        }
    }
}
