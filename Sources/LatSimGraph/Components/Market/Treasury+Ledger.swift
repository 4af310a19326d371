import LatSimCore
import LatSimMarkets

/// The treasury's ledger moves, each inside one of its bot's events, each followed by a debug
/// check of the conservation identity (`TreasuryState.balanced`, compiled out of release builds).
extension GraphModel {
    /// Timer code of a batched treasury's flush (every `interval`).
    static let treasuryFlushTimer: Int32 = 3

    /// Builds bot `b`'s treasury: its accounts in the order of its views (its `out` connections).
    mutating func setUpTreasury(_ b: Int) {
        guard let p = arbitrageurs[b].parameters.treasury else { return }
        var state = TreasuryState(parameters: p)
        for v in arbitrageurs[b].viewStart..<arbitrageurs[b].viewStart + arbitrageurs[b].venueCount {
            let name = spec.components[Int(instanceInfo[Int(market.viewInstance[v])].group)].name
            // GraphSpec.checkMarkets made sure every venue has exactly one account.
            let account = p.accounts.first { $0.venue == name }!
            let amount = TreasuryAmount(base: account.base, quote: account.quote)
            state.accounts.append(TreasuryAccount(initial: amount, available: amount))
            state.initial = state.initial + amount
            state.marks.append(.nan)
        }
        arbitrageurs[b].treasury = market.treasuries.count
        market.treasuries.append(state)
    }

    @inline(__always)
    func checkTreasury(_ t: Int) {
        assert(market.treasuries[t].balanced(),
               "treasury \(t) out of balance: residual \(market.treasuries[t].residual())")
    }

    /// Reserves what trade (buy at view `buy`, sell at view `sell`, `size`) needs: the buy's quote
    /// at its limit plus fee, the sell's base. False (nothing reserved) when an account is short.
    mutating func treasuryReserve(_ local: Int, attempt a: Int, buy: Int, sell: Int, size: Double, now: SimInstant) -> Bool {
        let t = arbitrageurs[local].treasury, start = arbitrageurs[local].viewStart
        let A = buy - start, B = sell - start
        let quote = size * market.views[buy].ask * (1 + market.fees[Int(market.viewVenue[buy])])
        guard market.treasuries[t].accounts[A].available.quote >= quote, market.treasuries[t].accounts[B].available.base >= size else {
            return false
        }
        market.treasuries[t].accounts[A].available.quote -= quote
        market.treasuries[t].accounts[A].reserved.quote += quote
        market.treasuries[t].accounts[B].available.base -= size
        market.treasuries[t].accounts[B].reserved.base += size
        market.attempts[a].reserve = (quote: quote, base: size)
        treasuryRevalue(local, now: now)
        checkTreasury(t)
        return true
    }

    /// Leg `leg` of attempt `a` resolved: its reserve is released, a fill pays the counterparty
    /// and the fee, and what it received is in flight until the trade's transfer is confirmed.
    mutating func treasuryLeg(_ local: Int, attempt a: Int, leg: Int, fill: Double, quantity: Double, now: SimInstant) {
        let t = arbitrageurs[local].treasury, start = arbitrageurs[local].viewStart
        let attempt = market.attempts[a]
        if leg == 0 {
            let A = Int(attempt.venues.buy) - start, fee = market.fees[Int(market.viewVenue[Int(attempt.venues.buy)])]
            let reserve = attempt.reserve.quote
            market.treasuries[t].accounts[A].reserved.quote -= reserve
            market.attempts[a].reserve.quote = 0
            var back = reserve
            if !fill.isNaN && quantity > 0 {
                let cost = quantity * fill
                market.treasuries[t].given.quote += cost
                payFee(t, quote: cost * fee)
                back -= cost * (1 + fee)
                market.treasuries[t].received.base += quantity
                market.treasuries[t].accounts[A].inFlight.base += quantity
                market.attempts[a].credit.base = quantity
            }
            market.treasuries[t].accounts[A].available.quote += back
        } else {
            let B = Int(attempt.venues.sell) - start, fee = market.fees[Int(market.viewVenue[Int(attempt.venues.sell)])]
            let reserve = attempt.reserve.base
            market.treasuries[t].accounts[B].reserved.base -= reserve
            market.attempts[a].reserve.base = 0
            var back = reserve
            if !fill.isNaN && quantity > 0 {
                let proceeds = quantity * fill
                market.treasuries[t].given.base += quantity
                back -= quantity
                market.treasuries[t].received.quote += proceeds
                payFee(t, quote: proceeds * fee)
                market.treasuries[t].accounts[B].inFlight.quote += proceeds * (1 - fee)
                market.attempts[a].credit.quote = proceeds * (1 - fee)
            }
            market.treasuries[t].accounts[B].available.base += back
        }
        treasuryRevalue(local, now: now)
        checkTreasury(t)
    }

