import LatSimCore
import LatSimMarkets

/// A book venue's handling of market makers' resting limit orders (`place` messages from a
/// `market-maker`), and the fill reports it sends back over the connection each order came by.
///
/// A `place` is handled when it arrives (it does not queue behind the matching engine's
/// immediate-or-cancel orders): the maker's resting order on that side, if any, is cancelled
/// (unless it is newer than the `place`: links may reorder), then the new one rests at its price
/// behind everything there (`OrderBook.placeResting`), or is refused when the price is not on its
/// side of the book's window (a bid at or above the best ask, or deeper than `levels`). The
/// `place` travels back as its confirmation. After every trade the book makes (a background
/// market order, a strategy's order, a recentre that moved through a resting price) each maker
/// order that filled is reported by a copy of its placement (the last fill: the placement
/// itself), carrying the price, the quantity, the remainder, the queue ahead at placement and the
/// placement and fill times. Measurement only (no behaviour): the fill's edge against the book's
/// mid and its markouts (the maker's timers 1 and 2), and the order's time in the book.
extension GraphModel {
    mutating func venuePlace(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let now = context.now
        let origin = pool[m].origin, side = pool[m].side
        pool[m].producer = instance
        pool[m].value2 = 0
        pool[m].value3 = 0
        for i in venues[local].makerOrders.indices {
            let held = venues[local].makerOrders[i]
            guard held >= 0, pool[held].origin == origin, pool[held].side == side else { continue }
            if Int32(bitPattern: pool[held].sequence &- pool[m].sequence) > 0 {
                pool[m].value2 = -2
                reply(m, sizeBytes: venues[local].parameters.ackBytes, context: &context)
                return
            }
            pool[m].value3 = venues[local].book!.resting[i].remaining
            venueRemoveMakerOrder(local, slot: i, at: now)
            break
        }
        if pool[m].value1 > 0 {
            let book = venues[local].book!
            let bookSide: Side = side == 0 ? .buy : .sell
            let tick = Int64((pool[m].value0 / book.parameters.tickSize).rounded())
            if let level = book.level(bookSide, tick: tick),
               let i = venues[local].book!.placeResting(bookSide, level: level, quantity: pool[m].value1, at: now) {
                let held = pool.copy(m)
                pool[held].offset = now.nanosecondsSinceStart
                pool[held].value3 = venues[local].book!.resting[i].aheadAtPlacement
                venues[local].makerOrders[i] = held
                venues[local].makerReported[i] = 0
                pool[m].value2 = 1
            } else {
                pool[m].value2 = -1
            }
        }
        reply(m, sizeBytes: venues[local].parameters.ackBytes, context: &context)
    }

    /// Resting slot `i` leaves the book unfilled (cancelled): its time there is credited to its maker.
    mutating func venueRemoveMakerOrder(_ local: Int, slot i: Int, at now: SimInstant) {
        let held = venues[local].makerOrders[i]
        venueCreditQuoteTime(held, at: now)
        venues[local].book!.removeResting(i)
        venues[local].makerOrders[i] = -1
        discard(held)
    }

    func makerLocal(of held: Int32) -> Int { Int(instanceInfo[Int(pool[held].origin)].local) }

    mutating func venueCreditQuoteTime(_ held: Int32, at now: SimInstant) {
        guard measuring else { return }
        let placed = SimInstant(nanosecondsSinceStart: pool[held].offset)
        let time = Swift.max(0, (now - Swift.max(placed, measureStart)).nanoseconds)
        let maker = makerLocal(of: held)
        if pool[held].side == 0 { makers[maker].statistics.quotedTime.0 += time } else { makers[maker].statistics.quotedTime.1 += time }
    }

    /// Reports every maker order that filled since the last report (after the book traded; the quote is synced).
    /// - Complexity: O(resting slots), nothing for a venue without makers.
    mutating func venueReportMakerFills(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        guard !venues[local].makerOrders.isEmpty else { return }
        let now = context.now
        for i in venues[local].makerOrders.indices {
            let held = venues[local].makerOrders[i]
            guard held >= 0 else { continue }
            let order = venues[local].book!.resting[i]
            let new = order.filled - venues[local].makerReported[i]
            guard new > 1e-12 * order.quantity else { continue }
            venues[local].makerReported[i] = order.filled
            let done = order.remaining <= 0
            let report = done ? held : pool.copy(held)
            pool[report].kind = .fill
            pool[report].producer = instance
            pool[report].value1 = new
            pool[report].value2 = order.remaining
            pool[report].tag = now.nanosecondsSinceStart
            pool[report].key = UInt32(truncatingIfNeeded: market.books[local].version)
            if measuring {
                let maker = makerLocal(of: held)
                let price = pool[held].value0, sign = pool[held].side == 0 ? 1.0 : -1.0
                makers[maker].statistics.edgeBpsTotal += (market.books[local].mid - price) * sign / price * 1e4
                makers[maker].statistics.edgeCount += 1
                let slot: Int32
                if let free = makerMarkoutFree.popLast() { slot = free } else {
                    slot = Int32(makerMarkouts.count)
                    makerMarkouts.append(MakerMarkout())
                }
                makerMarkouts[Int(slot)] = MakerMarkout(venueLocal: Int32(local), sign: sign, price: price)
                let owner = pool[held].origin
                context.schedule(.timer(component: owner, code: 1, payload: slot), at: now + makerMarkoutHorizons.0)
                context.schedule(.timer(component: owner, code: 2, payload: slot), at: now + makerMarkoutHorizons.1)
            }
            if done {
                venueCreditQuoteTime(held, at: now)
                venues[local].book!.removeResting(i)
                venues[local].makerOrders[i] = -1
            }
            reply(report, sizeBytes: venues[local].parameters.ackBytes, context: &context)
        }
    }
}
