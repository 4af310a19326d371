import LatSimCore

/// `latsim check --audit`: a claim that cannot fail is no evidence. For each claim, the audit
/// runs it in a regime where the opposite outcome is expected and shows that outcome, or flags
/// the claim as vacuous.
///
///     - name: broker-with-room-for-the-outage-loses-nothing
///       set: {model.broker_capacity: 2000}
///       metric: messages_lost
///       max_at_most: 0
///       audit: {set: {model.broker_capacity: 100}}   # too small: it must lose messages here
///
/// The regime is the claim's `audit: {set: ..., replications: ...}` (applied over its own
/// `set:`) or, without one, a sibling claim of the same file with the same config, metric,
/// design and assertion and the opposite `expect:` (its `set:`, seed and replications). The
/// assertion is evaluated there unchanged; the audit passes (CAN FAIL) when its CI lies wholly
/// on the side the claim does not expect (beyond the bound for `hold`, on the asserted side for
/// `refuted`), with complete evidence. Otherwise the claim is VACUOUS, with the reason: no
/// regime known, the outcome unchanged there, the regime's evidence incomplete or inconclusive.
///
/// Invariant: the audit of a claim depends only on the claims files and configs (runs are
/// deterministic); all runs, own and counter-regime, share one pool (`ClaimRunner.run`).
public enum ClaimAudit {
    public enum Status: Sendable, Equatable {
        case canFail
        case vacuous(String)
    }

    public struct Entry: Sendable {
        public var own: ClaimResult
        /// Where the opposite outcome is sought: "audit: set {...}" or "sibling claim NAME".
        public var regime: String?
        public var counter: ClaimResult?
        public var status: Status
    }

    public static func run(_ plans: [ClaimPlan], jobs: Int) throws -> [Entry] {
        var counterPlans: [ClaimPlan] = [], counterOf: [Int?] = [], regimes: [String?] = []
        for index in plans.indices {
            guard let (claim, regime) = counterClaim(of: index, in: plans) else {
                counterOf.append(nil); regimes.append(nil); continue
            }
            counterOf.append(counterPlans.count)
            regimes.append(regime)
            counterPlans.append(try ClaimPlan(claim))
        }
        let results = try ClaimRunner.run(plans + counterPlans, jobs: jobs)
        return plans.indices.map { index in
            let own = results[index]
            guard let counterIndex = counterOf[index] else {
                return Entry(own: own, regime: nil, counter: nil,
                             status: .vacuous("no regime known where the opposite outcome occurs (add `audit: {set: {...}}` to the claim)"))
            }
            let counter = results[plans.count + counterIndex]
            return Entry(own: own, regime: regimes[index], counter: counter, status: status(claim: own.claim, counter: counter.outcome))
        }
    }

    /// The claim to run in the counter-regime, and how the regime was found.
    static func counterClaim(of index: Int, in plans: [ClaimPlan]) -> (Claim, String)? {
        var claim = plans[index].claim
        claim.name += " (audit)"
        if let audit = claim.audit {
            var overrides = claim.overrides.filter { own in !audit.overrides.contains { $0.keyPath == own.keyPath } }
            overrides += audit.overrides
            claim.overrides = overrides
            claim.replications = audit.replications ?? claim.replications
            let text = audit.overrides.map { "\($0.keyPath): \($0.value.description)" }.joined(separator: ", ")
            return (claim, "audit: set {\(text)}")
        }
        let own = plans[index]
        let sibling = plans.indices.first { other in
            let candidate = plans[other]
            return other != index && candidate.claim.location.file == own.claim.location.file
                && candidate.claim.config == own.claim.config && candidate.claim.metric == own.claim.metric
                && candidate.leftDesign == own.leftDesign && candidate.rightDesign == own.rightDesign
                && candidate.referenceMetric == own.referenceMetric && candidate.claim.assertion == own.claim.assertion
                && candidate.claim.expectation != own.claim.expectation
        }
        guard let sibling else { return nil }
        claim.overrides = plans[sibling].claim.overrides
        claim.replications = plans[sibling].claim.replications
        claim.seed = plans[sibling].claim.seed
        return (claim, "sibling claim \(plans[sibling].claim.name)")
    }

    static func status(claim: Claim, counter: ClaimOutcome) -> Status {
        if let incomplete = counter.incomplete { return .vacuous("incomplete evidence in the audit regime: \(incomplete)") }
        let wanted: ClaimOutcome.Side = claim.expectation == .hold ? .opposite : .asserted
        if counter.side == wanted { return .canFail }
        if counter.side == .straddles {
            let need = counter.replicationsToResolve.map { "; ~\($0) replications would resolve it" } ?? ""
            return .vacuous("the opposite outcome is not shown: INCONCLUSIVE in the audit regime\(need)")
        }
        return .vacuous("the outcome does not change in the audit regime")
    }

    /// The table printed by `latsim check --audit`, then a summary line.
    public static func table(_ entries: [Entry]) -> String {
        var rows: [[String]] = [["claim", "verdict", "audit regime", "measured there", "audit"]]
        for entry in entries {
            let measured = entry.counter.map { ClaimReport.measured($0) + " (" + side($0) + ")" } ?? "-"
            let status: String
            switch entry.status {
            case .canFail: status = "CAN FAIL"
            case .vacuous(let reason): status = "VACUOUS: " + reason
            }
            rows.append([entry.own.claim.name, ClaimReport.verdict(entry.own), entry.regime ?? "-", measured, status])
        }
        var text = ClaimReport.align(rows)
        let vacuous = entries.filter { $0.status != .canFail }.map(\.own.claim.name)
        text += "\(entries.count - vacuous.count) of \(entries.count) claims can fail"
        if !vacuous.isEmpty { text += "; vacuous: " + vacuous.joined(separator: ", ") }
        return text + "\n"
    }

    static func side(_ result: ClaimResult) -> String {
        switch result.outcome.side {
        case .asserted: return "assertion holds"
        case .opposite: return "assertion refuted"
        case .straddles: return "inconclusive"
        }
    }
}
