import Foundation
import Testing
@testable import LatSimExperiments

/// Errors that say the right thing: the line to edit, the option as given, one message per
/// cause (issue 14, item 4).
@Suite struct ErrorMessageTests {
    static let base = """
        horizon: 100ms
        replications: 2
        model:
          kind: queue
          actors: [{name: exchange, role: server}, {name: bot, role: client}]
          arrival: {type: exponential, mean: 2ms}
          service: {type: exponential, mean: 1ms}

        """

    func error(_ config: String, overrides: [String] = [], grid: [String] = [], name: String = "c.yaml",
               extra: [(String, String)] = []) -> String? {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        for (file, text) in extra { directory.write(file, text) }
        do {
            _ = try ExperimentPlan(file: directory.write(name, config), overrides: overrides, grid: grid)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: directory.path + "/", with: "")
        }
    }

    @Test func anUnknownKeyIsReportedAtItsOwnLineNotItsValueOrParent() {
        // Line 8 is the key; its block value starts on line 9.
        let text = error(Self.base + "  workrs:\n    count: 2\n")
        #expect(text?.hasPrefix("c.yaml:8:3: model.workrs is not a known key (did you mean \"workers\"?)") == true, "\(text ?? "nil")")
        // A claim's bad name is reported at the `name:` line, not at the claim's first line.
        let claim = claimError("""
            claims:
              - question: q
                config: c.yaml
                name: "a,b"
                metric: drop_rate
                max_at_most: 0
            """)
        #expect(claim?.contains("claims.yaml:4:5: claims[0].name must be a non-empty name") == true, "\(claim ?? "nil")")
    }

    @Test func aDuplicateKeyIsReportedAtTheDuplicate() {
        let block = error("seed: 1\n" + Self.base + "seed: 2\n")
        #expect(block?.hasPrefix("c.yaml:9:1: seed is given a second time in one mapping (first at line 1)") == true, "\(block ?? "nil")")
        let nested = error(Self.base.replacingOccurrences(of: "  kind: queue\n", with: "  kind: queue\n  workers: 1\n") + "  workers: 2\n")
        #expect(nested?.hasPrefix("c.yaml:9:3: workers is given a second time in one mapping (first at line 5)") == true, "\(nested ?? "nil")")
        let flow = error(Self.base.replacingOccurrences(of: "{type: exponential, mean: 2ms}", with: "{type: exponential, mean: 2ms, mean: 3ms}"))
        #expect(flow?.hasPrefix("c.yaml:6:43: mean is given a second time") == true, "\(flow ?? "nil")")
    }

    @Test func aFileGivenWithSetResolvesLikeOneInTheConfigFile() {
        let extra = [("sub/service.csv", "1ms\n2ms\n")]
        // In the file: relative to the file's directory.
        #expect(error(Self.base.replacingOccurrences(of: "service: {type: exponential, mean: 1ms}", with: "service: {type: empirical, file: service.csv}"),
                      name: "sub/c.yaml", extra: extra) == nil)
        // With --set: the same (the option's text contains no directory to resolve against).
        #expect(error(Self.base, overrides: ["model.service={type: empirical, file: service.csv}"], name: "sub/c.yaml", extra: extra) == nil)
        // And a --set path with a slash in the option text is not cut at that slash.
        let slash = error(Self.base, overrides: ["model.service={type: empirical, file: data/service.csv}"], name: "sub/c.yaml",
                          extra: [("sub/data/service.csv", "1ms\n")])
        #expect(slash == nil, "\(slash ?? "nil")")
    }

    @Test func emptySetValuesAndEmptyGridItemsAreErrors() {
        #expect(error(Self.base, overrides: ["seed="])?.contains("--set seed=: seed is given no value") == true)
        #expect(error(Self.base, overrides: ["seed=  "])?.contains("is given no value") == true)
        #expect(error(Self.base, grid: ["model.workers=1,,2"])?.contains("has an empty value (item 2 of 3)") == true)
        #expect(error(Self.base, grid: ["model.workers=1,2,"])?.contains("has an empty value (item 3 of 3)") == true)
        #expect(error(Self.base, grid: ["model.workers="])?.contains("has an empty value (item 1 of 1)") == true)
    }

    @Test func aDesignNamedTwiceIsAnErrorAtTheSecond() {
        let text = error("designs: [sync, async, sync]\n" + Self.base)
        #expect(text?.hasPrefix("c.yaml:1:24: designs[2] names a design a second time; allowed: each design once; given: sync") == true,
                "\(text ?? "nil")")
    }

    @Test func sweepingIncludeOrSweepIsRefused() {
        #expect(error(Self.base, grid: ["include=a,b"])?.contains("include cannot be swept") == true)
        #expect(error(Self.base, grid: ["sweep.model.workers=1,2"])?.contains("sweep.model.workers cannot be swept") == true)
        let inFile = error(Self.base + "sweep:\n  include: [a, b]\n")
        #expect(inFile?.hasPrefix("c.yaml:9:3: sweep.include cannot be swept") == true, "\(inFile ?? "nil")")
        #expect(error(Self.base, overrides: ["include=[a]"])?.contains("cannot be set on the command line") == true)
    }

    @Test func yamlTagsAreRefusedExceptTheStandardOnes() {
        let tagged = error(Self.base.replacingOccurrences(of: "replications: 2", with: "replications: !!int 2"))
        #expect(tagged?.hasPrefix("c.yaml:2:15: replications has the YAML tag !!int, which latsim does not interpret") == true,
                "\(tagged ?? "nil")")
        #expect(error(Self.base + "  workers: !custom 2\n")?.contains("has the YAML tag !custom") == true)
        // !!str, !!map and !!seq say what latsim does anyway.
        #expect(error("name: !!str quick\n" + Self.base) == nil)
        #expect(error(Self.base.replacingOccurrences(of: "arrival: {", with: "arrival: !!map {")) == nil)
        #expect(error("designs: !!seq [sync]\n" + Self.base) == nil)
    }

    @Test func configPathsThatCannotBeReadEachSayWhy() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/a.yaml", withDestinationPath: directory.path + "/b.yaml")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/b.yaml", withDestinationPath: directory.path + "/a.yaml")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/dangling.yaml", withDestinationPath: directory.path + "/none.yaml")
        try FileManager.default.createDirectory(atPath: directory.path + "/dir.yaml", withIntermediateDirectories: true)
        let file = directory.write("file.txt", "x")
        let cases = [("a.yaml", "names a symbolic link loop"), ("dangling.yaml", "names a symbolic link to a file that does not exist"),
                     ("dir.yaml", "names a directory, not a file"), ("missing.yaml", "names a file that does not exist"),
                     ("file.txt/c.yaml", "names a path through a file")]
        for (name, message) in cases {
            let path = name.hasPrefix("file.txt") ? file + "/c.yaml" : directory.path + "/" + name
            #expect(throws: ConfigError.self) { try ExperimentPlan(file: path) }
            do { _ = try ExperimentPlan(file: path) } catch { #expect("\(error)".contains(message), "\(name): \(error)") }
        }
    }

    @Test func runJsonRecordsEachPointsSweptSeedAndReplications() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = try ExperimentPlan(file: directory.write("c.yaml", Self.base), grid: ["seed=5,5,6", "replications=2,3"])
        let json = RunManifest.json(try Experiment.run(plan, jobs: 1), version: "t", commandLine: [])
        #expect(json.contains("""
              "point_settings": [{"points": [0, 0], "seed": 5, "replications": 2}, {"points": [1, 1], "seed": 5, "replications": 3}, \
            {"points": [2, 2], "seed": 5, "replications": 2}, {"points": [3, 3], "seed": 5, "replications": 3}, \
            {"points": [4, 4], "seed": 6, "replications": 2}, {"points": [5, 5], "seed": 6, "replications": 3}],
            """), "\(json)")
        let flat = try ExperimentPlan(file: directory.write("d.yaml", Self.base))
        #expect(RunManifest.json(try Experiment.run(flat, jobs: 1), version: "t", commandLine: [])
            .contains("\"point_settings\": [{\"points\": [0, 0], \"seed\": 1, \"replications\": 2}]"))
    }

    @Test func mergeAcceptsShardsWhoseConfigPathIsSpelledDifferently() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.write("c.yaml", ShardRejectionTests.config)
        let spellings = [path, directory.path + "/./c.yaml"]
        for (index, spelling) in spellings.enumerated() {
            let plan = try ExperimentPlan(file: spelling)
            _ = try ShardRunner.runShard(plan, shard: ShardSpec(index: index, count: 2), jobs: 1, directory: directory.path + "/shards",
                                         version: ShardMergeTests.version, commandLine: [])
        }
        let merged = try ShardMerge.merge(directories: [directory.path + "/shards"], version: ShardMergeTests.version)
        let single = try Experiment.run(try ExperimentPlan(file: path), jobs: 1)
        #expect(CSVTables.summary(merged) == CSVTables.summary(single))
        // A different config under another name is still refused.
        let other = try ExperimentPlan(file: directory.write("o.yaml", ShardRejectionTests.config.replacingOccurrences(of: "seed: 4", with: "seed: 5")))
        _ = try ShardRunner.runShard(other, shard: ShardSpec(index: 1, count: 2), jobs: 1, directory: directory.path + "/mixed",
                                     version: ShardMergeTests.version, commandLine: [])
        _ = try ShardRunner.runShard(try ExperimentPlan(file: path), shard: ShardSpec(index: 0, count: 2), jobs: 1,
                                     directory: directory.path + "/mixed", version: ShardMergeTests.version, commandLine: [])
        #expect(throws: ShardError.self) { try ShardMerge.merge(directories: [directory.path + "/mixed"], version: ShardMergeTests.version) }
    }
}
