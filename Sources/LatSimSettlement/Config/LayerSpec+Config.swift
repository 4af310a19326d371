import LatSimCore

/// Settlement layers in configs: a preset by name, a preset with overrides, or a full spec.
///
///     layer: ethereum
///     layer: {preset: bitcoin, finality: {confirmations: 3}}
///     layer: {type: chain, name: mychain, blocks: {type: slots, slot: 2s, missed_probability: 0.05},
///             capacity: 100, ordering: fifo, finality: {confirmations: 1}}
///     layer: {preset: arbitrum, l1: {preset: ethereum, finality: {confirmations: 1}}, batch_interval: 30s}
///     layer: {type: ledger, ledger_latency: {type: lognormal, median: 1ms, sigma: 0.5}}
///
/// Overrides replace a preset's value key by key (a nested key such as `blocks` is replaced whole).
extension ConfigNode {
    static let layerTypes = ["chain", "rollup", "ledger"]
    static let chainKeys = ["preset", "type", "name", "blocks", "capacity", "ordering", "finality", "levels", "reorg_probability", "mempool_limit",
                            "background", "gas", "revert_probability", "losing_bundle_pays", "express_lane"]
    static let rollupKeys = ["preset", "type", "name", "l1", "soft_confirmation", "batch_interval", "batch_size", "posting_delay",
                             "proof_delay", "withdrawal_delay"]
    static let ledgerKeys = ["preset", "type", "name", "ledger_latency"]

