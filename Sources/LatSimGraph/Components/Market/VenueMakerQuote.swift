import LatSimCore
import LatSimMarkets

/// A venue with `quote: maker`: its book is one market maker's two-sided quote (a `market-maker`
/// with `quote: fundamental`), not a spread around its price source's price.
///
/// A price from the price source sets the venue's reference price (times its basis), which it
/// sends back to a maker's request (a `price` reply carrying the tick number). The maker's quote
/// messages queue at the matching engine with the orders (FIFO: one station serves both) and
/// take effect when their service starts, if newer (by sequence) than the live quote; each is
/// acknowledged back when its service ends. An order that fills against the quote takes its
/// side (immediate-or-cancel at the quote's price, all or none) and is reported to the maker
/// at once over the maker's connection (a copy of the live quote message: taker side, price,
/// quantity, the quote's mid). Measurement only: the taker's fill count, the maker's fills,
/// the two-sided time and spread (at every change of the book), and the fill's markout at the
/// maker's `markout_horizon` (the maker's timer 3) against the venue's reference price.
extension GraphModel {
    /// A maker's request: answered with the reference price and its tick number.
    mutating func venueReplyReference(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        pool[m].kind = .price
        pool[m].value0 = venues[local].referencePrice
        pool[m].tag = venues[local].referenceVersion
        pool[m].producer = instance
        reply(m, sizeBytes: venues[local].parameters.quoteBytes, context: &context)
    }

    /// Service of maker quote `m` starts: it replaces the live quote if it is newer.
    mutating func venueApplyMakerQuote(_ local: Int, instance: Int32, _ m: Int32, at now: SimInstant, context: inout SimulationContext<GraphEvent>) {
        guard Int32(bitPattern: pool[m].sequence &- venues[local].liveQuoteSequence) > 0 else { return }
        venues[local].liveQuoteSequence = pool[m].sequence
        if pool[m].value2 == 0 && pool[m].value3 == 0 {
            market.books[local].bidSize = 0
            market.books[local].askSize = 0
        } else {
            market.books[local].bid = pool[m].value0
            market.books[local].ask = pool[m].value1
            market.books[local].bidSize = pool[m].value2
            market.books[local].askSize = pool[m].value3
        }
        market.books[local].version += 1
        if venues[local].liveQuote >= 0 { discard(venues[local].liveQuote) }
        venues[local].liveQuote = pool.copy(m)
        venueRecordMakerBook(local, at: now)
        venueBookChanged(local, instance: instance, context: &context)
    }

    /// Service of maker quote `m` ends: its acknowledgement goes back.
    mutating func venueAcknowledgeMakerQuote(_ local: Int, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring, instanceInfo[Int(pool[m].origin)].type == .marketMaker {
            makers[Int(instanceInfo[Int(pool[m].origin)].local)].quoting.acks += 1
        }
        reply(m, sizeBytes: venues[local].parameters.ackBytes, context: &context)
    }

    /// Order `m` against the maker's quote: a fill takes the side and is reported to the maker.
    mutating func venueMatchMakerQuote(_ local: Int, instance: Int32, _ m: Int32, at now: SimInstant, context: inout SimulationContext<GraphEvent>) {
        let takerBuys = pool[m].side == 0, quantity = pool[m].value1
        guard let price = market.books[local].take(takerBuys ? .buy : .sell, limit: pool[m].value0, quantity: quantity) else { return }
        pool[m].value2 = price
        matchesStarted += 1
        pool[m].value3 = Double(matchesStarted)
        venueCreditTaker(m)
        let held = venues[local].liveQuote
        if held >= 0 {
            let owner = pool[held].origin, maker = makerLocal(of: held)
            let report = pool.copy(held)
            pool[report].kind = .fill
            pool[report].side = pool[m].side
            pool[report].producer = instance
            pool[report].value0 = price
            pool[report].value1 = quantity
            pool[report].value2 = market.books[local].mid
            pool[report].value3 = 0
            pool[report].tag = now.nanosecondsSinceStart
            if measuring {
                makers[maker].quoting.fills += 1
                makers[maker].quoting.fillReports += 1
                let slot: Int32
                if let free = makerMarkoutFree.popLast() { slot = free } else {
                    slot = Int32(makerMarkouts.count)
                    makerMarkouts.append(MakerMarkout())
                }
                makerMarkouts[Int(slot)] = MakerMarkout(venueLocal: Int32(local), sign: takerBuys ? 1 : -1, price: price,
                                                        reference: venues[local].referencePrice)
                context.schedule(.timer(component: owner, code: 3, payload: slot), at: now + makers[maker].parameters.quoting!.markoutHorizon)
            }
            reply(report, sizeBytes: venues[local].parameters.ackBytes, context: &context)
            venueRecordMakerBook(local, at: now)
        }
        venueBookChanged(local, instance: instance, context: &context)
    }

    /// A `taker`'s order `m` filled (its filled quantity in `value1`): counted against the taker, at the fill.
    @inline(__always)
    mutating func venueCreditTaker(_ m: Int32) {
        let origin = Int(pool[m].origin)
        guard measuring, origin >= 0, instanceInfo[origin].type == .taker else { return }
        takers[Int(instanceInfo[origin].local)].statistics.fills += 1
        takers[Int(instanceInfo[origin].local)].statistics.filledQuantity += pool[m].value1
    }

    /// The book's two-sided state and spread, into the quoting maker's time-weighted values.
    mutating func venueRecordMakerBook(_ local: Int, at now: SimInstant) {
        let held = venues[local].liveQuote
        guard held >= 0 else { return }
        let maker = makerLocal(of: held), book = market.books[local]
        let two = book.isValid && book.bidSize > 0 && book.askSize > 0
        makers[maker].quoting.twoSided.set(two ? 1 : 0, at: now)
        makers[maker].quoting.spreadWhileTwoSided.set(two ? (book.ask - book.bid) / book.mid * 10_000 : 0, at: now)
    }
}
