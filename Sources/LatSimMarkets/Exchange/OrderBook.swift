#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a resting order's queue position moves when quantity at its level is cancelled.
///
/// Trades at the level always advance it by the traded quantity (price-time priority). The
/// models follow hftbacktest's (`RiskAdverseQueueModel`, `ProbQueueModel` with
/// `PowerProbQueueFunc`), written from their description, not their code:
/// - `riskAverse`: a cancel comes from behind the order; the queue ahead q shrinks only when
///   the level holds less than q afterwards (q' = min(q, others left at the level)).
/// - `probabilistic(power: n)`: a cancel of size c at a level with q ahead and b behind
///   advances the order by c f(q) / (f(q) + f(b)), f(x) = x^n; the share assigned behind,
///   c f(b) / (f(q) + f(b)), that exceeds b also comes from ahead; q' >= 0.
public enum QueueModel: Sendable, Equatable {
    case riskAverse
    case probabilistic(power: Double)

    /// The queue ahead after a cancel of `cancelled` at a level with `ahead` in front of the
    /// order and `behind` after it (both other participants' quantity).
    @inlinable public func aheadAfterCancel(ahead q: Double, behind b: Double, cancelled c: Double) -> Double {
        guard c > 0 else { return q }
        switch self {
        case .riskAverse:
            return Swift.max(0, Swift.min(q, q + b - c))
        case .probabilistic(let n):
            let fq = q > 0 ? pow(q, n) : 0, fb = b > 0 ? pow(b, n) : 0
            guard fq + fb > 0 else { return Swift.max(0, q - c) }
            let front = c * fq / (fq + fb), back = c * fb / (fq + fb)
            return Swift.max(0, q - front - Swift.max(0, back - b))
        }
    }
}

/// An order book's shape, replenishment, queue model and fees.
///
///     OrderBookParameters(levels: 10, tickSize: 0.01, depthPerLevel: 2, replenishRatePerSecond: 20,
///                         queueModel: .riskAverse, makerFeeFraction: -0.00005, takerFeeFraction: 0.0001)
///
/// Invariant: levels in 1...1_000; tick size and depth > 0; replenishment >= 0; at most
/// `restingCapacity` tracked resting orders at once (their slots are allocated once).
public struct OrderBookParameters: Sendable, Equatable {
    public var levels: Int
    public var tickSize: Double
    /// The target depth of every level (other participants' quantity), in units of the asset.
    public var depthPerLevel: Double
    /// Units per second per level by which a level below its target refills (joining at the back).
    public var replenishRatePerSecond: Double
    public var queueModel: QueueModel
    /// Fee on a resting order's fill, as a fraction of its notional; negative: a rebate.
    public var makerFeeFraction: Double
    public var takerFeeFraction: Double
    public var restingCapacity: Int

    public init(levels: Int, tickSize: Double, depthPerLevel: Double, replenishRatePerSecond: Double,
                queueModel: QueueModel = .riskAverse, makerFeeFraction: Double = 0, takerFeeFraction: Double = 0,
                restingCapacity: Int = 16) {
        self.levels = levels
        self.tickSize = tickSize
        self.depthPerLevel = depthPerLevel
        self.replenishRatePerSecond = replenishRatePerSecond
        self.queueModel = queueModel
        self.makerFeeFraction = makerFeeFraction
        self.takerFeeFraction = takerFeeFraction
        self.restingCapacity = restingCapacity
    }
}

/// A resting limit order tracked in the book, with its estimated queue position.
public struct RestingOrder: Sendable, Equatable {
    public var side: Side
    /// Its price in ticks (price = tick x tick size).
    public var priceTick: Int64
    public var quantity: Double
    public var remaining: Double
    /// Quantity ahead of it at its level (other participants' and earlier tracked orders').
    public var ahead: Double
    /// The queue ahead when it was placed.
    public var aheadAtPlacement: Double
    public var filledNotional: Double = 0
    public var isActive: Bool

    public var filled: Double { quantity - remaining }
}

