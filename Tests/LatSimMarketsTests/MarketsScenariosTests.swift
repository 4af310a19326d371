import Testing
@testable import LatSimMarkets

/// The kinds exposed to the Experiments layer: names, designs, examples that decode and run.
struct MarketsScenariosTests {
    @Test("Every kind has a distinct name, sync and async designs, and an example that decodes and runs deterministically")
    func kinds() throws {
        let names = MarketsScenarios.kinds.map(\.name)
        #expect(names == ["cex-arbitrage", "cex-amm-arbitrage"])
        for kind in MarketsScenarios.kinds {
            let config = try #require(MarketsExamples.config(kind: kind.name))
            let scenario = try kind.make(config)
            #expect(scenario.designs == ["sync", "async"])
            #expect(kind.designs.map(\.name) == ["sync", "async"])
            let spec = ReplicationSpec(replication: 0, rootSeed: 9, horizon: .seconds(Int64(3)), warmUp: .milliseconds(200))
            let a = scenario.run(design: "async", spec: spec), b = scenario.run(design: "async", spec: spec)
            #expect(a == b, "\(kind.name): same config and seed, same result")
            // The metric list (the CSV's rows) is the same for every design.
            #expect(scenario.run(design: "sync", spec: spec).metrics.map(\.name) == a.metrics.map(\.name))
            #expect(a.metrics.allSatisfy { $0.value.isFinite }, "\(kind.name): no NaN or infinite metric")
            // The declared schema (the kind's list with this config's bot and venue names) is what is recorded.
            #expect(a.metrics.map(\.name) == scenario.metricSchema?.map(\.name), "\(kind.name): recorded metrics are the schema")
        }
    }

    @Test("Custom designs: a preset with overrides, and errors for unknown knob values")
    func customDesigns() throws {
        var config = try #require(MarketsExamples.config(kind: "cex-arbitrage"))
        if case .mapping(var entries) = config.value {
            entries.append((key: "designs", value: ConfigNode.mapping([
                ("pull-async", ConfigNode.mapping([("preset", .scalar("async")), ("market_data", .scalar("pull")), ("poll_interval", .scalar("1ms"))])),
            ], path: "model.designs")))
            config.value = .mapping(entries)
        }
        let scenario = try CEXArbitrageScenario(config: config)
        #expect(scenario.designs == ["pull-async"])
        #expect(scenario.namedDesigns[0].design == BotDesign(marketData: .pull, legs: .concurrent, orderFlow: .pipelined, pollInterval: .milliseconds(1)))
        let bad = ConfigNode.mapping([("legs", .scalar("paralel"))], path: "model.designs.x")
        do {
            _ = try BotDesign(config: bad)
            Issue.record("an unknown knob value must be rejected")
        } catch let error as ConfigError {
            #expect(error.description.contains("model.designs.x.legs") && error.description.contains("sequential, concurrent") && error.description.contains("paralel"))
        }
    }
}
