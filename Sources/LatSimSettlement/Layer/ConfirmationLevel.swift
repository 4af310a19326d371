import LatSimCore

/// One confirmation level of a settlement layer: a name and how a transaction reaches it.
///
///     let justified = ConfirmationLevel(name: "justified", rule: .epochs(1))
///     LayerSpec.chain(SettlementPresets.ethereum).levels.map(\.name)   // ["included", "justified", "finalized"]
///
/// A layer's levels are ordered: every transaction reaches them in list order (a later level
/// never before an earlier one). A chain's are `included` (in a block), its intermediate levels
/// (`ChainSpec.intermediateLevels`), then `finalized` (its finality rule); a rollup's `soft`
/// (the sequencer), `posted` (`proven` for a rollup that posts with a validity proof: the
/// batch's L1 transaction is in an L1 block), `l1-final` (that L1 transaction is final), then,
/// with a withdrawal delay, `challenge-end` (`withdrawable` for a validity-proof rollup: the
/// delay after `l1-final` is over); a ledger's one level `settled`.
/// Invariant: a chain's intermediate levels are strictly between inclusion and its finality rule
/// (`ChainSpec.validate` checks), so each is reached after the previous one.
public struct ConfirmationLevel: Sendable, Equatable, CustomStringConvertible {
    public enum Rule: Sendable, Equatable {
        /// Chain: the transaction's block has k confirmations, counting itself (1 = included).
        case confirmations(Int)
        /// Chain with epoch finality: the end of epoch E+e is observed (the first block produced
        /// in epoch E+e+1 or later), E the epoch of inclusion.
        case epochs(Int)
        /// Rollup: the sequencer's soft confirmation.
        case sequencer
        /// Rollup: the batch's L1 transaction is in an L1 block (first inclusion).
        case batchIncluded
        /// Rollup: the batch's L1 transaction is final under the L1's rule.
        case batchFinal
        /// Rollup: the withdrawal delay after `batchFinal` is over (a fixed time).
        case withdrawalDelay(SimDuration)
        /// Ledger: the ledger update.
        case ledger
    }

    public var name: String
    public var rule: Rule

    public init(name: String, rule: Rule) {
        self.name = name
        self.rule = rule
    }

    /// The level's name in metric names: `-` becomes `_` (`l1-final` -> `time_to_l1_final_mean`).
    public var metricName: String { String(name.map { $0 == "-" ? "_" : $0 }) }

    public var description: String {
        switch rule {
        case .confirmations(1): return "\(name): in a block"
        case .confirmations(let k): return "\(name): \(k) confirmations"
        case .epochs(let e): return "\(name): end of epoch E+\(e) observed"
        case .sequencer: return "\(name): sequencer confirmation"
        case .batchIncluded: return "\(name): batch's L1 transaction in an L1 block"
        case .batchFinal: return "\(name): batch's L1 transaction final"
        case .withdrawalDelay(let d): return "\(name): \(d) after l1-final"
        case .ledger: return "\(name): ledger update"
        }
    }

    /// Whether `name` can name a level: 1 to 32 of a-z, 0-9 and `-`, starting with a letter.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.unicodeScalars.count <= 32 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

extension LayerSpec {
    /// The layer's confirmation levels, in the order a transaction reaches them.
    public var levels: [ConfirmationLevel] {
        switch self {
        case .chain(let c):
            return c.levels
        case .rollup(let r):
            let proven = r.proofDelay.mean > 0
            var levels = [ConfirmationLevel(name: "soft", rule: .sequencer),
                          ConfirmationLevel(name: proven ? "proven" : "posted", rule: .batchIncluded),
                          ConfirmationLevel(name: "l1-final", rule: .batchFinal)]
            if r.withdrawalDelay > .zero {
                levels.append(ConfirmationLevel(name: proven ? "withdrawable" : "challenge-end", rule: .withdrawalDelay(r.withdrawalDelay)))
            }
            return levels
        case .ledger:
            return [ConfirmationLevel(name: "settled", rule: .ledger)]
        }
    }

    /// The index in `levels` of the soft confirmation (`release: soft`): inclusion, the sequencer, the ledger.
    public var softLevel: Int { 0 }

    /// The index in `levels` of finality (`release: final`): the chain's rule, the batch's L1 finality, the ledger.
    public var finalLevel: Int {
        switch self {
        case .chain(let c): return c.intermediateLevels.count + 1
        case .rollup: return 2
        case .ledger: return 0
        }
    }

    /// The index of the level `name`, or of an alias: `soft`, `final`.
    public func levelIndex(named name: String) -> Int? {
        if let index = levels.firstIndex(where: { $0.name == name }) { return index }
        switch name {
        case "soft": return softLevel
        case "final": return finalLevel
        default: return nil
        }
    }

    /// Every name `levelIndex(named:)` accepts, levels first.
    public var levelNames: [String] {
        let names = levels.map(\.name)
        return names + ["soft", "final"].filter { !names.contains($0) }
    }
}

extension ChainSpec {
    /// `included`, the intermediate levels, `finalized`.
    public var levels: [ConfirmationLevel] {
        let last: ConfirmationLevel.Rule
        switch finality {
        case .confirmations(let k): last = .confirmations(k)
        case .epochs(_, let e): last = .epochs(e)
        }
        return [ConfirmationLevel(name: "included", rule: .confirmations(1))] + intermediateLevels
            + [ConfirmationLevel(name: "finalized", rule: last)]
    }

    /// Checks that the intermediate levels are named, distinct, of the finality rule's kind and
    /// strictly increasing between inclusion and finality.
    func validateLevels() throws {
        var names: Set<String> = ["included", "finalized", "soft", "final"]
        guard intermediateLevels.count <= 16 else {
            throw ParameterError(parameter: "levels", problem: "lists too many levels", allowed: "at most 16 intermediate levels",
                                 given: "\(intermediateLevels.count)")
        }
        var previous = 1, previousEpoch = -1
        for level in intermediateLevels {
            guard ConfirmationLevel.isValidName(level.name) else {
                throw ParameterError(parameter: "levels", problem: "has a bad level name",
                                     allowed: "1 to 32 of a-z, 0-9 and -, starting with a letter", given: "'\(level.name)'")
            }
            guard names.insert(level.name).inserted else {
                throw ParameterError(parameter: "levels", problem: "names a level twice or a reserved name",
                                     allowed: "distinct names other than included, finalized, soft, final", given: level.name)
            }
            switch (level.rule, finality) {
            case (.confirmations(let k), .confirmations(let final)):
                guard k > previous && k < final else {
                    throw ParameterError(parameter: "levels.\(level.name).confirmations", problem: "is out of order",
                                         allowed: "an integer above the previous level's (and 1) and below finality's \(final)", given: "\(k)")
                }
                previous = k
            case (.epochs(let e), .epochs(_, let final)):
                guard e > previousEpoch && e < final else {
                    throw ParameterError(parameter: "levels.\(level.name).epochs", problem: "is out of order",
                                         allowed: "an integer above the previous level's and below finality's \(final)", given: "\(e)")
                }
                previousEpoch = e
            default:
                throw ParameterError(parameter: "levels.\(level.name)", problem: "is not of the finality rule's kind",
                                     allowed: finality.isEpochs ? "{epochs: e}" : "{confirmations: k}", given: "\(level.rule)")
            }
        }
    }
}

extension FinalityRule {
    var isEpochs: Bool { if case .epochs = self { return true } else { return false } }
}
