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

    /// A bot never has more attempts in flight than its design's capacity, so its slot pool never
    /// holds more; the tracker keeps the open episode and those an attempt in flight refers to
    /// (an attempt lives a few ms, episodes start every few tens of ms): 32 records is a generous bound.
    @Test("cex-arbitrage: attempt slots <= each bot's capacity, episode records bounded, whatever the horizon")
    func arbitrageStateIsBounded() throws {
        let scenario = try CEXArbitrageScenario(config: CEXArbitrageTests.config())
        for design in scenario.designs {
            var attempts: [Double] = [], episodes: [Double] = []
            for seconds: Int64 in [15, 60] {
                let (result, model) = scenario.simulate(design: design, spec: Self.spec(seconds: seconds))
                attempts.append(result.value("focal_attempts_count")!)
                episodes.append(result.value("opportunities_count")!)
                for bot in model.bots {
                    #expect(bot.attempts.capacity <= bot.design.capacity,
                            "\(design) \(seconds) s: \(bot.parameters.name) has \(bot.attempts.capacity) attempt slots, capacity \(bot.design.capacity)")
                }
                print("cex-arbitrage \(design) \(seconds) s: \(model.tracker.live.capacity) episode records for \(episodes.last!) episodes, focal slots \(model.bots[0].attempts.capacity) for \(attempts.last!) attempts")
                #expect(model.tracker.live.capacity <= 32, "\(design) \(seconds) s: \(model.tracker.live.capacity) episode records")
            }
            #expect(attempts[1] > 3 * attempts[0] && attempts[1] > 100, "\(design): the long run makes far more attempts than it keeps")
            #expect(episodes[1] > 3 * episodes[0] && episodes[1] > 10 * 32, "\(design): far more episodes than records kept")
        }
    }

    /// The episode trace holds the measured episodes (all of them below the row cap) with or without
    /// attempts in flight at the end, and tracing does not change a metric.
    @Test("cex-arbitrage: tracing changes no metric and lists every measured episode")
    func tracingChangesNothing() throws {
        let scenario = try CEXArbitrageScenario(config: CEXArbitrageTests.config())
        var spec = Self.spec(seconds: 5)
        let plain = scenario.run(design: "async", spec: spec)
        spec.keepTrace = true
        let traced = scenario.run(design: "async", spec: spec)
        #expect(plain.metrics == traced.metrics && plain.traceRows.isEmpty)
        #expect(Double(traced.traceRows.count) == traced.value("opportunities_count")! && traced.traceRowsDropped == 0)
    }
}
