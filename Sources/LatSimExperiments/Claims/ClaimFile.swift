import Foundation
import LatSimCore

/// A claims file: optional `defaults:` merged under every claim, and a list of `claims:`.
///
///     defaults:
///       config: ../sync-vs-async.yaml        # relative to this file
///       replications: 6
///       set: {horizon: 1s, warm_up: 200ms}   # merged key by key with each claim's set:
///     claims:
///       - name: async-raises-throughput-at-moderate-load
///         question: Does a bot that does not wait for responses get more orders through?
///         set: {model.arrival.mean: 2ms}
///         metric: throughput_per_s
///         design: async
///         at_least: {design: sync, times: 1.2}
///
/// Invariant: every key is checked (unknown keys are errors with a suggestion), names are
/// unique within the file, and each claim has exactly one assertion.
public enum ClaimFile {
    public static let claimKeys = ["name", "question", "config", "set", "replications", "seed", "metric", "design",
                                   "at_most", "at_least", "within", "max_at_most", "min_at_least", "equals", "confidence", "expect",
                                   "allow_inconclusive", "audit"]
    public static let assertionKeys = ["at_most", "at_least", "within", "max_at_most", "min_at_least", "equals"]

    /// Loads and validates every claim of a file.
    public static func load(file: String) throws -> [Claim] {
        let root = try YAMLConfig.load(file: file)
        guard case .mapping = root.value else {
            throw root.error("must be a mapping at the top level", allowed: "`claims:` (a list) and optional `defaults:`")
        }
        try root.checkKeys(["defaults", "claims"])
        let defaults = root.child("defaults")
        if let defaults {
            guard case .mapping = defaults.value else { throw defaults.error("must be a mapping", allowed: "claim keys") }
            try defaults.checkKeys(claimKeys.filter { $0 != "name" })
        }
        let list = try root.required("claims", allowed: "a list of claims")
        let items = try list.items()
        guard !items.isEmpty else { throw list.error("must list at least one claim", allowed: "a non-empty list") }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        var claims: [Claim] = []
        for item in items {
            guard case .mapping = item.value else { throw item.error("must be a mapping", allowed: "claim keys: " + claimKeys.joined(separator: ", ")) }
            let merged = defaults.map { $0.reparented(item.path).merged(with: item) } ?? item
            let claim = try parse(merged, directory: directory)
            if claims.contains(where: { $0.name == claim.name }) {
                throw (item.child("name") ?? item).error("repeats a claim name in this file", allowed: "unique names", given: claim.name)
            }
            claims.append(claim)
        }
        return claims
    }