    @inline(__always)
    mutating func payFee(_ t: Int, quote fee: Double) {
        market.treasuries[t].fees.quote += fee
        if measuring { market.treasuries[t].statistics.feesPaid += fee }
    }

    /// Attempt `a` ends: a reserve whose leg was never sent is released; the unmatched part of
    /// the filled legs is unwound at the venue's true book now (credited at once: the unwind
    /// happens at the venue); the matched trade's receipts go to a transfer (`atomic`) or the
    /// open batch (`batched`).
    mutating func treasuryFinish(_ local: Int, instance: Int32, attempt a: Int, context: inout SimulationContext<GraphEvent>) {
        let t = arbitrageurs[local].treasury, start = arbitrageurs[local].viewStart
        let now = context.now
        if market.attempts[a].done & 2 == 0 { treasuryLeg(local, attempt: a, leg: 1, fill: .nan, quantity: 0, now: now) }
        if market.attempts[a].done & 1 == 0 { treasuryLeg(local, attempt: a, leg: 0, fill: .nan, quantity: 0, now: now) }
        let attempt = market.attempts[a]
        let A = Int(attempt.venues.buy) - start, B = Int(attempt.venues.sell) - start
        let buyVenue = Int(market.viewVenue[Int(attempt.venues.buy)]), sellVenue = Int(market.viewVenue[Int(attempt.venues.sell)])
        let bought = attempt.credit.base, sold = attempt.filled.1
        var creditBase = bought, creditQuote = attempt.credit.quote
        let both = !attempt.fills.0.isNaN && !attempt.fills.1.isNaN
        // The long excess (bought more than sold, or a buy alone) is sold back at the buy venue's bid.
        let long = both ? Swift.max(0, bought - sold) : (attempt.fills.0.isNaN ? 0 : bought)
        if long > 0 {
            let fee = market.fees[buyVenue], proceeds = long * market.books[buyVenue].bid
            market.treasuries[t].accounts[A].inFlight.base -= long
            creditBase -= long
            market.treasuries[t].given.base += long
            market.treasuries[t].received.quote += proceeds
            payFee(t, quote: proceeds * fee)
            market.treasuries[t].accounts[A].available.quote += proceeds * (1 - fee)
        }
        // The short excess (sold more than bought, or a sell alone) is bought back at the sell venue's ask.
        let short = both ? Swift.max(0, sold - bought) : (attempt.fills.1.isNaN ? 0 : sold)
        if short > 0 {
            if !both {
                // A sell alone settles nothing: its proceeds are the venue's at once.
                market.treasuries[t].accounts[B].inFlight.quote -= creditQuote
                market.treasuries[t].accounts[B].available.quote += creditQuote
                creditQuote = 0
            }
            let fee = market.fees[sellVenue], cost = short * market.books[sellVenue].ask
            market.treasuries[t].given.quote += cost
            payFee(t, quote: cost * fee)
            market.treasuries[t].accounts[B].available.quote -= cost * (1 + fee)
            market.treasuries[t].received.base += short
            market.treasuries[t].accounts[B].available.base += short
        }
        market.attempts[a].credit = (0, 0)
        if both && (creditBase > 0 || creditQuote > 0) {
            let open = market.treasuries[t].batch
            let x: Int
            if open >= 0 {
                x = Int(open)
            } else {
                x = market.treasuries[t].openTransfer(at: attempt.started)
                if market.treasuries[t].parameters.settlement == .batched { market.treasuries[t].batch = Int32(x) }
            }
            market.treasuries[t].transfers[x].credits[A].base += creditBase
            market.treasuries[t].transfers[x].credits[B].quote += creditQuote
            market.treasuries[t].transfers[x].trades += 1
            if attempt.measured {
                market.treasuries[t].transfers[x].decided.append(attempt.started)
                market.treasuries[t].transfers[x].measured = true
            }
            if market.treasuries[t].parameters.settlement == .atomic {
                sendTreasuryTransfer(local, instance: instance, x, created: attempt.started, stage: .service, context: &context)
            }
        }
        treasuryRevalue(local, now: now)
        checkTreasury(t)
        treasuryRebalance(local, instance: instance, context: &context)
    }

