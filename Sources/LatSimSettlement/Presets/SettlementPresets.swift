import LatSimCore

/// Where a preset's figures come from: the date they describe and the documents, with the
/// figures that are estimates said to be.
public struct PresetSource: Sendable, Equatable {
    /// The date the figures describe (ISO 8601, YYYY-MM-DD).
    public var asOf: String
    /// The documents (name, publisher, section) and which figures are estimates.
    public var source: String
}

/// Named parameter sets for real settlement layers, bridge designs and exchange connectivity
/// tiers; every layer and bridge preset carries the date it describes and its sources
/// (`PresetSource`), also tabulated in docs/settlement.md.
///
///     let ethereum = SettlementPresets.layer(named: "ethereum")!      // 12 s slots, 2-epoch finality
///     // in a config: layer: {preset: ethereum, capacity: 50}
///
/// Invariant: every preset is valid (a test builds each one) and dated.
public enum SettlementPresets {
    /// Every preset a config can name, layers first, then bridge designs, then connectivity tiers;
    /// dated ones end with "(as of <date>; <source>)".
    public static let presets: [(name: String, summary: String)] =
        layerPresets.map { ($0.name, $0.spec.summary + "; levels " + $0.spec.levels.map(\.name).joined(separator: ", ") + dated($0.dated)) }
        + bridgePresets.map { ($0.name, $0.summary + dated($0.dated)) }
        + connectivityPresets.map { ($0.name, $0.summary) }

    static func dated(_ s: PresetSource) -> String { " (as of \(s.asOf); \(s.source))" }

    static func mustBuild<T>(_ build: () throws -> T) -> T {
        do { return try build() } catch { preconditionFailure("invalid built-in preset: \(error)") }
    }

    static func duration(_ text: String) -> Double { mustBuild { Double(try SimDuration(parsing: text).nanoseconds) } }

