import LatSimCore
import LatSimMarkets

/// `market-maker` with `quote: fundamental`: one two-sided quote on one venue with `quote:
/// maker`, around the maker's view of the price (not the touch of a book), the model of the
/// `market-making` kind (docs/markets.md, "Market maker").
///
///     - {name: mm, type: market-maker, quote: fundamental, design: async, size: 1,
///        min_half_spread_bps: 0.5, margin_bps: 0.5, adaptive: true, learning_weight: 0.05,
///        requote_threshold_bps: 0.5, markout_horizon: 100ms}
///
/// It quotes bid/ask = m (1 -/+ h) around its view m of the price: pushed (`design` with
/// `market_data: push`: every price of a price source connected to its `in`) or pulled (a
/// request to the venue, answered with the venue's last price; the next `poll_interval` after
/// the answer). It requotes when its view moved by more than `requote_threshold_bps` since it
/// last quoted, or after a fill report. `legs: sequential`: a cancel, and after its
/// acknowledgement the new quote at the latest view (out of the market meanwhile);
/// `concurrent`: one replace message. `order_flow: blocking` allows one quote change in
/// flight, `pipelined` `max_in_flight`. With `adaptive: true`, h = max(min_half_spread, A +
/// margin), A the exponentially weighted mean (weight `learning_weight`) of the adverse move it
/// sees per fill: d (m_view_at_report - m_quote) / m_quote, the quote's mid carried by the report.
/// Invariant: the venue applies a quote only if its sequence is newer than the live one's.
public struct FundamentalQuoteParameters: Sendable {
    public var design: BotDesign
    public var minHalfSpreadFraction: Double
    public var marginFraction: Double
    public var adaptive: Bool
    public var learningWeight: Double
    public var requoteThresholdFraction: Double
    public var markoutHorizon: SimDuration

    static let keys = ["design", "min_half_spread_bps", "margin_bps", "adaptive", "learning_weight", "requote_threshold_bps", "markout_horizon"]

    init(config node: ConfigNode) throws {
        design = try node.child("design").map { try BotDesign(config: $0) } ?? .async
        minHalfSpreadFraction = try node.double("min_half_spread_bps", default: 0.5, range: 0...10_000) / 10_000
        marginFraction = try node.double("margin_bps", default: 0.5, range: 0...10_000) / 10_000
        adaptive = try node.bool("adaptive", default: true)
        learningWeight = try node.double("learning_weight", default: 0.05, range: 1e-6...1)
        requoteThresholdFraction = try node.double("requote_threshold_bps", default: 0.5, range: 0...10_000) / 10_000
        markoutHorizon = try node.duration("markout_horizon", default: .milliseconds(100), allowZero: false)
    }
}

/// A quoting maker's state and measured counters.
struct QuotingMakerState {
    var connection: Int32 = -1
    var venueLocal = -1
    var viewMid = 0.0
    var viewVersion: Int64 = 0
    var quotedMid = 0.0
    var halfSpread = 0.0
    var adverseEstimate = 0.0
    var inFlight = 0
    var needsRequote = false
    var nextSequence: UInt32 = 0
    // Measured.
    var quotesSent: Int64 = 0
    var cancelsSent: Int64 = 0
    var requests: Int64 = 0
    var marketDataReceived: Int64 = 0
    /// Counted by the venue when it sends them.
    var acks: Int64 = 0
    var fillReports: Int64 = 0
    var fills: Int64 = 0
    /// Sums over marked-out fills of 2 d (p - m_t)/m_t, 2 d (p - m_{t+h})/m_t, 2 d (m_{t+h} - m_t)/m_t, size d (p - m_{t+h}).
    var markouts: Int64 = 0
    var effectiveSum = 0.0
    var realisedSum = 0.0
    var adverseSum = 0.0
    var markedOutProfit = 0.0
    /// Set by the venue at each change of its book: 1 while both sides are quoted, and the spread (bps) then.
    var twoSided = TimeWeightedValue(start: .zero)
    var spreadWhileTwoSided = TimeWeightedValue(start: .zero)

    mutating func resetStatistics(at now: SimInstant) {
        quotesSent = 0; cancelsSent = 0; requests = 0; marketDataReceived = 0; acks = 0; fillReports = 0; fills = 0
        markouts = 0; effectiveSum = 0; realisedSum = 0; adverseSum = 0; markedOutProfit = 0
        twoSided.reset(at: now)
        spreadWhileTwoSided.reset(at: now)
    }
}

extension GraphModel {
    static func quotingValue(_ name: String, _ unit: String, _ summary: String,
                             _ f: @escaping @Sendable (QuotingMakerState, MarketMakerState) -> Double) -> ComponentMetric {
        ComponentMetric(name, unit, summary) { m, g, _ in
            m.instances(of: g).reduce(0.0) { let s = m.makers[Int(m.instanceInfo[Int($1)].local)]; return $0 + f(s.quoting, s) }
        }
    }

