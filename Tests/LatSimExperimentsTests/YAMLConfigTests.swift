import Testing
import LatSimExperiments

@Suite struct YAMLConfigTests {
    @Test func keepsOrderLinesAndNulls() throws {
        let root = try YAMLConfig.parse("b: 1\na:\n  z: 2ms\n  y: [1, 2]\nc: ~\nd: \"null\"\n", file: "x.yaml")
        let entries = try root.entries()
        #expect(entries.map(\.key) == ["b", "a", "c", "d"])
        let z = try #require(root.node(at: "a.z"))
        #expect(z.location == SourceLocation(file: "x.yaml", line: 3, column: 6))
        #expect(z.path == "a.z")
        #expect(try z.text() == "2ms")
        #expect(root.child("c") == nil)                      // null reads as absent
        #expect(try root.child("d")?.text() == "null")       // a quoted "null" is a string
        #expect(root.node(at: "a.y[1]")?.path == "a.y[1]")
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect(throws: ConfigError.self) { try YAMLConfig.parse("a: [1, 2\nb: 3\n", file: "bad.yaml") }
        do {
            _ = try YAMLConfig.parse("a: 1\n  b: 2\n", file: "bad.yaml")
            Issue.record("expected a YAML error")
        } catch let error as ConfigError {
            #expect(error.location.file == "bad.yaml")
            #expect(error.location.line == 2)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func duplicateKeysAreErrors() {
        do {
            _ = try YAMLConfig.parse("seed: 1\nseed: 2\n", file: "dup.yaml")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.description.contains("seed"))
            #expect(error.location.line >= 1)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func unreadableFileIsAConfigError() {
        do {
            _ = try YAMLConfig.load(file: "/nonexistent/latsim.yaml")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.description.contains("/nonexistent/latsim.yaml"))
            #expect(error.description.contains("does not exist"))
        } catch { Issue.record("unexpected \(error)") }
    }

    /// A "billion laughs" bomb: 9 levels of 9 aliases each would expand to 9^9 values.
    @Test func aliasBombIsRefusedByTheNodeBudget() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        #expect(text.utf8.count < 512)
        do {
            _ = try YAMLConfig.parse(text, file: "bomb.yaml")
            Issue.record("expected the node budget to refuse the bomb")
        } catch let error as ConfigError {
            #expect(error.location.file == "bomb.yaml")
            #expect(error.location.line >= 1)
            #expect(error.problem.contains("past \(YAMLConfig.nodeBudget) values"))
        } catch { Issue.record("unexpected \(error)") }
        // A few aliases well inside the budget still expand.
        let small = try? YAMLConfig.parse("a: &a [1, 2]\nb: [*a, *a]\n", file: "ok.yaml")
        #expect(small?.node(at: "b[1][0]").flatMap { try? $0.text() } == "1")
    }
}