/// What a market (taker) order got: possibly less than it asked for when depth ran out or
/// the limit stopped the walk.
public struct TakerExecution: Sendable, Equatable {
    public var requested: Double
    public var filled: Double
    public var notional: Double
    /// The best price on the side it took from, before it traded (NaN: that side was empty).
    public var topPrice: Double
    public var levelsTouched: Int
    /// Sum over the levels taken of quantity x |price - top price| (exactly 0 for a fill at the top).
    public var slippageNotional: Double = 0

    public var averagePrice: Double { filled > 0 ? notional / filled : .nan }
    public var isPartial: Bool { filled > 0 && filled < requested * (1 - 1e-12) }
    /// The average price's distance from the top of book, as a fraction of it, in the taker's
    /// disfavour (a buy paying above the best ask is positive). NaN when nothing filled.
    public var slippageFraction: Double {
        guard filled > 0, topPrice > 0 else { return .nan }
        return slippageNotional / (filled * topPrice)
    }
}

/// An L2 order book: `levels` price levels per side, one tick apart, around a mid that the
/// venue sets, each with depth (other participants' quantity) that refills toward
/// `depthPerLevel` at `replenishRatePerSecond`; market orders walk it with partial fills;
/// resting limit orders are tracked with a queue position (see `QueueModel`).
///
///     var book = OrderBook(parameters: OrderBookParameters(levels: 3, tickSize: 1, depthPerLevel: 2,
///                                                          replenishRatePerSecond: 0))
///     book.recentre(mid: 100.5, at: .zero)            // bids 100, 99, 98; asks 101, 102, 103
///     book.marketOrder(.buy, quantity: 3, at: .zero)  // 2 at 101 and 1 at 102: average 101.33
///
/// Level placement: with x = mid / tick, the best bid is the tick below x and the best ask the
/// tick above (one tick apart; two when x is on a tick). When the mid moves, levels that stay on
/// their side keep their depth, new levels start at the target depth, and a resting order whose
/// price is no longer on its side's book (the market moved through it) is filled at its price.
/// A resting order deeper than `levels` keeps its queue but sees no trades or cancels there.
/// Invariant: depths are in 0...target; a tracked order has 0 <= ahead and 0 <= remaining <= quantity.
/// No allocation after `init` (the depth arrays and the resting slots are allocated once).
public struct OrderBook: Sendable {
    public let parameters: OrderBookParameters
    /// Depth per level, best first.
    public private(set) var bidDepth: ContiguousArray<Double>
    public private(set) var askDepth: ContiguousArray<Double>
    public private(set) var bestBidTick: Int64 = 0
    public private(set) var bestAskTick: Int64 = 0
    public private(set) var isValid = false
    public private(set) var resting: ContiguousArray<RestingOrder>
    var lastUpdate = SimInstant.zero

    public init(parameters: OrderBookParameters) {
        self.parameters = parameters
        bidDepth = ContiguousArray(repeating: parameters.depthPerLevel, count: parameters.levels)
        askDepth = ContiguousArray(repeating: parameters.depthPerLevel, count: parameters.levels)
        resting = ContiguousArray(repeating: RestingOrder(side: .buy, priceTick: 0, quantity: 0, remaining: 0, ahead: 0,
                                                          aheadAtPlacement: 0, isActive: false),
                                  count: parameters.restingCapacity)
    }

    public var bestBid: Double { Double(bestBidTick) * parameters.tickSize }
    public var bestAsk: Double { Double(bestAskTick) * parameters.tickSize }
    public func price(tick: Int64) -> Double { Double(tick) * parameters.tickSize }

    /// The price tick of level `level` (0: best) on `side` of the book.
    public func tick(_ side: Side, level: Int) -> Int64 {
        side == .buy ? bestBidTick - Int64(level) : bestAskTick + Int64(level)
    }

    /// The level (0: best) that price tick `tick` occupies on `side`, or nil outside the window or off the side.
    public func level(_ side: Side, tick: Int64) -> Int? {
        let k = side == .buy ? bestBidTick - tick : tick - bestAskTick
        return k >= 0 && k < Int64(parameters.levels) ? Int(k) : nil
    }

    /// Other participants' quantity at `level` of `side`.
    public func depth(_ side: Side, level: Int) -> Double { side == .buy ? bidDepth[level] : askDepth[level] }

