import Testing
import LatSimExperiments

@Suite struct ConfigEditingTests {
    let origin = SourceLocation(file: "--set", line: 0, column: 0)

    @Test func parsesKeyPaths() {
        #expect(ConfigNode.parsePath("model.links[0].latency") == [.key("model"), .key("links"), .index(0), .key("latency")])
        #expect(ConfigNode.parsePath("a[1][2]") == [.key("a"), .index(1), .index(2)])
        #expect(ConfigNode.parsePath("a..b") == nil)
        #expect(ConfigNode.parsePath("a[x]") == nil)
        #expect(ConfigNode.parsePath("a[-1]") == nil)
    }

    @Test func setReplacesAddsAndRejects() throws {
        let root = try YAMLConfig.parse("model:\n  workers: 1\n  links: [{latency: 1ms}, {latency: 2ms}]\n", file: "c.yaml")
        let replaced = try root.setting("model.workers", to: .scalar("4"), origin: origin)
        #expect(try replaced.node(at: "model.workers")?.text() == "4")
        let indexed = try root.setting("model.links[1].latency", to: .scalar("5ms"), origin: origin)
        #expect(try indexed.node(at: "model.links[1].latency")?.text() == "5ms")
        #expect(indexed.node(at: "model.links[1].latency")?.path == "model.links[1].latency")
        let added = try root.setting("model.capacity", to: .scalar("9"), origin: origin)
        #expect(try added.node(at: "model.capacity")?.text() == "9")
        #expect(throws: ConfigError.self) { try root.setting("modle.workers", to: .scalar("4"), origin: origin) }
        #expect(throws: ConfigError.self) { try root.setting("model.links[2].latency", to: .scalar("4"), origin: origin) }
        #expect(throws: ConfigError.self) { try root.setting("model.workers.x", to: .scalar("4"), origin: origin) }
        do {
            _ = try root.setting("modle.workers", to: .scalar("4"), origin: origin)
        } catch let error as ConfigError {
            #expect(error.problem.contains("did you mean \"model\""))
        }
    }

    @Test func connectionsWithoutANameAreAddressedByTheGraphsName() throws {
        let yaml = "model:\n  connections:\n    - {from: bot.out, to: gateway.in, link: 1ms}\n    - {name: fast, from: bot.out, to: gateway.in, link: 2ms}\n"
        let root = try YAMLConfig.parse(yaml, file: "c.yaml")
        let patched = try root.setting("model.connections.bot-gateway.link", to: .scalar("5ms"), origin: origin)
        #expect(try patched.node(at: "model.connections[0].link")?.text() == "5ms")
        #expect(try patched.node(at: "model.connections[1].link")?.text() == "2ms")
        let named = try root.setting("model.connections.fast.link", to: .scalar("7ms"), origin: origin)
        #expect(try named.node(at: "model.connections[1].link")?.text() == "7ms")
        do {
            _ = try root.setting("model.connections.bot-gatway.link", to: .scalar("5ms"), origin: origin)
            Issue.record("a misspelt connection must be refused")
        } catch let error as ConfigError {
            #expect(error.problem.contains("did you mean \"bot-gateway\""), "\(error)")
        }
    }

    @Test func mergeLetsTheOverlayWinAndKeepsOrder() throws {
        let base = try YAMLConfig.parse("a: 1\nmodel: {x: 1, y: 2}\nlist: [1, 2]\n", file: "p.yaml")
        let top = try YAMLConfig.parse("model: {y: 3, z: 4}\nlist: [9]\nb: 2\n", file: "c.yaml")
        let merged = base.merged(with: top)
        #expect(try merged.entries().map(\.key) == ["a", "model", "list", "b"])
        #expect(try merged.node(at: "model")!.entries().map(\.key) == ["x", "y", "z"])
        #expect(try merged.node(at: "model.y")?.text() == "3")
        #expect(try merged.node(at: "model.y")?.location.file == "c.yaml")
        #expect(try merged.node(at: "list")!.items().count == 1)
    }
}