    /// Sends transfer `x` by `settle` (one connection, checked at decoding), created at `created`
    /// (the trade's decision, or a batch's first trade's), the time since then counted as `stage`.
    /// The transfer fee is paid from the account with the most available quote.
    mutating func sendTreasuryTransfer(_ local: Int, instance: Int32, _ x: Int, created: SimInstant, stage: TimeBucket,
                                       context: inout SimulationContext<GraphEvent>) {
        let t = arbitrageurs[local].treasury
        chargeTransferFee(t)
        market.treasuries[t].serial &+= 1
        market.treasuries[t].transfers[x].serial = market.treasuries[t].serial
        market.treasuries[t].transfers[x].sent = context.now
        market.treasuries[t].transfersInFlight += 1
        market.treasuries[t].sentTotal += 1
        if measuring {
            market.treasuries[t].statistics.transfersSent += 1
            arbitrageurs[local].statistics.settlementsSent += 1
        }
        let m = create(by: instance, now: created)
        pool.account(m, stage, at: context.now)
        pool[m].kind = .transfer
        var quantity = 0.0
        for credit in market.treasuries[t].transfers[x].credits { quantity += credit.base }
        pool[m].value0 = market.treasuries[t].transfers[x].credits.reduce(0) { $0 + $1.quote }
        pool[m].value1 = quantity
        pool[m].slot = Int32(x)
        pool[m].id = market.treasuries[t].serial
        pool[m].wantsReply = true
        pool[m].sizeBytes = UInt32(clamping: arbitrageurs[local].parameters.orderBytes)
        transmit(m, over: out2Connections[Int(out2Start[Int(instance)])], context: &context)
    }

    mutating func chargeTransferFee(_ t: Int) {
        let fee = market.treasuries[t].parameters.transferFee
        guard fee > 0 else { return }
        var richest = 0
        for v in market.treasuries[t].accounts.indices
        where market.treasuries[t].accounts[v].available.quote > market.treasuries[t].accounts[richest].available.quote { richest = v }
        market.treasuries[t].accounts[richest].available.quote -= fee
        payFee(t, quote: fee)
    }

    /// Timer 3 (`batched`): the open batch, if it settles any trade, leaves as one net transfer.
    mutating func treasuryFlush(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let t = arbitrageurs[local].treasury
        if let interval = market.treasuries[t].parameters.interval {
            context.schedule(.timer(component: instance, code: GraphModel.treasuryFlushTimer, payload: 0), after: interval)
        }
        let x = Int(market.treasuries[t].batch)
        guard x >= 0 else { return }
        market.treasuries[t].batch = -1
        sendTreasuryTransfer(local, instance: instance, x, created: market.treasuries[t].transfers[x].sent, stage: .wait, context: &context)
        treasuryRevalue(local, now: context.now)
        checkTreasury(t)
    }

    /// A settlement confirmed transfer `m`: its credits become available; each measured trade it
    /// settles records its decision-to-finality time, a rebalance its latency.
    mutating func treasuryConfirmed(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        let t = arbitrageurs[local].treasury, x = Int(pool[m].slot), serial = pool[m].id
        discard(m)
        guard x >= 0, x < market.treasuries[t].transfers.count, market.treasuries[t].transfers[x].inUse,
              market.treasuries[t].transfers[x].serial == serial else { return }
        let now = context.now
        let rebalance = market.treasuries[t].transfers[x].rebalance
        for v in market.treasuries[t].accounts.indices {
            let credit = market.treasuries[t].transfers[x].credits[v]
            market.treasuries[t].accounts[v].available.base += credit.base
            market.treasuries[t].accounts[v].available.quote += credit.quote
            if rebalance {
                market.treasuries[t].accounts[v].incoming.base -= credit.base
                market.treasuries[t].accounts[v].incoming.quote -= credit.quote
            } else {
                market.treasuries[t].accounts[v].inFlight.base -= credit.base
                market.treasuries[t].accounts[v].inFlight.quote -= credit.quote
            }
        }
        market.treasuries[t].confirmedTotal += 1
        if rebalance {
            market.treasuries[t].rebalancesInFlight -= 1
            if measuring && market.treasuries[t].transfers[x].measured {
                market.treasuries[t].statistics.rebalanceLatency.record(now - market.treasuries[t].transfers[x].sent)
            }
        } else {
            market.treasuries[t].transfersInFlight -= 1
            if measuring {
                for decided in market.treasuries[t].transfers[x].decided { market.treasuries[t].statistics.tradeFinality.record(now - decided) }
            }
        }
        market.treasuries[t].closeTransfer(x)
        treasuryRevalue(local, now: now)
        checkTreasury(t)
        treasuryRebalance(local, instance: instance, context: &context)
        decide(local, instance: instance, context: &context)
    }

