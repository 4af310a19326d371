import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The market components (price source, venue, arbitrageur) against closed forms and integrals.
@Suite struct MarketComponentTests {
    /// Two arbitrageurs racing for every opportunity between two venues.
    ///
    /// The fundamental is constant (volatility 0) and ticks every 20 ms; venue beta's basis is
    /// drawn afresh at every tick (half-life 0, sd 1e-3), so most ticks open an opportunity that
    /// lasts until a fill or the next tick. Both bots see every quote at once (feeds with zero
    /// latency) and send both legs at once; at each venue the first order to reach the engine
    /// takes the depth (one order size). The order links' draws are independent, so with
    /// p = P(T_A < T_B) = integral of f_A(t) (1 - F_B(t)) dt for one venue, A captures with
    /// probability p^2, B with (1 - p)^2, and each is left with one leg (legging) with 2 p (1 - p).
    static let raceGraph = """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 100, volatility_per_sqrt_year: 0},
             tick_interval: 20ms, opportunity_size: 1}
          - {name: alpha, type: venue, half_spread_bps: 1, taker_fee_bps: 1, depth: 1, service_time: {type: exponential, mean: 20us}, stale_after: 1s}
          - {name: beta, type: venue, half_spread_bps: 1, taker_fee_bps: 1, depth: 1, basis_sd: 0.001, basis_half_life: 0ms,
             service_time: {type: exponential, mean: 20us}, stale_after: 1s}
          - {name: a, type: arbitrageur, design: async}
          - {name: b, type: arbitrageur, design: async}
        connections:
          - {from: market.out, to: alpha.in, link: 0ms}
          - {from: market.out, to: beta.in, link: 1us}
          - {from: alpha.out, to: a.in, link: 0ms}
          - {from: beta.out, to: a.in, link: 0ms}
          - {from: alpha.out, to: b.in, link: 0ms}
          - {from: beta.out, to: b.in, link: 0ms}
          - {from: a.out, to: alpha.in, link: {latency: {type: lognormal, median: 1ms, sigma: 0.5}}}
          - {from: a.out, to: beta.in, link: {latency: {type: lognormal, median: 1ms, sigma: 0.5}}}
          - {from: b.out, to: alpha.in, link: {latency: {type: gamma, shape: 2, scale: 400us, shift: 300us}}}
          - {from: b.out, to: beta.in, link: {latency: {type: gamma, shape: 2, scale: 400us, shift: 300us}}}
        """

    func lognormalDensity(_ x: Double, median: Double, sigma: Double) -> Double {
        guard x > 0 else { return 0 }
        let z = (log(x) - log(median)) / sigma
        return exp(-z * z / 2) / (x * sigma * (2 * Double.pi).squareRoot())
    }

