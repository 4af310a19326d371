import Testing
@testable import LatSimMarkets

/// The bots' design knobs that the market templates decode (every market kind is a template now).
struct MarketsScenariosTests {
    @Test("Custom designs: a preset with overrides, and errors for unknown knob values")
    func customDesigns() throws {
        let designs = try BotDesign.designs(config: ConfigNode.mapping([
            ("pull-async", ConfigNode.mapping([("preset", .scalar("async")), ("market_data", .scalar("pull")), ("poll_interval", .scalar("1ms"))])),
        ], path: "model.designs"))
        #expect(designs.map(\.name) == ["pull-async"])
        #expect(designs[0].design == BotDesign(marketData: .pull, legs: .concurrent, orderFlow: .pipelined, pollInterval: .milliseconds(1)))
        let bad = ConfigNode.mapping([("legs", .scalar("paralel"))], path: "model.designs.x")
        do {
            _ = try BotDesign(config: bad)
            Issue.record("an unknown knob value must be rejected")
        } catch let error as ConfigError {
            #expect(error.description.contains("model.designs.x.legs") && error.description.contains("sequential, concurrent") && error.description.contains("paralel"))
        }
    }
}
