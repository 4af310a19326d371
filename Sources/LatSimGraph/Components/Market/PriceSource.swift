#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatSimCore
import LatSimMarkets
import LatSimNetwork

/// `type: price-source`: the fundamental price (GBM with optional jumps, sampled exactly at
/// each tick) sent to every venue connected to `out`; the connection's latency is the venue's
/// publication lag (FIFO by default, so a venue's prices keep their order).
///
///     - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8},
///        tick_interval: {type: exponential, mean: 20ms}, opportunity_size: 1}
///
/// It is also the omniscient observer of the venues it feeds: an opportunity (episode) is open
/// while the true books of two of them offer a profit net of spreads and taker fees for
/// `opportunity_size` (buy at one venue's ask, sell at another's bid, both with that depth);
/// docs/graph.md has the formulas. Streams: `<name>` (the price path) and `<name>.ticks`
/// (tick times), neither touched by anything a design changes, so designs see the same prices.
public struct PriceSourceParameters: Sendable {
    public var fundamental: PriceProcessParameters
    public var tickInterval: Distribution
    public var opportunitySize: Double
    /// Trade files replayed per venue in place of the GBM (nil: the GBM); see `PriceReplay`.
    public var replay: PriceReplay?

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["fundamental", "tick_interval", "opportunity_size", "replay"])
        opportunitySize = try node.double("opportunity_size", default: 1, range: 1e-12...1e12)
        if let replayNode = node.child("replay") {
            for key in ["fundamental", "tick_interval"] where node.has(key) {
                throw node.error("gives both replay and \(key)", allowed: "replay (the files' prices at the files' times) or fundamental and tick_interval (the GBM)",
                                 given: "both", key: key)
            }
            let replay = try PriceReplay(config: replayNode)
            self.replay = replay
            // Not sampled when replaying: a constant price at the first replayed one.
            fundamental = try node.wrap { try PriceProcessParameters(initialPrice: replay.tracks[0].prices[0], volatilityPerSqrtYear: 0) }
            tickInterval = try .constant(1e9)
        } else {
            fundamental = try PriceProcessParameters(config: try node.required("fundamental", allowed: "{initial_price, volatility_per_sqrt_year, ...}, or replay: {venues: {...}}"))
            tickInterval = try node.intervalDistribution("tick_interval")
            replay = nil
        }
    }
}

/// The opportunity observer's memory of recent episodes: which arbitrageurs captured each (a
/// bit per arbitrageur), in a ring of `capacity` episodes, so memory stays bounded however
/// long the run. A capture of an episode that has left the ring is counted as unattributed.
struct EpisodeCaptures {
    static let capacity = 16_384
    var episodes: [Int64] = Array(repeating: -1, count: capacity)
    var captors: [UInt64] = Array(repeating: 0, count: capacity)

    /// Marks `episode` captured by arbitrageur bit `bit`: whether it is the episode's first
    /// captor and the bit's first capture of it; nil when the episode is no longer remembered.
    mutating func mark(_ episode: Int64, bit: Int, newest: Int64) -> (first: Bool, firstForBot: Bool)? {
        let slot = Int(episode % Int64(EpisodeCaptures.capacity))
        if episodes[slot] != episode {
            // The slot is reused by episode + k * capacity; an older one has been forgotten.
            guard episodes[slot] < episode, newest - episode < Int64(EpisodeCaptures.capacity) else { return nil }
            episodes[slot] = episode
            captors[slot] = 0
        }
        let mask = UInt64(1) << UInt64(bit)
        let first = captors[slot] == 0, firstForBot = captors[slot] & mask == 0
        captors[slot] |= mask
        return (first, firstForBot)
    }
}

struct PriceSourceState {
    let parameters: PriceSourceParameters
    var process: PriceProcess
    let tickStream: RandomStream
    /// The venues it feeds: `MarketTables.sourceVenues[venueStart ..< venueStart + venueCount]`
    /// (local indices, in connection order); and how many arbitrageur instances trade them.
    var venueStart = 0
    var venueCount = 0
    var arbitrageurCount = 0

    // Opportunity episodes: ids 0, 1, 2, ... in order of opening; measured from `firstMeasured`.
    var nextEpisode: Int64 = 0
    var openEpisode: Int64 = -1
    var openStart = SimInstant.zero
    var openMaxEdge = 0.0
    var firstMeasured: Int64 = .max
    var captures = EpisodeCaptures()
    // Measured statistics.
    var episodesMeasured: Int64 = 0
    var durationTotal = 0.0
    var profitAvailable = 0.0
    var capturedAny: Int64 = 0
    var unattributed: Int64 = 0
    var ticks: Int64 = 0
    /// Ticks sampled so far (whole run): each price message carries its number in `tag`, 1 first.
    var tickNumber: Int64 = 0
    // Replay: per out connection k (venue order), its track in `parameters.replay` and the next row.
    var replayTrack: [Int] = []
    var replayCursor: [Int] = []
    /// Noise streams `<name>.replay.<venue>`, one per track.
    let replayStreams: [RandomStream]
    /// Every replayed price as published (time ns, connection k, price), kept with the trace
    /// (tests read it back; at most `ReplicationSpec.traceRowLimit` rows, the rest counted).
    var recordPublished = false
    var published: [(time: Int64, connection: Int32, price: Double)] = []
    var publishedDropped = 0

