import Foundation
import Testing
@testable import LatSimCLI
import LatSimExperiments
import LatSimSettlement

@Suite struct CommandTests {
    @Test func runWritesEveryFileWithGoldenHeaders() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", smallConfig + "trace: true\n")
        let out = directory.path + "/out"
        #expect(LatSimCommand.runMain(["run", config, "--out", out, "--quiet"]) == 0)
        let header = { (name: String) in String(directory.read("out/" + name)?.split(separator: "\n").first ?? "") + "\n" }
        expectGolden(header("summary.csv") + header("aggregate.csv") + header("comparison.csv") + header("trace.csv"),
                     "csv-headers-run.txt")
        let manifest = try #require(directory.read("out/run.json"))
        #expect(manifest.contains("\"version\": \"\(LatSimVersion.string)\""))
        #expect(manifest.contains("\"command_line\": [\"latsim\", \"run\", \"\(config)\", \"--out\", \"\(out)\", \"--quiet\"]"))
        #expect(manifest.contains("\"seed\": 3"))
        let summaryLines = directory.read("out/summary.csv")!.split(separator: "\n").count
        #expect(summaryLines == 1 + 2 * 3 * 53)   // header + designs x replications x metrics (the queue template: 53)
    }

    @Test func sweepHeadersNameTheAxes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", smallConfig)
        let out = directory.path + "/out"
        #expect(LatSimCommand.runMain(["sweep", config, "--grid", "model.workers=1,2", "--grid", "horizon=50ms,100ms",
                                       "--out", out, "--quiet", "--replications", "2"]) == 0)
        let header = { (name: String) in String(directory.read("out/" + name)?.split(separator: "\n").first ?? "") + "\n" }
        expectGolden(header("summary.csv") + header("aggregate.csv") + header("comparison.csv"), "csv-headers-sweep.txt")
        #expect(!directory.exists("out/trace.csv"))
    }

    @Test func sweepIsByteIdenticalForOneOrTwoWorkersAndOnReruns() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", smallConfig)
        var outputs: [[String?]] = []
        for (index, jobs) in ["1", "2", "2"].enumerated() {
            let out = directory.path + "/out\(index)"
            #expect(LatSimCommand.runMain(["sweep", config, "--grid", "model.workers=1,2,3", "--jobs", jobs, "--out", out, "--quiet"]) == 0)
            outputs.append(["summary.csv", "aggregate.csv", "comparison.csv"].map { directory.read("out\(index)/" + $0) })
        }
        #expect(outputs[0].allSatisfy { $0 != nil && !$0!.isEmpty })
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1] == outputs[2])
    }

    @Test func badInputExitsTwoAndWritesNothing() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let good = directory.write("good.yaml", smallConfig)
        let cases: [(String, [String])] = [
            ("unknown key", ["run", directory.write("a.yaml", smallConfig + "horizn: 1s\n")]),
            ("wrong type", ["run", directory.write("b.yaml", smallConfig.replacingOccurrences(of: "replications: 3", with: "replications: x"))]),
            ("missing file", ["run", directory.path + "/nope.yaml"]),
            ("unknown preset", ["run", directory.write("c.yaml", "include: [nope]\n" + smallConfig)]),
            ("negative latency", ["run", good, "--set", "model.links={default: -2ms}"]),
            ("probability above one", ["run", good, "--set", "model.reject_probability=1.2"]),
            ("weights not summing to one", ["run", good, "--set",
                "model.service={type: mixture, components: [{weight: 0.7, type: constant, value: 1ms}, {weight: 0.7, type: constant, value: 2ms}]}"]),
            ("duplicate actor", ["run", good, "--set", "model.actors[1].name=exchange"]),
            ("link to unknown actor", ["run", good, "--set", "model.links={pairs: [{source: bot, target: exchnage, latency: 1ms}]}"]),
            ("missing required", ["run", directory.write("d.yaml", smallConfig.replacingOccurrences(of: "horizon: 100ms\n", with: ""))]),
            ("invalid YAML", ["run", directory.write("e.yaml", smallConfig + "  bad: [1,\n")]),
            ("bad --set", ["run", good, "--set", "model.latency=2ms"]),
            ("bad --grid", ["sweep", good, "--grid", "model.workers=1,0"]),
            ("bad --jobs", ["run", good, "--jobs", "0"]),
            ("unknown option", ["run", good, "--sed", "1"]),
        ]
        for (name, arguments) in cases {
            let out = directory.path + "/out-" + name.replacingOccurrences(of: " ", with: "-")
            #expect(LatSimCommand.runMain(arguments + ["--out", out, "--quiet"]) == 2, "\(name)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(name) left \(out)")
        }
        #expect(LatSimCommand.runMain(["validate", good]) == 0)
        #expect(LatSimCommand.runMain(["validate", directory.path + "/nope.yaml"]) == 2)
    }

    /// An --out that cannot be an output directory is bad input, refused before the run starts
    /// (exit 2), and nothing is changed.
    @Test func unusableOutputIsRefusedBeforeRunning() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let good = directory.write("good.yaml", smallConfig)
        let blocker = directory.write("blocker", "x")
        #expect(LatSimCommand.runMain(["run", good, "--out", blocker, "--quiet"]) == 2)
        #expect(LatSimCommand.runMain(["run", good, "--out", blocker + "/out", "--quiet"]) == 2)
        #expect(LatSimCommand.runMain(["run", good, "--out", "/usr/latsim-out", "--quiet"]) == 2)
        #expect(LatSimCommand.runMain(["run", good, "--out", directory.path, "--quiet"]) == 2, "holds good.yaml and blocker")
        #expect(try String(contentsOfFile: blocker, encoding: .utf8) == "x")
        #expect(LatSimCommand.runMain(["merge", directory.path, "--out", blocker, "--quiet"]) == 2)
    }

    @Test func listNamesEveryKindDistributionAndPreset() {
        let text = ListCommand.render(near: repositoryRoot.path)
        for kind in ScenarioRegistry.kinds { #expect(text.contains("  " + kind.name + " ")) }
        for distribution in ConfigNode.distributionCatalog { #expect(text.contains("  " + distribution.name + " ")) }
        #expect(text.contains("short-run"))
        #expect(text.contains("request_latency"))
        #expect(LatSimCommand.runMain(["list", "--near", repositoryRoot.path]) == 0)
        // `latsim list presets` shows each dated preset's date and source.
        let presets = ListCommand.render(near: repositoryRoot.path, only: "presets")
        for preset in SettlementPresets.layerPresets {
            #expect(presets.contains("  \(preset.name) ") && presets.contains("as of \(preset.dated.asOf): \(preset.dated.source)"), "\(preset.name)")
        }
        for bridge in SettlementPresets.bridgePresets { #expect(presets.contains("as of \(bridge.dated.asOf): \(bridge.dated.source)")) }
    }

    @Test func everyCatalogConfigValidates() throws {
        let directory = repositoryRoot.appendingPathComponent("experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.contains("quickstart.yaml"))
        for file in files {
            #expect(LatSimCommand.runMain(["validate", directory.appendingPathComponent(file).path]) == 0, "\(file)")
        }
    }

    @Test func progressLine() {
        let line = ProgressBar.line(Runner.Progress(unitsDone: 30, unitsTotal: 120, pointsDone: 2, pointsTotal: 8,
                                                    eventsProcessed: 4_100_000, elapsedSeconds: 2))
        #expect(line == "[#####---------------]  2/8 points  30/120 runs  2.05M events/s  ETA 6s")
    }
}
