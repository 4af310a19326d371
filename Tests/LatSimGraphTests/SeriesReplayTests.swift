import Foundation
import Testing
import LatSimCore
import LatSimGraph

/// `type: series` on a connection: the link replays the trace in order, one value per message.
@Suite struct SeriesReplayTests {
    /// 40 distinct RTTs (us), so a value names its index.
    static let values: [Int64] = (0..<40).map { 100 + Int64(($0 * 37) % 90) + Int64($0) }

    static func traceFile() -> String {
        let directory = NSTemporaryDirectory() + "latsim-series-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/rtt.csv"
        try! ("# an RTT trace\r\nrtt_us\r\n" + values.map { "\($0)" }.joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One request at a time over the traced link, no service and no reply delay: each
    /// request's wire time is the link's draw, in send order.
    static func wireTimes(link: String, seed: UInt64 = 1, replication: Int = 0, horizon: SimDuration = .milliseconds(20)) throws -> [Int64] {
        var spec = ReplicationSpec(replication: replication, rootSeed: seed, horizon: horizon)
        spec.keepTrace = true
        let graph = """
            components:
              - {name: bot, type: client, window: 1, arrival: closed, think_time: 0}
              - {name: engine, type: station, workers: 1, service_time: 0}
            connections:
              - {from: bot.out, to: engine.in, link: \(link), reply_link: 0}
            """
        let result = GraphRun.run(try GraphSupport.spec(graph), replication: spec)
        let wire = try #require(result.traceHeader.firstIndex(of: "wire_ns"))
        return result.traceRows.map { Int64($0[wire])! }
    }

    @Test func theLinkReplaysTheFileInOrderAndWraps() throws {
        let path = SeriesReplayTests.traceFile()
        let wire = try SeriesReplayTests.wireTimes(link: "{type: series, file: \(path), column: rtt_us, unit: us}")
        #expect(wire.count > 2 * SeriesReplayTests.values.count, "\(wire.count) requests: enough to wrap")
        #expect(wire == wire.indices.map { SeriesReplayTests.values[$0 % SeriesReplayTests.values.count] * 1_000 })
        // shift and cap apply to each replayed value.
        let shifted = try SeriesReplayTests.wireTimes(link: "{type: series, file: \(path), column: rtt_us, unit: us, shift: 1ms, cap: 1.2ms}")
        #expect(shifted == shifted.indices.map { min(SeriesReplayTests.values[$0 % SeriesReplayTests.values.count] * 1_000 + 1_000_000, 1_200_000) })
    }

    /// With a bootstrap, after the first pass the draws are whole blocks of consecutive values;
    /// a random start differs between replications and repeats for the same one.
    @Test func bootstrapDrawsWholeBlocksAndRandomStartIsPerReplication() throws {
        let path = SeriesReplayTests.traceFile()
        let n = SeriesReplayTests.values.count, block = 5
        let wire = try SeriesReplayTests.wireTimes(link: "{type: series, file: \(path), column: rtt_us, unit: us, bootstrap: {block: \(block)}}",
                                                   horizon: .milliseconds(60))
        #expect(Array(wire.prefix(n)) == SeriesReplayTests.values.map { $0 * 1_000 })
        let rest = Array(wire.dropFirst(n))
        #expect(rest.count >= 10 * block)
        var starts = Set<Int>()
        for b in 0..<(rest.count / block) {
            let chunk = Array(rest[(b * block)..<((b + 1) * block)])
            let start = try #require(SeriesReplayTests.values.firstIndex(of: chunk[0] / 1_000))
            starts.insert(start)
            #expect(start + block <= n && chunk == SeriesReplayTests.values[start..<(start + block)].map { $0 * 1_000 }, "block \(b): \(chunk)")
        }
        #expect(starts.count > 5, "block starts \(starts.sorted())")
        let random = "{type: series, file: \(path), column: rtt_us, unit: us, start: random}"
        let first = try SeriesReplayTests.wireTimes(link: random, replication: 0)
        #expect(first == (try SeriesReplayTests.wireTimes(link: random, replication: 0)))
        let others = try (1...4).map { try SeriesReplayTests.wireTimes(link: random, replication: $0) }
        #expect(others.contains { $0.first != first.first }, "random starts \(([first] + others).map { $0.first ?? 0 })")
        for run in [first] + others {
            let offset = try #require(SeriesReplayTests.values.firstIndex(of: run[0] / 1_000))
            #expect(run == run.indices.map { SeriesReplayTests.values[($0 + offset) % n] * 1_000 })
        }
    }

    /// A series where no link keeps its place is a config error, never i.i.d. draws.
    @Test func aSeriesOutsideALinkIsAnError() throws {
        let path = SeriesReplayTests.traceFile()
        let graph = """
            components:
              - {name: bot, type: client, window: 1, arrival: closed, think_time: 0}
              - {name: engine, type: station, workers: 1, service_time: {type: series, file: \(path), column: rtt_us, unit: us}}
            connections:
              - {from: bot.out, to: engine.in, link: 1ms}
            """
        do {
            _ = try GraphSupport.spec(graph)
            Issue.record("a series service time was accepted")
        } catch let e as ConfigError {
            #expect("\(e)".contains("service_time") && "\(e)".contains("link latency only"), "\(e)")
        }
        let mixed = "{type: mixture, components: [{weight: 1, type: series, file: \(path), column: rtt_us}]}"
        #expect(throws: ConfigError.self) { _ = try SeriesReplayTests.wireTimes(link: mixed) }
    }
}
