import Foundation
import Testing
@testable import LatSimCLI
import LatSimExperiments

/// `sweep --plan`, `sweep --shard I/N` and `merge` through the command line: exit codes,
/// byte-identical merged CSV, and bad input refused with nothing written.
@Suite struct ShardCommandTests {
    @Test func shardsMergedByTheCommandLineEqualTheSweep() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", smallConfig)
        let grid = ["--grid", "model.workers=1,2,3"]
        #expect(LatSimCommand.runMain(["sweep", config] + grid + ["--out", directory.path + "/one", "--quiet"]) == 0)
        for index in 0..<4 {
            let out = directory.path + (index < 2 ? "/a" : "/b")
            #expect(LatSimCommand.runMain(["sweep", config] + grid + ["--shard", "\(index)/4", "--out", out, "--quiet"]) == 0)
        }
        // Resume: a complete shard is skipped (exit 0).
        #expect(LatSimCommand.runMain(["sweep", config] + grid + ["--shard", "1/4", "--out", directory.path + "/a", "--quiet"]) == 0)
        #expect(LatSimCommand.runMain(["merge", directory.path + "/a", directory.path + "/b", "--out", directory.path + "/merged", "--quiet"]) == 0)
        for name in ["summary.csv", "aggregate.csv", "comparison.csv"] {
            #expect(directory.read("one/" + name) != nil && directory.read("one/" + name) == directory.read("merged/" + name), "\(name)")
        }
        let manifest = try #require(directory.read("merged/run.json"))
        #expect(manifest.contains("\"command_line\": [\"latsim\", \"merge\""))
        let strip = { (text: String?) in text?.split(separator: "\n").filter { !$0.contains("command_line") } }
        #expect(strip(directory.read("one/run.json")) == strip(manifest))
    }

    @Test func missingShardsAndBadShardOptionsExitTwoWithNoOutput() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", smallConfig)
        #expect(LatSimCommand.runMain(["sweep", config, "--shard", "0/3", "--out", directory.path + "/s", "--quiet"]) == 0)
        #expect(LatSimCommand.runMain(["merge", directory.path + "/s", "--out", directory.path + "/m"]) == 2)
        #expect(!directory.exists("m"))
        #expect(LatSimCommand.runMain(["sweep", config, "--shard", "3/3", "--out", directory.path + "/s"]) == 2)
        #expect(LatSimCommand.runMain(["sweep", config, "--shard", "0/3"]) == 2)                      // no --out
        #expect(LatSimCommand.runMain(["sweep", config, "--shard", "0/7", "--out", directory.path + "/x"]) == 2)   // 6 units
        #expect(!directory.exists("x"))
        #expect(LatSimCommand.runMain(["sweep", config, "--plan"]) == 0)
        #expect(!directory.exists("s/summary.csv"))
    }
}
