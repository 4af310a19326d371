import LatSimCore

/// An L2 rollup: a sequencer soft-confirms transactions, closes batches at an interval (or
/// earlier at a size), and posts each batch as one transaction to its L1; an L2 transaction
/// is final when its batch's L1 transaction is final.
///
///     let rollup = try RollupSpec(name: "arbitrum", l1: ethereum, softConfirmation: .constant(250e6),
///                                 batchInterval: .seconds(120))
///
/// Timeline of one transaction submitted at t: soft at t + S (S ~ `softConfirmation`); its
/// batch closes at the next multiple of `batchInterval` after t + S (or when it reaches
/// `batchSizeLimit`); the batch reaches the L1 mempool after `postingDelay + proofDelay` (a
/// ZK rollup posts with its validity proof); final when that L1 transaction is final under the
/// L1's rule. Withdrawals to L1 complete `withdrawalDelay` later (an optimistic challenge
/// window, or a ZK rollup's execution delay).
public struct RollupSpec: Sendable, Equatable {
    public var name: String
    public var l1: ChainSpec
    public var softConfirmation: Distribution
    public var batchInterval: SimDuration
    public var batchSizeLimit: Int
    public var postingDelay: Distribution
    public var proofDelay: Distribution
    public var withdrawalDelay: SimDuration

    public init(name: String, l1: ChainSpec, softConfirmation: Distribution, batchInterval: SimDuration,
                batchSizeLimit: Int = 1_000_000, postingDelay: Distribution? = nil, proofDelay: Distribution? = nil,
                withdrawalDelay: SimDuration = .zero) throws {
        self.name = name
        self.l1 = l1
        self.softConfirmation = softConfirmation
        self.batchInterval = batchInterval
        self.batchSizeLimit = batchSizeLimit
        self.postingDelay = try postingDelay ?? .constant(0)
        self.proofDelay = try proofDelay ?? .constant(0)
        self.withdrawalDelay = withdrawalDelay
        try validate()
    }

    public func validate() throws {
        guard batchInterval > .zero else {
            throw ParameterError(parameter: "batch_interval", problem: "must be positive", allowed: "a duration > 0", given: "\(batchInterval)")
        }
        guard batchSizeLimit >= 1 && batchSizeLimit <= 100_000_000 else {
            throw ParameterError(parameter: "batch_size", problem: "is out of range", allowed: "an integer in 1...100000000",
                                 given: "\(batchSizeLimit)")
        }
        guard withdrawalDelay >= .zero else {
            throw ParameterError(parameter: "withdrawal_delay", problem: "must not be negative", allowed: "a duration >= 0",
                                 given: "\(withdrawalDelay)")
        }
    }

    public var summary: String {
        "rollup on \(l1.name): soft in \(SimDuration(roundingNanoseconds: softConfirmation.mean)) (mean), batches every \(batchInterval)"
            + (proofDelay.mean > 0 ? ", proofs in \(SimDuration(roundingNanoseconds: proofDelay.mean)) (mean)" : "")
            + (withdrawalDelay > .zero ? ", withdrawals after \(withdrawalDelay)" : "")
    }
}

/// A centralized exchange's internal ledger: a trade settles (soft and final at once) after
/// `ledgerLatency`.
public struct LedgerSpec: Sendable, Equatable {
    public var name: String
    public var ledgerLatency: Distribution
    public init(name: String, ledgerLatency: Distribution) {
        self.name = name
        self.ledgerLatency = ledgerLatency
    }
    public var summary: String { "exchange ledger: final in \(SimDuration(roundingNanoseconds: ledgerLatency.mean)) (mean)" }
}

/// Where trades settle: an L1 chain, an L2 rollup on an L1, or an exchange's ledger.
public enum LayerSpec: Sendable, Equatable {
    case chain(ChainSpec)
    case rollup(RollupSpec)
    case ledger(LedgerSpec)

    public var name: String {
        switch self {
        case .chain(let c): return c.name
        case .rollup(let r): return r.name
        case .ledger(let l): return l.name
        }
    }

    /// Whether this is a chain whose blocks are built by more than arrival or fee order: an
    /// auction, an express lane, reverts or gas (the graph records block-building metrics then).
    public var buildsBlocksBeyondFeeOrder: Bool {
        guard case .chain(let c) = self else { return false }
        return c.ordering == .auction || c.expressLane != nil || c.revertProbability > 0 || c.gas > 0
    }

    /// The delay after finality before a withdrawal to L1 completes (zero but for rollups).
    public var withdrawalDelay: SimDuration {
        if case .rollup(let r) = self { return r.withdrawalDelay }
        return .zero
    }

    public var summary: String {
        switch self {
        case .chain(let c): return c.summary
        case .rollup(let r): return r.summary
        case .ledger(let l): return l.summary
        }
    }
}

extension LayerSpec {
    /// Validate's notes on a replayed chain (the chain itself or a rollup's L1); empty otherwise.
    public func dataNotes(horizon: SimDuration) -> [String] {
        switch self {
        case .chain(let c):
            if case .replay(let r) = c.production { return r.notes(chain: c.name, horizon: horizon) }
        case .rollup(let r):
            if case .replay(let b) = r.l1.production { return b.notes(chain: "\(r.l1.name) (L1 of \(r.name))", horizon: horizon) }
        case .ledger: break
        }
        return []
    }
}