    /// The sum of other participants' quantity on `side` in the window.
    public func totalDepth(_ side: Side) -> Double {
        side == .buy ? bidDepth.reduce(0, +) : askDepth.reduce(0, +)
    }

    /// Refills every level toward its target for the time since the last update.
    /// - Complexity: O(levels).
    public mutating func advance(to now: SimInstant) {
        let dt = Double((now - lastUpdate).nanoseconds) * 1e-9
        lastUpdate = Swift.max(lastUpdate, now)
        guard dt > 0, parameters.replenishRatePerSecond > 0 else { return }
        let add = parameters.replenishRatePerSecond * dt, target = parameters.depthPerLevel
        for k in 0..<parameters.levels {
            bidDepth[k] = Swift.min(target, bidDepth[k] + add)
            askDepth[k] = Swift.min(target, askDepth[k] + add)
        }
    }

    /// Places the levels around `mid` (see the type's note); resting orders the market moved
    /// through are filled at their price.
    /// - Complexity: O(levels + restingCapacity).
    public mutating func recentre(mid: Double, at now: SimInstant) {
        advance(to: now)
        let x = mid / parameters.tickSize
        let r = x.rounded()
        let newBid: Int64, newAsk: Int64
        if abs(x - r) <= 1e-9 * Swift.max(1, abs(x)) {
            newBid = Int64(r) - 1; newAsk = Int64(r) + 1
        } else {
            newBid = Int64(x.rounded(.down)); newAsk = newBid + 1
        }
        if !isValid {
            isValid = true
        } else {
            OrderBook.shift(&bidDepth, by: Int(clamping: newBid - bestBidTick) * -1, fill: parameters.depthPerLevel)
            OrderBook.shift(&askDepth, by: Int(clamping: newAsk - bestAskTick), fill: parameters.depthPerLevel)
        }
        bestBidTick = newBid
        bestAskTick = newAsk
        for i in resting.indices where resting[i].isActive {
            let through = resting[i].side == .buy ? resting[i].priceTick > newBid : resting[i].priceTick < newAsk
            if through { fillResting(i, quantity: resting[i].remaining) }
        }
    }

    /// Moves the depth array so that old level k becomes level k - s (s > 0: the best price moved
    /// away from the mid side's old best, its first s levels left the side); levels that appear start at `fill`.
    static func shift(_ depth: inout ContiguousArray<Double>, by s: Int, fill: Double) {
        let n = depth.count
        if s == 0 { return }
        if abs(s) >= n {
            for k in 0..<n { depth[k] = fill }
        } else if s > 0 {
            for k in 0..<(n - s) { depth[k] = depth[k + s] }
            for k in (n - s)..<n { depth[k] = fill }
        } else {
            let t = -s
            for k in stride(from: n - 1, through: t, by: -1) { depth[k] = depth[k - t] }
            for k in 0..<t { depth[k] = fill }
        }
    }

    /// Tracks a new resting order at `level` of `side` behind everything there; nil when every slot is in use.
    public mutating func placeResting(_ side: Side, level: Int, quantity: Double, at now: SimInstant) -> Int? {
        precondition(level >= 0 && level < parameters.levels, "a resting order's level is inside the window")
        advance(to: now)
        guard let i = resting.firstIndex(where: { !$0.isActive }) else { return nil }
        let t = tick(side, level: level)
        let ahead = depth(side, level: level) + trackedRemaining(side, tick: t, excluding: -1)
        resting[i] = RestingOrder(side: side, priceTick: t, quantity: quantity, remaining: quantity, ahead: ahead,
                                  aheadAtPlacement: ahead, isActive: true)
        return i
    }

    /// Stops tracking resting order `i` (cancelled by its owner, or read after its fill).
    public mutating func removeResting(_ i: Int) { resting[i].isActive = false }

    func trackedRemaining(_ side: Side, tick: Int64, excluding j: Int) -> Double {
        var sum = 0.0
        for i in resting.indices where i != j && resting[i].isActive && resting[i].side == side && resting[i].priceTick == tick {
            sum += resting[i].remaining
        }
        return sum
    }

