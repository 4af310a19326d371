import LatSimCore
import LatSimExperiments
import LatSimGraph
import Testing

/// A bad graph config fails when it is loaded, with an error that names the file and line,
/// the key, what is allowed and (for a typo) the nearest valid name.
@Suite struct GraphConfigErrorTests {
    /// The error `yaml` (a `model:` section in file `graph.yaml`) fails with, as text.
    static func failure(_ yaml: String) throws -> String {
        do {
            _ = try GraphSpec(model: try YAMLConfig.parse(yaml, file: "graph.yaml", path: "model"))
        } catch let error as ConfigError {
            print("config error: \(error)")
            return error.description
        }
        Issue.record("expected a config error for:\n\(yaml)")
        return ""
    }

    @Test func unknownComponentTypeNamesTheNearestType() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: staton, service_time: 1ms}
            connections:
              - {from: feed.out, to: gateway.in, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:3:"), "\(text)")
        #expect(text.contains("type"))
        #expect(text.contains("did you mean \"station\""), "\(text)")
        #expect(text.contains("given: staton"), "\(text)")
    }

    @Test func unknownPortNamesTheNearestPort() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: station, service_time: 1ms}
            connections:
              - {from: feed.out, to: gateway.inn, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:5:"), "\(text)")
        #expect(text.contains("names no port \"inn\" of gateway"), "\(text)")
        #expect(text.contains("did you mean \"in\""), "\(text)")
        #expect(text.contains("allowed: gateway.in, gateway.out"), "\(text)")
    }

    @Test func connectionToAMissingComponentNamesTheNearestComponent() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: station, service_time: 1ms}
            connections:
              - {from: feed.out, to: gatewy.in, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:5:"), "\(text)")
        #expect(text.contains("names no component \"gatewy\""), "\(text)")
        #expect(text.contains("did you mean \"gateway\""), "\(text)")
        #expect(text.contains("given: gatewy.in"), "\(text)")
    }

    @Test func duplicateComponentNamesPointAtTheRepeat() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: station, service_time: 1ms}
              - {name: gateway, type: sink}
            connections:
              - {from: feed.out, to: gateway.in, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:4:"), "\(text)")
        #expect(text.contains("repeats the component name \"gateway\""), "\(text)")
    }

    @Test func requiredPortLeftUnconnected() throws {
        // A delay's `out` is required: where would the delayed messages go?
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: hold, type: delay, delay: 1ms}
            connections:
              - {from: feed.out, to: hold.in, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:3:"), "\(text)")
        #expect(text.contains("leaves the required port hold.out unconnected"), "\(text)")
        #expect(text.contains("a connection from: hold.out"), "\(text)")
    }

    @Test func inputPortUsedAsFrom() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: station, service_time: 1ms}
              - {name: done, type: sink}
            connections:
              - {from: feed.out, to: gateway.in, link: 1ms}
              - {from: done.in, to: gateway.in, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:7:"), "\(text)")
        #expect(text.contains("is an input port, but `from` needs an output port"), "\(text)")
        #expect(text.contains("none: a sink has no output port"), "\(text)")
    }

    @Test func outputPortUsedAsTo() throws {
        let text = try Self.failure("""
            components:
              - {name: feed, type: source, rate_per_s: 100}
              - {name: gateway, type: station, service_time: 1ms}
            connections:
              - {from: feed.out, to: gateway.out, link: 1ms}
            """)
        #expect(text.hasPrefix("graph.yaml:5:"), "\(text)")
        #expect(text.contains("is an output port, but `to` needs an input port"), "\(text)")
        #expect(text.contains("allowed: gateway.in"), "\(text)")
    }

    static let designed = """
        components:
          - {name: feed, type: source, rate_per_s: 100}
          - {name: gateway, type: station, service_time: 1ms}
        connections:
          - {from: feed.out, to: gateway.in, link: 1ms}
        designs:
          small: {components.gateway.workers: 1}
          large: {components.gatewy.workers: 8}
        """

    @Test func designPatchToAMissingComponent() throws {
        do {
            _ = try GraphScenario(config: try YAMLConfig.parse(Self.designed, file: "graph.yaml", path: "model"))
            Issue.record("a patch to a missing component must fail when the config is loaded")
        } catch let error as ConfigError {
            let text = error.description
            print("config error: \(text)")
            #expect(text.hasPrefix("graph.yaml:8:"), "\(text)")
            #expect(text.contains("components.gatewy.workers"), "\(text)")
            #expect(text.contains("did you mean \"gateway\""), "\(text)")
        }
    }

    @Test func designPatchToAMissingParameter() throws {
        // The last key of a patch may add a key; the component's decoder then rejects it, at the patch's line.
        let yaml = Self.designed.replacingOccurrences(of: "components.gatewy.workers: 8", with: "components.gateway.wrkers: 8")
        do {
            _ = try GraphScenario(config: try YAMLConfig.parse(yaml, file: "graph.yaml", path: "model"))
            Issue.record("a patch to a missing parameter must fail when the config is loaded")
        } catch let error as ConfigError {
            let text = error.description
            print("config error: \(text)")
            #expect(text.hasPrefix("graph.yaml:8:"), "\(text)")
            #expect(text.contains("wrkers"), "\(text)")
            #expect(text.contains("did you mean \"workers\""), "\(text)")
        }
    }

    @Test func validDesignsDecode() throws {
        let yaml = Self.designed.replacingOccurrences(of: "gatewy", with: "gateway")
        let scenario = try GraphScenario(config: try YAMLConfig.parse(yaml, file: "graph.yaml", path: "model"))
        #expect(scenario.designs == ["small", "large"])
        guard case .station(let p) = scenario.specs[1].components[1].parameters else { Issue.record("gateway is a station"); return }
        #expect(p.station.workers == 8)
    }
}