    public static let bitcoin: ChainSpec = mustBuild {
        try ChainSpec(name: "bitcoin", production: .poisson(meanInterval: .seconds(600 as Int64)), capacityPerBlock: 3_000,
                      ordering: .fee, finality: .confirmations(6), reorgProbability: 0.001,
                      intermediateLevels: [ConfirmationLevel(name: "confirmed-3", rule: .confirmations(3))])
    }
    public static let ethereum: ChainSpec = mustBuild {
        try ChainSpec(name: "ethereum", production: .slots(slot: .seconds(12 as Int64), missedProbability: 0.01), capacityPerBlock: 250,
                      ordering: .fee, finality: .epochs(slotsPerEpoch: 32, epochs: 2), reorgProbability: 0.001,
                      intermediateLevels: [ConfirmationLevel(name: "justified", rule: .epochs(1))])
    }
    public static let solana: ChainSpec = mustBuild {
        try ChainSpec(name: "solana", production: .slots(slot: .milliseconds(400), missedProbability: 0.03), capacityPerBlock: 1_500,
                      ordering: .fee, finality: .confirmations(32),
                      intermediateLevels: [ConfirmationLevel(name: "confirmed", rule: .confirmations(2))])
    }
    public static let solanaAlpenglow: ChainSpec = mustBuild {
        try ChainSpec(name: "solana-alpenglow", production: .slots(slot: .milliseconds(400), missedProbability: 0.03),
                      capacityPerBlock: 1_500, ordering: .fee, finality: .confirmations(1))
    }
    public static let cosmosHub: ChainSpec = mustBuild {
        try ChainSpec(name: "cosmos-hub", production: .slots(slot: .seconds(5 as Int64), missedProbability: 0.01), capacityPerBlock: 5_000,
                      ordering: .fifo, finality: .confirmations(1))
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

    /// The layer presets, by name, with the date and the sources of their figures.
    public static let layerPresets: [(name: String, spec: LayerSpec, dated: PresetSource)] = [
        ("bitcoin", .chain(bitcoin), PresetSource(asOf: "2026-11-26", source:
            "Nakamoto, Bitcoin: A Peer-to-Peer Electronic Cash System (2008), s. 11 Calculations (6 confirmations); Bitcoin Core "
            + "chainparams.cpp nPowTargetSpacing = 10 * 60 (600 s mean); confirmed-3, capacity (BIP 141 weight limit) and the "
            + "reorg rate are estimates")),
        ("ethereum", .chain(ethereum), PresetSource(asOf: "2026-12-02", source:
            "ethereum/consensus-specs presets/mainnet (SECONDS_PER_SLOT 12, SLOTS_PER_EPOCH 32: an epoch is 6.4 min); "
            + "ethereum.org, Roadmap: Single-slot finality (a block is final after about 15 minutes: Casper FFG justifies an "
            + "epoch's checkpoint at its end, finalizes it one epoch later); 1% missed slots (beaconcha.in), capacity and "
            + "reorg rate are estimates")),
        ("solana", .chain(solana), PresetSource(asOf: "2025-08-01", source:
            "TowerBFT, before Alpenglow (approved September 2025): Solana docs, Terminology (400 ms slot) and commitment levels "
            + "(solana-sdk CommitmentLevel: confirmed = voted on by a supermajority, optimistic confirmation; finalized = "
            + "maximum lockout, 31+ confirmed blocks built on it); confirmed at the next slot, 3% skipped slots and "
            + "capacity are estimates")),
        ("solana-alpenglow", .chain(solanaAlpenglow), PresetSource(asOf: "2026-12-02", source:
            "solana.com Developers, DeFi: Finality (consensus Alpenglow, SIMD-0326: a block is final with its finalization "
            + "certificate about 150 ms after it is produced; confirmed = finalized); modelled as final at the block, so "
            + "about 150 ms early (estimate); 400 ms slots and 3% skipped as for solana (estimates)")),
        ("cometbft", .chain(cometbft), PresetSource(asOf: "2026-11-26", source:
            "CometBFT docs, Consensus (a committed block is final: instant finality) and Mempool (FIFO); 6 s blocks as "
            + "explorers showed for the Cosmos Hub (block time is set by timeout_commit, a node setting); 1% missed rounds "
            + "and capacity are estimates")),
        ("cosmos-hub", .chain(cosmosHub), PresetSource(asOf: "2026-12-02", source:
            "Wormhole docs, Reference: Wormhole Finality (consistency levels table: Cosmos Hub about 5 s to finalize, "
            + "instant finality); CometBFT consensus and FIFO mempool; 1% missed rounds and capacity are estimates")),
        ("arbitrum", .rollup(arbitrum), PresetSource(asOf: "2026-12-02", source:
            "Arbitrum docs, Glossary: challenge period and assertion (confirmed if unchallenged for 6.4 days; about "
            + "45,818 L1 blocks); Arbitrum docs, Block numbers and time (a block every 0.25 s: soft confirmation); "
            + "Arbitrum docs, Monitor withdrawals (batches posted typically within minutes): 120 s batches, 2 s posting "
            + "and the soft spread are estimates")),
        ("op-stack", .rollup(opStack), PresetSource(asOf: "2026-12-02", source:
            "OP Mainnet and Base: OP Stack specs (block_time 2 s); Optimism docs, Transaction finality (final when its "
            + "batch is in a finalized Ethereum block, 20-30 min; Standard Bridge withdrawals wait 7 days); 300 s batches "
            + "(op-batcher max-channel-duration is per chain) and 2 s posting are estimates")),
        ("zk-rollup", .rollup(zkRollup), PresetSource(asOf: "2026-12-02", source:
            "ZKsync Era: ZKsync docs, Transaction lifecycle (sequencer confirmation, then commit, prove (about an hour) "
            + "and execute on L1); ZK Nation forum, ZIP-4 Reduce the execution delay from 21 hours to 3 hours (passed); "
            + "1 s L2 blocks, 300 s batches, 2 s posting and the proof time's spread are estimates")),
        ("cex", .ledger(exchangeLedger), PresetSource(asOf: "2026-11-26", source:
            "an exchange's internal ledger update after a match: 1 ms median is an estimate, no public figure")),
    ]

    /// The bridge designs of the `cross-chain` kind (`bridge: <name>`): the attesting parties
    /// (`relayers`: count, quorum, latency) and the time from attestation to the destination
    /// mempool (`delivery_latency`: an optimistic bridge's challenge window).
    public struct BridgePreset: Sendable {
        public var name: String
        public var summary: String
        public var relayerCount: Int
        public var quorum: Int
        public var relayerLatency: Distribution
        public var deliveryLatency: Distribution
        public var dated: PresetSource
    }

    public static let bridgePresets: [BridgePreset] = [
        BridgePreset(name: "wormhole", summary: "guardian quorum: 13 of 19 guardians sign after the source's finality, each "
                        + "lognormal median 2s, sigma 0.5",
                     relayerCount: 19, quorum: 13, relayerLatency: mustBuild { try .lognormal(median: duration("2s"), sigma: 0.5) },
                     deliveryLatency: mustBuild { try .constant(0) },
                     dated: PresetSource(asOf: "2026-12-02", source:
                        "Wormhole docs, Protocol: Guardians (19 guardians, VAAs as 13-of-19 multisignature attestations) and "
                        + "Reference: Wormhole Finality (guardians sign after the consistency level, finalized by default); a "
                        + "guardian's observe-and-sign latency is an estimate")),
        BridgePreset(name: "ibc", summary: "light client: one relayer of any number relays the packet with a header the "
                        + "destination's light client verifies, lognormal median 6s, sigma 0.5",
                     relayerCount: 1, quorum: 1, relayerLatency: mustBuild { try .lognormal(median: duration("6s"), sigma: 0.5) },
                     deliveryLatency: mustBuild { try .constant(0) },
                     dated: PresetSource(asOf: "2026-12-02", source:
                        "cosmos/ibc ICS 02 client semantics; Cosmos docs, IBC light clients: 07-tendermint overview (a relayer "
                        + "submits UpdateClient with a header the destination's light client verifies, then the packet with "
                        + "its proof; relaying is permissionless); relayer latency (polling plus a header update) an estimate")),
        BridgePreset(name: "optimistic-30m", summary: "optimistic with challenge: one updater attests, lognormal median 10s, "
                        + "sigma 0.5, then a 30 min fraud window before the destination executes",
                     relayerCount: 1, quorum: 1, relayerLatency: mustBuild { try .lognormal(median: duration("10s"), sigma: 0.5) },
                     deliveryLatency: mustBuild { try .constant(duration("30min")) },
                     dated: PresetSource(asOf: "2022-07-01", source:
                        "Nomad docs, The Nomad protocol, Security: Optimistic timeout period (optimisticSeconds, 30 minutes "
                        + "for all chains; the bridge before its August 2022 exploit); the updater's latency an estimate. The canonical OP and Arbitrum "
                        + "bridges are the rollup presets' withdrawal delays (challenge-end)")),
    ]

    public static func bridge(named name: String) -> BridgePreset? { bridgePresets.first { $0.name == name } }

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
