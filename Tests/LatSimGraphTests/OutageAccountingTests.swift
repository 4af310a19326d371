import LatSimCore
import LatSimGraph
import Testing

/// Messages that meet a down component are lost and counted once: as `lost_outage` on the
/// link and `lost_down` at the component, never also as delivered.
@Suite struct OutageAccountingTests {
    static let stationOutage = """
        components:
          - {name: feed, type: source, arrival: poisson, rate_per_s: 1000}
          - {name: gateway, type: station, service_time: {type: exponential, mean: 500us}}
        connections:
          - {from: feed.out, to: gateway.in, link: 100us}
        faults:
          - {target: gateway, at: 500ms, duration: 200ms}
        """

    @Test
    func messagesToADownStationAreLostOnce() throws {
        let result = try GraphSupport.run(Self.stationOutage, seed: GraphTestSeed.root, horizon: .seconds(Int64(1)))
        let sent = result.value("link.feed-gateway.sent")!, delivered = result.value("link.feed-gateway.delivered")!
        let lostOutage = result.value("link.feed-gateway.lost_outage")!
        // About 200 arrivals during the 200 ms outage (Poisson at 1/ms: 200 ± 14 sd).
        #expect(result.value("gateway.lost_down")! > 140 && result.value("gateway.lost_down")! < 260, "(seed \(GraphTestSeed.root))")
        #expect(lostOutage == result.value("gateway.lost_down")!)
        // In flight on the link at the end: at most every message still alive (some of those wait at the station).
        let inFlight = sent - delivered - lostOutage
        #expect(inFlight >= 0 && inFlight <= result.value("graph.messages_pending_end")!, "sent = delivered + lost + in flight")
        #expect(result.value("graph.ledger_balanced") == 1)
        #expect(result.value("gateway.down_time") == 200e6)
    }
}