    /// Rebalancing: a venue whose available base (then quote) is below `threshold` x its initial
    /// amount, and that has none of it incoming, gets half the difference from the richest
    /// account of that asset over `rebalance`, when fewer than `max_in_flight` are in flight
    /// (one: `lock-step`) and the richest stays at or above its own threshold.
    mutating func treasuryRebalance(_ local: Int, instance: Int32, context: inout SimulationContext<GraphEvent>) {
        let t = arbitrageurs[local].treasury
        guard let rule = market.treasuries[t].parameters.rebalance, out3Start[Int(instance) + 1] > out3Start[Int(instance)] else { return }
        for asset in 0..<2 {
            for v in market.treasuries[t].accounts.indices {
                guard market.treasuries[t].rebalancesInFlight < rule.maxInFlight else { return }
                let account = market.treasuries[t].accounts[v]
                let have = asset == 0 ? account.available.base : account.available.quote
                let incoming = asset == 0 ? account.incoming.base : account.incoming.quote
                let floor = rule.threshold * (asset == 0 ? account.initial.base : account.initial.quote)
                // What is on its way counts: lock-step never gets here with one in flight, pipelined tops up.
                guard have + incoming < floor else { continue }
                var richest = -1, most = -Double.infinity
                for u in market.treasuries[t].accounts.indices where u != v {
                    let amount = asset == 0 ? market.treasuries[t].accounts[u].available.base : market.treasuries[t].accounts[u].available.quote
                    if amount > most { most = amount; richest = u }
                }
                guard richest >= 0 else { continue }
                let amount = (most - have - incoming) / 2
                let initial = market.treasuries[t].accounts[richest].initial
                guard amount > 0, most - amount >= rule.threshold * (asset == 0 ? initial.base : initial.quote) else { continue }
                let x = market.treasuries[t].openTransfer(at: context.now)
                market.treasuries[t].transfers[x].rebalance = true
                market.treasuries[t].transfers[x].measured = measuring
                if asset == 0 {
                    market.treasuries[t].accounts[richest].available.base -= amount
                    market.treasuries[t].accounts[v].incoming.base += amount
                    market.treasuries[t].transfers[x].credits[v].base = amount
                } else {
                    market.treasuries[t].accounts[richest].available.quote -= amount
                    market.treasuries[t].accounts[v].incoming.quote += amount
                    market.treasuries[t].transfers[x].credits[v].quote = amount
                }
                chargeTransferFee(t)
                market.treasuries[t].serial &+= 1
                market.treasuries[t].transfers[x].serial = market.treasuries[t].serial
                market.treasuries[t].rebalancesInFlight += 1
                market.treasuries[t].rebalancesInFlightMax = Swift.max(market.treasuries[t].rebalancesInFlightMax, market.treasuries[t].rebalancesInFlight)
                market.treasuries[t].sentTotal += 1
                if measuring { market.treasuries[t].statistics.rebalancesSent += 1 }
                let m = create(by: instance, now: context.now)
                pool[m].kind = .transfer
                pool[m].value0 = asset == 0 ? 0 : amount
                pool[m].value1 = asset == 0 ? amount : 0
                pool[m].slot = Int32(x)
                pool[m].id = market.treasuries[t].serial
                pool[m].wantsReply = true
                pool[m].sizeBytes = UInt32(clamping: arbitrageurs[local].parameters.orderBytes)
                transmit(m, over: out3Connections[Int(out3Start[Int(instance)])], context: &context)
                treasuryRevalue(local, now: context.now)
                checkTreasury(t)
            }
        }
    }

