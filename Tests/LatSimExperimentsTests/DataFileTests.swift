import Foundation
import Testing
@testable import LatSimExperiments
#if canImport(Glibc)
import Glibc
#endif

/// Data files through the config: their hashes in the config hash and run.json, path
/// resolution (in the file and with --set), shard merges, and every bad-data case as a clear
/// error naming the config key, the file and (where there is one) the line.
@Suite struct DataFileTests {
    /// A graph whose one link has latency `LINK` (one request at a time, no service).
    static func graph(_ link: String) -> String {
        """
        seed: 3
        replications: 2
        horizon: 20ms
        model:
          kind: graph
          components:
            - {name: bot, type: client, window: 1, arrival: closed, think_time: 0}
            - {name: engine, type: station, workers: 1, service_time: 10us}
          connections:
            - {from: bot.out, to: engine.in, link: \(link), reply_link: 0}

        """
    }

    static let histogram = "{type: histogram, file: data/h.csv, value_column: rtt_us, count_column: count, unit: us}"

    @Test func theConfigHashAndRunJSONCoverTheDataFilesContent() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.write("c.yaml", DataFileTests.graph(DataFileTests.histogram))
        directory.write("data/h.csv", "rtt_us,count\n100,7\n250,3\n")
        let first = try ExperimentPlan(file: config)
        #expect(first.dataFiles == [DataFileRecord(path: directory.path + "/data/h.csv", bytes: 25, fnv1a64: first.dataFiles.first?.fnv1a64 ?? "")])
        #expect(try ExperimentPlan(file: config).configHash == first.configHash, "same bytes, same hash")
        directory.write("data/h.csv", "rtt_us,count\n100,7\n250,4\n") // same path and size, one count changed
        let second = try ExperimentPlan(file: config)
        #expect(second.configHash != first.configHash)
        #expect(second.dataFiles[0].bytes == first.dataFiles[0].bytes && second.dataFiles[0].fnv1a64 != first.dataFiles[0].fnv1a64)
        let manifest = try Experiment.files(try Experiment.run(second, jobs: 1), version: "t", commandLine: ["x"]).first { $0.name == "run.json" }!.contents
        #expect(manifest.contains("\"data_files\": [{\"path\": \(RunManifest.string(directory.path + "/data/h.csv")), \"bytes\": 25, \"fnv1a64\": \"\(second.dataFiles[0].fnv1a64)\"}]"),
                "\(manifest)")
        #expect(manifest.contains("\"config_fnv1a64\": \"\(second.configHash)\""))
        // A config without data files records none, and its hash is the config text's alone.
        let plain = try ExperimentPlan(file: directory.write("p.yaml", DataFileTests.graph("1ms")))
        #expect(plain.dataFiles.isEmpty)
        #expect(try Experiment.files(try Experiment.run(plain, jobs: 1), version: "t", commandLine: ["x"])
            .first { $0.name == "run.json" }!.contents.contains("\"data_files\": [],"))
    }

    /// Files swept by the grid are all hashed, in path order, each once.
    @Test func everyPointsFilesAreRecordedOnceInPathOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("data/b.csv", "rtt_us,count\n100,1\n")
        directory.write("data/a.csv", "rtt_us,count\n200,1\n")
        let config = directory.write("c.yaml", DataFileTests.graph(DataFileTests.histogram.replacingOccurrences(of: "data/h.csv", with: "data/b.csv")))
        let plan = try ExperimentPlan(file: config, grid: ["model.connections[0].link.file=data/b.csv,data/a.csv,data/b.csv"])
        #expect(plan.dataFiles.map(\.path) == [directory.path + "/data/a.csv", directory.path + "/data/b.csv"])
        // A design patch's dotted key names a data file too.
        directory.write("data/c.csv", "rtt_us,count\n300,1\n")
        let patched = DataFileTests.graph(DataFileTests.histogram.replacingOccurrences(of: "data/h.csv", with: "data/b.csv"))
            + "  designs: {base: {}, other: {\"connections[0].link.file\": data/c.csv}}\n"
        let withDesigns = try ExperimentPlan(file: directory.write("d.yaml", patched))
        #expect(withDesigns.dataFiles.map(\.path) == [directory.path + "/data/b.csv", directory.path + "/data/c.csv"], "\(withDesigns.dataFiles)")
    }

    /// A relative `file:` given with --set resolves against the config's directory, as in the file.
    @Test func aSetFileResolvesAgainstTheConfigsDirectory() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("sub/data/h.csv", "rtt_us,count\n100,1\n")
        directory.write("sub/data/trace.csv", "rtt_us\n100\n120\n")
        let config = directory.write("sub/c.yaml", DataFileTests.graph("1ms"))
        for value in [DataFileTests.histogram, "{type: series, file: data/trace.csv, column: rtt_us, unit: us}",
                      "{type: empirical, file: data/trace.csv, column: rtt_us, unit: us}"] {
            let plan = try ExperimentPlan(file: config, overrides: ["model.connections[0].link=" + value])
            #expect(plan.dataFiles.count == 1 && plan.dataFiles[0].path.hasPrefix(directory.path + "/sub/data/"), "\(plan.dataFiles)")
            #expect(!plan.dataFiles[0].path.contains("data/data"))
        }
        let fileOnly = try ExperimentPlan(file: directory.write("sub/d.yaml", DataFileTests.graph(DataFileTests.histogram.replacingOccurrences(of: "data/h.csv", with: "missing.csv"))),
                                          overrides: ["model.connections[0].link.file=data/h.csv"])
        #expect(fileOnly.dataFiles.map(\.path) == [directory.path + "/sub/data/h.csv"])
    }

    /// Merge rebuilds the plan from the shards, without the data files, to the same bytes; a
    /// shard run on other data is refused (its config hash differs).
    @Test func shardsWithDataFilesMergeAndDifferentDataIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("data/trace.csv", "rtt_us\n" + (0..<30).map { "\(100 + ($0 * 13) % 40)" }.joined(separator: "\n") + "\n")
        let config = directory.write("c.yaml", DataFileTests.graph("{type: series, file: data/trace.csv, column: rtt_us, unit: us, start: random}"))
        let plan = try ExperimentPlan(file: config)
        let reference = try ShardMergeTests.files(try Experiment.run(plan, jobs: 1))
        try ShardMergeTests.runShards(plan, count: 2) { directory.path + "/shards/\($0)" }
        try FileManager.default.removeItem(atPath: directory.path + "/data/trace.csv")
        let merged = try ShardMergeTests.files(try ShardMerge.merge(directories: [directory.path + "/shards/0", directory.path + "/shards/1"],
                                                                     version: ShardMergeTests.version))
        #expect(merged == reference)
        directory.write("data/trace.csv", "rtt_us\n500\n")
        let other = try ExperimentPlan(file: config)
        _ = try ShardRunner.runShard(other, shard: ShardSpec(index: 1, count: 2), jobs: 1, directory: directory.path + "/other",
                                     version: ShardMergeTests.version, commandLine: ["x"])
        let error = ShardMergeTests.mergeError([directory.path + "/shards/0", directory.path + "/other"])
        #expect(error?.description.contains("config hash") == true, "\(String(describing: error))")
    }

    /// Every bad-data case, for each latency file type: (file text or nil for a special path,
    /// what the message must contain besides the config key).
    @Test(arguments: ["empirical", "histogram", "series"])
    func badDataFilesAreClearErrors(type: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        func link(_ file: String, unit: String = "us") -> String {
            switch type {
            case "histogram": return "{type: histogram, file: \(file), value_column: rtt_us, count_column: count, unit: \(unit)}"
            default: return "{type: \(type), file: \(file), column: rtt_us, unit: \(unit)}"
            }
        }
        let good = type == "histogram" ? "rtt_us,count\r\n100,3\r\n120,1\r\n" : "rtt_us\r\n100\r\n120\r\n"
        let header = type == "histogram" ? "rtt_us,count\n" : "rtt_us\n"
        let row = type == "histogram" ? ",1" : ""
        // CRLF (and a BOM) read correctly.
        directory.write("good.csv", "\u{FEFF}" + good)
        let plan = try ExperimentPlan(file: directory.write("good.yaml", DataFileTests.graph(link("good.csv"))))
        #expect(plan.dataFiles.count == 1)
        var cases: [(name: String, file: String, text: String?, expected: [String])] = [
            ("text in a number column", "text.csv", header + "100\(row)\nfast\(row)\n", ["text.csv:3", "rtt_us", "fast"]),
            ("missing column", "missing.csv", "latency\(type == "histogram" ? ",count" : "")\n100\(row)\n", ["missing.csv:1", "no column \"rtt_us\""]),
            ("empty file", "empty.csv", "", ["empty.csv", "is empty"]),
            ("header only", "header.csv", header, ["header.csv", "no data rows"]),
            ("negative latency", "negative.csv", header + "-5\(row)\n", ["negative.csv:2"]),
            ("binary data", "binary.csv", "rtt_us\n\u{0}\u{1}\u{2}\n", ["binary.csv", "not a text file"]),
            ("ragged row", "ragged.csv", header + "100\(row),7\n", ["ragged.csv:2", "cells"]),
            ("a directory", directory.path + "/adir", nil, ["adir", "directory"]),
            ("a device", "/dev/zero", nil, ["/dev/zero", "device"]),
            ("a FIFO", directory.path + "/fifo", nil, ["fifo", "pipe"]),
            ("huge file", directory.path + "/huge.csv", nil, ["huge.csv", "too large"]),
            ("no such file", "absent.csv", nil, ["absent.csv", "does not exist"]),
        ]
        if type == "histogram" {
            cases.append(("negative count", "count.csv", "rtt_us,count\n100,-1\n", ["count.csv:2", "not a count"]))
            cases.append(("all zero", "zero.csv", "rtt_us,count\n100,0\n", ["zero.csv", "only zero counts"]))
        }
        try FileManager.default.createDirectory(atPath: directory.path + "/adir", withIntermediateDirectories: true)
        #expect(mkfifo(directory.path + "/fifo", 0o600) == 0)
        let huge = FileManager.default.createFile(atPath: directory.path + "/huge.csv", contents: nil)
        #expect(huge)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path + "/huge.csv"))
        try handle.truncate(atOffset: UInt64(DataTable.defaultLimitBytes) + 1) // sparse: nothing written
        try handle.close()
        for c in cases {
            if let text = c.text { directory.write(c.file, text) }
            let config = directory.write("c-\(c.name.replacingOccurrences(of: " ", with: "-")).yaml", DataFileTests.graph(link(c.file)))
            do {
                _ = try ExperimentPlan(file: config)
                Issue.record("\(type), \(c.name): accepted")
            } catch let e as ConfigError {
                let text = "\(e)"
                #expect(text.contains("model.connections[0].link.file"), "\(type), \(c.name): \(text)")
                for fragment in c.expected { #expect(text.contains(fragment), "\(type), \(c.name): \"\(fragment)\" not in \(text)") }
            }
        }
        // A unit that is not one: the error lists the units.
        let unit = planError(DataFileTests.graph(link("good.csv", unit: "parsec")), extraFiles: [("good.csv", good)])
        #expect(unit.map { "\($0)" }?.contains("ms") == true && unit.map { "\($0)" }?.contains("parsec") == true, "\(String(describing: unit))")
    }

    /// Unsorted data: histogram rows may come in any order (sorted on reading); a percentile
    /// table must increase (the error names the line); overlapping buckets name both lines.
    @Test func unsortedDataIsSortedOrAnErrorNamingTheLine() throws {
        let sorted = planError(DataFileTests.graph("{type: histogram, file: h.csv, value_column: v, count_column: n}"),
                               extraFiles: [("h.csv", "v,n\n300us,1\n100us,2\n200us,1\n")])
        #expect(sorted == nil, "\(String(describing: sorted))")
        let table = planError(DataFileTests.graph("{type: histogram, file: p.csv, percentile_column: p, value_column: v}"),
                              extraFiles: [("p.csv", "p,v\np90,3ms\np50,1ms\nmax,9ms\n")])
        #expect(table.map { "\($0)" }?.contains("p.csv:3") == true, "\(String(describing: table))")
        let buckets = planError(DataFileTests.graph("{type: histogram, file: b.csv, lower_column: lo, upper_column: hi, count_column: n, unit: us}"),
                                extraFiles: [("b.csv", "lo,hi,n\n100,200,1\n0,150,1\n")])
        #expect(buckets.map { "\($0)" }?.contains("b.csv:2") == true && buckets.map { "\($0)" }?.contains("line 3") == true, "\(String(describing: buckets))")
        let inline = planError(DataFileTests.graph("{type: histogram, percentiles: {p50: 2ms, p90: 1ms, max: 9ms}}"))
        #expect(inline.map { "\($0)" }?.contains("p90") == true, "\(String(describing: inline))")
        let trap = planError(DataFileTests.graph("{type: empirical, file: h.csv}"), extraFiles: [("h.csv", "rtt_us,count\n100,7\n")])
        #expect(trap.map { "\($0)" }?.contains("type: histogram") == true, "\(String(describing: trap))")
    }
}