    func quotingSum(_ g: Int, _ f: (QuotingMakerState) -> Double) -> Double {
        instances(of: g).reduce(0.0) { $0 + f(makers[Int(instanceInfo[Int($1)].local)].quoting) }
    }

    /// The metrics of a maker with `quote: fundamental` (formulas in docs/markets.md, "market-making").
    static let quotingMakerMetrics: [ComponentMetric] = [
        ComponentMetric("quoted_spread_mean_bps", "bps", "time-weighted (ask - bid)/mid while two-sided") { m, g, end in
            let two = m.quotingSum(g) { $0.twoSided.integral(until: end) }
            return two > 0 ? m.quotingSum(g) { $0.spreadWhileTwoSided.integral(until: end) } / two : .nan },
        ComponentMetric("two_sided_uptime_ratio", "ratio", "fraction of time with both sides quoted") { m, g, end in
            let list = m.instances(of: g)
            return list.reduce(0.0) { $0 + m.makers[Int(m.instanceInfo[Int($1)].local)].quoting.twoSided.mean(until: end) } / Double(list.count) },
        ComponentMetric("fills_per_second", "1/s", "fills of its quotes per measured second") { m, g, end in
            m.perSecond(Int64(m.quotingSum(g) { Double($0.fills) }), until: end) },
        ComponentMetric("effective_spread_mean_bps", "bps", "mean over fills of 2 d (p - m_t)/m_t") { m, g, _ in
            let n = m.quotingSum(g) { Double($0.markouts) }
            return n > 0 ? m.quotingSum(g) { $0.effectiveSum } / n * 1e4 : .nan },
        ComponentMetric("realised_spread_mean_bps", "bps", "mean over fills of 2 d (p - m_{t+h})/m_t") { m, g, _ in
            let n = m.quotingSum(g) { Double($0.markouts) }
            return n > 0 ? m.quotingSum(g) { $0.realisedSum } / n * 1e4 : .nan },
        ComponentMetric("adverse_selection_mean_bps", "bps", "mean over fills of 2 d (m_{t+h} - m_t)/m_t") { m, g, _ in
            let n = m.quotingSum(g) { Double($0.markouts) }
            return n > 0 ? m.quotingSum(g) { $0.adverseSum } / n * 1e4 : .nan },
        quotingValue("marked_out_profit_total", "quote", "sum over fills of size x d (p - m_{t+h})") { q, _ in q.markedOutProfit },
        quotingValue("half_spread_final_bps", "bps", "its half-spread at the end") { q, _ in q.halfSpread * 1e4 },
        quotingValue("fills_count", "count", "fills of its quotes") { q, _ in Double(q.fills) },
        quotingValue("quotes_sent_count", "count", "quotes (new or replace) sent") { q, _ in Double(q.quotesSent) },
        quotingValue("cancels_sent_count", "count", "cancels sent") { q, _ in Double(q.cancelsSent) },
        quotingValue("market_data_received_count", "count", "reference prices received (pushed, or answers to its requests)") { q, _ in
            Double(q.marketDataReceived) },
        quotingValue("requests_count", "count", "reference price requests sent") { q, _ in Double(q.requests) },
        quotingValue("acks_count", "count", "acknowledgements of its quotes and cancels sent by the venue") { q, _ in Double(q.acks) },
        quotingValue("fill_reports_count", "count", "fill reports sent by the venue") { q, _ in Double(q.fillReports) },
    ]

    /// The venue connection of quoting maker `k` (its only out connection).
    mutating func connectQuotingMaker(_ k: Int, instance: Int) {
        makers[k].viewCount = 0
        guard outStart[instance + 1] > outStart[instance] else { return }
        let c = outConnections[Int(outStart[instance])]
        makers[k].quoting.connection = c
        makers[k].quoting.venueLocal = Int(instanceInfo[Int(connectionTarget[Int(c)])].local)
    }

