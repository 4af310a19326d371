import LatSimCore

/// The design choices of settlement, bundled by the `sync` and `async` presets.
///
///     designs: [sync, async, {name: ordered-pipelined, channel: ordered, transfers: pipelined}]
///
/// - `settlement`: `atomic` settles each trade on its own and frees its capital only at
///   finality; `batched` nets the trades of each batch interval into one settlement
///   transaction, trading from pre-funded inventory (capital bounds the net unsettled position).
/// - `channel`: `ordered` executes message n only after every earlier nonce (head-of-line
///   blocking); `unordered` executes each message as soon as it lands.
/// - `transfers`: `lock-step` sends transfer n only after transfer n-1 executed on the
///   destination; `pipelined` sends each transfer as it is requested.
public struct SettlementDesign: Sendable, Equatable {
    public enum Settlement: String, Sendable, CaseIterable { case atomic, batched }
    public enum Channel: String, Sendable, CaseIterable { case ordered, unordered }
    public enum Transfers: String, Sendable, CaseIterable { case lockStep = "lock-step", pipelined }

    public var name: String
    public var settlement: Settlement
    public var channel: Channel
    public var transfers: Transfers

    public init(name: String, settlement: Settlement, channel: Channel, transfers: Transfers) {
        self.name = name
        self.settlement = settlement
        self.channel = channel
        self.transfers = transfers
    }

    /// Atomic per-trade settlement, ordered channel, lock-step transfers.
    public static let sync = SettlementDesign(name: "sync", settlement: .atomic, channel: .ordered, transfers: .lockStep)
    /// Batched net settlement from inventory, unordered channel, pipelined transfers.
    public static let async = SettlementDesign(name: "async", settlement: .batched, channel: .unordered, transfers: .pipelined)

    /// Named designs a config may list by name alone.
    public static let presets: [(name: String, summary: String, design: SettlementDesign)] = [
        ("sync", "atomic per-trade settlement; ordered channel; lock-step transfers", sync),
        ("async", "batched net settlement from pre-funded inventory; unordered channel; pipelined transfers", async),
        ("ordered-pipelined", "async but with an ordered channel",
         SettlementDesign(name: "ordered-pipelined", settlement: .batched, channel: .ordered, transfers: .pipelined)),
        ("unordered-lock-step", "sync but with an unordered channel",
         SettlementDesign(name: "unordered-lock-step", settlement: .atomic, channel: .unordered, transfers: .lockStep)),
    ]
}

extension ConfigNode {
    /// The designs at `key`: a list of preset names or mappings `{name, preset, settlement, channel, transfers}`
    /// (a mapping starts from `preset`, default sync, and overrides it). Names must be distinct.
    public func settlementDesigns(_ key: String, default fallback: [SettlementDesign]) throws -> [SettlementDesign] {
        guard let node = child(key) else { return fallback }
        let presetNames = SettlementDesign.presets.map(\.name)
        var designs: [SettlementDesign] = []
        for item in try node.items() {
            var design: SettlementDesign
            if case .scalar = item.value {
                let name = try item.stringValue(oneOf: presetNames)
                design = SettlementDesign.presets.first { $0.name == name }!.design
            } else {
                try item.checkKeys(["name", "preset", "settlement", "channel", "transfers"])
                let base = try item.string("preset", default: "sync", oneOf: presetNames)
                design = SettlementDesign.presets.first { $0.name == base }!.design
                design.name = try item.string("name")
                design.settlement = .init(rawValue: try item.string("settlement", default: design.settlement.rawValue,
                                                                    oneOf: SettlementDesign.Settlement.allCases.map(\.rawValue)))!
                design.channel = .init(rawValue: try item.string("channel", default: design.channel.rawValue,
                                                                 oneOf: SettlementDesign.Channel.allCases.map(\.rawValue)))!
                design.transfers = .init(rawValue: try item.string("transfers", default: design.transfers.rawValue,
                                                                   oneOf: SettlementDesign.Transfers.allCases.map(\.rawValue)))!
            }
            if designs.contains(where: { $0.name == design.name }) {
                throw item.error("repeats the design name \"\(design.name)\"", allowed: "distinct design names", given: design.name)
            }
            designs.append(design)
        }
        if designs.isEmpty { throw node.error("is empty", allowed: "at least one design", given: "[]") }
        return designs
    }
}
