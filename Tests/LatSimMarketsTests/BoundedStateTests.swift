import Testing
@testable import LatSimMarkets

/// Memory grows with pending work, not with processed events: a long run without a trace keeps
/// state only for the attempts, episodes and fills in flight. Each test runs a horizon and four
/// times that horizon and checks the state's high-water marks (pool and ring capacities) against
/// a bound derived from the work in flight, while what is processed grows with the horizon.
struct BoundedStateTests {
    static func spec(seconds: Int64) -> ReplicationSpec {
        ReplicationSpec(replication: 0, rootSeed: 2_026, horizon: .seconds(seconds), warmUp: .milliseconds(500))
    }

    /// A fill lives in its markout event; the fills the maker has not learned from are those
    /// whose report is in flight (a few ms at hundreds of fills a second): 64 entries bound the ring.
    @Test("market-making: the unlearned-fill ring stays bounded while fills grow with the horizon")
    func marketMakingStateIsBounded() throws {
        let scenario = try MarketMakingScenario(config: MarketMakingTests.config([("noise", Config.map([("rate_per_second", Config.s("200"))]))]))
        for design in scenario.designs {
            var fills: [Double] = []
            for seconds: Int64 in [5, 20] {
                let (result, model) = scenario.simulate(design: design, spec: Self.spec(seconds: seconds))
                fills.append(result.value("fills_count")!)
                print("market-making \(design) \(seconds) s: ring capacity \(model.pendingLearning.capacity) for \(fills.last!) fills")
                #expect(model.pendingLearning.capacity <= 64, "\(design) \(seconds) s: \(model.pendingLearning.capacity) unlearned fills")
            }
            #expect(fills[1] > 3 * fills[0] && fills[1] > 20 * 64, "\(design): far more fills than the ring holds")
        }
    }
}