    /// A pushed reference price (from a price source).
    mutating func quotingMakerReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let kind = pool[m].kind, price = pool[m].value0, version = pool[m].tag
        discard(m)
        guard kind == .price else { return }
        quotingMakerView(local, price: price, version: version, context: &context)
    }

    mutating func quotingMakerView(_ local: Int, price: Double, version: Int64, context: inout SimulationContext<GraphEvent>) {
        if measuring { makers[local].quoting.marketDataReceived += 1 }
        if version > makers[local].quoting.viewVersion {
            makers[local].quoting.viewMid = price
            makers[local].quoting.viewVersion = version
        }
        quotingConsiderRequote(local, force: false, sign: 0, reference: 0, context: &context)
    }

    /// From the venue: a reference price answering a request, a quote's acknowledgement, a fill report.
    mutating func quotingMakerReply(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let message = pool[m]
        discard(m)
        switch message.kind {
        case .price:
            context.schedule(.timer(component: instance, code: 0, payload: 0), after: makers[local].parameters.pollInterval)
            quotingMakerView(local, price: message.value0, version: message.tag, context: &context)
        case .quote:
            let isCancel = message.value2 == 0 && message.value3 == 0
            if isCancel {
                // Sequential: the new quote follows the cancel's acknowledgement, at the latest view.
                makers[local].quoting.nextSequence &+= 1
                makers[local].quoting.quotedMid = makers[local].quoting.viewMid
                quotingSendQuote(local, instance: instance, context: &context)
                return
            }
            makers[local].quoting.inFlight -= 1
            quotingConsiderRequote(local, force: false, sign: 0, reference: 0, context: &context)
        case .fill:
            quotingConsiderRequote(local, force: true, sign: message.side == 0 ? 1 : -1, reference: message.value2, context: &context)
        default:
            break
        }
    }

    /// Requotes when the view moved past the threshold (or after a fill, learning from it first), if the design allows a message now.
    mutating func quotingConsiderRequote(_ local: Int, force: Bool, sign: Double, reference: Double, context: inout SimulationContext<GraphEvent>) {
        let p = makers[local].parameters.quoting!
        guard makers[local].quoting.viewVersion > 0 else { return }
        if force && p.adaptive && reference > 0 {
            let adverse = sign * (makers[local].quoting.viewMid - reference) / reference
            makers[local].quoting.adverseEstimate += p.learningWeight * (adverse - makers[local].quoting.adverseEstimate)
            makers[local].quoting.halfSpread = Swift.max(p.minHalfSpreadFraction, makers[local].quoting.adverseEstimate + p.marginFraction)
        }
        let q = makers[local].quoting
        let moved = q.quotedMid == 0 || abs(q.viewMid - q.quotedMid) > p.requoteThresholdFraction * q.quotedMid
        guard force || moved || q.needsRequote else { return }
        guard q.inFlight < p.design.capacity else { makers[local].quoting.needsRequote = true; return }
        makers[local].quoting.needsRequote = false
        makers[local].quoting.quotedMid = q.viewMid
        makers[local].quoting.nextSequence &+= 1
        makers[local].quoting.inFlight += 1
        let instance = makerInstance(local)
        if p.design.legs == .sequential {
            if measuring { makers[local].quoting.cancelsSent += 1 }
            quotingTransmit(local, instance: instance, bid: 0, ask: 0, size: 0, context: &context)
        } else {
            quotingSendQuote(local, instance: instance, context: &context)
        }
    }

    mutating func quotingSendQuote(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { makers[local].quoting.quotesSent += 1 }
        let q = makers[local].quoting
        quotingTransmit(local, instance: instance, bid: q.quotedMid * (1 - q.halfSpread), ask: q.quotedMid * (1 + q.halfSpread),
                        size: makers[local].parameters.size, context: &context)
    }

    /// A quote (size 0: a cancel of both sides) to the venue, numbered by the current sequence.
    mutating func quotingTransmit(_ local: Int, instance: Int32, bid: Double, ask: Double, size: Double, context: inout SimulationContext<GraphEvent>) {
        let m = create(by: instance, now: context.now)
        pool[m].kind = .quote
        pool[m].value0 = bid
        pool[m].value1 = ask
        pool[m].value2 = size
        pool[m].value3 = size
        pool[m].sequence = makers[local].quoting.nextSequence
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: makers[local].parameters.orderBytes)
        transmit(m, over: makers[local].quoting.connection, context: &context)
    }

    /// The instance of maker `local` (the source of its venue connection).
    @inline(__always) func makerInstance(_ local: Int) -> Int32 { connectionSource[Int(makers[local].quoting.connection)] }

    /// Timer 0: a reference price request; timer 3: a fill's markout (payload: its slot).
    mutating func quotingMakerTimer(_ local: Int, instance: Int32, code: Int32, payload: Int32, context: inout SimulationContext<GraphEvent>) {
        if code == 0 {
            if measuring { makers[local].quoting.requests += 1 }
            let m = create(by: instance, now: context.now)
            pool[m].kind = .request
            pool[m].wantsReply = true
            pool[m].sizeBytes = UInt32(clamping: makers[local].parameters.requestBytes)
            transmit(m, over: makers[local].quoting.connection, context: &context)
            return
        }
        let record = makerMarkouts[Int(payload)]
        makerMarkoutFree.append(payload)
        guard measuring else { return }
        let later = venues[Int(record.venueLocal)].referencePrice, mt = record.reference, d = record.sign, p = record.price
        makers[local].quoting.markouts += 1
        makers[local].quoting.effectiveSum += 2 * d * (p - mt) / mt
        makers[local].quoting.realisedSum += 2 * d * (p - later) / mt
        makers[local].quoting.adverseSum += 2 * d * (later - mt) / mt
        makers[local].quoting.markedOutProfit += makers[local].parameters.size * d * (p - later)
    }
}

