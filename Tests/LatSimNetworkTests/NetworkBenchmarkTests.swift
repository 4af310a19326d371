import Foundation
import Testing
@testable import LatSimNetwork

struct NetworkBenchmarkTests {
    @Test func benchmarkModelIsSoundAndDeterministic() {
        let a = NetworkBenchmark.run(nodes: 20, outstanding: 2, events: 60_000, seed: 4)
        let b = NetworkBenchmark.run(nodes: 20, outstanding: 2, events: 60_000, seed: 4)
        #expect(a.requestsCompleted == b.requestsCompleted && a.requestLatencyMeanNanoseconds == b.requestLatencyMeanNanoseconds)
        // A round trip is two lognormal hops (mean 200 us x e^(0.5^2/2) each) plus at least one service (mean 20 us);
        // 40 requests in flight over 40 workers (20 stations x 2) at ~10% load wait little: under 10% more.
        let floor = 2 * 200_000 * exp(0.125) + 20_000
        #expect(a.requestLatencyMeanNanoseconds >= 0.97 * floor && a.requestLatencyMeanNanoseconds <= 1.10 * floor,
                "round trip \(a.requestLatencyMeanNanoseconds) ns vs \(floor) (seed 4)")
        #expect(a.requestsCompleted >= 19_000)   // three events per request
    }
}