    init(parameters: PriceSourceParameters, stream: RandomStream, tickStream: RandomStream, replayStreams: [RandomStream] = []) {
        self.parameters = parameters
        process = PriceProcess(parameters: parameters.fundamental, stream: stream)
        self.tickStream = tickStream
        self.replayStreams = replayStreams
    }

    func isMeasured(_ episode: Int64) -> Bool { episode >= firstMeasured }

    /// Feeds the best true edge per unit after a book change: opens, extends or closes the episode.
    mutating func update(edge: Double, now: SimInstant) {
        if edge > 0 {
            if openEpisode < 0 {
                openEpisode = nextEpisode
                nextEpisode += 1
                openStart = now
                openMaxEdge = edge
                if isMeasured(openEpisode) { episodesMeasured += 1 }
            } else if edge > openMaxEdge {
                openMaxEdge = edge
            }
        } else if openEpisode >= 0 {
            close(at: now)
        }
    }

    mutating func close(at now: SimInstant) {
        if isMeasured(openEpisode) {
            durationTotal += Double((now - openStart).nanoseconds)
            profitAvailable += openMaxEdge * parameters.opportunitySize
        }
        openEpisode = -1
    }

    /// The measured totals as if the open episode closed at `end` (the summary, without changing state).
    func totals(until end: SimInstant) -> (duration: Double, profit: Double) {
        guard openEpisode >= 0, isMeasured(openEpisode) else { return (durationTotal, profitAvailable) }
        return (durationTotal + Double((end - openStart).nanoseconds), profitAvailable + openMaxEdge * parameters.opportunitySize)
    }

    mutating func resetStatistics() {
        firstMeasured = nextEpisode
        episodesMeasured = 0
        durationTotal = 0
        profitAvailable = 0
        capturedAny = 0
        unattributed = 0
        ticks = 0
    }
}

extension GraphModel {
    static let priceSourceMetrics: [ComponentMetric] = [
        ComponentMetric("opportunities_count", "count", "opportunity episodes opened during the measurement") { m, g, _ in
            m.priceSourceSum(g) { Double($0.episodesMeasured) } },
        ComponentMetric("opportunities_per_second", "1/s", "opportunity episodes per second of measurement") { m, g, end in
            let seconds = (end - m.measureStart).seconds
            return seconds > 0 ? m.priceSourceSum(g) { Double($0.episodesMeasured) } / seconds : .nan },
        ComponentMetric("opportunity_duration_mean", "ns", "mean time an opportunity stays open") { m, g, end in
            let n = m.priceSourceSum(g) { Double($0.episodesMeasured) }
            return n > 0 ? m.priceSourceSum(g) { $0.totals(until: end).duration } / n : .nan },
        ComponentMetric("profit_available_total", "quote", "sum over episodes of opportunity_size x the largest edge seen") { m, g, end in
            m.priceSourceSum(g) { $0.totals(until: end).profit } },
        ComponentMetric("capture_rate_any_bot", "ratio", "episodes captured by at least one arbitrageur / episodes") { m, g, _ in
            let n = m.priceSourceSum(g) { Double($0.episodesMeasured) }
            return n > 0 ? m.priceSourceSum(g) { Double($0.capturedAny) } / n : .nan },
        ComponentMetric("captures_unattributed", "count", "captures of episodes older than the observer remembers (not counted)") { m, g, _ in
            m.priceSourceSum(g) { Double($0.unattributed) } },
        ComponentMetric("ticks_count", "count", "fundamental ticks sent") { m, g, _ in m.priceSourceSum(g) { Double($0.ticks) } },
    ]

    func priceSourceSum(_ g: Int, _ f: (PriceSourceState) -> Double) -> Double {
        instances(of: g).reduce(0) { $0 + f(priceSources[Int(instanceInfo[Int($1)].local)]) }
    }

    /// The first tick, at time zero; when replaying, each venue connection's first row.
    func startPriceSource(instance: Int32) -> [(GraphEvent, SimInstant)] {
        let local = Int(instanceInfo[Int(instance)].local)
        guard let replay = priceSources[local].parameters.replay else { return [(.timer(component: instance, code: 0, payload: 0), .zero)] }
        return priceSources[local].replayTrack.enumerated().map { k, track in
            (.timer(component: instance, code: Int32(k + 1), payload: 0), SimInstant(nanosecondsSinceStart: replay.tracks[track].times[0]))
        }
    }

