/// The broker-outage time series: queue lengths and cumulative counts sampled every
/// `traceInterval` of simulated time, for plots through an outage.
///
///     var spec = ReplicationSpec(replication: 0, rootSeed: 42, horizon: .seconds(3), keepTrace: true)
///     let r = BrokerOutageModel.run(parameters: p, design: .queued, spec: spec)
///     r.traceHeader   // ["time_ns", "broker_stored", ..., "messages_delivered_cumulative"]
///     r.traceRows     // one row at 0, traceInterval, 2 traceInterval, ..., and one at the end of the run
///
/// Sampling schedules no event: before handling an event at time t, the model writes the rows
/// of every sample instant s < t, each with the state after every event at or before s (no
/// event lies in (s, t)); the run writes the rest when it returns, the last row at its end
/// (so the cumulative columns end at the metrics' values). So a trace
/// changes no random draw, no metric and no event count, and cannot reach the event limit.
/// Invariant: rows are in time order, at most `traceLimit` of them; the cumulative columns are
/// whole-run counts (as the metrics `messages_lost` and `messages_delivered`), the
/// others the state at the sample instant.
extension BrokerOutageModel {
    /// At most this many rows per run (then sampling stops).
    static let traceLimit = 100_000

    /// The trace columns: counts of messages (copies per group for delivered and lost).
    public static let traceHeader = ["time_ns", "broker_stored", "consumer_queue_total", "producer_buffered",
                                     "components_down", "messages_lost_cumulative", "messages_delivered_cumulative"]

    /// Writes the rows of every sample instant before `now`.
    mutating func sample(before now: SimInstant) {
        while sampling && nextSampleAt < now { writeSample() }
    }

    /// Writes the rows of every sample instant up to and including `end` (the end of the run),
    /// then a last row at `end` itself when it is not a sample instant (the final state).
    mutating func sample(through end: SimInstant) {
        while sampling && nextSampleAt <= end { writeSample() }
        if sampling && nextSampleAt - p.traceInterval < end {
            nextSampleAt = end
            writeSample()
        }
    }

    private mutating func writeSample() {
        let waiting = consumers.reduce(0) { $0 + $1.waiting }
        let buffered = producerBuffers.reduce(0) { $0 + $1.count }
        trace.append(["\(nextSampleAt.nanosecondsSinceStart)", "\(broker.storedCount)", "\(waiting)", "\(buffered)",
                      "\(down.reduce(0) { $0 + ($1 ? 1 : 0) })", "\(lostOutage + lostOverflow)", "\(deliveredUnique)"])
        nextSampleAt = nextSampleAt + p.traceInterval
        if trace.count >= BrokerOutageModel.traceLimit { sampling = false }
    }
}
