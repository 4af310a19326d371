/// The scenario kinds of the Markets layer, for the Experiments layer to register.
///
///     for kind in MarketsScenarios.kinds { registry.register(kind) }
///
/// Config keys and one YAML example per kind: docs/markets.md.
public enum MarketsScenarios {
    static let designSummaries: [(name: String, summary: String)] = [
        ("sync", "pull market data, sequential legs (second after the first is acknowledged), blocking order flow"),
        ("async", "pushed market data, concurrent legs, pipelined order flow (max_in_flight trades at once)"),
    ]

    public static let cexArbitrage = ScenarioKind(
        name: "cex-arbitrage",
        summary: "Two CEXs following a common fundamental with lags and basis noise; competing arbitrage bots; designs are the focal bot's.",
        designs: designSummaries,
        metrics: [
            ("opportunities_count", "episodes when the true books' net edge for order_size is > 0"),
            ("profit_available_total", "sum over episodes of order_size x the episode's largest net edge"),
            ("focal_capture_rate", "episodes in which the focal bot completed both legs / episodes"),
            ("focal_profit_capture_ratio", "focal bot's realised profit of completed attempts / profit available"),
            ("focal_legging_failures_count", "attempts with exactly one leg filled"),
            ("focal_legging_cost_total", "sum of the losses from unwinding the filled leg at the true book"),
            ("focal_order_latency_p99", "order sent to acknowledgement received"),
        ],
        make: { node in try CEXArbitrageScenario(config: node) })

    public static let marketMaking = ScenarioKind(
        name: "market-making",
        summary: "A market maker quoting around its delayed view of the fundamental, picked off by informed takers, filled by noise takers.",
        designs: [
            ("sync", "polled reference price, cancel then new quote after the cancel's ack, one quote change in flight"),
            ("async", "pushed reference price, one replace message, pipelined quote changes"),
        ],
        metrics: [
            ("quoted_spread_mean_bps", "time-weighted (ask - bid)/mid while two-sided, in bp"),
            ("two_sided_uptime_ratio", "fraction of time with both sides quoted"),
            ("fills_per_second", "fills of the MM's quote per second"),
            ("effective_spread_mean_bps", "mean over fills of 2 d (p - m_t)/m_t"),
            ("realised_spread_mean_bps", "mean over fills of 2 d (p - m_{t+h})/m_t"),
            ("adverse_selection_mean_bps", "mean over fills of 2 d (m_{t+h} - m_t)/m_t"),
        ],
        make: { node in try MarketMakingScenario(config: node) })

    public static let cexAMMArbitrage = ScenarioKind(
        name: "cex-amm-arbitrage",
        summary: "A CEX and a constant-product pool swapped only in blocks; bots trade the pool back to its fee-adjusted band; designs are the focal bot's.",
        designs: designSummaries,
        metrics: [
            ("blocks_with_arbitrage_ratio", "blocks with at least one successful arbitrage swap / blocks"),
            ("arbitrage_profit_per_block_mean", "successful swaps' profit marked at the block's CEX quote, net of gas, per block"),
            ("profit_available_per_block_mean", "optimal trade's profit at the block's start against the CEX quote, net of one gas, per block"),
            ("arbitrage_profit_over_pool_value_per_year", "successful swaps' profit over the pool value 2 sqrt(x y P) at the block's CEX mid, per year"),
            ("pool_fees_per_block_mean", "fee x input of successful swaps (in quote) per block"),
            ("focal_arbitrage_capture_ratio", "focal bot's successful swaps' profit marked at the block's CEX quote / profit available"),
            ("focal_blocks_won_ratio", "blocks whose first successful arbitrage was the focal bot's / blocks with arbitrage"),
            ("focal_realised_profit_total", "focal bot's cash flows net of fees and gas, residual base at the CEX mid"),
        ],
        make: { node in try CEXAMMArbitrageScenario(config: node) })

    public static let kinds: [ScenarioKind] = [cexArbitrage, cexAMMArbitrage, marketMaking]
}
