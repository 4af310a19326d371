import Foundation
import LatSimCore
import LatSimExperiments
@testable import LatSimGraph
import Testing

/// Price-source replay: the prices the venues are sent are the files' prices at the files'
/// times, and every bad file is a clear error naming the config key, the file and its line.
@Suite struct PriceReplayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A model config whose `file:` paths resolve against `directory` (as a config file there would).
    static func graph(_ replay: String) -> String {
        """
        components:
          - {name: market, type: price-source, opportunity_size: 0.01, replay: \(replay)}
          - {name: binance, type: venue, half_spread_bps: 0.5, taker_fee_bps: 0, depth: 1, service_time: 10us, stale_after: 1s}
          - {name: coinbase, type: venue, half_spread_bps: 0.5, taker_fee_bps: 0, depth: 1, service_time: 10us, stale_after: 1s}
        connections:
          - {from: market.out, to: binance.in, link: 0ms}
          - {from: market.out, to: coinbase.in, link: 0ms}
        """
    }

    static let sampleReplay = "{venues: {binance: {file: data/binance-btcusdt-trades.csv, layout: binance-trades}, coinbase: {file: data/coinbase-btcusd-trades.csv, layout: coinbase-trades}}}"

    static func spec(_ yaml: String, directory: String) throws -> GraphSpec {
        try GraphSpec(model: try YAMLConfig.parse(yaml, file: directory + "/test.yaml", path: "model"))
    }

    /// Runs the graph to `horizon` and returns what the price source published, per connection.
    static func published(_ spec: GraphSpec, horizon: SimDuration) -> [[(time: Int64, price: Double)]] {
        let replication = ReplicationSpec(replication: 0, rootSeed: 7, horizon: horizon, keepTrace: true)
        var model = GraphModel(spec: spec, replication: replication)
        var initial: [(GraphEvent, SimInstant)] = []
        for instance in 0..<Int32(model.instanceInfo.count) where model.instanceInfo[Int(instance)].type == .priceSource {
            initial += model.startPriceSource(instance: instance)
        }
        var simulation = Simulation(model: model)
        for (event, time) in initial { simulation.schedule(event, at: time) }
        simulation.schedule(.warmUpEnd, at: .zero)
        _ = simulation.run(RunLimits(horizon: SimInstant.zero + horizon, maxEvents: 10_000_000))
        let source = simulation.model.priceSources[0]
        var byConnection = Array(repeating: [(time: Int64, price: Double)](), count: source.replayTrack.count)
        for row in source.published { byConnection[Int(row.connection)].append((row.time, row.price)) }
        model = simulation.model
        #expect(model.market.books.count == 2)
        return byConnection
    }

    /// Binance rows read independently: time (ms) column 5 and price column 2, comments skipped.
    static func binanceRows() throws -> [(ns: Int64, price: Double)] {
        let text = try String(contentsOfFile: repository + "/experiments/data/binance-btcusdt-trades.csv", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let cells = line.split(separator: ",")
            return (Int64(cells[4])! * 1_000_000, Double(cells[1])!)
        }
    }

    /// Coinbase rows read independently: ISO 8601 times through Foundation's calendar (whole
    /// seconds) plus the fraction's digits as us; price column 4.
    static func coinbaseRows() throws -> [(ns: Int64, price: Double)] {
        let text = try String(contentsOfFile: repository + "/experiments/data/coinbase-btcusd-trades.csv", encoding: .utf8)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("trade_id") }.map { line in
            let cells = line.split(separator: ",")
            let stamp = String(cells[4])  // 2024-06-01T00:00:00.892654Z
            let d = stamp.split(whereSeparator: { "-T:.Z".contains($0) }).map { Int($0)! }
            let date = calendar.date(from: DateComponents(year: d[0], month: d[1], day: d[2], hour: d[3], minute: d[4], second: d[5]))!
            return (Int64(date.timeIntervalSince1970) * 1_000_000_000 + Int64(d[6]) * 1_000, Double(cells[3])!)
        }
    }

    @Test("Replay publishes each file's prices at its times (ns from the earliest first row), in file order")
    func replayReproducesTheFiles() throws {
        let spec = try Self.spec(Self.graph(Self.sampleReplay), directory: Self.repository + "/experiments")
        let binance = try Self.binanceRows(), coinbase = try Self.coinbaseRows()
        let origin = min(binance[0].ns, coinbase[0].ns)
        let published = Self.published(spec, horizon: .seconds(Int64(700)))
        #expect(published.count == 2)
        for (k, rows) in [binance, coinbase].enumerated() {
            #expect(published[k].count == rows.count, "connection \(k): every row published")
            for (got, want) in zip(published[k], rows) where got.time != want.ns - origin || got.price != want.price {
                Issue.record("connection \(k): published \(got) where the file has \(want.ns - origin) ns, \(want.price)")
                break
            }
        }
        print("replay: \(binance.count) binance rows and \(coinbase.count) coinbase rows reproduced exactly")
    }

    @Test("A run shorter than the files stops at the horizon; noise multiplies each price by exp(N(0, sd))")
    func horizonAndNoise() throws {
        let noisy = "{noise: {sd: 0.001}, venues: {binance: {file: data/binance-btcusdt-trades.csv, layout: binance-trades}, coinbase: {file: data/coinbase-btcusd-trades.csv, layout: coinbase-trades}}}"
        let spec = try Self.spec(Self.graph(noisy), directory: Self.repository + "/experiments")
        let published = Self.published(spec, horizon: .seconds(Int64(100)))
        let binance = try Self.binanceRows()
        let origin = min(binance[0].ns, try Self.coinbaseRows()[0].ns)
        let within = binance.filter { $0.ns - origin <= 100_000_000_000 }
        #expect(published[0].count == within.count)
        let logs = zip(published[0], within).map { log($0.price / $1.price) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sd = (logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count - 1)).squareRoot()
        // n ~ 500: the sample sd is within 15% of 0.001 and the mean within 4 standard errors of 0.
        #expect(abs(sd / 0.001 - 1) < 0.15, "noise sd \(sd)")
        #expect(abs(mean) < 4 * 0.001 / Double(logs.count).squareRoot(), "noise mean \(mean)")
    }

    /// A temporary directory with one data file; returns the directory.
    static func directory(with text: String, name: String = "trades.csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-replay-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return dir
    }

    static func error(_ text: String, venue: String = "{file: trades.csv, time_unit: ms}", other: String = "{file: trades.csv, time_unit: ms}") throws -> String {
        let dir = try directory(with: text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try spec(graph("{venues: {binance: \(venue), coinbase: \(other)}}"), directory: dir)
        } catch let e as ConfigError {
            return e.description
        }
        Issue.record("no error for \(text.prefix(60))")
        return ""
    }

    static let good = "time,price\n1717200000000,67500.5\n1717200000100,67501\n"

    @Test("Bad trade files: each a ConfigError naming the key, the file and the line")
    func badFiles() throws {
        let unsorted = try Self.error(Self.good + "1717200000050,67502\n")
        #expect(unsorted.contains("replay.venues.binance.file: ") && unsorted.contains("trades.csv:4 has a timestamp earlier than the row before (line 3)"), "\(unsorted)")
        let unit = try Self.error(Self.good, venue: "{file: trades.csv, time_unit: s}")
        #expect(unit.contains("trades.csv:2 has a cell that is not a timestamp") && unit.contains("in the year 56386") && unit.contains("time_unit: ms fits"), "\(unit)")
        let us = try Self.error("time,price\n1717200000000,67500.5\n", venue: "{file: trades.csv, time_unit: us}")
        #expect(us.contains("trades.csv:2 has a timestamp that read as us since 1970-01-01 (Unix) is in the year 1970") && us.contains("time_unit: ms fits"), "\(us)")
        let text = try Self.error("time,price\n1717200000000,67500.5\n1717200000100,abc\n")
        #expect(text.contains("trades.csv:3 has a cell that is not a number in column price"), "\(text)")
        let textTime = try Self.error("time,price\n1717200000000,67500.5\nnoon,67501\n")
        #expect(textTime.contains("trades.csv:3 has a cell that is not a timestamp in column time"), "\(textTime)")
        let missing = try Self.error(Self.good, venue: "{file: trades.csv, time_unit: ms, price_column: prize}")
        #expect(missing.contains("trades.csv:1 has no column \"prize\"") && missing.contains("allowed: time, price"), "\(missing)")
        let empty = try Self.error("# only a comment\n\n")
        #expect(empty.contains("trades.csv is empty"), "\(empty)")
        let negative = try Self.error("time,price\n1717200000000,-1\n")
        #expect(negative.contains("trades.csv:2 has a price that is not positive"), "\(negative)")
        let iso = try Self.error("time,price\n2024-06-01T00:00:00Z,67500\n")
        #expect(iso.contains("set time_unit: iso8601"), "\(iso)")
        let crlf = try Self.directory(with: "time,price\r\n1717200000000,67500.5\r\n1717200000100,67501\r\n")
        defer { try? FileManager.default.removeItem(atPath: crlf) }
        let spec = try Self.spec(Self.graph("{venues: {binance: {file: trades.csv, time_unit: ms}, coinbase: {file: trades.csv, time_unit: ms}}}"), directory: crlf)
        guard case .priceSource(let p) = spec.components[0].parameters else { Issue.record("not a price source"); return }
        #expect(p.replay?.tracks[0].times == [0, 100_000_000] && p.replay?.tracks[0].prices == [67500.5, 67501], "CRLF file read")
    }

    @Test("Wiring: a fed venue without a file, or a file for a venue not fed, is an error")
    func wiring() throws {
        let dir = try Self.directory(with: Self.good)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ConfigError.self) { _ = try Self.spec(Self.graph("{venues: {binance: {file: trades.csv, time_unit: ms}}}"), directory: dir) }
        #expect(throws: ConfigError.self) {
            _ = try Self.spec(Self.graph("{venues: {binance: {file: trades.csv, time_unit: ms}, coinbase: {file: trades.csv, time_unit: ms}, kraken: {file: trades.csv, time_unit: ms}}}"), directory: dir)
        }
        #expect(throws: ConfigError.self) {
            _ = try Self.spec(Self.graph("{venues: {binance: {file: trades.csv, time_unit: ms}, coinbase: {file: trades.csv, time_unit: ms}}}").replacingOccurrences(of: "opportunity_size: 0.01,", with: "opportunity_size: 0.01, tick_interval: 1ms,"), directory: dir)
        }
    }

    @Test("Timestamps parse exactly: decimals to integer ns, ISO 8601 with offsets, layouts' units")
    func timestampParsing() {
        #expect(TimestampFormat.parseDecimal("1585180700.0647", scale: 1_000_000_000) == 1_585_180_700_064_700_000)
        #expect(TimestampFormat.parseDecimal("1735689600123456", scale: 1_000) == 1_735_689_600_123_456_000)
        #expect(TimestampFormat.parseDecimal("1.5e3", scale: 1_000_000) == 1_500_000_000)
        #expect(TimestampFormat.parseDecimal("12abc", scale: 1) == nil)
        #expect(TimestampFormat.parseDecimal("99999999999", scale: 1_000_000_000) == nil, "past 2^63 ns")
        #expect(TimestampFormat.parseISO8601("1970-01-01T00:00:00Z") == 0)
        #expect(TimestampFormat.parseISO8601("2024-06-01T00:00:00.892654Z") == 1_717_200_000_892_654_000)
        #expect(TimestampFormat.parseISO8601("2024-06-01 02:00:00+02:00") == 1_717_200_000_000_000_000)
        #expect(TimestampFormat.parseISO8601("2024-02-30T00:00:00Z") == nil)
        #expect(TimestampFormat.iso8601(unixNanoseconds: 1_717_200_000_892_654_000) == "2024-06-01T00:00:00Z")
        #expect(TimestampFormat.fittingUnit("1717200000000") == .ms)
    }
}
