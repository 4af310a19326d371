import Testing
import LatSimCore
import LatSimExperiments

/// The `cex-arbitrage` template's own config errors (the kind's other checks are the
/// hand-written model's, reused): a name the graph would give twice, and a per-type latency
/// the graph cannot carry on its links. Each error names the file, the key and what is allowed.
@Suite struct CEXArbitrageTemplateTests {
    static func config(bots: String) -> String {
        """
        name: t
        seed: 1
        replications: 1
        horizon: 1s
        model:
          kind: cex-arbitrage
          venues: [{name: alpha}, {name: beta, lag: 30ms}]
          bots:
        \(bots)
        """
    }

    @Test func aValidConfigExpandsAndRuns() {
        #expect(planError(Self.config(bots: "    - {name: focal, design: focal, latency: {new_order: 1ms, request: 1ms, ack: 2ms, market_data: 3ms}}")) == nil)
    }

    @Test func aBotNamedLikeAVenueOrTheMarketIsAnError() throws {
        for name in ["alpha", "market"] {
            let error = try #require(planError(Self.config(bots: "    - {name: \(name), design: focal}")), "bot named \(name)")
            #expect(error.description.contains("config.yaml:"), "\(error)")
            #expect(error.description.contains("is taken") && error.description.contains(name), "\(error)")
        }
    }

    @Test func perTypeLatenciesTheLinksCannotCarryAreErrors() throws {
        let request = try #require(planError(Self.config(bots: "    - {name: focal, design: focal, latency: {new_order: 1ms, request: 2ms}}")))
        #expect(request.description.contains("request") && request.description.contains("differs from new_order"), "\(request)")
        let fill = try #require(planError(Self.config(bots: "    - {name: focal, design: focal, latency: {ack: 1ms, fill_report: 5ms}}")))
        #expect(fill.description.contains("fill_report") && fill.description.contains("differs from ack"), "\(fill)")
    }
}
