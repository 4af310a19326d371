/// A time-varying regime that scales or replaces a link's latency distribution.
///
///     // calm 2 ms median; stress (mean sojourn 5 s) doubles every latency
///     var regime = try LatencyRegime.markov([.init(name: "calm", meanSojourn: .seconds(60)),
///                                            .init(name: "stress", meanSojourn: .seconds(5), factor: 2)])
///     let state = regime.advance(to: now, stream: stream)   // index into `states`
///
/// Two forms: a `schedule` (state i from time t_i on, sorted) or a Markov-modulated cycle
/// (each state lasts an exponential time with its mean sojourn, then the next state in the
/// list follows, cyclically: with two states this is the calm/stress alternation).
///
/// Invariant: `advance` is called with non-decreasing times (simulation time), so the regime
/// is evaluated lazily and costs nothing between changes.
public struct LatencyRegime: Sendable {
    public struct State: Sendable {
        public var name: String
        /// Mean time spent in the state (Markov form only).
        public var meanSojourn: SimDuration
        /// Every latency drawn in this state is multiplied by this factor.
        public var factor: Double
        /// When set, latencies in this state are drawn from this distribution instead (then scaled by `factor`).
        public var replacement: Distribution?

        public init(name: String, meanSojourn: SimDuration = .zero, factor: Double = 1, replacement: Distribution? = nil) {
            self.name = name
            self.meanSojourn = meanSojourn
            self.factor = factor
            self.replacement = replacement
        }
    }

    public let states: [State]
    /// Schedule form: (start time, state index), sorted by time; empty for the Markov form.
    public let changes: [(start: SimInstant, state: Int)]
    public let isMarkov: Bool
    public private(set) var current: Int
    var nextChange: SimInstant
    var nextScheduleIndex = 0
    var started = false

    /// A schedule: state `changes[i].state` from `changes[i].start` on; state 0 before the first change.
    public static func schedule(_ states: [State], changes: [(start: SimInstant, state: Int)]) throws -> LatencyRegime {
        try validate(states)
        for (i, change) in changes.enumerated() {
            guard states.indices.contains(change.state) else {
                throw ParameterError(parameter: "changes[\(i)].state", problem: "names no state",
                                     allowed: states.map(\.name).joined(separator: ", "), given: "\(change.state)")
            }
            if i > 0 && change.start < changes[i - 1].start {
                throw ParameterError(parameter: "changes[\(i)].at", problem: "is earlier than the change before it",
                                     allowed: "times in increasing order", given: "\(change.start)")
            }
        }
        return LatencyRegime(states: states, changes: changes, isMarkov: false)
    }

    /// A Markov-modulated cycle through `states`, starting in state 0 at time zero.
    public static func markov(_ states: [State]) throws -> LatencyRegime {
        try validate(states)
        for (i, s) in states.enumerated() where s.meanSojourn <= .zero {
            throw ParameterError(parameter: "states[\(i)].mean_sojourn", problem: "must be positive",
                                 allowed: "a duration > 0", given: "\(s.meanSojourn)")
        }
        return LatencyRegime(states: states, changes: [], isMarkov: true)
    }

    static func validate(_ states: [State]) throws {
        guard !states.isEmpty else {
            throw ParameterError(parameter: "states", problem: "is empty", allowed: "at least one state", given: "[]")
        }
        for (i, s) in states.enumerated() where !(s.factor > 0 && s.factor.isFinite) {
            throw ParameterError(parameter: "states[\(i)].factor", problem: "must be positive", allowed: "a number > 0", given: "\(s.factor)")
        }
    }

    init(states: [State], changes: [(start: SimInstant, state: Int)], isMarkov: Bool) {
        self.states = states
        self.changes = changes
        self.isMarkov = isMarkov
        self.current = 0
        self.nextChange = isMarkov ? .zero : (changes.first?.start ?? .distantFuture)
    }

    /// The state in force at `now` (advancing through every change up to `now`).
    /// The Markov form draws its sojourn times from `stream` (the link's regime stream).
    public mutating func advance(to now: SimInstant, stream: some RandomSource) -> Int {
        if now < nextChange { return current }
        if isMarkov {
            if !started {
                started = true
                // First call: draw the first sojourn.
                nextChange = SimInstant.zero + SimDuration(roundingNanoseconds: stream.exponential(mean: Double(states[0].meanSojourn.nanoseconds)))
            }
            while now >= nextChange {
                current = (current + 1) % states.count
                nextChange = nextChange + SimDuration(roundingNanoseconds: stream.exponential(mean: Double(states[current].meanSojourn.nanoseconds)))
            }
        } else {
            while nextScheduleIndex < changes.count && changes[nextScheduleIndex].start <= now {
                current = changes[nextScheduleIndex].state
                nextScheduleIndex += 1
            }
            nextChange = nextScheduleIndex < changes.count ? changes[nextScheduleIndex].start : .distantFuture
        }
        return current
    }
}
