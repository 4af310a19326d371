/// How an AMM arbitrageur decides when to trade, and its decision: the band-edge swap.
///
///     let swap = AMMArbitrageDecision.swap(pool: view, externalBid: b, externalAsk: a,
///                                          gasCost: 0.1, minProfit: 0, slippageFraction: 0)
///
/// - `publicMempool`: decides whenever its view of a price changes (a CEX update or a new
///   block) and sends the swap to the public mempool; the block executes that fixed swap, in
///   arrival order, after the searchers' bundles.
/// - `blockTimeSearcher(leadTime:)`: decides once per block, on the CEX price it sees
///   `leadTime` before the block is sealed (0 = at sealing), and sends its swap as a bundle that
///   the producer places at the top of the block. The pool re-checks the minimum output at
///   execution either way.
public enum AMMStrategy: Sendable, Equatable {
    case publicMempool
    case blockTimeSearcher(leadTime: SimDuration)

    public var isSearcher: Bool { if case .blockTimeSearcher = self { return true } else { return false } }
}

/// The arbitrageur's decision, free of any model: size the band-edge trade on the pool and
/// the external prices it sees, and keep it if it pays more than gas plus the minimum profit.
public enum AMMArbitrageDecision {
    /// The swap to send, or nil (inside the band, or not worth the gas): the trade to the band's
    /// edge of `ConstantProductPool.arbitrage`, with minimum output expected x (1 - slippage).
    public static func swap(pool: ConstantProductPool, externalBid: Double, externalAsk: Double,
                            gasCost: Double, minProfit: Double, slippageFraction: Double) -> (trade: AMMArbitrageTrade, swap: AMMSwap)? {
        guard let trade = pool.arbitrage(externalBid: externalBid, externalAsk: externalAsk),
              trade.grossProfit - gasCost > minProfit else { return nil }
        return (trade, AMMSwap(direction: trade.direction, amountIn: trade.amountIn,
                               minimumOut: trade.expectedOut * (1 - slippageFraction)))
    }

    /// The profit of an executed swap marked at external prices (base sold at `externalBid`,
    /// bought at `externalAsk`), net of `gasCost`.
    public static func markedProfit(direction: AMMArbitrageTrade.Direction, amountIn: Double, output: Double,
                                    externalBid: Double, externalAsk: Double, gasCost: Double) -> Double {
        direction == .buyBaseFromPool ? output * externalBid - amountIn - gasCost : output - amountIn * externalAsk - gasCost
    }
}
