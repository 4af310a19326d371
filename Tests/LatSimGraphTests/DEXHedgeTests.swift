import Foundation
import LatSimCore
@testable import LatSimGraph
import LatSimMarkets
import Testing

/// A dex-arbitrageur with `design:` (hedge legs on the venue, polling, attempts until settled)
/// and a pool's `per_block_metrics`, against references computed here from other sums: the
/// realised profit of hedged swaps against the pool's own marking of them when the CEX stands
/// still through each attempt; a legging failure's cash flows against its cost; the per-block
/// figures against the pool's totals; bounded attempt slots; config errors.
@Suite struct DEXHedgeTests {
    /// A CEX quoted at one price for `tick` at a time, a 2 s slotted chain with gas 0.1, one bot.
    static func graph(design: String, tick: String = "7s", latency: String = "1ns", chainExtra: String = "", halfSpread: Double = 1,
                      fee: Double = 1, block: String = "2s") -> String {
        """
        components:
          - {name: market, type: price-source, fundamental: {initial_price: 3000, volatility_per_sqrt_year: 0.8, jump_rate_per_year: 31536000, jump_sd_log: 0.0005},
             tick_interval: \(tick)}
          - {name: cex, type: venue, half_spread_bps: \(halfSpread), taker_fee_bps: \(fee), depth: 1e12, service_time: 0ms}
          - {name: chain, type: settlement, layer: {type: chain, name: l1, blocks: {type: slots, slot: \(block)}, capacity: 1000, ordering: fifo,
                                                    finality: {confirmations: 1}, gas: 0.1\(chainExtra)},
             pool: {base_reserve: 10000, initial_price: 3000, fee_bps: 5, reference: cex, per_block_metrics: true}}
          - {name: bot, type: dex-arbitrageur, design: \(design), gas_cost: 0.1}
        connections:
          - {from: market.out, to: cex.in, link: 0ms}
          - {from: cex.out, to: bot.in, link: \(latency)}
          - {from: bot.out, to: cex.in, link: \(latency)}
          - {from: bot.out, to: chain.in, link: \(latency)}
          - {from: chain.blocks, to: bot.in, link: \(latency)}
        """
    }

