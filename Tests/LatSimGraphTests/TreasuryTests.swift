import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The arbitrageur's treasury: its ledger against the bot's own profit accounting (an
/// independent computation: Arbitrageur.finish adds profits and legging costs from the fill
/// prices, the treasury moves amounts between accounts), finality and batching against their
/// closed forms, rebalancing over a bridge, conservation and no leak under faults.
@Suite struct TreasuryTests {
    static let initialBase = 50.0, initialQuote = 5_000.0

    /// Bot `a` of the market race alone: constant fundamental 100, beta's basis drawn afresh
    /// every 20 ms tick, 1 ms order links, a ledger settling in 100 ms.
    static func graph(treasury: String = "", extra: String = "", connections: String = "", drain: String = "2s") -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 100, volatility_per_sqrt_year: 0},
             tick_interval: 20ms, opportunity_size: 1}
          - {name: alpha, type: venue, half_spread_bps: 1, taker_fee_bps: 1, depth: 1, service_time: {type: exponential, mean: 20us}, stale_after: 1s}
          - {name: beta, type: venue, half_spread_bps: 1, taker_fee_bps: 1, depth: 1, basis_sd: 0.001, basis_half_life: 0ms,
             service_time: {type: exponential, mean: 20us}, stale_after: 1s}
          - {name: a, type: arbitrageur, design: async, order_timeout: 50ms,
             treasury: {accounts: [{venue: alpha, base: \(initialBase), quote: \(initialQuote)}, {venue: beta, base: \(initialBase), quote: \(initialQuote)}]\(treasury)}}
          - {name: ledger, type: settlement, layer: {type: ledger, ledger_latency: 100ms}}
        \(extra)
        connections:
          - {from: market.out, to: alpha.in, link: 2us}
          - {from: market.out, to: beta.in, link: 1us}
          - {from: alpha.out, to: a.in, link: 0ms}
          - {from: beta.out, to: a.in, link: 0ms}
          - {from: a.out, to: alpha.in, link: 1ms}
          - {from: a.out, to: beta.in, link: 1ms}
          - {from: a.settle, to: ledger.in, link: 0ms}
        \(connections)
        drain: \(drain)
        """
    }

    /// The bridge of graph-bridge-rebalancing with constant times: ledger 100 ms, relayer 1 s, ledger 100 ms, an acknowledging sink.
    static let bridge = (extra: """
          - {name: source-chain, type: settlement, layer: {type: ledger, ledger_latency: 100ms}}
          - {name: relayer, type: delay, delay: 1s}
          - {name: destination, type: settlement, layer: {type: ledger, ledger_latency: 100ms}}
          - {name: arrived, type: sink, acknowledge: true}
        """, connections: """
          - {from: a.rebalance, to: source-chain.in, link: 0ms}
          - {from: source-chain.out, to: relayer.in, link: 0ms}
          - {from: relayer.out, to: destination.in, link: 0ms}
          - {from: destination.out, to: arrived.in, link: 0ms}
        """)

    static func value(_ r: ReplicationResult, _ name: String) -> Double {
        guard let v = r.value(name) else {
            Issue.record("metric \(name) missing")
            return .nan
        }
        return v
    }

    /// The ledger's totals against the bot's profit accounting: every trade buys and sells the
    /// same quantity (legs unwound at the true book), so base is conserved across venues and
    /// quote grows by profit - legging cost - transfer fees. Valid when no fill arrived after
    /// its leg timed out (`late_fills_count` 0: such a fill is outside the ledger) and the run
    /// is measured from time zero.
    static func checkAgainstProfit(_ r: ReplicationResult, transferFee: Double, initialBase: Double = initialBase, label: String) throws {
        #expect(value(r, "a.late_fills_count") == 0, "\(label): a late fill (outside the ledger) makes this check void")
        let base = value(r, "a.inventory_base_alpha") + value(r, "a.inventory_base_beta") + value(r, "a.reserved_base_end") + value(r, "a.in_flight_base_end")
        let quote = value(r, "a.inventory_quote_alpha") + value(r, "a.inventory_quote_beta") + value(r, "a.reserved_quote_end") + value(r, "a.in_flight_quote_end")
        let transfers = value(r, "a.transfers_count") + value(r, "a.rebalances_count")
        let expectedQuote = try 2 * initialQuote + value(r, "a.profit_captured_total") - value(r, "a.legging_cost_total") - transferFee * transfers
        #expect(abs(base - 2 * initialBase) < 1e-9 * initialBase, "\(label): base \(base), expected \(2 * initialBase)")
        #expect(abs(quote - expectedQuote) < 1e-7 * initialQuote, "\(label): quote \(quote), expected \(expectedQuote) (initial + profit - legging - fees)")
        #expect(value(r, "a.conservation_residual_max") < 1e-12, "\(label): residual \(value(r, "a.conservation_residual_max"))")
    }

    @Test("Atomic: ledger = initial + profit - legging - transfer fees; finality = order round trip + 100 ms ledger")
    func atomicAgainstProfitAndFinality() throws {
        let r = try GraphSupport.run(Self.graph(treasury: ", transfer_fee: 0.01"), seed: 5, horizon: .seconds(Int64(60)))
        try Self.checkAgainstProfit(r, transferFee: 0.01, label: "atomic")
        let completed = Self.value(r, "a.completed_count")
        #expect(completed > 100, "trades: \(completed)")
        #expect(Self.value(r, "a.transfers_count") == completed, "one transfer per completed trade")
        // The price source ticks on through the drain: the trades of its last 100 ms are still in flight at the end.
        let pending = Self.value(r, "a.transfers_pending_end")
        #expect(Self.value(r, "a.trade_finality_count") == completed - pending)
        #expect(pending <= 10 && (pending > 0) == (Self.value(r, "a.in_flight_quote_end") > 0), "pending \(pending)")
        // Decision -> both legs (1 ms out, Exp(20 us) service, 1 ms back) -> 0 ms -> ledger 100 ms -> 0 ms back.
        // The slower of two legs' services: E[max of two Exp(20 us)] = 30 us (queueing behind the price updates adds little).
        let mean = Self.value(r, "a.trade_finality_mean"), p99 = Self.value(r, "a.trade_finality_p99")
        print("atomic finality: mean \(mean) p50 \(Self.value(r, "a.trade_finality_p50")) p99 \(p99) max \(Self.value(r, "a.trade_finality_max"))")
        #expect(abs(mean - 102.03e6) < 0.02e6, "finality mean \(mean) ns, expected about 102.03 ms")
        // Percentiles come from LatencyHistogram's buckets (a relative resolution of about 0.5%).
        #expect(p99 > 101.5e6 && p99 < 102.6e6, "finality p99 \(p99)")
        #expect(Self.value(r, "a.capital_locked_value_max") > 0 && Self.value(r, "a.exposure_mean") > 0)
    }

    @Test("Batched every 1 s: one transfer per interval, finality longer by about interval / 2")
    func batchedNetsPerInterval() throws {
        let atomic = try GraphSupport.run(Self.graph(), seed: 5, horizon: .seconds(Int64(60)))
        let batched = try GraphSupport.run(Self.graph(treasury: ", settlement: batched, interval: 1s, transfer_fee: 0.01"), seed: 5, horizon: .seconds(Int64(60)))
        try Self.checkAgainstProfit(batched, transferFee: 0.01, label: "batched")
        let transfers = Self.value(batched, "a.transfers_count")
        // 62 s of run (horizon + drain): at most 62 flushes; with trades about every 3 ticks nearly every interval has one.
        #expect(transfers <= 62 && transfers >= 55, "batched transfers \(transfers)")
        // Unconfirmed at the end: the open batch and the one in the ledger (at most about 1.1 s of trades, one per 3 ticks).
        let unconfirmed = Self.value(batched, "a.completed_count") - Self.value(batched, "a.trade_finality_count")
        #expect(unconfirmed >= 0 && unconfirmed < 60, "trades not final at the end: \(unconfirmed)")
        // Trades spread evenly over the interval (ticks every 20 ms): the wait to the flush is uniform on (0, 1 s], mean 0.5 s.
        let extra = Self.value(batched, "a.trade_finality_mean") - Self.value(atomic, "a.trade_finality_mean")
        #expect(abs(extra - 0.5e9) < 0.03e9, "batched finality - atomic: \(extra) ns, expected about 0.5 s")
        #expect(Self.value(batched, "a.trade_finality_p99") > 1.0e9, "p99 waits nearly the whole interval")
    }

    @Test("No inventory to sell: every trade refused, finality NaN, nothing locked")
    func emptyInventoryRefusesAll() throws {
        let g = Self.graph().replacingOccurrences(of: "base: \(Self.initialBase)", with: "base: 0")
        let r = try GraphSupport.run(g, seed: 5, horizon: .seconds(Int64(10)))
        #expect(Self.value(r, "a.attempts_count") == 0)
        #expect(Self.value(r, "a.inventory_refusals_count") > 0)
        #expect(Self.value(r, "a.lost_to_capital_count") > 0)
        #expect(Self.value(r, "a.trade_finality_mean").isNaN, "no trade reached finality: NaN, not 0")
        #expect(Self.value(r, "a.trade_finality_count") == 0)
        #expect(Self.value(r, "a.rebalance_latency_mean").isNaN)
        #expect(Self.value(r, "a.capital_locked_value_max") == 0)
    }

    /// Inventory drained by one-sided trading and refilled over the bridge.
    static func rebalancing(_ mode: String, seed: UInt64 = 3, series: Bool = false) throws -> ReplicationResult {
        // 3 base per venue: a run of trades in one direction empties the sell venue.
        let g = Self.graph(treasury: ", rebalance: {threshold: 0.5, mode: \(mode)}", extra: Self.bridge.extra,
                           connections: Self.bridge.connections, drain: "5s")
            .replacingOccurrences(of: "base: \(Self.initialBase)", with: "base: 3")
        return GraphRun.run(try GraphSupport.spec(g), replication: ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(Int64(60)),
                                                                                   seriesBucket: series ? .milliseconds(100) : nil))
    }

    @Test("Rebalancing over a bridge: latency = 100 ms + 1 s + 100 ms; lock-step keeps one in flight, pipelined more")
    func rebalancingOverBridge() throws {
        let lock = try Self.rebalancing("lock-step", series: true), pipe = try Self.rebalancing("pipelined", series: true)
        for (label, r) in [("lock-step", lock), ("pipelined", pipe)] {
            let n = Self.value(r, "a.rebalances_count")
            #expect(n > 5, "\(label): rebalances \(n)")
            #expect(abs(Self.value(r, "a.rebalance_latency_mean") - 1.2e9) < 1e6, "\(label): constant bridge, 1.2 s")
            #expect(Self.value(r, "a.rebalances_pending_end") <= Self.value(r, "a.rebalances_in_flight_max"))
            try Self.checkAgainstProfit(r, transferFee: 0, initialBase: 3, label: label)
            #expect(Self.value(r, "a.conservation_residual_max") < 1e-12)
            // Base across venues is conserved (each trade buys and sells one unit), counting what is in flight.
            let base = Self.value(r, "a.inventory_base_alpha") + Self.value(r, "a.inventory_base_beta") + Self.value(r, "a.in_flight_base_end")
            #expect(abs(base - 6) < 1e-9, "\(label): base \(base)")
        }
        #expect(Self.value(lock, "a.rebalances_in_flight_max") == 1)
        #expect(Self.value(pipe, "a.rebalances_in_flight_max") > 1)
        #expect(Self.value(pipe, "a.rebalances_count") > Self.value(lock, "a.rebalances_count"))
        // The series: capital locked (level) and exposure (held) never negative, exposure within the capital locked.
        let rows = lock.seriesRows.filter { $0[1] == "a.treasury" }
        #expect(rows.count >= 600, "a row per 100 ms: \(rows.count)")
        #expect(rows.allSatisfy { Double($0[3])! >= -1e-9 && Double($0[4])! >= -1e-9 && Double($0[4])! <= Double($0[3])! + 1e-9 })
    }

    @Test("Conservation and no leak under faults: outages, cuts and loss, several seeds")
    func conservationUnderFaults() throws {
        let faults = """
          - {name: rival, type: arbitrageur, design: async}
        """
        let links = """
          - {from: alpha.out, to: rival.in, link: 1ms}
          - {from: beta.out, to: rival.in, link: 1ms}
          - {from: rival.out, to: alpha.in, link: 1ms}
          - {from: rival.out, to: beta.in, link: 1ms}
        faults:
          - {target: alpha, mtbf: {type: exponential, mean: 3s}, mttr: 200ms}
          - {target: ledger, at: 10s, duration: 2s}
          - {target: a-beta, mtbf: {type: exponential, mean: 2s}, mttr: 100ms}
          - {target: relayer, at: 20s, duration: 3s}
          - {target: a, at: 25s, duration: 500ms}
        """
        for seed in UInt64(1)...4 {
            var g = Self.graph(treasury: ", settlement: \(seed % 2 == 0 ? "batched, interval: 500ms" : "atomic"), transfer_fee: 0.02, rebalance: {threshold: 0.5, mode: \(seed < 3 ? "lock-step" : "pipelined")}",
                               extra: Self.bridge.extra + "\n" + faults, connections: Self.bridge.connections + "\n" + links, drain: "10s")
                .replacingOccurrences(of: "base: \(Self.initialBase)", with: "base: 3")
            // Loss on the order links, the settle link and the bridge.
            g = g.replacingOccurrences(of: "{from: a.out, to: alpha.in, link: 1ms}", with: "{from: a.out, to: alpha.in, link: {latency: 1ms, loss: 0.05}}")
            g = g.replacingOccurrences(of: "{from: a.settle, to: ledger.in, link: 0ms}", with: "{from: a.settle, to: ledger.in, link: {latency: 1ms, loss: 0.02}}")
            g = g.replacingOccurrences(of: "{from: relayer.out, to: destination.in, link: 0ms}", with: "{from: relayer.out, to: destination.in, link: {latency: 0ms, loss: 0.05}}")
            let r = GraphRun.run(try GraphSupport.spec(g), replication: ReplicationSpec(replication: 0, rootSeed: seed, horizon: .seconds(Int64(40)),
                                                                                        seriesBucket: .milliseconds(250)))
            let label = "seed \(seed)"
            // Checked at every sample (every 250 ms) and at the end; in debug builds after every ledger move too.
            #expect(Self.value(r, "a.conservation_residual_max") < 1e-12, "\(label): residual")
            try Self.checkAgainstProfit(r, transferFee: 0.02, initialBase: 3, label: label)
            // No leak: order_timeout (50 ms) ends every attempt within the 10 s drain, so nothing stays reserved ...
            #expect(abs(Self.value(r, "a.reserved_base_end")) < 1e-9 && abs(Self.value(r, "a.reserved_quote_end")) < 1e-6, "\(label): reserve leaked")
            // ... and what is in flight is exactly what lost transfers carried: none lost, none in flight.
            let pending = Self.value(r, "a.transfers_pending_end") + Self.value(r, "a.rebalances_pending_end")
            let inFlight = Self.value(r, "a.in_flight_base_end") + Self.value(r, "a.in_flight_quote_end")
            let lost = Self.value(r, "link.a-ledger.dropped") + Self.value(r, "link.relayer-destination.dropped")
                + Self.value(r, "source-chain.lost_down") + Self.value(r, "ledger.lost_down") + Self.value(r, "relayer.lost_down")
                + Self.value(r, "destination.lost_down") + Self.value(r, "link.a-source-chain.dropped") + Self.value(r, "a.lost_down")
            #expect((pending > 0) == (inFlight > 0), "\(label): pending \(pending), in flight \(inFlight)")
            #expect(pending <= lost, "\(label): \(pending) transfers unconfirmed, \(lost) messages lost on their routes")
            #expect(lost > 0, "\(label): the faults lost something")
            print("treasury faults \(label): trades \(Self.value(r, "a.completed_count")), transfers \(Self.value(r, "a.transfers_count")), rebalances \(Self.value(r, "a.rebalances_count")), pending \(pending), lost \(lost), residual \(Self.value(r, "a.conservation_residual_max"))")
        }
    }

    @Test("Treasury config errors name the key, what is allowed and what was given")
    func configErrors() throws {
        func failure(_ g: String) throws -> String { try GraphConfigErrorTests.failure(g) }
        let missingVenue = Self.graph().replacingOccurrences(of: ", {venue: beta, base: \(Self.initialBase), quote: \(Self.initialQuote)}", with: "")
        #expect(try failure(missingVenue).contains("no account for venue beta"))
        let wrongVenue = Self.graph().replacingOccurrences(of: "{venue: beta,", with: "{venue: gamma,")
        #expect(try failure(wrongVenue).contains("gamma"))
        let batchedNoInterval = Self.graph(treasury: ", settlement: batched")
        #expect(try failure(batchedNoInterval).contains("interval"))
        let atomicInterval = Self.graph(treasury: ", interval: 1s")
        #expect(try failure(atomicInterval).contains("only allowed with settlement: batched"))
        let badMode = Self.graph(treasury: ", settlement: netted")
        let badModeText = try failure(badMode)
        #expect(badModeText.contains("atomic") && badModeText.contains("netted"), "\(badModeText)")
        let negative = Self.graph().replacingOccurrences(of: "quote: \(Self.initialQuote)}, {venue: beta", with: "quote: -1}, {venue: beta")
        #expect(try failure(negative).contains("quote"))
        let both = Self.graph().replacingOccurrences(of: "order_timeout: 50ms,", with: "order_timeout: 50ms, capital_trades: 2,")
        #expect(try failure(both).contains("capital_trades"))
        let noSettle = Self.graph().replacingOccurrences(of: "  - {from: a.settle, to: ledger.in, link: 0ms}\n", with: "")
            .replacingOccurrences(of: "  - {name: ledger, type: settlement, layer: {type: ledger, ledger_latency: 100ms}}\n", with: "")
        #expect(try failure(noSettle).contains("no settle connection"))
        let noBridge = Self.graph(treasury: ", rebalance: {threshold: 0.5}")
        #expect(try failure(noBridge).contains("no rebalance connection"))
        let bridgeNoRule = Self.graph(extra: Self.bridge.extra, connections: Self.bridge.connections)
        #expect(try failure(bridgeNoRule).contains("no rebalance rule"))
        let lockStepWidth = Self.graph(treasury: ", rebalance: {threshold: 0.5, max_in_flight: 4}", extra: Self.bridge.extra, connections: Self.bridge.connections)
        #expect(try failure(lockStepWidth).contains("max_in_flight"))
        let threshold = Self.graph(treasury: ", rebalance: {threshold: 2}", extra: Self.bridge.extra, connections: Self.bridge.connections)
        #expect(try failure(threshold).contains("threshold"))
        let unknown = Self.graph(treasury: ", rebalanse: {threshold: 0.5}")
        #expect(try failure(unknown).contains("rebalance"))
    }

    @Test("Same seed, same treasury numbers (determinism)")
    func deterministic() throws {
        let one = try Self.rebalancing("pipelined", seed: 11, series: true), two = try Self.rebalancing("pipelined", seed: 11, series: true)
        #expect(one.metrics.map(\.value).description == two.metrics.map(\.value).description)
        #expect(one.seriesRows == two.seriesRows)
    }
}
