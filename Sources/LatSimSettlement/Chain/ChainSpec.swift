import LatSimCore

/// The parameters of one chain: block production, capacity, mempool order, finality, reorgs.
///
///     let chain = try ChainSpec(name: "bitcoin", production: .poisson(meanInterval: .seconds(600)),
///                               capacityPerBlock: 3_000, ordering: .fee, finality: .confirmations(6))
///
/// Invariant: a `ChainSpec` that exists is valid (the initializer validates), so a `Chain`
/// built from it always has a next block and a reachable finality.
public struct ChainSpec: Sendable, Equatable {
    public var name: String
    public var production: BlockProduction
    /// Transactions a block can include (the simulated transactions' share of the block).
    public var capacityPerBlock: Int
    public var ordering: MempoolOrdering
    public var finality: FinalityRule
    /// Probability that a new block replaces the current tip instead of extending it (a
    /// depth-1 reorg); the orphaned block's transactions return to the mempool. Only a tip
    /// that is not yet final can be orphaned.
    public var reorgProbability: Double
    /// Transactions the mempool holds at most; a submission beyond it is rejected.
    public var mempoolLimit: Int
    /// Competing traffic, as a fraction of capacity: Poisson arrivals at rate
    /// `backgroundUtilization * capacityPerBlock / meanInterval`, added to the mempool (at uniform
    /// times within each inter-block interval) when the next block is built. 0 = no competition.
    public var backgroundUtilization: Double
    /// The fee of each competing transaction (fee-ordered chains).
    public var backgroundFee: Distribution
    /// Confirmation levels between inclusion and finality, in order (`levels` adds `included`
    /// and `finalized`): k confirmations, or for an epoch rule the end of an earlier epoch
    /// (Ethereum's justified checkpoint). They change nothing of the chain's behaviour.
    public var intermediateLevels: [ConfirmationLevel]
    /// Gas a simulated transaction pays when included (reverted or not), in fee units; 0 = not modelled.
    public var gas: Double
    /// Probability that an included simulated transaction reverts (it stays included, pays gas).
    public var revertProbability: Double
    /// What a bundle that lost a block's auction pays (`auction` ordering only).
    public var losingBundlePays: LosingBundlePays
    /// The express lane, nil = every transaction is eligible at submission.
    public var expressLane: ExpressLane?

    public init(name: String, production: BlockProduction, capacityPerBlock: Int, ordering: MempoolOrdering,
                finality: FinalityRule, reorgProbability: Double = 0, mempoolLimit: Int = 1_000_000,
                backgroundUtilization: Double = 0, backgroundFee: Distribution? = nil,
                intermediateLevels: [ConfirmationLevel] = [], gas: Double = 0, revertProbability: Double = 0,
                losingBundlePays: LosingBundlePays = .nothing, expressLane: ExpressLane? = nil) throws {
        self.name = name
        self.production = production
        self.capacityPerBlock = capacityPerBlock
        self.ordering = ordering
        self.finality = finality
        self.reorgProbability = reorgProbability
        self.mempoolLimit = mempoolLimit
        self.backgroundUtilization = backgroundUtilization
        self.backgroundFee = try backgroundFee ?? .constant(1)
        self.intermediateLevels = intermediateLevels
        self.gas = gas
        self.revertProbability = revertProbability
        self.losingBundlePays = losingBundlePays
        self.expressLane = expressLane
        try validate()
    }

    public func validate() throws {
        try production.validate()
        try finality.validate(production: production)
        try validateLevels()
        guard capacityPerBlock >= 1 && capacityPerBlock <= 10_000_000 else {
            throw ParameterError(parameter: "capacity", problem: "is out of range", allowed: "an integer in 1...10000000", given: "\(capacityPerBlock)")
        }
        guard reorgProbability >= 0 && reorgProbability < 1 else {
            throw ParameterError(parameter: "reorg_probability", problem: "is out of range", allowed: "a probability in [0, 1)",
                                 given: "\(reorgProbability)")
        }
        guard backgroundUtilization >= 0 && backgroundUtilization <= 10 else {
            throw ParameterError(parameter: "background.utilization", problem: "is out of range", allowed: "a number in [0, 10]",
                                 given: "\(backgroundUtilization)")
        }
        guard mempoolLimit >= 1 && mempoolLimit <= 100_000_000 else {
            throw ParameterError(parameter: "mempool_limit", problem: "is out of range", allowed: "an integer in 1...100000000",
                                 given: "\(mempoolLimit)")
        }
        guard gas >= 0 && gas <= 1e12 else {
            throw ParameterError(parameter: "gas", problem: "is out of range", allowed: "a number in [0, 1e12]", given: "\(gas)")
        }
        guard revertProbability >= 0 && revertProbability <= 1 else {
            throw ParameterError(parameter: "revert_probability", problem: "is out of range", allowed: "a probability in [0, 1]",
                                 given: "\(revertProbability)")
        }
        if let lane = expressLane {
            guard lane.delay >= .zero && lane.delay.nanoseconds <= 86_400_000_000_000 else {
                throw ParameterError(parameter: "express_lane.delay", problem: "is out of range", allowed: "a duration in [0, 1d]",
                                     given: "\(lane.delay)")
            }
            guard lane.share >= 0 && lane.share <= 1 else {
                throw ParameterError(parameter: "express_lane.share", problem: "is out of range", allowed: "a fraction in [0, 1]",
                                     given: "\(lane.share)")
            }
        }
    }

    /// A one-line description for listings.
    public var summary: String {
        "\(production); \(capacityPerBlock) tx/block, \(ordering.rawValue) order; \(finality)"
            + (reorgProbability > 0 ? "; depth-1 reorgs with probability \(formatSignificant(reorgProbability))" : "")
            + (backgroundUtilization > 0 ? "; background load \(formatSignificant(backgroundUtilization * 100))% of capacity" : "")
            + (intermediateLevels.isEmpty ? "" : "; levels " + intermediateLevels.map(\.description).joined(separator: ", "))
            + (gas > 0 ? "; gas \(formatSignificant(gas))" : "")
            + (revertProbability > 0 ? "; reverts with probability \(formatSignificant(revertProbability))" : "")
            + (ordering == .auction ? "; losing bundles pay \(losingBundlePays.rawValue)" : "")
            + (expressLane.map { "; express lane: \(formatSignificant($0.share * 100))% of transactions, others delayed \($0.delay)" } ?? "")
    }
}