    @Test("Sequential hedges on a CEX that stands still between blocks: realised profit = the pool's marking of the swaps, net of fees and gas",
          arguments: ["sync", "{preset: async, legs: sequential, order_flow: blocking}"])
    func sequentialHedgeRealisesTheMarkedProfit(design: String) throws {
        // The hedge of a swap fills 2 ns after its block at the CEX quote the pool marked the swap
        // at (ticks every 7 s), for the swap's output: cash q bid (1 - fee) - input - gas, no residual.
        let r = try GraphSupport.run(Self.graph(design: design), seed: 5, horizon: .seconds(Int64(600)))
        let realised = try #require(r.value("bot.realised_profit")), marked = try #require(r.value("bot.arbitrage_profit"))
        let succeeded = try #require(r.value("bot.attempts_succeeded"))
        #expect(succeeded >= 20, "seed 5: enough hedged swaps (\(succeeded))")
        #expect(r.value("bot.attempts_reverted") == 0 && r.value("bot.legging_failures") == 0)
        #expect(r.value("bot.hedges_sent")! >= succeeded)
        #expect(abs(realised - marked) <= 1e-9 * abs(marked) + 1e-6, "seed 5, \(design): realised \(realised), marked \(marked)")
        // The pool's own sums: the bot is alone, so its marked profit is the pool's, net of gas per executed swap.
        let blocks = try #require(r.value("chain.pool_blocks"))
        let poolNet = r.value("chain.pool_arbitrage_profit_per_block_mean")! * blocks
        #expect(abs(poolNet - (r.value("chain.pool_arbitrage_profit")! - 0.1 * r.value("chain.pool_swaps_executed")!)) <= 1e-6 * abs(poolNet) + 1e-9)
        #expect(abs(poolNet - marked) <= 1e-6 * abs(marked) + 1e-6, "seed 5: the bot's share of a lone bot's pool is all of it")
        #expect(abs(r.value("chain.pool_transactions_per_block_mean")! * blocks
                    - (r.value("chain.pool_swaps_executed")! + r.value("chain.pool_swaps_reverted")!)) < 1e-6)
        #expect(r.value("bot.blocks_won_ratio") == 1, "a lone bot's swap is the first executed in every traded block")
        print("hedged \(design): \(Int(succeeded)) swaps, realised \(realised), marked \(marked)")
    }

    @Test("Every swap reverts (revert_probability 1) with a concurrent hedge: each attempt is a legging failure, realised = -(legging cost + gas)")
    func concurrentHedgeOfARevertedSwapIsUnwound() throws {
        let yaml = Self.graph(design: "{preset: async, order_flow: blocking}", chainExtra: ", revert_probability: 1")
        let r = try GraphSupport.run(yaml, seed: 6, horizon: .seconds(Int64(300)))
        let failures = try #require(r.value("bot.legging_failures")), cost = try #require(r.value("bot.legging_cost"))
        #expect(failures >= 20, "seed 6: enough reverted swaps (\(failures))")
        #expect(r.value("bot.attempts_succeeded") == 0 && r.value("bot.attempts_reverted") == failures)
        // The hedge sells q at bid (1 - fee) and the unwind buys it back at ask (1 + fee) (or the mirror):
        // the cash is minus the cost, the base nets to zero, and every included swap paid gas.
        let gas = try #require(r.value("bot.gas_paid"))
        #expect(abs(gas - 0.1 * failures) < 1e-9)
        #expect(abs(r.value("bot.realised_profit")! + cost + gas) <= 1e-9 * cost + 1e-9, "seed 6: realised \(r.value("bot.realised_profit")!), cost \(cost), gas \(gas)")
        // The hedge fills at the decision, the unwind a block later: between them the CEX may tick, so the
        // cost is the spread and fees (2 bp + 2 x 1 bp of about 3,000 per unit) plus the move, positive on average.
        #expect(cost > 0)
    }

    @Test("A hedge's fill on the deep CEX (pushed on the feed) is not a new view: the bot counts only the quotes that moved")
    func aFillIsNotANewView() throws {
        let r = try GraphSupport.run(Self.graph(design: "async"), seed: 9, horizon: .seconds(Int64(600)))
        // One subscriber: the CEX pushes each price and each fill; the bot takes the prices only.
        let pushed = try #require(r.value("cex.market_data_messages_count")), fills = try #require(r.value("cex.fill_reports_count"))
        #expect(fills >= 10, "seed 9: enough hedges (\(fills))")
        #expect(r.value("bot.market_data_received") == pushed - fills, "seed 9: \(r.value("bot.market_data_received")!) of \(pushed) pushed, \(fills) fills")
    }

    @Test("A polling design requests the venue every poll_interval after each snapshot and is not on the feed")
    func pollingDesign() throws {
        let r = try GraphSupport.run(Self.graph(design: "{preset: sync, poll_interval: 10ms}", latency: "1ms"), seed: 7, horizon: .seconds(Int64(10)))
        // A round is 1 ms there, 1 ms back and 10 ms of pause: 10 s / 12 ms = 833 requests.
        let requests = try #require(r.value("bot.requests"))
        #expect(abs(requests - 10_000.0 / 12) <= 1, "seed 7: \(requests) requests")
        #expect(r.value("cex.market_data_messages_count") == 0, "a polling bot does not subscribe")
        #expect(r.value("cex.pull_requests_count") == requests || r.value("cex.pull_requests_count") == requests - 1)
    }

    @Test("Attempt slots stay within the design's capacity with many more swaps than slots")
    func attemptsAreBounded() throws {
        let yaml = Self.graph(design: "async", tick: "{type: exponential, mean: 20ms}", latency: "20ms", block: "5ms")
        let spec = try GraphSupport.spec(yaml)
        let (simulation, _) = GraphRun.simulate(spec, replication: ReplicationSpec(replication: 0, rootSeed: 8, horizon: .seconds(Int64(60))))
        let bot = simulation.model.dexArbitrageurs[0]
        #expect(bot.statistics.swapsSent > 100, "seed 8: many swaps (\(bot.statistics.swapsSent))")
        #expect(bot.attempts.count <= BotDesign.async.capacity, "seed 8: \(bot.attempts.count) slots for \(BotDesign.async.capacity) in flight")
        #expect(bot.inFlight >= 0 && bot.inFlight <= BotDesign.async.capacity)
    }

    @Test("Config errors: design on a searcher, design with market_data or max_in_flight, design without a venue, per_block_metrics without reference")
    func configErrors() throws {
        func error(_ yaml: String) -> String {
            do { _ = try GraphSupport.spec(yaml); return "" } catch { return "\(error)" }
        }
        let searcher = error(Self.graph(design: "sync").replacingOccurrences(of: "design: sync", with: "strategy: searcher, design: sync"))
        #expect(searcher.contains("test.yaml:") && searcher.contains("model.components[3].design") && searcher.contains("strategy: mempool"), "\(searcher)")
        let both = error(Self.graph(design: "sync").replacingOccurrences(of: "design: sync", with: "design: sync, max_in_flight: 2"))
        #expect(both.contains("max_in_flight") && both.contains("either design or max_in_flight"), "\(both)")
        let noVenue = error(Self.graph(design: "sync").replacingOccurrences(of: "  - {from: bot.out, to: cex.in, link: 1ns}\n", with: ""))
        #expect(noVenue.contains("design") && noVenue.contains("no connection to a venue"), "\(noVenue)")
        let noReference = error(Self.graph(design: "sync").replacingOccurrences(of: "reference: cex, ", with: ""))
        #expect(noReference.contains("per_block_metrics") && noReference.contains("reference"), "\(noReference)")
        let badDesign = error(Self.graph(design: "{preset: async, legs: diagonal}"))
        #expect(badDesign.contains("legs") && badDesign.contains("sequential"), "\(badDesign)")
    }
}
