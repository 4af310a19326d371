import LatSimCore

/// A price source's `replay:` block: per venue it feeds, a CSV of trades (or prices) whose
/// prices that venue receives, at the file's times, in place of the GBM.
///
///     replay: {layout: binance-trades, start: first-row, noise: {sd: 0.0001},
///              venues: {alpha: {file: data/binance-trades.csv},
///                       beta: {file: data/coinbase-trades.csv, layout: coinbase-trades}}}
///
/// Column keys (`time_column`, `price_column`, `size_column`, `side_column`: a header name, or a
/// 1-based column number for a file without a header), `time_unit` (s, ms, us, ns, iso8601),
/// `epoch` (unix, relative) and `layout` may be given for all venues at the top of `replay` and
/// per venue (the venue's win); a `layout` sets the mapping of a public exchange export, and
/// explicit keys override it. Times are shifted by one origin for all venues (the earliest first
/// row, or `start`), so the lags between venues are the files'. docs/graph.md has the layouts.
public struct PriceReplay: Sendable {
    /// One venue's rows: times in ns from the run's start (non-decreasing), prices (> 0),
    /// sizes (NaN when the file has none) and taker sides (+1 buy, -1 sell, 0 unknown).
    public struct Track: Sendable {
        public var venue: String
        public var file: String
        public var times: [Int64]
        public var prices: [Double]
        public var sizes: [Double]
        public var sides: [Int8]
        /// File rows before `start` that were skipped.
        public var skipped: Int
        public var contentHash: String
    }

    public var tracks: [Track]
    /// The file time (ns, in the files' epoch) that is t = 0 of the run.
    public var origin: Int64
    public var format: TimestampFormat
    /// Standard deviation of the i.i.d. log-normal noise multiplied into each replayed price (0: none).
    public var noiseSD: Double

    public func track(venue: String) -> Int? { tracks.firstIndex { $0.venue == venue } }

    /// The last replayed time over all venues (ns from the run's start).
    public var end: Int64 { tracks.map { $0.times.last ?? 0 }.max() ?? 0 }

    /// What `latsim validate` prints: per venue, rows, span, and what happens past the end.
    public func notes(component: String, horizon: SimDuration) -> [String] {
        var lines: [String] = []
        let originText = format.epoch == .unix ? " (t = 0 is \(TimestampFormat.iso8601(unixNanoseconds: origin)))" : ""
        lines.append("\(component): replays \(tracks.count) venue\(tracks.count == 1 ? "" : "s")\(originText)")
        for t in tracks {
            let span = SimDuration(nanoseconds: (t.times.last ?? 0) - (t.times.first ?? 0))
            let sized = t.sizes.contains { !$0.isNaN }, sided = t.sides.contains { $0 != 0 }
            let buys = t.sides.filter { $0 > 0 }.count
            var line = "  \(t.venue): \(t.file) (\(t.contentHash)): \(t.times.count) rows from \(SimDuration(nanoseconds: t.times.first ?? 0))"
                + " to \(SimDuration(nanoseconds: t.times.last ?? 0)) (span \(span)); prices \(formatSignificant(t.prices.min() ?? .nan, digits: 6))"
                + "...\(formatSignificant(t.prices.max() ?? .nan, digits: 6))"
            if sized { line += "; mean size \(formatSignificant(t.sizes.reduce(0, +) / Double(t.sizes.count), digits: 4))" }
            if sided { line += "; \(buys) taker buys, \(t.sides.count - buys) sells" }
            if t.skipped > 0 { line += "; \(t.skipped) rows before start skipped" }
            lines.append(line)
        }
        if SimDuration(nanoseconds: end) < horizon {
            lines.append("  note: the run (\(horizon) with warm-up) goes past the last replayed row at \(SimDuration(nanoseconds: end)):"
                         + " each venue keeps its last price after its file ends (no more price messages)")
        }
        return lines
    }
}

/// A column mapping of a public exchange export (docs/graph.md lists them with their sources).
struct ReplayLayout {
    var time: String
    var price: String
    var size: String?
    var side: String?
    var unit: TimestampFormat.Unit
    /// The side column gives the maker's side (Coinbase): the taker's is the other one.
    var makerSide = false

