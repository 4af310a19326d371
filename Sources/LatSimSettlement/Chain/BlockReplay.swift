import LatSimCore

/// Block times replayed from a CSV of block (or slot) numbers and timestamps:
///
///     blocks: {type: replay, file: data/eth-blocks.csv, number_column: number, time_column: timestamp,
///              time_unit: s, epoch: unix, past_end: wrap, capacity_column: tx_count, capacity_scale: 1}
///
/// Block k of the file comes at its timestamp minus the first row's (the first block at t = 0).
/// A gap in the numbers (n, then n + 3) is two missed slots: nothing is produced there, and the
/// slot numbers (the file's) place blocks in epochs for `finality: {epochs: ...}`. Past the last
/// row, `past_end: wrap` (the default) repeats the file's intervals from the start, shifted by
/// its span (slot numbers likewise), so a run longer than the file keeps the file's interval
/// law; `past_end: stop` produces no more blocks (transactions then wait forever: their
/// latencies are not observed). With `capacity_column`, block k includes at most
/// round(value x `capacity_scale`) transactions instead of the chain's `capacity`.
/// Invariants: at least two rows, numbers strictly increasing, times non-decreasing with a
/// positive span, so a next block always exists and time advances (no event storm when wrapping).
public struct BlockReplay: Sendable, Equatable {
    public enum PastEnd: String, Sendable, CaseIterable { case wrap, stop }

    /// The path as resolved, and its content hash (0x + 16 hex digits).
    public var file: String
    public var contentHash: String
    /// Block times in ns from the first row (times[0] = 0), non-decreasing.
    public var times: [Int64]
    /// Block (slot) numbers as in the file, strictly increasing.
    public var numbers: [Int64]
    /// Per-block capacity (transactions), when the file gives one.
    public var capacities: [Int]?
    public var pastEnd: PastEnd

    public init(file: String, contentHash: String = "", times: [Int64], numbers: [Int64], capacities: [Int]? = nil, pastEnd: PastEnd = .wrap) throws {
        guard times.count >= 2, times.count == numbers.count else {
            throw ParameterError(parameter: file, problem: "has \(times.count) block row\(times.count == 1 ? "" : "s")",
                                 allowed: "at least two blocks (one interval)", given: "\(times.count)")
        }
        guard times.last! > times.first! else {
            throw ParameterError(parameter: file, problem: "has all its blocks at one time (a span of 0)",
                                 allowed: "timestamps spanning a positive time", given: "\(times.first!)")
        }
        self.file = file
        self.contentHash = contentHash
        self.times = times.map { $0 - times[0] }
        self.numbers = numbers
        self.capacities = capacities
        self.pastEnd = pastEnd
    }

    /// The file's span: last time minus first.
    public var span: SimDuration { SimDuration(nanoseconds: times.last!) }
    public var intervalCount: Int { times.count - 1 }
    public var meanInterval: SimDuration { SimDuration(roundingNanoseconds: Double(times.last!) / Double(intervalCount)) }
    /// Slots without a block: the sum over gaps of (gap - 1).
    public var missedSlots: Int64 { numbers.last! - numbers.first! - Int64(intervalCount) }

    /// The intervals between consecutive blocks, in ns.
    public var intervals: [Int64] { (1..<times.count).map { times[$0] - times[$0 - 1] } }

    /// Block `k` (0-based, counting wrapped repetitions): its time, slot number and capacity;
    /// nil past the end with `past_end: stop`.
    public func block(_ k: Int64, defaultCapacity: Int) -> (time: SimInstant, slot: Int64, capacity: Int)? {
        // Block 0 is row 0; block k >= 1 is row 1 + (k - 1) mod m of repetition (k - 1) / m, so
        // every row after the first is used once per repetition (its time, slot and capacity).
        let m = Int64(intervalCount)
        if pastEnd == .stop && k > m { return nil }
        let cycle = k == 0 ? 0 : (k - 1) / m, r = k == 0 ? 0 : Int((k - 1) % m) + 1
        let (shift, o1) = cycle.multipliedReportingOverflow(by: times.last!)
        let (time, o2) = shift.addingReportingOverflow(times[r])
        guard !o1, !o2 else { return nil }
        let slot = numbers[r] &+ cycle &* (numbers.last! - numbers.first!)
        return (SimInstant(nanosecondsSinceStart: time), slot, capacities?[r] ?? defaultCapacity)
    }

    /// count, mean, sd, p50, p99, max of the intervals and the missed slots: what validate prints.
    public var statistics: String {
        let sorted = intervals.sorted()
        let n = Double(sorted.count)
        let mean = sorted.reduce(0.0) { $0 + Double($1) } / n
        let variance = sorted.count > 1 ? sorted.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1) : 0
        func quantile(_ p: Double) -> Int64 { sorted[Swift.min(sorted.count - 1, Int((p * n).rounded(.up)) - 1)] }
        func d(_ ns: Double) -> String { "\(SimDuration(roundingNanoseconds: ns))" }
        return "\(sorted.count) intervals: mean \(d(mean)), sd \(d(variance.squareRoot())), p50 \(d(Double(quantile(0.5))))"
            + ", p99 \(d(Double(quantile(0.99)))), max \(d(Double(sorted.last!))); \(missedSlots) missed slot\(missedSlots == 1 ? "" : "s")"
            + " (numbers \(numbers.first!)...\(numbers.last!))"
    }

    /// Validate's lines for chain `name` in a run of `horizon` (warm-up included).
    public func notes(chain name: String, horizon: SimDuration) -> [String] {
        var lines = ["chain \(name): replays \(file) (\(contentHash)): \(times.count) blocks over \(span)"
                     + (capacities != nil ? ", per-block capacity from the file" : "")]
        lines.append("  \(statistics)")
        if horizon > span {
            lines.append(pastEnd == .wrap
                         ? "  note: the run (\(horizon)) is longer than the file (\(span)): its intervals repeat from the start every \(span)"
                         : "  note: the run (\(horizon)) is longer than the file (\(span)): no blocks after \(span) (past_end: stop)")
        }
        return lines
    }
}
