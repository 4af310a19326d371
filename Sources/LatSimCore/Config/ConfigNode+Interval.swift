/// Times between events, read from configs: one floor and one message for every kind.
///
///     let poll = try node.interval("poll_interval", default: .milliseconds(10))
///     let ticks = try node.intervalDistribution("tick_interval")        // mean >= 1us
///     let rate = try node.ratePerSecond("rate_per_second")              // <= 1,000,000 per second
///
/// A zero or near-zero interval between events schedules them (almost) forever at one instant:
/// the run then spends its whole event budget on one component, or hangs inside one step. So
/// every parameter that is a time between events (poll, tick, publish, send, block, slot,
/// batch, retry, trace intervals, and rates, whose reciprocal is one) must be at least
/// `SimDuration.minimumEventInterval`, and every kind says so with the same message.
extension SimDuration {
    /// The shortest time between events a config may ask for: 1 microsecond (a million events per second per source).
    public static let minimumEventInterval = SimDuration.microseconds(1)
}

extension ConfigNode {
    static let intervalProblem = "is a time between events and must be at least 1us (shorter would flood the run with events at one instant)"
    static let rateProblem = "is a rate of events whose interval must be at least 1us (faster would flood the run with events at one instant)"

    /// A fixed interval between events, at least `SimDuration.minimumEventInterval`.
    public func interval(_ key: String, default fallback: SimDuration? = nil) throws -> SimDuration {
        let value = try duration(key, default: fallback)
        guard value >= SimDuration.minimumEventInterval else {
            throw ConfigError(location: (child(key) ?? self).location, path: ConfigNode.join(path, key), problem: ConfigNode.intervalProblem,
                              allowed: "a duration >= 1us", given: child(key)?.description ?? "\(value)")
        }
        return value
    }

    /// A distribution of intervals between events whose mean is at least `SimDuration.minimumEventInterval`.
    public func intervalDistribution(_ key: String, default fallback: Distribution? = nil) throws -> Distribution {
        let d = try distribution(key, default: fallback)
        guard d.mean >= Double(SimDuration.minimumEventInterval.nanoseconds) else {
            throw ConfigError(location: (child(key) ?? self).location, path: ConfigNode.join(path, key), problem: ConfigNode.intervalProblem,
                              allowed: "a distribution with mean >= 1us", given: "\(d) (mean \(formatSignificant(d.mean, digits: 4)) ns)")
        }
        return d
    }

    /// Events per second (the reciprocal of an interval): positive, at most one per `SimDuration.minimumEventInterval`.
    /// With `allowZero`, 0 means "none" (the source is off).
    public func ratePerSecond(_ key: String, default fallback: Double? = nil, allowZero: Bool = false) throws -> Double {
        let maximum = 1e9 / Double(SimDuration.minimumEventInterval.nanoseconds)
        let rate = try double(key, default: fallback, range: 0...Double.greatestFiniteMagnitude)
        if rate == 0 && allowZero { return 0 }
        guard rate >= 1e-9, rate <= maximum else {
            let node = child(key) ?? self
            if rate > maximum {
                throw ConfigError(location: node.location, path: ConfigNode.join(path, key), problem: ConfigNode.rateProblem,
                                  allowed: "a rate in [1e-9, 1000000] per second", given: node.description)
            }
            throw node.error("is out of range", allowed: "a rate in [1e-9, 1000000] per second" + (allowZero ? ", or 0 for none" : ""), given: node.description)
        }
        return rate
    }
}
