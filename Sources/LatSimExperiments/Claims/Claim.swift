import LatSimCore

/// One claim: an experiment (a config with overrides), a metric, an assertion about it, and
/// whether the assertion is expected to hold or to be refuted in that regime.
///
///     - name: async-p99-at-most-0.7-sync-past-saturation
///       question: Past saturation, does a non-blocking bot still see lower tail latency?
///       config: ../sync-vs-async.yaml
///       set: {model.arrival.mean: 1ms}
///       replications: 6
///       metric: request_latency_p99
///       design: async
///       at_most: {design: sync, times: 0.7}
///       expect: refuted
///
/// Invariant: a `Claim` is fully validated (keys, types, an assertion of exactly one form);
/// whether its config, designs and metric exist is checked when it is planned (`ClaimPlan`).
public struct Claim: Sendable {
    /// What a claim asserts about the per-replication values of `metric` for `design`.
    public enum Assertion: Sendable, Equatable {
        /// mean(A - (times x B + plus)) <= 0, or mean(A - plus) <= 0 without a reference design.
        case atMost(Reference)
        /// mean(A - (times x B + plus)) >= 0, or mean(A - plus) >= 0 without a reference design.
        case atLeast(Reference)
        /// The CI of mean(A) lies inside [reference - tolerance, reference + tolerance].
        case within(reference: Double, tolerance: Double)
        /// Every replication's value is at most the bound (e.g. zero messages lost).
        case maxAtMost(Double)
        /// Every replication's value is at least the bound.
        case minAtLeast(Double)
        /// Every replication's value equals the value (a count that must balance: neither above nor below).
        case equals(Double)
    }

    /// `audit:` a regime in which the opposite outcome is expected (`latsim check --audit`):
    /// overrides applied over the claim's own `set:`, and optionally other replications.
    public struct Audit: Sendable {
        public var overrides: [(keyPath: String, value: ConfigNode)]
        public var replications: Int?

        public init(overrides: [(keyPath: String, value: ConfigNode)], replications: Int? = nil) {
            self.overrides = overrides
            self.replications = replications
        }
    }

    /// The right-hand side of an inequality: `times` x (design's metric) + `plus`, or the
    /// constant `plus` when `design` is nil.
    public struct Reference: Sendable, Equatable {
        public var design: String?
        public var metric: String?
        public var times: Double
        public var plus: Double

        public init(design: String? = nil, metric: String? = nil, times: Double = 1, plus: Double = 0) {
            self.design = design
            self.metric = metric
            self.times = times
            self.plus = plus
        }
    }

    public enum Expectation: String, Sendable {
        case hold
        case refuted
    }

    public var name: String
    /// The real-world question the claim answers.
    public var question: String
    /// The config file, resolved relative to the claims file.
    public var config: String
    /// `set:` overrides (key path, value), applied like `--set`; a key path naming an axis of
    /// the config's `sweep:` pins that axis to the value.
    public var overrides: [(keyPath: String, value: ConfigNode)]
    public var replications: Int?
    public var seed: UInt64?
    public var metric: String
    /// The design of the left-hand side; nil: the config's first design.
    public var design: String?
    public var assertion: Assertion
    /// The two-sided confidence level of the interval (default 0.95).
    public var confidence: Double
    public var expectation: Expectation
    public var allowInconclusive: Bool
    /// Where the claim is written (for messages).
    public var location: SourceLocation
    /// The regime where the opposite outcome occurs; nil: `--audit` looks for a sibling claim.
    public var audit: Audit?

    public init(name: String, question: String, config: String, overrides: [(keyPath: String, value: ConfigNode)] = [], replications: Int? = nil,
                seed: UInt64? = nil, metric: String, design: String? = nil, assertion: Assertion, confidence: Double = 0.95,
                expectation: Expectation = .hold, allowInconclusive: Bool = false, location: SourceLocation = .unknown,
                audit: Audit? = nil) {
        self.name = name
        self.question = question
        self.config = config
        self.overrides = overrides
        self.replications = replications
        self.seed = seed
        self.metric = metric
        self.design = design
        self.assertion = assertion
        self.confidence = confidence
        self.expectation = expectation
        self.allowInconclusive = allowInconclusive
        self.location = location
        self.audit = audit
    }

    /// The designs the claim reads, left-hand side first.
    public var referencedDesigns: [String?] {
        switch assertion {
        case .atMost(let r), .atLeast(let r): return r.design.map { [design, $0] } ?? [design]
        default: return [design]
        }
    }

    /// The assertion as a short formula, e.g. "async request_latency_p99 <= 0.7 x sync request_latency_p99".
    public func formula(designName: String, unit: String) -> String {
        let left = "\(designName) \(metric)"
        func right(_ r: Reference) -> String {
            var parts: [String] = []
            if let d = r.design {
                let term = "\(d) \(r.metric ?? metric)"
                parts.append(r.times == 1 ? term : "\(formatSignificant(r.times)) x \(term)")
            }
            if r.plus != 0 || r.design == nil {
                let value = MetricFormat.value(abs(r.plus), unit: unit)
                parts.append(parts.isEmpty ? MetricFormat.value(r.plus, unit: unit) : (r.plus < 0 ? "- " : "+ ") + value)
            }
            return parts.joined(separator: " ")
        }
        switch assertion {
        case .atMost(let r): return "\(left) <= \(right(r))"
        case .atLeast(let r): return "\(left) >= \(right(r))"
        case .within(let reference, let tolerance):
            return "\(left) = \(MetricFormat.value(reference, unit: unit)) +/- \(MetricFormat.value(tolerance, unit: unit))"
        case .maxAtMost(let bound): return "max over replications of \(left) <= \(MetricFormat.value(bound, unit: unit))"
        case .minAtLeast(let bound): return "min over replications of \(left) >= \(MetricFormat.value(bound, unit: unit))"
        case .equals(let value): return "every replication's \(left) = \(MetricFormat.value(value, unit: unit))"
        }
    }
}