    static let all: [(name: String, layout: ReplayLayout)] = [
        // data.binance.vision spot trades: id, price, qty, quote_qty, time, is_buyer_maker, is_best_match; no header.
        // Times are ms until 2024-12-31 and us from 2025-01-01 (set time_unit: us).
        ("binance-trades", ReplayLayout(time: "5", price: "2", size: "3", side: "6", unit: .ms)),
        // data.binance.vision aggTrades: agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time, is_buyer_maker, is_best_match.
        ("binance-aggtrades", ReplayLayout(time: "6", price: "2", size: "3", side: "7", unit: .ms)),
        // Coinbase Exchange REST /products/<id>/trades as CSV: trade_id, side, size, price, time (ISO 8601); side is the maker's.
        ("coinbase-trades", ReplayLayout(time: "time", price: "price", size: "size", side: "side", unit: .iso8601, makerSide: true)),
        // Kraken's downloadable trade history (one CSV per pair): unix seconds, price, volume; no header.
        ("kraken-trades", ReplayLayout(time: "1", price: "2", size: "3", side: nil, unit: .s)),
        // public.bybit.com/trading (derivatives): timestamp (s, fractional), symbol, side (Buy/Sell), size, price, ...
        ("bybit-trades", ReplayLayout(time: "timestamp", price: "price", size: "size", side: "side", unit: .s)),
        // public.bybit.com/spot: id, timestamp (ms), price, volume, side (buy/sell).
        ("bybit-spot-trades", ReplayLayout(time: "timestamp", price: "price", size: "volume", side: "side", unit: .ms)),
        // A file of this repository's own shape: a header with time and price (size, side optional).
        ("generic", ReplayLayout(time: "time", price: "price", size: nil, side: nil, unit: .ns)),
    ]

    static func named(_ name: String) -> ReplayLayout? { all.first { $0.name == name }?.layout }
}

extension PriceReplay {
    static let mappingKeys = ["layout", "time_column", "price_column", "size_column", "side_column", "time_unit", "epoch", "delimiter"]
    static let keys = mappingKeys + ["venues", "start", "noise"]