    /// Resolves each out connection's replay track by its venue's component name (the names were
    /// checked against the wiring when decoding).
    mutating func connectPriceReplay() {
        for instance in instanceInfo.indices where instanceInfo[instance].type == .priceSource {
            let s = Int(instanceInfo[instance].local)
            guard let replay = priceSources[s].parameters.replay else { continue }
            for k in outStart[instance]..<outStart[instance + 1] {
                let venue = spec.components[Int(instanceInfo[Int(connectionTarget[Int(outConnections[Int(k)])])].group)].name
                priceSources[s].replayTrack.append(replay.track(venue: venue) ?? 0)
            }
            priceSources[s].replayCursor = Array(repeating: 0, count: priceSources[s].replayTrack.count)
            priceSources[s].recordPublished = keepTrace
        }
    }

    /// Timer `1 + k`: venue connection k's rows at this time are published in file order, and
    /// its next row scheduled; after its last row it publishes nothing more.
    mutating func priceReplayTimer(_ local: Int, instance: Int32, connection k: Int, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        let track = priceSources[local].replayTrack[k]
        let connection = outConnections[Int(outStart[Int(instance)]) + k]
        let noiseSD = priceSources[local].parameters.replay!.noiseSD
        var cursor = priceSources[local].replayCursor[k]
        let count = priceSources[local].parameters.replay!.tracks[track].times.count
        while cursor < count {
            let (time, row) = withReplayRow(local, track: track, row: cursor)
            guard time <= now.nanosecondsSinceStart else { break }
            cursor += 1
            var price = row.price
            if noiseSD > 0 { price *= exp(priceSources[local].replayStreams[track].gaussian(standardDeviation: noiseSD)) }
            guard !instanceInfo[Int(instance)].down else { continue }
            if measuring { priceSources[local].ticks += 1 }
            if priceSources[local].recordPublished {
                if priceSources[local].published.count < ReplicationSpec.traceRowLimit {
                    priceSources[local].published.append((now.nanosecondsSinceStart, Int32(k), price))
                } else {
                    priceSources[local].publishedDropped += 1
                }
            }
            let m = create(by: instance, now: now)
            pool[m].kind = .price
            pool[m].value0 = price
            pool[m].value1 = row.size
            pool[m].value2 = Double(row.side)
            pool[m].sizeBytes = 64
            transmit(m, over: connection, context: &context)
        }
        priceSources[local].replayCursor[k] = cursor
        if cursor < count {
            let next = withReplayRow(local, track: track, row: cursor).time
            context.schedule(.timer(component: instance, code: Int32(k + 1), payload: 0), at: SimInstant(nanosecondsSinceStart: next))
        }
    }

    @inline(__always)
    func withReplayRow(_ local: Int, track: Int, row: Int) -> (time: Int64, row: (price: Double, size: Double, side: Int8)) {
        let t = priceSources[local].parameters.replay!.tracks[track]
        return (t.times[row], (t.prices[row], t.sizes[row], t.sides[row]))
    }

    /// A tick: the fundamental sampled now, one price message per venue connection, the next tick drawn.
    mutating func priceSourceTimer(_ local: Int, instance: Int32, code: Int32, context: inout SimulationContext<GraphEvent>) {
        if code > 0 {
            priceReplayTimer(local, instance: instance, connection: Int(code) - 1, context: &context)
            return
        }
        let now = context.now
        let price = priceSources[local].process.value(at: now)
        priceSources[local].tickNumber += 1
        if !instanceInfo[Int(instance)].down {
            if measuring { priceSources[local].ticks += 1 }
            for k in outStart[Int(instance)]..<outStart[Int(instance) + 1] {
                let target = Int(connectionTarget[Int(outConnections[Int(k)])])
                // A market maker that pulls its reference price does not subscribe.
                if instanceInfo[target].type == .marketMaker && makers[Int(instanceInfo[target].local)].pullsReference { continue }
                let m = create(by: instance, now: now)
                pool[m].kind = .price
                pool[m].tag = priceSources[local].tickNumber
                pool[m].value0 = price
                pool[m].sizeBytes = 64
                transmit(m, over: outConnections[Int(k)], context: &context)
            }
        }
        let delay = Swift.max(SimDuration(nanoseconds: 1), priceSources[local].parameters.tickInterval.sampleDuration(priceSources[local].tickStream))
        context.schedule(.timer(component: instance, code: 0, payload: 0), after: delay)
    }

    /// The best true edge per unit over ordered pairs of source `local`'s venues (-inf when none has depth).
    func trueEdge(source local: Int) -> Double {
        let size = priceSources[local].parameters.opportunitySize
        var best = -Double.infinity
        let start = priceSources[local].venueStart, end = start + priceSources[local].venueCount
        for k in start..<end {
            let i = Int(market.sourceVenues[k])
            let a = market.books[i]
            guard a.isValid, a.askSize >= size else { continue }
            let buyCost = a.ask * (1 + market.fees[i])
            for l in start..<end where l != k {
                let j = Int(market.sourceVenues[l])
                let b = market.books[j]
                guard b.isValid, b.bidSize >= size else { continue }
                best = Swift.max(best, b.bid * (1 - market.fees[j]) - buyCost)
            }
        }
        return best
    }
}
