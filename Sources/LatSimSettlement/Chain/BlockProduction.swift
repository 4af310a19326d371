import LatSimCore

/// How a chain produces blocks: a Poisson process (proof of work) or fixed slots that a
/// leader may miss (proof of stake, BFT rounds).
///
///     let bitcoin = BlockProduction.poisson(meanInterval: .seconds(600))
///     let ethereum = BlockProduction.slots(slot: .seconds(12), missedProbability: 0.01)
///
/// Slot `n` (n >= 1) starts at `n * slot` from the start of the run; a slot is missed
/// independently with `missedProbability`, and the block comes at the next slot that is not.
/// Invariant: `meanInterval` and `slot` are positive and `missedProbability < 1`, so a next
/// block always exists.
public enum BlockProduction: Sendable, Equatable, CustomStringConvertible {
    case poisson(meanInterval: SimDuration)
    case slots(slot: SimDuration, missedProbability: Double)
    /// The blocks of a file, at its times (see `BlockReplay`).
    case replay(BlockReplay)

    /// The mean time between produced blocks.
    public var meanInterval: SimDuration {
        switch self {
        case .poisson(let mean): return mean
        case .slots(let slot, let missed): return slot.scaled(by: 1 / (1 - missed))
        case .replay(let r): return r.meanInterval
        }
    }

    public var description: String {
        switch self {
        case .poisson(let mean): return "Poisson blocks every \(mean) on average"
        case .slots(let slot, let missed): return "\(slot) slots, \(formatSignificant(missed * 100))% missed"
        case .replay(let r): return "\(r.times.count) blocks replayed from \(r.file) (mean interval \(r.meanInterval), \(r.missedSlots) missed slots)"
        }
    }

    func validate() throws {
        switch self {
        case .poisson(let mean):
            guard mean > .zero else {
                throw ParameterError(parameter: "blocks.mean_interval", problem: "must be positive", allowed: "a duration > 0", given: "\(mean)")
            }
        case .slots(let slot, let missed):
            guard slot > .zero else {
                throw ParameterError(parameter: "blocks.slot", problem: "must be positive", allowed: "a duration > 0", given: "\(slot)")
            }
            guard missed >= 0 && missed < 1 else {
                throw ParameterError(parameter: "blocks.missed_probability", problem: "is out of range",
                                     allowed: "a probability in [0, 1)", given: "\(missed)")
            }
        case .replay:
            break  // BlockReplay's initializer checks its rows
        }
    }
}

/// When a block is final.
///
///     FinalityRule.confirmations(6)                          // Bitcoin's customary depth
///     FinalityRule.epochs(slotsPerEpoch: 32, epochs: 2)      // Ethereum's Casper FFG, approximately
///
/// - `confirmations(k)`: a block is final once it has k confirmations, counting itself as the
///   first (k = 1: final on inclusion, as in a BFT chain).
/// - `epochs(slotsPerEpoch: s, epochs: e)`: a block in epoch `E = slot / s` is final at the end of
///   epoch `E + e`; the chain observes this at its first block produced in epoch `E + e + 1` or later.
///   Needs slot-based production.
public enum FinalityRule: Sendable, Equatable, CustomStringConvertible {
    case confirmations(Int)
    case epochs(slotsPerEpoch: Int, epochs: Int)

    public var description: String {
        switch self {
        case .confirmations(let k): return "final at \(k) confirmation\(k == 1 ? "" : "s")"
        case .epochs(let s, let e): return "final at the end of epoch E+\(e), E the epoch of inclusion (\(s) slots per epoch)"
        }
    }

    func validate(production: BlockProduction) throws {
        switch self {
        case .confirmations(let k):
            guard k >= 1 && k <= 10_000 else {
                throw ParameterError(parameter: "finality.confirmations", problem: "is out of range", allowed: "an integer in 1...10000", given: "\(k)")
            }
        case .epochs(let s, let e):
            switch production {
            case .slots, .replay: break
            case .poisson:
                throw ParameterError(parameter: "finality.epochs", problem: "needs slot-based block production",
                                     allowed: "blocks: {type: slots, ...} with an epoch rule, or finality: {confirmations: k}",
                                     given: "Poisson blocks")
            }
            guard s >= 1 && s <= 100_000 else {
                throw ParameterError(parameter: "finality.slots_per_epoch", problem: "is out of range", allowed: "an integer in 1...100000", given: "\(s)")
            }
            guard e >= 0 && e <= 1_000 else {
                throw ParameterError(parameter: "finality.epochs", problem: "is out of range", allowed: "an integer in 0...1000", given: "\(e)")
            }
        }
    }
}

/// The order in which a mempool offers transactions to the next block.
public enum MempoolOrdering: String, Sendable, Equatable, CaseIterable {
    /// First submitted, first included (CometBFT's mempool).
    case fifo
    /// Highest fee first, ties by submission order (Bitcoin, Ethereum priority fees).
    case fee
    /// A builder auction: the fee is a bundle bid, highest bid first, ties by arrival; every
    /// simulated bundle left out of a block (capacity ran out) lost that block's auction and,
    /// with `losing_bundle_pays: gas`, pays the gas of a failed attempt; it bids again in the
    /// next block (a searcher resubmitting its bundle every block).
    case auction
}

/// What a bundle that lost a block's auction pays (`losing_bundle_pays`).
public enum LosingBundlePays: String, Sendable, Equatable, CaseIterable {
    /// Nothing (Flashbots-style bundles: a losing bundle never lands on chain).
    case nothing
    /// The chain's `gas` per lost block (a losing bid that still lands, reverts and pays gas).
    case gas
}

/// Transactions without the express lane become eligible for a block `delay` after submission
/// (Arbitrum Timeboost's express lane); a fraction `share` of the simulated transactions has the lane.
public struct ExpressLane: Sendable, Equatable {
    public var delay: SimDuration
    public var share: Double
    public init(delay: SimDuration, share: Double) {
        self.delay = delay
        self.share = share
    }
}
