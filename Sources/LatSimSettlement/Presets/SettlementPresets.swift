import LatSimCore

/// Named parameter sets for real settlement layers and exchange connectivity tiers; every
/// value is cited (and marked approximate where it is) in docs/settlement.md.
///
///     let ethereum = SettlementPresets.layer(named: "ethereum")!      // 12 s slots, 2-epoch finality
///     // in a config: layer: {preset: ethereum, capacity: 50}
///
/// Invariant: every preset is valid (a test builds each one).
public enum SettlementPresets {
    /// Every preset a config can name, layers first, then connectivity tiers.
    public static let presets: [(name: String, summary: String)] =
        layerPresets.map { ($0.name, $0.spec.summary) } + connectivityPresets.map { ($0.name, $0.summary) }

    static func mustBuild<T>(_ build: () throws -> T) -> T {
        do { return try build() } catch { preconditionFailure("invalid built-in preset: \(error)") }
    }

    static func duration(_ text: String) -> Double { mustBuild { Double(try SimDuration(parsing: text).nanoseconds) } }

    public static let bitcoin: ChainSpec = mustBuild {
        try ChainSpec(name: "bitcoin", production: .poisson(meanInterval: .seconds(600 as Int64)), capacityPerBlock: 3_000,
                      ordering: .fee, finality: .confirmations(6), reorgProbability: 0.001)
    }
    public static let ethereum: ChainSpec = mustBuild {
        try ChainSpec(name: "ethereum", production: .slots(slot: .seconds(12 as Int64), missedProbability: 0.01), capacityPerBlock: 250,
                      ordering: .fee, finality: .epochs(slotsPerEpoch: 32, epochs: 2), reorgProbability: 0.001)
    }
    public static let solana: ChainSpec = mustBuild {
        try ChainSpec(name: "solana", production: .slots(slot: .milliseconds(400), missedProbability: 0.03), capacityPerBlock: 1_500,
                      ordering: .fee, finality: .confirmations(32))
    }
    public static let cometbft: ChainSpec = mustBuild {
        try ChainSpec(name: "cometbft", production: .slots(slot: .seconds(6 as Int64), missedProbability: 0.01), capacityPerBlock: 5_000,
                      ordering: .fifo, finality: .confirmations(1))
    }
    public static let arbitrum: RollupSpec = mustBuild {
        try RollupSpec(name: "arbitrum", l1: ethereum, softConfirmation: .lognormal(median: duration("250ms"), sigma: 0.3),
                       batchInterval: .seconds(120 as Int64), postingDelay: .constant(duration("2s")),
                       withdrawalDelay: SimDuration(parsing: "6.4d"))
    }
    public static let opStack: RollupSpec = mustBuild {
        try RollupSpec(name: "op-stack", l1: ethereum, softConfirmation: .uniform(lower: 0, upper: duration("2s")),
                       batchInterval: .seconds(300 as Int64), postingDelay: .constant(duration("2s")),
                       withdrawalDelay: SimDuration(parsing: "7d"))
    }
    public static let zkRollup: RollupSpec = mustBuild {
        try RollupSpec(name: "zk-rollup", l1: ethereum, softConfirmation: .lognormal(median: duration("1s"), sigma: 0.3),
                       batchInterval: .seconds(300 as Int64), postingDelay: .constant(duration("2s")),
                       proofDelay: .lognormal(median: duration("1h"), sigma: 0.3), withdrawalDelay: SimDuration(parsing: "3h"))
    }
    public static let exchangeLedger: LedgerSpec = mustBuild {
        LedgerSpec(name: "cex", ledgerLatency: try .lognormal(median: duration("1ms"), sigma: 0.5))
    }

    /// The layer presets, by name.
    public static let layerPresets: [(name: String, spec: LayerSpec)] = [
        ("bitcoin", .chain(bitcoin)),
        ("ethereum", .chain(ethereum)),
        ("solana", .chain(solana)),
        ("cometbft", .chain(cometbft)),
        ("arbitrum", .rollup(arbitrum)),
        ("op-stack", .rollup(opStack)),
        ("zk-rollup", .rollup(zkRollup)),
        ("cex", .ledger(exchangeLedger)),
    ]

    /// One-way latency from a trader to an exchange or a chain's node, by connectivity tier.
    public static let connectivityPresets: [(name: String, summary: String, latency: Distribution)] = [
        ("colocated", "one-way latency lognormal, median 50us, sigma 0.3 (cross-connect in the exchange's data centre)",
         mustBuild { try .lognormal(median: duration("50us"), sigma: 0.3) }),
        ("same-region", "one-way latency lognormal, median 500us, sigma 0.4 (same cloud region, other zone)",
         mustBuild { try .lognormal(median: duration("500us"), sigma: 0.4) }),
        ("cross-continent", "one-way latency 30ms + lognormal(median 10ms, sigma 0.5) (e.g. New York to London)",
         mustBuild { try Distribution.lognormal(median: duration("10ms"), sigma: 0.5).shifted(by: duration("30ms")) }),
    ]

    public static func layer(named name: String) -> LayerSpec? { layerPresets.first { $0.name == name }?.spec }

    public static func connectivity(named name: String) -> Distribution? { connectivityPresets.first { $0.name == name }?.latency }
}