/// The wiring of quoting makers and the venues they quote, checked when decoding.
extension GraphSpec {
    func isQuotingMaker(_ index: Int) -> Bool {
        if case .marketMaker(let p) = components[index].parameters { return p.quoting != nil }
        return false
    }

    func checkQuotingMakers() throws {
        for (k, maker) in components.enumerated() where isQuotingMaker(k) {
            guard case .marketMaker(let p) = maker.parameters, let q = p.quoting else { continue }
            let orders = connections.filter { $0.from == k }
            let venue = orders.first.map { components[$0.to] }
            guard orders.count == 1, let venue, case .venue(let v) = venue.parameters, v.quotedByMaker, maker.count == 1, venue.count == 1 else {
                throw ConfigError(location: maker.location, path: "model.components",
                                  problem: "market maker \(maker.name) quotes around the fundamental but its out does not go to one venue with quote: maker (count 1 each)",
                                  allowed: "one connection from \(maker.name).out to a venue with quote: maker",
                                  given: orders.isEmpty ? "no out connection" : orders.map { "\(components[$0.to].name) (a \(components[$0.to].type.rawValue))" }.joined(separator: ", ") + (maker.count > 1 ? ", count \(maker.count)" : ""))
            }
            let pushers = connections.filter { $0.to == k && components[$0.from].type == .priceSource }
            if q.design.marketData == .push && pushers.isEmpty {
                throw ConfigError(location: maker.location, path: "model.components",
                                  problem: "market maker \(maker.name) has a design with market_data: push but no price source feeds it",
                                  allowed: "a connection from a price source's out to \(maker.name).in, or a design with market_data: pull",
                                  given: "no price connection")
            }
        }
        for (v, venue) in components.enumerated() {
            guard case .venue(let p) = venue.parameters, p.quotedByMaker else { continue }
            let makers = connections.filter { $0.to == v && components[$0.from].type == .marketMaker }
            guard makers.count == 1, isQuotingMaker(makers[0].from) else {
                throw ConfigError(location: venue.location, path: "model.components",
                                  problem: "venue \(venue.name) has quote: maker but \(makers.count) market maker connection(s) reach it",
                                  allowed: "exactly one, from a market maker with quote: fundamental",
                                  given: makers.map { components[$0.from].name }.joined(separator: ", ").isEmpty ? "none" : makers.map { components[$0.from].name }.joined(separator: ", "))
            }
        }
        for (t, taker) in components.enumerated() {
            guard case .taker(let p) = taker.parameters else { continue }
            let orders = connections.filter { $0.from == t }
            guard orders.count == 1, components[orders[0].to].type == .venue else {
                throw ConfigError(location: taker.location, path: "model.components",
                                  problem: "taker \(taker.name) sends its orders to \(orders.map { components[$0.to].name }.joined(separator: ", ").isEmpty ? "nothing" : orders.map { components[$0.to].name }.joined(separator: ", "))",
                                  allowed: "one connection from \(taker.name).out to a venue", given: "\(orders.count) connection(s)")
            }
            let inputs = connections.filter { $0.to == t }
            if p.flow == .noise, let input = inputs.first {
                throw ConfigError(location: input.location, path: "model.connections",
                                  problem: "connects \(components[input.from].name) to \(taker.name), a noise taker, which takes no input",
                                  allowed: "inputs to informed takers only (flow: informed)", given: "\(components[input.from].name).out -> \(taker.name).in")
            }
            if let input = inputs.first(where: { !(components[$0.from].type == .priceSource || $0.from == orders[0].to) }) {
                throw ConfigError(location: input.location, path: "model.connections",
                                  problem: "connects \(components[input.from].name), a \(components[input.from].type.rawValue), to taker \(taker.name)",
                                  allowed: "a price source's out, and the out of the venue \(components[orders[0].to].name) it trades", given: "\(components[input.from].name).out -> \(taker.name).in")
            }
            if p.flow == .informed && !inputs.contains(where: { $0.from == orders[0].to }) {
                throw ConfigError(location: taker.location, path: "model.components",
                                  problem: "informed taker \(taker.name) does not see the quote of venue \(components[orders[0].to].name)",
                                  allowed: "a connection from \(components[orders[0].to].name).out to \(taker.name).in (its feed)", given: "no feed connection")
            }
        }
    }
}