    /// The settlement layer at `key`.
    public func layerSpec(_ key: String, default fallback: LayerSpec? = nil) throws -> LayerSpec {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: "a preset name (\(SettlementPresets.layerPresets.map(\.name).joined(separator: ", "))) or a layer mapping")
            fatalError("unreachable")
        }
        return try node.layerSpecValue()
    }

    /// This node read as a settlement layer.
    public func layerSpecValue() throws -> LayerSpec {
        let names = SettlementPresets.layerPresets.map(\.name)
        if case .scalar = value {
            let name = try stringValue(oneOf: names)
            return SettlementPresets.layer(named: name)!
        }
        var base: LayerSpec?
        if has("preset") { base = SettlementPresets.layer(named: try string("preset", oneOf: names)) }
        let type: String
        if let base {
            let presetType: String
            switch base {
            case .chain: presetType = "chain"
            case .rollup: presetType = "rollup"
            case .ledger: presetType = "ledger"
            }
            type = try string("type", default: presetType, oneOf: [presetType])
        } else {
            type = try string("type", oneOf: ConfigNode.layerTypes)
        }
        switch type {
        case "chain":
            try checkKeys(ConfigNode.chainKeys)
            if case .chain(let c)? = base { return .chain(try chainSpecValue(base: c)) }
            return .chain(try chainSpecValue(base: nil))
        case "rollup":
            try checkKeys(ConfigNode.rollupKeys)
            if case .rollup(let r)? = base { return .rollup(try rollupSpecValue(base: r)) }
            return .rollup(try rollupSpecValue(base: nil))
        default:
            try checkKeys(ConfigNode.ledgerKeys)
            var name = "ledger", latency: Distribution? = nil
            if case .ledger(let l)? = base { name = l.name; latency = l.ledgerLatency }
            return .ledger(LedgerSpec(name: try string("name", default: name), ledgerLatency: try distribution("ledger_latency", default: latency)))
        }
    }

    func chainSpecValue(base: ChainSpec?) throws -> ChainSpec {
        let name = try string("name", default: base?.name ?? "chain")
        let production: BlockProduction
        if let blocks = child("blocks") {
            let kind = try blocks.string("type", oneOf: ["poisson", "slots", "replay"])
            if kind == "replay" {
                production = .replay(try blocks.blockReplayValue())
            } else if kind == "poisson" {
                try blocks.checkKeys(["type", "mean_interval"])
                production = .poisson(meanInterval: try blocks.interval("mean_interval"))
            } else {
                try blocks.checkKeys(["type", "slot", "missed_probability"])
                let missed = try blocks.double("missed_probability", default: 0, range: 0...0.99)
                production = .slots(slot: try blocks.interval("slot"), missedProbability: missed)
            }
        } else if let base {
            production = base.production
        } else {
            _ = try required("blocks", allowed: "{type: poisson, mean_interval: 600s}, {type: slots, slot: 12s, missed_probability: 0.01} or {type: replay, file: blocks.csv}")
            fatalError("unreachable")
        }
        let finality: FinalityRule
        if let rule = child("finality") {
            try rule.checkKeys(["confirmations", "epochs", "slots_per_epoch"])
            if rule.has("epochs") {
                if rule.has("confirmations") {
                    throw rule.error("gives both confirmations and epochs", allowed: "{confirmations: k} or {epochs: e, slots_per_epoch: s}", given: "both")
                }
                finality = .epochs(slotsPerEpoch: try rule.int("slots_per_epoch", default: 32, range: 1...100_000),
                                   epochs: try rule.int("epochs", range: 0...1_000))
            } else {
                finality = .confirmations(try rule.int("confirmations", range: 1...10_000))
            }
        } else {
            finality = base?.finality ?? .confirmations(1)
        }
        let ordering = try MempoolOrdering(rawValue: string("ordering", default: base?.ordering.rawValue ?? "fifo",
                                                             oneOf: MempoolOrdering.allCases.map(\.rawValue)))!
        let capacity = try int("capacity", default: base?.capacityPerBlock, range: 1...10_000_000)
        let reorg = try double("reorg_probability", default: base?.reorgProbability ?? 0, range: 0...0.99)
        let limit = try int("mempool_limit", default: base?.mempoolLimit ?? 1_000_000, range: 1...100_000_000)
        var utilization = base?.backgroundUtilization ?? 0
        var backgroundFee = try base?.backgroundFee ?? .constant(1)
        if let background = child("background") {
            try background.checkKeys(["utilization", "fee"])
            utilization = try background.double("utilization", range: 0...10)
            backgroundFee = try background.amountDistribution("fee", default: try .constant(1))
        }
        let levels = try chainLevels(base: base, finality: finality)
        let gas = try double("gas", default: base?.gas ?? 0, range: 0...1e12)
        let revert = try double("revert_probability", default: base?.revertProbability ?? 0, range: 0...1)
        let losingPays = try LosingBundlePays(rawValue: string("losing_bundle_pays", default: base?.losingBundlePays.rawValue ?? "nothing",
                                                                oneOf: LosingBundlePays.allCases.map(\.rawValue)))!
        var lane = base?.expressLane
        if let node = child("express_lane") {
            try node.checkKeys(["delay", "share"])
            lane = ExpressLane(delay: try node.duration("delay"), share: try node.double("share", range: 0...1))
        }
        return try wrap {
            try ChainSpec(name: name, production: production, capacityPerBlock: capacity, ordering: ordering, finality: finality,
                          reorgProbability: reorg, mempoolLimit: limit, backgroundUtilization: utilization, backgroundFee: backgroundFee,
                          intermediateLevels: levels, gas: gas, revertProbability: revert, losingBundlePays: losingPays, expressLane: lane)
        }
    }

    /// The chain's intermediate levels: `levels: [{name: safe, confirmations: 3}, ...]` (or
    /// `{name, epochs: e}` under an epoch rule), else the preset's that still fit its finality.
    func chainLevels(base: ChainSpec?, finality: FinalityRule) throws -> [ConfirmationLevel] {
        guard let node = child("levels") else {
            var kept: [ConfirmationLevel] = []
            for level in base?.intermediateLevels ?? [] {
                let candidate = kept + [level]
                if let base, (try? ChainSpec(name: base.name, production: base.production, capacityPerBlock: base.capacityPerBlock,
                                             ordering: base.ordering, finality: finality, intermediateLevels: candidate)) != nil {
                    kept = candidate
                }
            }
            return kept
        }
        guard case .sequence(let items) = node.value else {
            throw node.error("must be a list", allowed: "[{name: safe, confirmations: 3}] or [{name: justified, epochs: 1}]", given: "a scalar or mapping")
        }
        return try items.map { item in
            try item.checkKeys(["name", "confirmations", "epochs"])
            let name = try item.string("name")
            if item.has("epochs") {
                if item.has("confirmations") {
                    throw item.error("gives both confirmations and epochs", allowed: "{name, confirmations: k} or {name, epochs: e}", given: "both")
                }
                return ConfirmationLevel(name: name, rule: .epochs(try item.int("epochs", range: 0...1_000)))
            }
            return ConfirmationLevel(name: name, rule: .confirmations(try item.int("confirmations", range: 1...10_000)))
        }
    }

    static let blockReplayKeys = ["type", "file", "number_column", "time_column", "time_unit", "epoch", "past_end", "capacity_column",
                                  "capacity_scale", "delimiter"]

    /// `blocks: {type: replay, file: ...}`: the file read through `DataTable`, every data error
    /// naming this key, the file and its line.
    func blockReplayValue() throws -> BlockReplay {
        try checkKeys(ConfigNode.blockReplayKeys)
        let fileNode = try required("file", allowed: "a CSV of block numbers and timestamps, relative to the config file")
        var path = try fileNode.text()
        if !path.hasPrefix("/") { path = fileNode.location.baseDirectory + path }  // relative to the config (also from --set)
        let numberName = try string("number_column", default: "number")
        let timeName = try string("time_column", default: "timestamp")
        let unit = TimestampFormat.Unit(rawValue: try string("time_unit", default: "s", oneOf: TimestampFormat.Unit.allCases.map(\.rawValue)))!
        let epoch = TimestampFormat.Epoch(rawValue: try string("epoch", default: "unix", oneOf: TimestampFormat.Epoch.allCases.map(\.rawValue)))!
        let pastEnd = BlockReplay.PastEnd(rawValue: try string("past_end", default: "wrap", oneOf: BlockReplay.PastEnd.allCases.map(\.rawValue)))!
        let capacityName = try child("capacity_column")?.text()
        let scale = try double("capacity_scale", default: 1, range: 1e-12...1e12)
        if has("capacity_scale") && capacityName == nil {
            throw error("gives capacity_scale without capacity_column", allowed: "capacity_column: tx_count (or gas_used) with it", given: "capacity_scale", key: "capacity_scale")
        }
        let delimiterText = try string("delimiter", default: ",")
        guard delimiterText.count == 1 || delimiterText == "tab" else {
            throw error("must be one character", allowed: "\",\", \";\", \"|\" or tab", given: delimiterText, key: "delimiter")
        }
        let delimiter: Character = delimiterText == "tab" ? "\t" : delimiterText.first!
        let format = TimestampFormat(unit: unit, epoch: epoch)
        do {
            let table = try DataTable.read(path, delimiter: delimiter)
            let numberColumn = try table.column(named: numberName), timeColumn = try table.column(named: timeName)
            let times = try table.timestamps(column: timeColumn, format: format)
            var numbers: [Int64] = []
            numbers.reserveCapacity(table.rows.count)
            for row in table.rows.indices {
                let cell = table.rows[row][numberColumn]
                guard let number = Int64(cell) else {
                    throw table.error(row: row, "has a block number that is not an integer in column \(table.columnName(numberColumn))",
                                      allowed: "an integer block or slot number", given: "\"\(cell)\"")
                }
                if let previous = numbers.last, number <= previous {
                    throw table.error(row: row, "has block number \(number) after \(previous) (line \(table.lines[row - 1]))",
                                      allowed: "strictly increasing block numbers (a gap is missed slots)", given: "\(previous) then \(number)")
                }
                numbers.append(number)
            }
            var capacities: [Int]? = nil
            if let capacityName {
                let column = try table.column(named: capacityName)
                capacities = try table.rows.indices.map { row in
                    let value = try table.double(row: row, column: column) * scale
                    guard value >= 0, value.rounded() <= 10_000_000 else {
                        throw table.error(row: row, "gives a capacity out of range in column \(table.columnName(column)) (x capacity_scale \(formatSignificant(scale)))",
                                          allowed: "0...10000000 transactions per block", given: table.rows[row][column])
                    }
                    return Int(value.rounded())
                }
            }
            return try BlockReplay(file: path, contentHash: table.contentHashText, times: times, numbers: numbers, capacities: capacities, pastEnd: pastEnd)
        } catch let e as ParameterError {
            throw ConfigError(location: fileNode.location, path: "\(fileNode.path): \(e.parameter)", problem: e.problem, allowed: e.allowed, given: e.given)
        }
    }

    func rollupSpecValue(base: RollupSpec?) throws -> RollupSpec {
        let name = try string("name", default: base?.name ?? "rollup")
        let l1: ChainSpec
        if let node = child("l1") {
            guard case .chain(let c) = try node.layerSpecValue() else {
                throw node.error("must be a chain", allowed: "a chain preset (bitcoin, ethereum, solana, cometbft) or {type: chain, ...}")
            }
            l1 = c
        } else if let base {
            l1 = base.l1
        } else {
            _ = try required("l1", allowed: "a chain preset or {type: chain, ...}")
            fatalError("unreachable")
        }
        let soft = try distribution("soft_confirmation", default: base?.softConfirmation)
        let interval = try self.interval("batch_interval", default: base?.batchInterval)
        let size = try int("batch_size", default: base?.batchSizeLimit ?? 1_000_000, range: 1...100_000_000)
        let posting = try distribution("posting_delay", default: try base?.postingDelay ?? .constant(0))
        let proof = try distribution("proof_delay", default: try base?.proofDelay ?? .constant(0))
        let withdrawal = try duration("withdrawal_delay", default: base?.withdrawalDelay ?? .zero)
        return try wrap {
            try RollupSpec(name: name, l1: l1, softConfirmation: soft, batchInterval: interval, batchSizeLimit: size,
                           postingDelay: posting, proofDelay: proof, withdrawalDelay: withdrawal)
        }
    }

    /// A one-way latency at `key`: a connectivity preset name, `{preset: name}`, or any distribution.
    public func connectivity(_ key: String, default fallback: String) throws -> Distribution {
        let names = SettlementPresets.connectivityPresets.map(\.name)
        guard let node = child(key) else { return SettlementPresets.connectivity(named: fallback)! }
        if case .scalar(let text) = node.value {
            if let preset = SettlementPresets.connectivity(named: text) { return preset }
            guard let first = text.unicodeScalars.first, first.properties.numericType != nil else {
                _ = try node.stringValue(oneOf: names)  // throws, suggesting the nearest tier
                fatalError("unreachable")
            }
        }
        if node.has("preset") {
            try node.checkKeys(["preset"])
            return SettlementPresets.connectivity(named: try node.string("preset", oneOf: names))!
        }
        return try node.distributionValue()
    }
}
