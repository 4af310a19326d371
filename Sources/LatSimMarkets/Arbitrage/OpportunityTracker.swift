import LatSimNetwork

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
///
/// Memory: the totals are streamed; an episode's record is kept only while it is open or an
/// attempt in flight refers to it (`retain`/`release`), so it grows with the attempts pending,
/// not with the episodes seen. Episodes retire in id order; with `tracing`, each measured
/// episode's trace row is taken as it retires (at most `ReplicationSpec.traceRowLimit`).
/// Invariant: at most one episode is open; the live records are consecutive ids.
public struct OpportunityTracker {
    struct Episode {
        var start: SimInstant
        var end: SimInstant
        var profitAvailable: Double = 0
        var measured: Bool
        /// The bot that first captured it, or -1.
        var capturedBy: Int32 = -1
        /// The bots that completed a measured attempt in it (each counted once per episode).
        var captors = ContiguousArray<Int32>()
        /// Attempts in flight that refer to it.
        var references = 0
    }

    public let orderSize: Double
    let tracing: Bool
    /// The id of the open episode, or -1.
    public private(set) var openEpisode: Int = -1
    var openMaxEdge: Double = 0
    /// Episodes that may still be referred to, ids `firstLive ..< nextEpisode`.
    var live = RingBuffer<Episode>()
    var nextEpisode = 0
    /// The number of measured episodes.
    public private(set) var count = 0
    /// Measured episodes captured by any bot.
    public private(set) var capturedCount = 0
    /// Sum of profit available over measured episodes (added as each closes, in id order).
    public private(set) var totalProfitAvailable = 0.0
    public private(set) var totalDurationNanoseconds: Double = 0
    /// Trace rows of retired measured episodes: start and end (ns), profit available, first captor.
    var traceRows = ContiguousArray<(start: Int64, end: Int64, profit: Double, captor: Int32)>()
    public private(set) var traceRowsDropped = 0

    public init(orderSize: Double, tracing: Bool = false) {
        self.orderSize = orderSize
        self.tracing = tracing
    }

    var firstLive: Int { nextEpisode - live.count }
    /// Episode records held (tests: bounded by the attempts in flight).
    public var liveCount: Int { live.count }

    /// Feeds the current best edge per unit (after every book change).
    public mutating func update(edgePerUnit edge: Double, now: SimInstant, measuring: Bool) {
        if edge > 0 {
            if openEpisode < 0 {
                openEpisode = nextEpisode
                nextEpisode += 1
                live.append(Episode(start: now, end: now, measured: measuring))
                if measuring { count += 1 }
                openMaxEdge = edge
            } else if edge > openMaxEdge {
                openMaxEdge = edge
            }
            live[openEpisode - firstLive].profitAvailable = openMaxEdge * orderSize
        } else if openEpisode >= 0 {
            close(at: now)
        }
    }

    /// Closes the open episode (at the end of the run, or when the edge vanishes).
    public mutating func close(at now: SimInstant) {
        guard openEpisode >= 0 else { return }
        let index = openEpisode - firstLive
        live[index].end = now
        let episode = live[index]
        if episode.measured {
            totalDurationNanoseconds += Double((now - episode.start).nanoseconds)
            totalProfitAvailable += episode.profitAvailable
        }
        openEpisode = -1
        retireUnreferenced()
    }

    /// An attempt in flight now refers to `episode` (its record is kept until `release`).
    public mutating func retain(_ episode: Int) {
        guard episode >= 0 else { return }
        live[episode - firstLive].references += 1
    }

    /// The attempt that referred to `episode` has ended.
    public mutating func release(_ episode: Int) {
        guard episode >= 0 else { return }
        live[episode - firstLive].references -= 1
        retireUnreferenced()
    }

    /// Marks `episode` captured by `bot` if no one captured it before; true if this bot is the first.
    /// The episode must be open or retained.
    @discardableResult
    public mutating func markCaptured(episode: Int, bot: Int) -> Bool {
        guard episode >= 0, live[episode - firstLive].capturedBy < 0 else { return false }
        live[episode - firstLive].capturedBy = Int32(bot)
        if live[episode - firstLive].measured { capturedCount += 1 }
        return true
    }

    /// Records that `bot` completed a measured attempt in `episode`; true the first time for this bot
    /// (a bot's captured count is of distinct episodes). The episode must be open or retained.
    public mutating func markCapturedByBot(episode: Int, bot: Int) -> Bool {
        let index = episode - firstLive
        guard !live[index].captors.contains(Int32(bot)) else { return false }
        live[index].captors.append(Int32(bot))
        return true
    }

    public func isMeasured(_ episode: Int) -> Bool { episode >= 0 && live[episode - firstLive].measured }

    /// Drops the oldest records that nothing can refer to any more (closed, no attempt in flight).
    mutating func retireUnreferenced() {
        while let first = live.first, firstLive != openEpisode, first.references == 0 {
            retire(live.popFirst()!)
        }
    }

    mutating func retire(_ episode: Episode) {
        guard tracing && episode.measured else { return }
        if traceRows.count < ReplicationSpec.traceRowLimit {
            traceRows.append((episode.start.nanosecondsSinceStart, episode.end.nanosecondsSinceStart, episode.profitAvailable, episode.capturedBy))
        } else {
            traceRowsDropped += 1
        }
    }

    /// One trace row per measured episode: start and end (ns), profit available, first captor (or
    /// empty). Call after `close` at the end of the run: episodes still retained are taken as they stand.
    public mutating func trace(botNames: [String]) -> (header: [String], rows: [[String]]) {
        while let episode = live.popFirst() { retire(episode) }
        let rows = traceRows.map { row in
            ["\(row.start)", "\(row.end)", formatSignificant(row.profit, digits: 8), row.captor >= 0 ? botNames[Int(row.captor)] : ""]
        }
        return (["episode_start_ns", "episode_end_ns", "profit_available", "captured_by"], rows)
    }
}