    @Test("Race at two venues: captures p^2 and (1-p)^2, legging 2p(1-p), p = integral f_A (1 - F_B)")
    func raceAtTwoVenues() throws {
        let result = try GraphSupport.run(Self.raceGraph, seed: 31, horizon: .seconds(Int64(200)))
        let b = try Distribution.gamma(shape: 2, scale: 400_000).shifted(by: 300_000)
        let p = try #require(Integration.integrate(from: 0, to: .infinity, relativeError: 1e-8) { u in
            self.lognormalDensity(u * 1e6, median: 1_000_000, sigma: 0.5) * 1e6 * (1 - b.cdf(u * 1e6))
        })
        let n = try #require(result.value("market.opportunities_count"))
        let expected = [("a.captured_count", p * p), ("b.captured_count", (1 - p) * (1 - p)),
                        ("a.legging_failures_count", 2 * p * (1 - p)), ("b.legging_failures_count", 2 * p * (1 - p))]
        print("race at two venues: p \(p), opportunities \(n)")
        #expect(n > 4_000, "most of the 10,000 ticks open an opportunity")
        for (metric, share) in expected {
            let observed = try #require(result.value(metric)) / n
            // Binomial standard error over n opportunities; 4 se.
            let se = (share * (1 - share) / n).squareRoot()
            print("  \(metric): \(observed) per opportunity, expected \(share), se \(se)")
            #expect(abs(observed - share) < 4 * se, "\(metric): \(observed) per opportunity, expected \(share) (p = \(p)), se \(se)")
        }
        // Every opportunity is captured by one bot or neither: the market's count is the bots' sum.
        let any = try #require(result.value("market.capture_rate_any_bot")) * n
        #expect(abs(any - (try #require(result.value("a.captured_count")) + (try #require(result.value("b.captured_count"))))) < 0.5)
        #expect(result.value("market.captures_unattributed") == 0)
    }

    @Test("A lone bot with equal constant latencies captures every opportunity (legs filled at one instant count once)")
    func loneBotCapturesEverything() throws {
        var graph = Self.raceGraph.replacingOccurrences(of: "{latency: {type: lognormal, median: 1ms, sigma: 0.5}}", with: "1ms")
        graph = graph.components(separatedBy: "\n").filter { !$0.contains("b.") && !$0.contains("name: b,") }.joined(separator: "\n")
        let result = try GraphSupport.run(graph, seed: 3, horizon: .seconds(Int64(20)))
        let n = try #require(result.value("market.opportunities_count"))
        #expect(n > 400)
        #expect(result.value("a.captured_count") == n, "both legs reach their engines at the same instant, before the next tick")
        #expect(result.value("a.completed_count") == n)
        #expect(result.value("a.capture_rate") == 1)
        #expect(result.value("a.legging_failures_count") == 0)
    }

    @Test("Completed trades leave by settle: decision to finality = execution + wire + the ledger's latency")
    func settlePortCarriesCompletedTrades() throws {
        var graph = Self.raceGraph.replacingOccurrences(of: "{latency: {type: lognormal, median: 1ms, sigma: 0.5}}", with: "1ms")
        graph = graph.components(separatedBy: "\n").filter { !$0.contains("b.") && !$0.contains("name: b,") }.joined(separator: "\n")
        graph = graph.replacingOccurrences(of: "connections:\n", with: """
              - {name: ledger, type: settlement, layer: {type: ledger, ledger_latency: 2ms}}
              - {name: settled, type: sink}
            connections:
              - {from: a.settle, to: ledger.in, link: 5ms}
              - {from: ledger.out, to: settled.in, link: 0ms}

            """) + "\npaths:\n  - {name: trade, from: a, to: settled}\n"
        let result = try GraphSupport.run(graph, seed: 3, horizon: .seconds(Int64(20)))
        let completed = try #require(result.value("a.completed_count"))
        #expect(completed > 400)
        #expect(result.value("a.settlements_sent_count") == completed)
        let settled = try #require(result.value("trade.latency_count"))
        #expect(settled >= completed - 2 && settled <= completed, "every trade settled but those in flight at the end")
        // Execution: order 1 ms, the engine's service (exponential, mean 20 us), acknowledgement 1 ms; then
        // 5 ms of wire and the ledger's 2 ms.
        let latency = try #require(result.value("trade.latency_mean")), wire = try #require(result.value("trade.wire_mean"))
        let service = try #require(result.value("trade.service_mean"))
        #expect(abs(wire - 5e6) < 1, "the settle link's 5 ms: \(wire)")
        #expect(abs(latency - 9.02e6) < 0.05e6, "decision to finality: \(latency) ns, expected about 9.02 ms")
        #expect(abs(latency - (wire + service + (result.value("trade.wait_mean") ?? .nan))) < 1, "the breakdown sums to the latency")
    }

    @Test("Capital for one trade, settled in 100 ms: captures per tick q / (1 + 5q), q = P(edge at a tick)")
    func capitalLockedUntilSettled() throws {
        var graph = Self.raceGraph.replacingOccurrences(of: "{latency: {type: lognormal, median: 1ms, sigma: 0.5}}", with: "1ms")
        graph = graph.components(separatedBy: "\n").filter { !$0.contains("b.") && !$0.contains("name: b,") }.joined(separator: "\n")
        graph = graph.replacingOccurrences(of: "{name: a, type: arbitrageur, design: async}", with: "{name: a, type: arbitrageur, design: async, capital_trades: 1}")
        // Alpha (constant mid) after beta at each tick, so that no decision is taken on a new alpha
        // quote beside the previous tick's beta quote (refused while the capital was locked).
        graph = graph.replacingOccurrences(of: "{from: market.out, to: alpha.in, link: 0ms}", with: "{from: market.out, to: alpha.in, link: 2us}")
        graph = graph.replacingOccurrences(of: "connections:\n", with: """
              - {name: ledger, type: settlement, layer: {type: ledger, ledger_latency: 100ms}}
            connections:
              - {from: a.settle, to: ledger.in, link: 0ms}

            """)
        let result = try GraphSupport.run(graph, seed: 9, horizon: .seconds(Int64(200)))
        // An edge at a tick: beta's basis b ~ N(0, 0.001^2) beyond +-c, c = ln((1 + h)(1 + f) / ((1 - h)(1 - f))), h = f = 1 bp.
        let c = log((1.0001 * 1.0001) / (0.9999 * 0.9999))
        let q = 2 * (1 - 0.5 * (1 + erf(c / 0.001 / 2.0.squareRoot())))
        // A trade at a tick locks the capital for 1 us + 2 ms + service + 100 ms: the next five ticks
        // (every 20 ms) are refused, the sixth is free. Renewal: q captures per 1 + 5q ticks.
        let ticks = try #require(result.value("market.ticks_count"))
        let perTick = try #require(result.value("a.captured_count")) / ticks
        let expected = q / (1 + 5 * q)
        let se = (expected * (1 - expected) / ticks).squareRoot()
        print("capital: q \(q), captures per tick \(perTick), expected \(expected), se \(se)")
        #expect(abs(perTick - expected) < 5 * se, "captures per tick \(perTick), expected \(expected) (q = \(q)), se \(se)")
        // Opportunities refused for capital: at most one count per episode (an episode that lasts
        // into the next free tick can be refused and then captured).
        let lost = try #require(result.value("a.lost_to_capital_count")), captured = try #require(result.value("a.captured_count"))
        let opportunities = try #require(result.value("market.opportunities_count"))
        #expect(lost > 0.5 * captured && lost <= opportunities, "lost \(lost), captured \(captured), opportunities \(opportunities)")
        #expect(result.value("a.capital_locked_max") == 1)
        // Locked for 102.03 ms per trade (5.1015 ticks of 20 ms): the time-weighted mean is trades per tick x 5.1015.
        let lockedMean = try #require(result.value("a.capital_locked_mean"))
        #expect(abs(lockedMean - perTick * 5.1015) < 0.01, "time locked per tick: \(lockedMean) vs \(perTick * 5.1015)")
    }

    @Test("capital_trades needs a settle connection to a settlement that confirms back")
    func capitalWithoutSettlementIsAnError() throws {
        let graph = Self.raceGraph.replacingOccurrences(of: "{name: a, type: arbitrageur, design: async}",
                                                        with: "{name: a, type: arbitrageur, design: async, capital_trades: 2}")
        let text = try GraphConfigErrorTests.failure(graph)
        #expect(text.contains("capital_trades"), "\(text)")
        #expect(text.contains("no settle connection"), "\(text)")
        // A route that ends in a sink which does not acknowledge would never free the capital.
        let silent = graph.replacingOccurrences(of: "connections:\n", with: """
              - {name: ledger, type: settlement, layer: cex}
              - {name: archive, type: sink}
            connections:
              - {from: a.settle, to: ledger.in, link: 0ms}
              - {from: ledger.out, to: archive.in, link: 0ms}

            """)
        let silentText = try GraphConfigErrorTests.failure(silent)
        #expect(silentText.contains("confirms back") && silentText.contains("acknowledge: true"), "\(silentText)")
        _ = try GraphSupport.spec(silent.replacingOccurrences(of: "{name: archive, type: sink}", with: "{name: archive, type: sink, acknowledge: true}"))
    }

    /// The race graph's bot `a` alone, constant 1 ms order links with `loss`, blocking order flow.
    static func lossyBot(loss: Double, timeout: String?) -> String {
        var graph = raceGraph.components(separatedBy: "\n").filter { !$0.contains("b.") && !$0.contains("name: b,") }.joined(separator: "\n")
        let link = "{latency: 1ms, loss: \(loss)}"
        graph = graph.replacingOccurrences(of: "{latency: {type: lognormal, median: 1ms, sigma: 0.5}}", with: link)
        let timeoutKey = timeout.map { ", order_timeout: \($0)" } ?? ""
        return graph.replacingOccurrences(of: "{name: a, type: arbitrageur, design: async}",
                                          with: "{name: a, type: arbitrageur, design: {preset: async, order_flow: blocking}\(timeoutKey)}")
    }

    @Test("order_timeout: a lost order or acknowledgement times its leg out (a blocking bot no longer stalls); late acks are counted")
    func orderTimeouts() throws {
        let stalled = try GraphSupport.run(Self.lossyBot(loss: 0.2, timeout: nil), seed: 4, horizon: .seconds(Int64(20)))
        let attemptsStalled = try #require(stalled.value("a.attempts_count"))
        #expect(attemptsStalled < 20, "without a timeout the first lost message stops a blocking bot: \(attemptsStalled) attempts")
        let result = try GraphSupport.run(Self.lossyBot(loss: 0.2, timeout: "10ms"), seed: 4, horizon: .seconds(Int64(20)))
        let attempts = try #require(result.value("a.attempts_count"))
        #expect(attempts > 300, "\(attempts) attempts")
        // Every lost order or acknowledgement (both directions of the order connections) times one leg out.
        let lost = try #require(result.value("link.a-alpha.lost")) + (try #require(result.value("link.a-beta.lost")))
        let timedOut = try #require(result.value("a.orders_timed_out_count"))
        #expect(timedOut <= lost && timedOut >= lost - 2, "timed out \(timedOut), lost \(lost) (the last may not have timed out yet)")
        #expect(result.value("a.late_acks_count") == 0, "a 10 ms timeout is five round trips")
        // A timeout shorter than the 2 ms round trip: every leg times out, every acknowledgement is late.
        let early = try GraphSupport.run(Self.lossyBot(loss: 0, timeout: "1500us"), seed: 4, horizon: .seconds(Int64(5)))
        let sent = try #require(early.value("a.orders_count")), late = try #require(early.value("a.late_acks_count"))
        #expect(try #require(early.value("a.orders_timed_out_count")) == sent)
        #expect(late >= sent - 2 && late <= sent)
        #expect(early.value("a.completed_count") == 0 && early.value("a.captured_count") == 0)
        #expect(try #require(early.value("a.late_fills_count")) > 0, "the venue filled orders the bot gave up on")
    }

    @Test("The price path does not depend on the bots: designs see the same ticks and quotes (common random numbers)")
    func pricesAreCommonRandomNumbers() throws {
        let slow = Self.raceGraph.replacingOccurrences(of: "median: 1ms", with: "median: 5ms")
        let one = try GraphSupport.run(Self.raceGraph, seed: 5, horizon: .seconds(Int64(20)))
        let two = try GraphSupport.run(slow, seed: 5, horizon: .seconds(Int64(20)))
        #expect(one.value("market.ticks_count") == two.value("market.ticks_count"))
        #expect(one.value("a.captured_count") != two.value("a.captured_count"), "the bots do differ")
        // Opportunities open at ticks only (fills close them), so their number is the same.
        #expect(one.value("market.opportunities_count") == two.value("market.opportunities_count"))
    }

    @Test("A pull bot polls every venue and trades on snapshots; it receives no pushes")
    func pullBot() throws {
        let graph = Self.raceGraph.replacingOccurrences(of: "{name: b, type: arbitrageur, design: async}",
                                                        with: "{name: b, type: arbitrageur, design: {preset: sync, poll_interval: 5ms}}")
        let result = try GraphSupport.run(graph, seed: 2, horizon: .seconds(Int64(10)))
        let requests = try #require(result.value("b.requests_count"))
        #expect(requests > 1_000, "two requests per poll cycle of about 5 ms + 2 round trips")
        let received = try #require(result.value("b.market_data_received_count"))
        #expect(requests - received >= 0 && requests - received <= 2, "one snapshot per request (the last poll's may be in flight), no pushes")
        #expect(try #require(result.value("b.attempts_count")) > 0)
        #expect(result.value("alpha.pull_requests_count") == requests / 2)
    }

    @Test("Wiring errors name the connection or component and what is allowed")
    func wiringErrors() throws {
        let toStation = try GraphConfigErrorTests.failure("""
            components:
              - {name: market, type: price-source, fundamental: {volatility_per_sqrt_year: 0.5}, tick_interval: 10ms}
              - {name: gw, type: station, service_time: 1ms}
            connections:
              - {from: market.out, to: gw.in, link: 1ms}
            """)
        #expect(toStation.hasPrefix("graph.yaml:5:"), "\(toStation)")
        #expect(toStation.contains("a price source's out goes to venues"), "\(toStation)")
        let oneVenue = try GraphConfigErrorTests.failure("""
            components:
              - {name: market, type: price-source, fundamental: {volatility_per_sqrt_year: 0.5}, tick_interval: 10ms}
              - {name: alpha, type: venue}
              - {name: bot, type: arbitrageur}
            connections:
              - {from: market.out, to: alpha.in, link: 1ms}
              - {from: bot.out, to: alpha.in, link: 1ms}
            """)
        #expect(oneVenue.hasPrefix("graph.yaml:4:"), "\(oneVenue)")
        #expect(oneVenue.contains("at least two venue connections"), "\(oneVenue)")
        let noSource = try GraphConfigErrorTests.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 10}
              - {name: alpha, type: venue}
            connections:
              - {from: feed.out, to: alpha.in, link: 1ms}
            """)
        #expect(noSource.contains("follows 0 price source"), "\(noSource)")
    }
}

/// The graph's request trace keeps at most `ReplicationSpec.traceRowLimit` rows and counts the rest.
@Suite struct GraphTraceCapTests {
    @Test func traceIsCappedAndTheRestCounted() throws {
        let graph = """
            components:
              - {name: bot, type: client, window: 64, arrival: open, rate_per_s: 60000}
              - {name: engine, type: station, workers: 8, service_time: 10us}
            connections:
              - {from: bot.out, to: engine.in, link: 10us}
            """
        var spec = ReplicationSpec(replication: 0, rootSeed: 1, horizon: .seconds(Int64(2)))
        spec.keepTrace = true
        let result = GraphRun.run(try GraphSupport.spec(graph), replication: spec)
        let completed = try #require(result.value("bot.completed"))
        #expect(completed > Double(ReplicationSpec.traceRowLimit), "enough requests to reach the cap")
        #expect(result.traceRows.count == ReplicationSpec.traceRowLimit)
        #expect(Double(result.traceRows.count + result.traceRowsDropped) == completed)
    }
}
