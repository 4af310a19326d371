import Foundation
import Testing
import LatSimCore
@testable import LatSimSettlement

/// Block replay: the chain produces the file's blocks at the file's times (so its intervals are
/// the file's), wraps or stops past the end, and refuses bad files with errors naming the key,
/// the file and the line.
@Suite struct BlockReplayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `layer: {type: chain, name: replayed, capacity: 50, finality: {confirmations: 2}, blocks: {type: replay, file: ..., extra}}`
    /// as written in `directory`/test.yaml.
    static func layer(directory: String, file: String, extra: [(String, String)] = [], finality: ConfigNode? = nil) throws -> LayerSpec {
        let at = SourceLocation(file: directory + "/test.yaml", line: 3, column: 7)
        func s(_ text: String) -> ConfigNode { .scalar(text, location: at) }
        let blocks = ConfigNode.mapping([("type", s("replay")), ("file", s(file))] + extra.map { ($0.0, s($0.1)) }, location: at)
        let root = ConfigNode.mapping([("layer", .mapping([("type", s("chain")), ("name", s("replayed")), ("capacity", s("50")),
                                                          ("finality", finality ?? .mapping([("confirmations", s("2"))], location: at)),
                                                          ("blocks", blocks)], location: at))], path: "model", location: at)
        return try root.layerSpec("layer")
    }

    /// The times of the chain's first `count` blocks (ns), produced as a host would.
    static func blockTimes(_ spec: ChainSpec, count: Int) -> [Int64] {
        var chain = Chain(spec: spec, replication: ReplicationSpec(replication: 0, rootSeed: 1, horizon: .seconds(1 as Int64)))
        var now = SimInstant.zero, times: [Int64] = []
        for _ in 0..<count {
            now = chain.scheduleNextBlock(after: now)
            if now == .distantFuture { break }
            chain.produceBlock(at: now)
            times.append(now.nanosecondsSinceStart)
        }
        return times
    }

    /// The sample file read independently: (number, timestamp s) per data row.
    static func ethRows() throws -> [(number: Int64, seconds: Int64)] {
        let text = try String(contentsOfFile: repository + "/experiments/data/eth-blocks.csv", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("number") }.map { line in
            let cells = line.split(separator: ",")
            return (Int64(cells[0])!, Int64(cells[1])!)
        }
    }

    @Test("The chain's block times are the file's (first row at t = 0); wrapped, the intervals repeat; missed slots are the gaps")
    func replayGivesTheFilesIntervals() throws {
        let rows = try Self.ethRows()
        guard case .chain(let spec) = try Self.layer(directory: Self.repository + "/experiments", file: "data/eth-blocks.csv") else {
            Issue.record("not a chain"); return
        }
        let times = Self.blockTimes(spec, count: 2 * rows.count - 1)
        let expected = rows.map { ($0.seconds - rows[0].seconds) * 1_000_000_000 }
        #expect(Array(times.prefix(rows.count)) == expected, "first pass: the file's times")
        let span = expected.last!
        #expect(Array(times.suffix(rows.count)) == expected.map { $0 + span }, "second pass: the same intervals, shifted by the span")
        guard case .replay(let replay) = spec.production else { Issue.record("not a replay"); return }
        let gaps = zip(rows.dropFirst(), rows).map { $0.number - $1.number - 1 }.reduce(0, +)
        #expect(replay.missedSlots == gaps && gaps > 0, "missed slots \(replay.missedSlots), gaps \(gaps)")
        #expect(spec.production.meanInterval == SimDuration(roundingNanoseconds: Double(span) / Double(rows.count - 1)))
        print("block replay: \(rows.count) blocks reproduced and wrapped; \(replay.statistics)")
        // What validate prints, against the intervals computed here from the rows.
        let intervals = zip(rows.dropFirst(), rows).map { Double($0.seconds - $1.seconds) }.sorted()
        let mean = intervals.reduce(0, +) / Double(intervals.count)
        let sd = (intervals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(intervals.count - 1)).squareRoot()
        func d(_ seconds: Double) -> String { "\(SimDuration(roundingNanoseconds: seconds * 1e9))" }
        let p99 = intervals[Int((0.99 * Double(intervals.count)).rounded(.up)) - 1]
        #expect(replay.statistics == "\(intervals.count) intervals: mean \(d(mean)), sd \(d(sd)), p50 \(d(intervals[intervals.count / 2 - 1 + intervals.count % 2])), "
                + "p99 \(d(p99)), max \(d(intervals.last!)); \(gaps) missed slots (numbers \(rows[0].number)...\(rows.last!.number))")
        #expect(replay.notes(chain: "eth", horizon: .seconds(Int64(20 * 3600))).last?.contains("its intervals repeat from the start") == true)
        #expect(replay.notes(chain: "eth", horizon: .seconds(Int64(3600))).count == 2, "no note when the run fits in the file")
    }

    @Test("past_end: stop ends production; capacity_column caps each block at the file's count")
    func stopAndCapacity() throws {
        let dir = try Self.directory(with: "number,timestamp,tx_count\n10,1717200000,3\n11,1717200012,0\n13,1717200036,5\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard case .chain(let spec) = try Self.layer(directory: dir, file: "blocks.csv", extra: [("past_end", "stop"), ("capacity_column", "tx_count")]) else {
            Issue.record("not a chain"); return
        }
        #expect(Self.blockTimes(spec, count: 10) == [0, 12_000_000_000, 36_000_000_000])
        var chain = Chain(spec: spec, replication: ReplicationSpec(replication: 0, rootSeed: 1, horizon: .seconds(1 as Int64)))
        for id in 0..<20 { chain.submit(id: id, fee: 1, at: .zero) }
        var included: [Int] = []
        var now = SimInstant.zero
        for _ in 0..<3 {
            now = chain.scheduleNextBlock(after: now)
            chain.produceBlock(at: now)
            included.append(chain.included.count)
        }
        #expect(included == [3, 0, 5], "per-block capacity from the file")
        #expect(chain.scheduleNextBlock(after: now) == .distantFuture)
    }

    @Test("Epoch finality uses the file's slot numbers")
    func epochsFromSlots() throws {
        // Slots 30, 31 (epoch 0 of 32 slots), 64 (epoch 2): with epochs: 1, epoch 0's blocks are final at the first block of epoch 2.
        let dir = try Self.directory(with: "number,timestamp\n30,1717200000\n31,1717200012\n64,1717200408\n65,1717200420\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let at = SourceLocation(file: dir + "/test.yaml", line: 3, column: 7)
        let finality = ConfigNode.mapping([("epochs", .scalar("1", location: at)), ("slots_per_epoch", .scalar("32", location: at))], location: at)
        guard case .chain(let spec) = try Self.layer(directory: dir, file: "blocks.csv", finality: finality) else { Issue.record("not a chain"); return }
        var chain = Chain(spec: spec, replication: ReplicationSpec(replication: 0, rootSeed: 1, horizon: .seconds(1 as Int64)))
        chain.submit(id: 7, fee: 1, at: .zero)
        var finalAt: [Int] = []
        var now = SimInstant.zero
        for block in 0..<4 {
            now = chain.scheduleNextBlock(after: now)
            chain.produceBlock(at: now)
            if chain.finalized.contains(7) { finalAt.append(block) }
        }
        #expect(finalAt == [2], "final at the first block of epoch 2 (slot 64)")
    }

    static func directory(with text: String, name: String = "blocks.csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-blocks-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return dir
    }

    static func error(_ text: String, extra: [(String, String)] = []) throws -> String {
        let dir = try directory(with: text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do { _ = try layer(directory: dir, file: "blocks.csv", extra: extra) } catch let e as ConfigError { return e.description }
        Issue.record("no error for \(text.prefix(60))")
        return ""
    }

    @Test("Bad block files: each a ConfigError naming the key, the file and the line")
    func badFiles() throws {
        let good = "number,timestamp\n1,1717200000\n2,1717200012\n"
        let unsorted = try Self.error(good + "3,1717200006\n")
        #expect(unsorted.contains("model.layer.blocks.file: ") && unsorted.contains("blocks.csv:4 has a timestamp earlier than the row before (line 3)"), "\(unsorted)")
        let repeated = try Self.error(good + "2,1717200024\n")
        #expect(repeated.contains("blocks.csv:4 has block number 2 after 2 (line 3)"), "\(repeated)")
        let unit = try Self.error(good, extra: [("time_unit", "us")])
        #expect(unit.contains("blocks.csv:2 has a timestamp that read as us") && unit.contains("time_unit: s fits"), "\(unit)")
        let text = try Self.error("number,timestamp\n1,1717200000\n2,soon\n")
        #expect(text.contains("blocks.csv:3 has a cell that is not a timestamp in column timestamp"), "\(text)")
        let textNumber = try Self.error("number,timestamp\n1,1717200000\nx2,1717200012\n")
        #expect(textNumber.contains("blocks.csv:3 has a block number that is not an integer"), "\(textNumber)")
        let missing = try Self.error("height,time\n1,1717200000\n2,1717200012\n")
        #expect(missing.contains("blocks.csv:1 has no column \"number\"") && missing.contains("allowed: height, time"), "\(missing)")
        let empty = try Self.error("")
        #expect(empty.contains("blocks.csv is empty"), "\(empty)")
        let one = try Self.error("number,timestamp\n1,1717200000\n")
        #expect(one.contains("has 1 block row"), "\(one)")
        let flat = try Self.error("number,timestamp\n1,1717200000\n2,1717200000\n")
        #expect(flat.contains("a span of 0"), "\(flat)")
        let capacity = try Self.error("number,timestamp,txs\n1,1717200000,5\n2,1717200012,-1\n", extra: [("capacity_column", "txs")])
        #expect(capacity.contains("blocks.csv:3 gives a capacity out of range"), "\(capacity)")
    }
}
