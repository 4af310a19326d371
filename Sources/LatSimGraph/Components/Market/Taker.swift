import LatSimCore
import LatSimMarkets

/// `type: taker`: takers of one venue's quote, whose orders travel over the connection from
/// `out` to the venue (immediate-or-cancel, `size` each; acknowledgements come back over it).
///
///     - {name: noise, type: taker, flow: noise, rate_per_second: 20, size: 1}
///     - {name: informed, type: taker, flow: informed, threshold_bps: 0, size: 1}
///
/// `noise`: orders arrive as a Poisson process (`rate_per_second`, stream `<name>`), each a buy
/// or a sell with probability 1/2 at any price (a market order). `informed`: it keeps the last
/// quote the venue's feed brought it (a connection from the venue's `out` to its `in`) and, on
/// each price from a price source (a connection from the price source's `out`: its latency is
/// the takers' view of the fundamental), buys at the ask when F > ask (1 + fee + threshold) or
/// sells at the bid when F < bid (1 - fee - threshold), fee the venue's taker fee. A quote side
/// without depth is not taken. The venue counts each fill against the taker at the fill.
public struct TakerParameters: Sendable {
    public enum Flow: String, Sendable, CaseIterable { case noise, informed }
    public var flow: Flow
    public var ratePerSecond: Double
    public var size: Double
    public var thresholdFraction: Double
    public var orderBytes: Int

    public init(config node: ConfigNode) throws {
        try node.checkKeys(["flow", "rate_per_second", "size", "threshold_bps", "order_bytes"])
        flow = Flow(rawValue: try node.string("flow", oneOf: Flow.allCases.map(\.rawValue)))!
        for (key, needs) in [("rate_per_second", Flow.noise), ("threshold_bps", Flow.informed)] where flow != needs && node.has(key) {
            throw node.error("\(key) applies to flow: \(needs.rawValue) only", allowed: "flow: \(needs.rawValue) with \(key), or no \(key)",
                             given: "flow: \(flow.rawValue)", key: key)
        }
        ratePerSecond = flow == .noise ? try node.ratePerSecond("rate_per_second", default: 20, allowZero: true) : 0
        size = try node.double("size", default: 1, range: 1e-12...1e12)
        thresholdFraction = try node.double("threshold_bps", default: 0, range: 0...10_000) / 10_000
        orderBytes = try node.int("order_bytes", default: 128, range: 0...(1 << 30))
    }
}

struct TakerStatistics {
    var orders: Int64 = 0
    /// Counted by the venue when an order of this taker fills.
    var fills: Int64 = 0
    var filledQuantity = 0.0
}

struct TakerState {
    let parameters: TakerParameters
    /// The connection its orders take, and the venue's taker fee (set when the model is built).
    var connection: Int32 = -1
    var feeFraction = 0.0
    /// An informed taker's view of the venue's quote (newer versions only).
    var view = TopOfBook()
    var statistics = TakerStatistics()

    init(parameters: TakerParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let takerMetrics: [ComponentMetric] = [
        ComponentMetric("orders_count", "count", "orders sent") { m, g, _ in m.takerSum(g) { Double($0.orders) } },
        ComponentMetric("fills_count", "count", "orders filled (counted at the fill)") { m, g, _ in m.takerSum(g) { Double($0.fills) } },
        ComponentMetric("fill_ratio", "ratio", "orders filled / orders sent") { m, g, _ in
            let n = m.takerSum(g) { Double($0.orders) }
            return n > 0 ? m.takerSum(g) { Double($0.fills) } / n : .nan },
        ComponentMetric("filled_quantity", "units", "quantity filled") { m, g, _ in m.takerSum(g) { $0.filledQuantity } },
    ]

    func takerSum(_ g: Int, _ f: (TakerStatistics) -> Double) -> Double {
        instances(of: g).reduce(0.0) { $0 + f(takers[Int(instanceInfo[Int($1)].local)].statistics) }
    }

    /// Resolves each taker's order connection and its venue's fee.
    mutating func connectTakers() {
        for instance in instanceInfo.indices where instanceInfo[instance].type == .taker {
            let k = Int(instanceInfo[instance].local)
            guard outStart[instance + 1] > outStart[instance] else { continue }
            let c = outConnections[Int(outStart[instance])]
            takers[k].connection = c
            takers[k].feeFraction = venues[Int(instanceInfo[Int(connectionTarget[Int(c)])].local)].parameters.exchange.takerFeeFraction
        }
    }

    /// A noise taker's first arrival (timer 0), one exponential gap after time zero.
    func startTaker(_ local: Int, instance: Int32) -> [(GraphEvent, SimInstant)] {
        let p = takers[local].parameters
        guard p.flow == .noise, p.ratePerSecond > 0 else { return [] }
        return [(.timer(component: instance, code: 0, payload: 0), .zero + .seconds(streams[Int(instance)].exponential(mean: 1 / p.ratePerSecond)))]
    }

    /// Timer 0: a noise order (a side with probability 1/2, any price), and the next arrival.
    mutating func takerTimer(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let buy = streams[Int(instance)].bernoulli(0.5)
        takerSend(local, instance: instance, buy: buy, limit: buy ? .infinity : 0, context: &context)
        context.schedule(.timer(component: instance, code: 0, payload: 0),
                         after: .seconds(streams[Int(instance)].exponential(mean: 1 / takers[local].parameters.ratePerSecond)))
    }

    mutating func takerSend(_ local: Int, instance: Int32, buy: Bool, limit: Double, context: inout SimulationContext<GraphEvent>) {
        if measuring { takers[local].statistics.orders += 1 }
        let m = create(by: instance, now: context.now)
        pool[m].kind = .order
        pool[m].side = buy ? 0 : 1
        pool[m].value0 = limit
        pool[m].value1 = takers[local].parameters.size
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: takers[local].parameters.orderBytes)
        transmit(m, over: takers[local].connection, context: &context)
    }

    /// An informed taker's input: the venue's quotes (its view) and prices (its signal).
    mutating func takerReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let message = pool[m]
        discard(m)
        guard takers[local].parameters.flow == .informed else { return }
        switch message.kind {
        case .quote:
            guard message.tag > takers[local].view.version else { return }
            takers[local].view.bid = message.value0
            takers[local].view.ask = message.value1
            takers[local].view.bidSize = message.value2
            takers[local].view.askSize = message.value3
            takers[local].view.version = message.tag
        case .price:
            let view = takers[local].view
            guard view.isValid else { return }
            let f = message.value0, fee = takers[local].feeFraction + takers[local].parameters.thresholdFraction
            if view.askSize > 0 && f > view.ask * (1 + fee) {
                takerSend(local, instance: instance, buy: true, limit: view.ask, context: &context)
            } else if view.bidSize > 0 && f < view.bid * (1 - fee) {
                takerSend(local, instance: instance, buy: false, limit: view.bid, context: &context)
            }
        default:
            break
        }
    }

    /// An order's acknowledgement: nothing to do (the venue counted the fill).
    mutating func takerReply(_ local: Int, _ m: Int32) { discard(m) }
}
