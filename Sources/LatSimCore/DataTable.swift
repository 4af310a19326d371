/// A CSV data file read whole: its header, its rows of cells, the line each row came from,
/// and a hash of the file's bytes. Every data file latsim reads (prices, trades, blocks,
/// latency histograms and series) goes through here, so each gets the same handling:
///
///     let table = try DataTable.read("experiments/data/blocks.csv")
///     let time = try table.column("timestamp")                    // error lists the header
///     for row in table.rows.indices { let t = try table.double(row: row, column: time) }
///
/// - Only a regular file of at most `limitBytes` is read (`readFileBytes`: a device, FIFO or
///   directory is refused before reading).
/// - A UTF-8 byte-order mark is dropped; lines end in LF, CRLF or a lone CR.
/// - Blank lines and lines whose first non-blank character is `#` are skipped (comments, and
///   the provenance notes the sample files in experiments/data/ carry).
/// - Cells are separated by `delimiter` (comma by default; tab and semicolon also occur in
///   exports); a cell may be quoted ("a, b", with "" for a quote); whitespace around a cell is
///   trimmed. A quote left open at the end of a line is an error naming the line.
/// - The first row that is kept is the header when `header` is `.required`, or under `.auto`
///   when its first cell is not a number; `.none` reads every row as data.
/// - Every row must have as many cells as the header (or as the first row without one): a
///   ragged row is an error naming its line.
///
/// Errors are `ParameterError`s whose `parameter` is `path:line` (or `path`), so a caller that
/// prefixes its config key gives "prices.file: data/x.csv:17: column price ...".
public struct DataTable: Sendable {
    public enum Header: Sendable { case required, auto, none }

    /// The path as given (errors name it so).
    public let path: String
    /// Column names; empty when the file has no header row.
    public let header: [String]
    /// The data rows, each with `width` cells.
    public let rows: [[String]]
    /// The 1-based line number in the file of each row of `rows`.
    public let lines: [Int]
    /// The 1-based line of the header row (0 without one).
    public let headerLine: Int
    /// 64-bit FNV-1a of the file's bytes as read (before any decoding).
    public let contentHash: UInt64
    /// The file's size in bytes.
    public let byteCount: Int

    /// The largest data file read by default (64 MiB: several million rows).
    public static let defaultLimitBytes = 64 << 20

    public var width: Int { header.isEmpty ? (rows.first?.count ?? 0) : header.count }

