import Testing
@testable import LatSimNetwork

/// Config decoding of the shared blocks: link, regime, station, outages.
struct NetworkConfigTests {
    @Test func regimeFromConfigReplacesAndScales() throws {
        let node = config(["type": "schedule",
                           "states": [["name": "calm"] as KeyValuePairs<String, Any>,
                                      ["name": "storm", "latency": "5ms", "factor": 2] as KeyValuePairs<String, Any>],
                           "changes": [["at": "1s", "state": "storm"] as KeyValuePairs<String, Any>]] as KeyValuePairs<String, Any>,
                          path: "model.link.regime")
        let regime = try LatencyRegime(config: node)
        var link = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), ordering: .unordered), regime: regime)
        let s = RandomStream(rootSeed: 1, replication: 0, component: "link")
        let t0 = SimInstant.zero + .milliseconds(10), t1 = SimInstant.zero + .seconds(Int64(2))
        #expect(link.send(at: t0, stream: s)! - t0 == .milliseconds(1))
        #expect(link.send(at: t1, stream: s)! - t1 == .milliseconds(10))   // replaced by 5 ms, then x 2
        do {
            _ = try LatencyRegime(config: config(["type": "schedule", "states": [["name": "calm"] as KeyValuePairs<String, Any>],
                                                  "changes": [["at": "1s", "state": "strom"] as KeyValuePairs<String, Any>]] as KeyValuePairs<String, Any>,
                                                 path: "model.link.regime"))
            Issue.record("an unknown state was accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.link.regime.changes[0].state" && e.given == "strom", "\(e)")
        }
        #expect(throws: ConfigError.self) {
            try LatencyRegime(config: config(["type": "markov", "states": [["name": "calm"] as KeyValuePairs<String, Any>]] as KeyValuePairs<String, Any>))
        }   // a Markov state needs a mean sojourn
    }

    @Test func stationAndLinkFromConfig() throws {
        let station = try StationParameters(config: config(["workers": 3, "service_time": "1ms", "capacity": "unlimited",
                                                            "overflow": "block", "discipline": "priority", "priority_levels": 3] as KeyValuePairs<String, Any>))
        #expect(station.workers == 3 && station.capacity == .max && station.overflow == .block && station.discipline == .priority(levels: 3))
        do {
            _ = try StationParameters(config: config(["workers": 0, "service_time": "1ms"] as KeyValuePairs<String, Any>, path: "model.station"))
            Issue.record("zero workers accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.station.workers" && e.given == "0", "\(e)")
        }
        do {
            _ = try LinkParameters(config: config(["latency": "1ms", "loss": 1.5] as KeyValuePairs<String, Any>, path: "model.link"))
            Issue.record("a loss above 1 accepted")
        } catch let e as ConfigError {
            #expect(e.path == "model.link.loss" && e.given == "1.5", "\(e)")
        }
        do {
            _ = try LinkParameters(config: config(["latency": "1ms", "orderng": "fifo"] as KeyValuePairs<String, Any>, path: "model.link"))
            Issue.record("a misspelt key accepted")
        } catch let e as ConfigError {
            #expect(e.problem.contains("did you mean \"ordering\""), "\(e)")
        }
    }
}