    /// The capital locked (reserved, in flight, incoming) and the exposure (in flight, incoming)
    /// in quote, base marked at each venue's last valid book mid, set at this change.
    mutating func treasuryRevalue(_ local: Int, now: SimInstant) {
        let t = arbitrageurs[local].treasury, start = arbitrageurs[local].viewStart
        var locked = 0.0, exposure = 0.0
        for v in market.treasuries[t].accounts.indices {
            let book = market.books[Int(market.viewVenue[start + v])]
            if book.isValid { market.treasuries[t].marks[v] = (book.bid + book.ask) / 2 }
            let mark = market.treasuries[t].marks[v].isNaN ? 0 : market.treasuries[t].marks[v]
            let a = market.treasuries[t].accounts[v]
            let moving = a.inFlight + a.incoming
            exposure += moving.quote + moving.base * mark
            locked += moving.quote + a.reserved.quote + (moving.base + a.reserved.base) * mark
        }
        market.treasuries[t].locked.set(locked, at: now)
        market.treasuries[t].exposure.set(exposure, at: now)
    }

    mutating func resetTreasuries(at now: SimInstant) {
        for t in market.treasuries.indices {
            market.treasuries[t].statistics = TreasuryStatistics()
            market.treasuries[t].locked.reset(at: now)
            market.treasuries[t].exposure.reset(at: now)
        }
    }

    /// Series rows (`<bot>.treasury`): level = capital locked, held = exposure (quote), in =
    /// transfers and rebalances sent, out = confirmed, lost = trades refused for inventory in the bucket.
    mutating func sampleTreasuries(at now: SimInstant) {
        for instance in instanceInfo.indices where instanceInfo[instance].type == .arbitrageur {
            let b = Int(instanceInfo[instance].local), t = arbitrageurs[b].treasury
            guard t >= 0 else { continue }
            market.treasuries[t].audit()
            let last = market.treasuries[t].seriesLast
            let current = (market.treasuries[t].sentTotal, market.treasuries[t].confirmedTotal, market.treasuries[t].refusedTotal)
            market.treasuries[t].seriesLast = current
            guard seriesRows.count < ReplicationSpec.traceRowLimit else {
                traceRowsDropped += 1
                continue
            }
            seriesRows.append(["\(now.nanosecondsSinceStart)", spec.components[Int(instanceInfo[instance].group)].name + ".treasury",
                               "\(ordinal(of: instance))", "\(market.treasuries[t].locked.current)", "\(market.treasuries[t].exposure.current)",
                               "\(current.0 - last.0)", "\(current.1 - last.1)", "\(current.2 - last.2)"])
        }
    }
}