    /// `contentHash` as 16 hex digits with a 0x prefix, as run.json writes it.
    public var contentHashText: String {
        let hex = String(contentHash, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func read(_ path: String, header: Header = .auto, delimiter: Character = ",",
                            limitBytes: Int = defaultLimitBytes) throws -> DataTable {
        try parse(bytes: try readDataFile(path, limitBytes: limitBytes), path: path, header: header, delimiter: delimiter)
    }

    /// The bytes of data file `path` (`readFileBytes`), its errors worded for a data file:
    /// parameter `path`, problem "does not exist" / "is a device, not a regular file" / ...
    public static func readDataFile(_ path: String, limitBytes: Int = defaultLimitBytes) throws -> [UInt8] {
        do { return try readFileBytes(path, limitBytes: limitBytes) } catch let e as ParameterError {
            throw ParameterError(parameter: path, problem: e.problem.hasPrefix("names a file that ") ? String(e.problem.dropFirst(18)) : e.problem,
                                 allowed: e.allowed, given: nil)
        }
    }

    /// Parses CSV text already in memory (tests, and data given inline).
    public static func parse(text: String, path: String, header: Header = .auto, delimiter: Character = ",") throws -> DataTable {
        try parse(bytes: Array(text.utf8), path: path, header: header, delimiter: delimiter)
    }

    static func parse(bytes: [UInt8], path: String, header: Header, delimiter: Character) throws -> DataTable {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.contains(0) {
            throw ParameterError(parameter: path, problem: "is not a text file (it contains NUL bytes)",
                                 allowed: "a UTF-8 CSV file", given: "binary data")
        }
        let text = String(decoding: body, as: UTF8.self)
        var names: [String] = []
        var headerLine = 0
        var rows: [[String]] = []
        var lines: [Int] = []
        var lineNumber = 0
        var width = -1
        // Split on LF, CRLF and lone CR alike: "\r\n" is one Character in Swift, so split on both.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let trimmed = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.first == "#" { continue }
            let cells = try splitCells(rawLine, delimiter: delimiter, location: "\(path):\(lineNumber)")
            if width < 0 {
                width = cells.count
                let isHeader: Bool
                switch header {
                case .required: isHeader = true
                case .none: isHeader = false
                case .auto: isHeader = Double(cells[0]) == nil && (try? SimDuration(parsing: cells[0])) == nil
                }
                if isHeader {
                    if let duplicate = cells.firstIndex(where: { name in cells.filter { $0 == name }.count > 1 }) {
                        throw ParameterError(parameter: "\(path):\(lineNumber)", problem: "names column \"\(cells[duplicate])\" twice in its header",
                                             allowed: "distinct column names", given: cells.joined(separator: ","))
                    }
                    names = cells
                    headerLine = lineNumber
                    continue
                }
            }
            guard cells.count == width else {
                throw ParameterError(parameter: "\(path):\(lineNumber)", problem: "has \(cells.count) cells where the \(names.isEmpty ? "first row has" : "header names") \(width)",
                                     allowed: "\(width) cells separated by \"\(delimiter)\"", given: String(rawLine.prefix(120)))
            }
            rows.append(cells)
            lines.append(lineNumber)
        }
        if width < 0 {
            throw ParameterError(parameter: path, problem: "is empty (no rows but blank lines and comments)",
                                 allowed: header == .none ? "at least one data row" : "a header row and at least one data row", given: "an empty file")
        }
        if rows.isEmpty {
            throw ParameterError(parameter: path, problem: "has a header but no data rows", allowed: "at least one data row after line \(headerLine)",
                                 given: names.joined(separator: ","))
        }
        return DataTable(path: path, header: names, rows: rows, lines: lines, headerLine: headerLine, contentHash: hash, byteCount: bytes.count)
    }

    private static func splitCells(_ line: Substring, delimiter: Character, location: String) throws -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var wasQuoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let c = line[index]
            if quoted {
                if c == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" { cell.append("\""); index = next } else { quoted = false }
                } else {
                    cell.append(c)
                }
            } else if c == "\"" && cell.allSatisfy({ $0 == " " || $0 == "\t" }) && !wasQuoted {
                quoted = true
                wasQuoted = true
                cell = ""
            } else if c == delimiter {
                cells.append(wasQuoted ? cell : cell.trimmingWhitespace())
                cell = ""
                wasQuoted = false
            } else if !(wasQuoted && (c == " " || c == "\t")) {
                cell.append(c)
            }
            index = line.index(after: index)
        }
        if quoted {
            throw ParameterError(parameter: location, problem: "leaves a quoted cell open at the end of the line",
                                 allowed: "a closing \" on the same line (use \"\" for a quote inside)", given: String(line.prefix(120)))
        }
        cells.append(wasQuoted ? cell : cell.trimmingWhitespace())
        return cells
    }

    /// The index of the column named `name`; the error lists the header's names.
    public func column(_ name: String) throws -> Int {
        guard !header.isEmpty else {
            throw ParameterError(parameter: path, problem: "has no header row, so column \"\(name)\" cannot be found",
                                 allowed: "a first row of column names, or a column number", given: name)
        }
        guard let index = header.firstIndex(of: name) else {
            throw ParameterError(parameter: "\(path):\(headerLine)", problem: "has no column \"\(name)\"",
                                 allowed: header.joined(separator: ", "), given: name)
        }
        return index
    }

    /// The index of the first of `names` that the header has, or nil.
    public func firstColumn(_ names: [String]) -> Int? {
        for name in names { if let i = header.firstIndex(of: name) { return i } }
        return nil
    }

    /// The name of column `index` for messages: its header name, or "column N".
    public func columnName(_ index: Int) -> String { index < header.count ? header[index] : "column \(index + 1)" }

    /// Cell (row, column) as a finite number; the error names the file, line and column.
    public func double(row: Int, column: Int) throws -> Double {
        let cell = rows[row][column]
        guard let value = Double(cell), value.isFinite else {
            throw ParameterError(parameter: "\(path):\(lines[row])", problem: "has \(cell.isEmpty ? "an empty cell" : "a cell that is not a number") in column \(columnName(column))",
                                 allowed: "a finite number", given: "\"\(cell)\"")
        }
        return value
    }

    /// A whole column as finite numbers.
    public func doubles(column: Int) throws -> [Double] {
        try rows.indices.map { try double(row: $0, column: column) }
    }

    /// An error at row `row` (its line), for checks a reader makes on the values.
    public func error(row: Int, _ problem: String, allowed: String? = nil, given: String? = nil) -> ParameterError {
        ParameterError(parameter: "\(path):\(lines[row])", problem: problem, allowed: allowed, given: given)
    }
}
