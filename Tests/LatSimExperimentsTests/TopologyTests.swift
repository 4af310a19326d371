import Testing
import LatSimExperiments

@Suite struct TopologyTests {
    @Test func pairOverridesRegionMatrixOverridesDefault() throws {
        let model = try YAMLConfig.parse("""
            actors:
              - {name: a, region: eu}
              - {name: b, region: eu}
              - {name: c, region: us}
              - {name: d, region: us}
            links:
              default: 1ms
              regions: {eu: {us: 40ms}, us: {eu: 45ms, us: 2ms}}
              pairs:
                - {source: a, target: d, latency: 30ms}
                - {source: b, target: c, latency: 35ms, symmetric: false}

            """, file: "t.yaml")
        let topology = try Topology(model: model, roles: ["client", "server"])
        func mean(_ s: Int, _ t: Int) -> Double { topology.latency(from: s, to: t).mean / 1e6 }
        #expect(mean(0, 1) == 1)      // eu -> eu: no matrix entry, default
        #expect(mean(0, 2) == 40)     // eu -> us
        #expect(mean(2, 0) == 45)     // us -> eu given explicitly: not the symmetric fill
        #expect(mean(2, 3) == 2)      // us -> us
        #expect(mean(0, 3) == 30)     // pair, symmetric by default
        #expect(mean(3, 0) == 30)
        #expect(mean(1, 2) == 35)     // one-way pair
        #expect(mean(2, 1) == 45)
        #expect(topology.actors.map(\.role) == ["client", "client", "client", "client"])
    }

    @Test func regionEntryWithoutReverseIsSymmetric() throws {
        let model = try YAMLConfig.parse("actors: [{name: a, region: eu}, {name: c, region: us}]\nlinks: {regions: {eu: {us: 40ms}}}\n",
                                         file: "t.yaml")
        let topology = try Topology(model: model, roles: ["client"])
        #expect(topology.latency(from: 1, to: 0).mean == 40e6)
        #expect(topology.latency(from: 0, to: 0).mean == 0)
    }
}