    /// Decodes `replay:`; every data error names the config key, the data file and its line.
    init(config node: ConfigNode) throws {
        try node.checkKeys(PriceReplay.keys)
        let venuesNode = try node.required("venues", allowed: "a mapping of venue name to {file: path.csv, ...}")
        let entries = try venuesNode.entries()
        guard !entries.isEmpty else {
            throw venuesNode.error("is empty", allowed: "one entry per venue the price source feeds: {name: {file: ...}}")
        }
        noiseSD = 0
        if let noise = node.child("noise") {
            try noise.checkKeys(["sd"])
            noiseSD = try noise.double("sd", range: 0...0.5)
        }
        var unitSeen: TimestampFormat? = nil
        var raw: [(venue: String, file: String, node: ConfigNode, table: DataTable, times: [Int64], prices: [Double], sizes: [Double], sides: [Int8])] = []
        for entry in entries {
            let venue = entry.value
            if case .scalar = venue.value {
                throw venue.error("must be a mapping", allowed: "{file: path.csv, plus any of \(PriceReplay.mappingKeys.joined(separator: ", "))}")
            }
            try venue.checkKeys(["file"] + PriceReplay.mappingKeys)
            func setting(_ key: String) -> ConfigNode? { venue.child(key) ?? node.child(key) }
            func text(_ key: String) throws -> String? { try setting(key)?.text() }
            let layoutNames = ReplayLayout.all.map(\.name)
            var layout = ReplayLayout.named("generic")!
            if let l = setting("layout") { layout = ReplayLayout.named(try l.stringValue(oneOf: layoutNames))! }
            let unit = TimestampFormat.Unit(rawValue: try setting("time_unit")?.stringValue(oneOf: TimestampFormat.Unit.allCases.map(\.rawValue)) ?? layout.unit.rawValue)!
            let epoch = TimestampFormat.Epoch(rawValue: try setting("epoch")?.stringValue(oneOf: TimestampFormat.Epoch.allCases.map(\.rawValue)) ?? "unix")!
            let format = TimestampFormat(unit: unit, epoch: epoch)
            if let seen = unitSeen, seen.epoch != format.epoch {
                throw venue.error("reads its times with epoch \(format.epoch.rawValue) where another venue uses \(seen.epoch.rawValue)",
                                  allowed: "one epoch for all venues (their times share one origin)", given: format.epoch.rawValue)
            }
            unitSeen = format
            let delimiterText = try text("delimiter") ?? ","
            guard delimiterText.count == 1 || delimiterText == "tab" else {
                throw (setting("delimiter") ?? venue).error("must be one character", allowed: "\",\", \";\", \"|\" or tab", given: delimiterText)
            }
            let delimiter: Character = delimiterText == "tab" ? "\t" : delimiterText.first!
            let fileNode = try venue.required("file", allowed: "a CSV path, relative to the config file")
            var path = try fileNode.text()
            if !path.hasPrefix("/") { path = fileNode.location.baseDirectory + path }
            let read = try fileNode.dataWrap { () throws -> (DataTable, [Int64], [Double], [Double], [Int8]) in
                let table = try DataTable.read(path, delimiter: delimiter)
                let timeColumn = try table.column(named: try text("time_column") ?? layout.time)
                let priceColumn = try table.column(named: try text("price_column") ?? layout.price)
                let sizeName = try text("size_column") ?? layout.size
                let sideName = try text("side_column") ?? layout.side
                let sizeColumn = try sizeName.map { try table.column(named: $0) }
                let sideColumn = try sideName.map { try table.column(named: $0) }
                let times = try table.timestamps(column: timeColumn, format: format)
                var prices: [Double] = [], sizes: [Double] = [], sides: [Int8] = []
                prices.reserveCapacity(table.rows.count)
                for row in table.rows.indices {
                    let price = try table.double(row: row, column: priceColumn)
                    guard price > 0 else {
                        throw table.error(row: row, "has a price that is not positive in column \(table.columnName(priceColumn))",
                                          allowed: "a finite price > 0", given: table.rows[row][priceColumn])
                    }
                    prices.append(price)
                    if let c = sizeColumn {
                        let size = try table.double(row: row, column: c)
                        guard size >= 0 else {
                            throw table.error(row: row, "has a negative size in column \(table.columnName(c))", allowed: "a size >= 0",
                                              given: table.rows[row][c])
                        }
                        sizes.append(size)
                    } else {
                        sizes.append(.nan)
                    }
                    if let c = sideColumn {
                        guard let side = PriceReplay.side(table.rows[row][c], maker: layout.makerSide) else {
                            throw table.error(row: row, "has a side that is not buy or sell in column \(table.columnName(c))",
                                              allowed: "buy, sell, b, s (any case), or true/false as Binance's is_buyer_maker",
                                              given: "\"\(table.rows[row][c])\"")
                        }
                        sides.append(side)
                    } else {
                        sides.append(0)
                    }
                }
                return (table, times, prices, sizes, sides)
            }
            raw.append((entry.key, path, fileNode, read.0, read.1, read.2, read.3, read.4))
        }
        format = unitSeen!
        // The origin: the earliest first row, or `start`.
        var origin = raw.map { $0.times[0] }.min()!
        if let startNode = node.child("start") {
            let startText = try startNode.text()
            if startText != "first-row" {
                guard let value = format.parse(startText) ?? TimestampFormat.parseISO8601(startText) else {
                    throw startNode.error("is not a timestamp", allowed: "first-row, a time in \(format), or ISO 8601 UTC text", given: startText)
                }
                origin = value
            }
        }
        tracks = []
        for r in raw {
            let first = r.times.firstIndex { $0 >= origin }
            guard let first else {
                throw r.node.error("has no rows at or after start (its last row is at \(r.table.rows[r.times.count - 1]))",
                                   allowed: "a start at or before the file's last row", given: try node.child("start")?.text())
            }
            tracks.append(Track(venue: r.venue, file: r.file, times: r.times[first...].map { $0 - origin }, prices: Array(r.prices[first...]),
                                sizes: Array(r.sizes[first...]), sides: Array(r.sides[first...]), skipped: first,
                                contentHash: r.table.contentHashText))
        }
        self.origin = origin
    }

    /// +1 for a taker buy, -1 for a taker sell; nil when the cell is not a side.
    static func side(_ cell: String, maker: Bool) -> Int8? {
        let taker: Int8
        switch cell.lowercased() {
        case "buy", "b": taker = 1
        case "sell", "s": taker = -1
        case "true": return -1   // Binance is_buyer_maker: the buyer rested, the taker sold
        case "false": return 1
        default: return nil
        }
        return maker ? -taker : taker
    }
}

extension ConfigNode {
    /// Runs `body`, turning a data file's `ParameterError` into a `ConfigError` at this (file) key:
    /// "x.yaml:9:31: model.components[0].replay.venues.alpha.file: data/a.csv:17 has ...".
    func dataWrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ParameterError {
            throw ConfigError(location: location, path: "\(path): \(e.parameter)", problem: e.problem, allowed: e.allowed, given: e.given)
        }
    }
}
