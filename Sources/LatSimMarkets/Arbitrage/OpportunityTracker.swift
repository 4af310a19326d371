/// Arbitrage opportunities between two venues as an omniscient observer sees them: episodes
/// when the true books offer a profit net of spreads and fees for `orderSize`.
///
///     var tracker = OpportunityTracker(orderSize: 1)
///     tracker.update(edgePerUnit: edge, now: now, measuring: true)   // after every book change
///
/// Edge per unit (buy on venue i, sell on venue j, both with depth >= orderSize):
///     edge = bid_j (1 - fee_j) - ask_i (1 + fee_i),   maximised over the two directions.
/// An episode starts when the edge becomes > 0 and ends when it is <= 0 again (a refresh moved
/// the prices, or a fill took the depth). Its available profit is orderSize x the largest edge
/// seen during the episode. Only episodes that start while `measuring` are counted.
/// Invariant: at most one episode is open; `capturedBy.count == count`.
public struct OpportunityTracker {
    public let orderSize: Double
    /// The id of the open episode (an index into `capturedBy`), or -1.
    public private(set) var openEpisode: Int = -1
    var openStart: SimInstant = .zero
    var openMaxEdge: Double = 0
    var openMeasured = false
    /// The bot that first captured each measured episode, or -1.
    public private(set) var capturedBy: ContiguousArray<Int32> = []
    public private(set) var profitAvailable: ContiguousArray<Double> = []
    public private(set) var totalDurationNanoseconds: Double = 0
    /// Episodes started while not measuring get ids too but are not counted.
    var measuredFlags: ContiguousArray<Bool> = []
    /// Start and end of each episode (end = start while open), for the trace.
    public private(set) var starts: ContiguousArray<SimInstant> = []
    public private(set) var ends: ContiguousArray<SimInstant> = []

    public init(orderSize: Double) { self.orderSize = orderSize }

    /// The number of measured episodes.
    public var count: Int { measuredFlags.lazy.filter { $0 }.count }

    /// Feeds the current best edge per unit (after every book change).
    public mutating func update(edgePerUnit edge: Double, now: SimInstant, measuring: Bool) {
        if edge > 0 {
            if openEpisode < 0 {
                openEpisode = capturedBy.count
                capturedBy.append(-1)
                profitAvailable.append(0)
                measuredFlags.append(measuring)
                starts.append(now)
                ends.append(now)
                openStart = now
                openMaxEdge = edge
                openMeasured = measuring
            } else if edge > openMaxEdge {
                openMaxEdge = edge
            }
            profitAvailable[openEpisode] = openMaxEdge * orderSize
        } else if openEpisode >= 0 {
            close(at: now)
        }
    }

    /// Closes the open episode (at the end of the run, or when the edge vanishes).
    public mutating func close(at now: SimInstant) {
        guard openEpisode >= 0 else { return }
        if openMeasured { totalDurationNanoseconds += Double((now - openStart).nanoseconds) }
        ends[openEpisode] = now
        openEpisode = -1
    }

    /// Marks `episode` captured by `bot` if no one captured it before; true if this bot is the first.
    @discardableResult
    public mutating func markCaptured(episode: Int, bot: Int) -> Bool {
        guard episode >= 0, capturedBy[episode] < 0 else { return false }
        capturedBy[episode] = Int32(bot)
        return true
    }

    public func isMeasured(_ episode: Int) -> Bool { episode >= 0 && measuredFlags[episode] }

    /// One trace row per measured episode: start and end (ns), profit available, first captor (or empty).
    public func trace(botNames: [String]) -> (header: [String], rows: [[String]]) {
        var rows: [[String]] = []
        for i in capturedBy.indices where measuredFlags[i] {
            rows.append(["\(starts[i].nanosecondsSinceStart)", "\(ends[i].nanosecondsSinceStart)",
                         formatSignificant(profitAvailable[i], digits: 8), capturedBy[i] >= 0 ? botNames[Int(capturedBy[i])] : ""])
        }
        return (["episode_start_ns", "episode_end_ns", "profit_available", "captured_by"], rows)
    }

    /// Sum of profit available over measured episodes.
    public var totalProfitAvailable: Double {
        var sum = 0.0
        for i in profitAvailable.indices where measuredFlags[i] { sum += profitAvailable[i] }
        return sum
    }

    /// Measured episodes captured by any bot.
    public var capturedCount: Int {
        var n = 0
        for i in capturedBy.indices where measuredFlags[i] && capturedBy[i] >= 0 { n += 1 }
        return n
    }
}