    static func parse(_ node: ConfigNode, directory: URL) throws -> Claim {
        try node.checkKeys(claimKeys)
        let name = try node.string("name")
        guard !name.isEmpty, !name.contains(where: { $0 == "," || $0 == "\n" }) else {
            throw node.error("must be a non-empty name without commas or line breaks", allowed: "e.g. async-lowers-p99-at-moderate-load",
                             given: name, key: "name")
        }
        let question = try node.string("question")
        let configText = try node.string("config")
        let config = configText.hasPrefix("/") ? configText : directory.appendingPathComponent(configText).path
        var overrides: [(keyPath: String, value: ConfigNode)] = []
        if let set = node.child("set") {
            for (keyPath, value) in try set.entries() { overrides.append((keyPath, value)) }
        }
        let replications = try node.child("replications").map { try $0.intValue(range: 2...1_000_000) }
        let seed: UInt64? = try node.child("seed").map { seedNode in
            let text = try seedNode.text()
            guard let value = UInt64(text.filter { $0 != "_" }) else {
                throw seedNode.error("must be a non-negative integer", allowed: "an integer in 0...\(UInt64.max)", given: text)
            }
            return value
        }
        let metric = try node.string("metric")
        let design = try node.child("design").map { try $0.text() }
        let present = assertionKeys.filter { node.child($0) != nil }
        guard present.count == 1 else {
            throw node.error(present.isEmpty ? "has no assertion" : "has more than one assertion",
                             allowed: "exactly one of " + assertionKeys.joined(separator: ", "),
                             given: present.isEmpty ? "none" : present.joined(separator: ", "))
        }
        let assertionNode = node.child(present[0])!
        let assertion: Claim.Assertion
        switch present[0] {
        case "at_most": assertion = .atMost(try reference(assertionNode))
        case "at_least": assertion = .atLeast(try reference(assertionNode))
        case "within":
            try assertionNode.checkKeys(["reference", "tolerance"])
            let tolerance = try quantity(try assertionNode.required("tolerance", allowed: "a non-negative number or duration"))
            guard tolerance >= 0 else {
                throw assertionNode.error("must not be negative", allowed: "a tolerance >= 0", given: String(tolerance), key: "tolerance")
            }
            assertion = .within(reference: try quantity(try assertionNode.required("reference", allowed: "a number or duration")),
                                tolerance: tolerance)
        case "max_at_most": assertion = .maxAtMost(try quantity(assertionNode))
        case "equals": assertion = .equals(try quantity(assertionNode))
        default: assertion = .minAtLeast(try quantity(assertionNode))
        }
        let confidence = try node.double("confidence", default: 0.95, range: 0.5...0.999999)
        guard confidence < 1 else {
            throw node.error("must be below 1", allowed: "a level in [0.5, 1)", given: String(confidence), key: "confidence")
        }
        let expectation = Claim.Expectation(rawValue: try node.string("expect", default: "hold", oneOf: ["hold", "refuted"]))!
        let allowInconclusive = try node.bool("allow_inconclusive", default: false)
        let audit = try node.child("audit").map(auditRegime)
        return Claim(name: name, question: question, config: config, overrides: overrides, replications: replications, seed: seed,
                     metric: metric, design: design, assertion: assertion, confidence: confidence, expectation: expectation,
                     allowInconclusive: allowInconclusive, location: node.location, audit: audit)
    }

    /// `audit: {set: {model.broker_capacity: 100}, replications: 4}`: where the opposite outcome occurs.
    static func auditRegime(_ node: ConfigNode) throws -> Claim.Audit {
        guard case .mapping = node.value else {
            throw node.error("must be a mapping", allowed: "set (the overrides of the regime where the opposite outcome occurs), replications")
        }
        try node.checkKeys(["set", "replications"])
        let set = try node.required("set", allowed: "a mapping of key paths to values, applied over the claim's set:")
        guard case .mapping = set.value else { throw set.error("must be a mapping", allowed: "key paths and values") }
        let overrides = try set.entries().map { (keyPath: $0.key, value: $0.value) }
        guard !overrides.isEmpty else { throw set.error("must override at least one key", allowed: "a non-empty mapping") }
        let replications = try node.child("replications").map { try $0.intValue(range: 2...1_000_000) }
        return Claim.Audit(overrides: overrides, replications: replications)
    }

    /// `at_most: 2ms` (a constant) or `at_most: {design: sync, metric: ..., times: 0.7, plus: 1ms}`.
    static func reference(_ node: ConfigNode) throws -> Claim.Reference {
        guard case .mapping = node.value else { return Claim.Reference(plus: try quantity(node)) }
        try node.checkKeys(["design", "metric", "times", "plus"])
        let design = try node.child("design").map { try $0.text() }
        let metric = try node.child("metric").map { try $0.text() }
        if design == nil && (metric != nil || node.child("times") != nil) {
            throw node.error("needs `design:` when it names a metric or a factor", allowed: "design, metric, times, plus",
                             given: node.canonicalText)
        }
        let times = try node.double("times", default: 1)
        let plus = try node.child("plus").map(quantity) ?? 0
        return Claim.Reference(design: design, metric: metric, times: times, plus: plus)
    }

    /// A number (`0.1`, `1_000`, `5%`) or a duration in ns (`250us`, `-1ms`).
    public static func quantity(_ node: ConfigNode) throws -> Double {
        let text = try node.text().trimmingCharacters(in: .whitespaces)
        let digits = text.filter { $0 != "_" }
        if let value = Double(digits), value.isFinite { return value }
        if digits.hasSuffix("%"), let value = Double(digits.dropLast()), value.isFinite { return value / 100 }
        if let duration = try? SimDuration(parsing: text, parameter: node.path) { return Double(duration.nanoseconds) }
        throw node.error("must be a number or a duration", allowed: "a number (0.1, 5%) or a duration with a unit (250us, 2ms)", given: text)
    }
}