    mutating func fillResting(_ i: Int, quantity: Double) {
        guard quantity > 0 else { return }
        let q = Swift.min(quantity, resting[i].remaining)
        resting[i].remaining -= q
        resting[i].filledNotional += q * price(tick: resting[i].priceTick)
        if resting[i].remaining <= 1e-12 * resting[i].quantity { resting[i].remaining = 0 }
    }

    /// A trade of `quantity` at `level` of `side` (the resting side): tracked orders ahead of
    /// it fill in queue order, the rest comes out of the level's depth.
    mutating func trade(_ side: Side, level: Int, quantity x: Double) {
        let t = tick(side, level: level)
        var trackedFilled = 0.0
        for i in resting.indices where resting[i].isActive && resting[i].side == side && resting[i].priceTick == t && resting[i].remaining > 0 {
            let past = x - resting[i].ahead
            resting[i].ahead = Swift.max(0, resting[i].ahead - x)
            if past > 0 {
                let before = resting[i].remaining
                fillResting(i, quantity: past)
                trackedFilled += before - resting[i].remaining
            }
        }
        let fromDepth = Swift.max(0, x - trackedFilled)
        if side == .buy { bidDepth[level] = Swift.max(0, bidDepth[level] - fromDepth) } else {
            askDepth[level] = Swift.max(0, askDepth[level] - fromDepth)
        }
    }

    /// A market order on `side` (a buy takes the asks) for `quantity`, walking the levels best
    /// first while their price is within `limit` (a buy: price <= limit); what the window cannot
    /// give is not filled (immediate-or-cancel).
    /// - Complexity: O(levels x restingCapacity) in the worst case.
    @discardableResult
    public mutating func marketOrder(_ side: Side, quantity: Double, limit: Double? = nil, at now: SimInstant) -> TakerExecution {
        advance(to: now)
        let book: Side = side.opposite
        var execution = TakerExecution(requested: quantity, filled: 0, notional: 0,
                                       topPrice: isValid ? price(tick: tick(book, level: 0)) : .nan, levelsTouched: 0)
        guard isValid, quantity > 0 else { return execution }
        var left = quantity
        for k in 0..<parameters.levels where left > 0 {
            let t = tick(book, level: k), p = price(tick: t)
            if let limit, side == .buy ? p > limit : p < limit { break }
            let available = depth(book, level: k) + trackedRemaining(book, tick: t, excluding: -1)
            guard available > 0 else { continue }
            let x = Swift.min(left, available)
            trade(book, level: k, quantity: x)
            left -= x
            execution.filled += x
            execution.notional += x * p
            execution.slippageNotional += x * abs(p - execution.topPrice)
            execution.levelsTouched += 1
        }
        if left <= 1e-12 * quantity { execution.filled = quantity }
        return execution
    }

    /// Other participants cancel `quantity` (at most what the level holds) at `level` of `side`;
    /// tracked orders there move by the queue model.
    /// - Complexity: O(restingCapacity).
    public mutating func cancel(_ side: Side, level: Int, quantity: Double, at now: SimInstant) {
        advance(to: now)
        let t = tick(side, level: level)
        let d = depth(side, level: level)
        let c = Swift.min(quantity, d)
        guard c > 0 else { return }
        for i in resting.indices where resting[i].isActive && resting[i].side == side && resting[i].priceTick == t && resting[i].remaining > 0 {
            // Others at the level: the background depth and the other tracked orders.
            let others = d + trackedRemaining(side, tick: t, excluding: i)
            let q = Swift.min(resting[i].ahead, others)
            resting[i].ahead = parameters.queueModel.aheadAfterCancel(ahead: q, behind: others - q, cancelled: c)
        }
        if side == .buy { bidDepth[level] = d - c } else { askDepth[level] = d - c }
    }

    /// The fee a taker pays on `notional` (a maker's is `makerFeeFraction` x notional, negative a rebate).
    public func takerFee(notional: Double) -> Double { notional * parameters.takerFeeFraction }
    public func makerFee(notional: Double) -> Double { notional * parameters.makerFeeFraction }
}
