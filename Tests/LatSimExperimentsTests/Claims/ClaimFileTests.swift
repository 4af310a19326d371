import Foundation
import LatSimCore
import Testing
@testable import LatSimExperiments

/// Claims files: parsing, defaults, and every bad-input case naming what is allowed.
@Suite struct ClaimFileTests {
    let header = "defaults: {config: c.yaml, set: {model.workers: 1}}\nclaims:\n"

    @Test func parsesEveryAssertionFormAndMergesDefaults() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("claims.yaml", """
            defaults:
              config: c.yaml
              replications: 4
              set: {horizon: 1s, model.workers: 1}
            claims:
              - {name: a, question: q, metric: request_latency_p99, design: async, at_most: {design: sync, times: 0.7, plus: -1ms}}
              - {name: b, question: q, metric: drop_rate, at_least: 5%, expect: refuted, set: {model.workers: 2}}
              - {name: c, question: q, metric: drop_rate, within: {reference: 0.47, tolerance: 0.02}, confidence: 0.99}
              - {name: d, question: q, metric: drop_rate, max_at_most: 0, replications: 3, seed: 9, allow_inconclusive: true}
              - {name: e, question: q, metric: utilization, min_at_least: 0.1}
            """)
        let claims = try ClaimFile.load(file: file)
        #expect(claims.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(claims[0].assertion == .atMost(.init(design: "sync", times: 0.7, plus: -1_000_000)))
        #expect(claims[0].config == directory.path + "/c.yaml")
        #expect(claims[0].replications == 4 && claims[3].replications == 3 && claims[3].seed == 9)
        #expect(claims[1].assertion == .atLeast(.init(plus: 0.05)) && claims[1].expectation == .refuted)
        #expect(claims[1].overrides.map(\.keyPath) == ["horizon", "model.workers"])
        #expect(try claims[1].overrides[1].value.text() == "2")
        #expect(claims[2].assertion == .within(reference: 0.47, tolerance: 0.02) && claims[2].confidence == 0.99)
        #expect(claims[3].assertion == .maxAtMost(0) && claims[3].allowInconclusive)
        #expect(claims[4].assertion == .minAtLeast(0.1) && claims[0].expectation == .hold && !claims[0].allowInconclusive)
        #expect(claims[0].formula(designName: "async", unit: "ns") == "async request_latency_p99 <= 0.7 x sync request_latency_p99 - 1ms")
    }

    @Test func badInputNamesTheKeyWhatIsAllowedAndWhatWasGiven() {
        let cases: [(String, String, [String])] = [
            ("misspelt key", "  - {name: a, question: q, metirc: drop_rate, max_at_most: 0}\n", ["did you mean \"metric\"", "metirc"]),
            ("no assertion", "  - {name: a, question: q, metric: drop_rate}\n", ["has no assertion", "exactly one of at_most"]),
            ("two assertions", "  - {name: a, question: q, metric: drop_rate, at_most: 1, at_least: 0}\n", ["more than one assertion", "at_most, at_least"]),
            ("not a quantity", "  - {name: a, question: q, metric: drop_rate, at_most: fast}\n", ["must be a number or a duration", "fast"]),
            ("bad expect", "  - {name: a, question: q, metric: drop_rate, at_most: 1, expect: maybe}\n", ["hold, refuted", "maybe"]),
            ("duplicate name", "  - {name: a, question: q, metric: drop_rate, at_most: 1}\n  - {name: a, question: q, metric: drop_rate, at_most: 1}\n",
             ["repeats a claim name"]),
            ("missing question", "  - {name: a, metric: drop_rate, at_most: 1}\n", ["question"]),
            ("times without design", "  - {name: a, question: q, metric: drop_rate, at_most: {times: 2}}\n", ["needs `design:`"]),
            ("one replication", "  - {name: a, question: q, metric: drop_rate, at_most: 1, replications: 1}\n", ["replications", "1"]),
            ("unknown metric", "  - {name: a, question: q, metric: drop_rat, design: async, at_most: 1}\n",
             ["claim a", "metric drop_rat is not recorded by design async", "did you mean \"drop_rate\"", "allowed: request_latency_mean"]),
            ("unknown design", "  - {name: a, question: q, metric: drop_rate, design: asink, at_most: 1}\n",
             ["claim a", "not a design of kind queue", "asink"]),
            ("unknown reference design", "  - {name: a, question: q, metric: drop_rate, design: async, at_most: {design: snyc}}\n",
             ["claim a", "not a design of kind queue", "snyc"]),
            ("missing config", "  - {name: a, question: q, metric: drop_rate, at_most: 1, config: nope.yaml}\n",
             ["claim a", "nope.yaml does not exist"]),
            ("bad override", "  - {name: a, question: q, metric: drop_rate, at_most: 1, set: {model.wrkers: 2}}\n",
             ["claim a", "did you mean \"workers\""]),
        ]
        for (label, claims, fragments) in cases {
            let message = claimError(header + claims)
            #expect(message != nil, "\(label): no error")
            for fragment in fragments {
                #expect(message?.contains(fragment) == true, "\(label): \(message ?? "nil") lacks \(fragment)")
            }
        }
    }

    @Test func unpinnedSweepAxisIsAnError() {
        let message = claimError("claims:\n  - {name: a, question: q, config: c.yaml, metric: drop_rate, at_most: 1}\n")
        #expect(message?.contains("runs 2 sweep points") == true, "\(message ?? "nil")")
        #expect(message?.contains("unpinned axes: model.workers") == true)
    }
}