extension GraphModel {
    /// The metrics of a bot with a treasury (after the arbitrageur's own): sums over instances
    /// unless they say otherwise; inventories per venue at the end, by the venues' names.
    static func treasuryMetrics(_ p: TreasuryParameters) -> [ComponentMetric] {
        var metrics: [ComponentMetric] = ComponentMetric.histogram("trade_finality", "per trade, decision to its transfer's confirmation (ns)") { m, g in
            m.treasuryHistogram(g) { $0.statistics.tradeFinality }
        } + ComponentMetric.histogram("rebalance_latency", "per rebalancing transfer, sent to confirmed (ns)") { m, g in
            m.treasuryHistogram(g) { $0.statistics.rebalanceLatency }
        } + [
            ComponentMetric("capital_locked_value_mean", "quote", "time-weighted capital reserved, in flight or incoming (base at the venue's book mid)") { m, g, end in
                m.treasurySum(g) { $0.locked.mean(until: end) } },
            ComponentMetric("capital_locked_value_max", "quote", "most capital locked at once at one instance") { m, g, _ in
                m.treasuryMax(g) { $0.locked.maximum } },
            ComponentMetric("exposure_mean", "quote", "time-weighted value received and not yet final (in flight or incoming)") { m, g, end in
                m.treasurySum(g) { $0.exposure.mean(until: end) } },
            ComponentMetric("exposure_max", "quote", "most exposure at once at one instance") { m, g, _ in
                m.treasuryMax(g) { $0.exposure.maximum } },
            ComponentMetric("inventory_refusals_count", "count", "decisions refused because an account was short (each one; lost_to_capital_count counts opportunities)") { m, g, _ in
                m.treasurySum(g) { Double($0.statistics.inventoryRefusals) } },
            ComponentMetric("transfers_count", "count", "settlement transfers sent (one per trade: atomic; one per interval with trades: batched)") { m, g, _ in
                m.treasurySum(g) { Double($0.statistics.transfersSent) } },
            ComponentMetric("transfers_pending_end", "count", "settlement transfers not confirmed at the end (whole run)") { m, g, _ in
                m.treasurySum(g) { Double($0.transfersInFlight) } },
            ComponentMetric("rebalances_count", "count", "rebalancing transfers sent") { m, g, _ in
                m.treasurySum(g) { Double($0.statistics.rebalancesSent) } },
            ComponentMetric("rebalances_in_flight_max", "count", "most rebalancing transfers in flight at once at one instance (whole run)") { m, g, _ in
                m.treasuryMax(g) { Double($0.rebalancesInFlightMax) } },
            ComponentMetric("rebalances_pending_end", "count", "rebalancing transfers not confirmed at the end (whole run)") { m, g, _ in
                m.treasurySum(g) { Double($0.rebalancesInFlight) } },
            ComponentMetric("fees_paid_total", "quote", "trading fees (fills and unwinds) and transfer fees paid") { m, g, _ in
                m.treasurySum(g) { $0.statistics.feesPaid } },
            ComponentMetric("reserved_base_end", "base", "base reserved for legs in flight at the end") { m, g, _ in
                m.treasurySum(g) { $0.accounts.reduce(0) { $0 + $1.reserved.base } } },
            ComponentMetric("reserved_quote_end", "quote", "quote reserved for legs in flight at the end") { m, g, _ in
                m.treasurySum(g) { $0.accounts.reduce(0) { $0 + $1.reserved.quote } } },
            ComponentMetric("in_flight_base_end", "base", "base in flight (unconfirmed transfers, rebalances included) at the end") { m, g, _ in
                m.treasurySum(g) { $0.accounts.reduce(0) { $0 + $1.inFlight.base + $1.incoming.base } } },
            ComponentMetric("in_flight_quote_end", "quote", "quote in flight (unconfirmed transfers, rebalances included) at the end") { m, g, _ in
                m.treasurySum(g) { $0.accounts.reduce(0) { $0 + $1.inFlight.quote + $1.incoming.quote } } },
            ComponentMetric("conservation_residual_max", "ratio", "largest |inventories + reserved + in flight + fees + given - received - initial| / amounts moved, per asset, over the series samples and the end (0 up to rounding)") { m, g, _ in
                m.treasuryMax(g) { state in
                    var s = state
                    s.audit()
                    return s.residualMax } },
        ]
        for account in p.accounts {
            let venue = account.venue
            metrics.append(ComponentMetric("inventory_base_" + venue, "base", "base available at \(venue) at the end") { m, g, _ in
                m.treasuryAccountSum(g, venue: venue) { $0.available.base } })
            metrics.append(ComponentMetric("inventory_quote_" + venue, "quote", "quote available at \(venue) at the end") { m, g, _ in
                m.treasuryAccountSum(g, venue: venue) { $0.available.quote } })
        }
        return metrics
    }

    func treasuryStates(_ g: Int) -> [TreasuryState] {
        instances(of: g).compactMap { i in
            let t = arbitrageurs[Int(instanceInfo[Int(i)].local)].treasury
            return t >= 0 ? market.treasuries[t] : nil
        }
    }

    func treasurySum(_ g: Int, _ f: (TreasuryState) -> Double) -> Double {
        treasuryStates(g).reduce(0) { $0 + f($1) }
    }

    func treasuryMax(_ g: Int, _ f: (TreasuryState) -> Double) -> Double {
        treasuryStates(g).reduce(-Double.infinity) { Swift.max($0, f($1)) }
    }

    func treasuryHistogram(_ g: Int, _ f: (TreasuryState) -> LatencyHistogram) -> LatencyHistogram {
        var h = LatencyHistogram()
        for state in treasuryStates(g) { h.merge(f(state)) }
        return h
    }

    func treasuryAccountSum(_ g: Int, venue: String, _ f: (TreasuryAccount) -> Double) -> Double {
        var total = 0.0
        for i in instances(of: g) {
            let bot = arbitrageurs[Int(instanceInfo[Int(i)].local)]
            guard bot.treasury >= 0 else { continue }
            for v in 0..<bot.venueCount
            where spec.components[Int(instanceInfo[Int(market.viewInstance[bot.viewStart + v])].group)].name == venue {
                total += f(market.treasuries[bot.treasury].accounts[v])
            }
        }
        return total
    }
}
