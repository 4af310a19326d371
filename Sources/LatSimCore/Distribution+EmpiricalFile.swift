#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Distribution {
    /// The largest empirical CSV file read (64 MiB: several million observations).
    public static let empiricalFileSizeLimitBytes = 64 << 20

    /// Reads observed latencies from a CSV file and builds their empirical distribution.
    ///
    ///     // latencies.csv:            latency_us
    ///     //                            812.5
    ///     //                            1020
    ///     let d = try Distribution.empirical(csvFile: "latencies.csv", column: "latency_us", unitNanoseconds: 1_000)
    ///
    /// Each cell is a plain number (multiplied by `unitNanoseconds`) or a duration with its own
    /// unit ("812us"). A first row that is not numeric is a header; `column` picks a column by
    /// header name (default: the first). Blank lines and lines starting with `#` are skipped.
    /// Errors name the file, the line and the cell.
    public static func empirical(csvFile path: String, column: String? = nil, unitNanoseconds: Double = 1) throws -> Distribution {
        let text = try readTextFile(path, limitBytes: empiricalFileSizeLimitBytes)
        var values: [Double] = []
        var columnIndex = 0
        var headerSeen = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            if !headerSeen && values.isEmpty && Double(cells[0]) == nil && (try? SimDuration(parsing: cells[0])) == nil {
                headerSeen = true
                if let column {
                    guard let index = cells.firstIndex(of: column) else {
                        throw ParameterError(parameter: "\(path):\(lineNumber): column", problem: "is not in the header",
                                             allowed: cells.joined(separator: ", "), given: column)
                    }
                    columnIndex = index
                }
                continue
            }
            if column != nil && !headerSeen {
                throw ParameterError(parameter: "\(path):\(lineNumber): column", problem: "names a column but the file has no header row",
                                     allowed: "a first row of column names", given: column!)
            }
            guard columnIndex < cells.count else {
                throw ParameterError(parameter: "\(path):\(lineNumber)", problem: "has \(cells.count) cells, fewer than the column's position \(columnIndex + 1)",
                                     given: line)
            }
            let cell = cells[columnIndex]
            let nanoseconds: Double
            if let number = Double(cell) {
                nanoseconds = number * unitNanoseconds
            } else if let duration = try? SimDuration(parsing: cell) {
                nanoseconds = Double(duration.nanoseconds)
            } else {
                throw ParameterError(parameter: "\(path):\(lineNumber)", problem: "is not a latency",
                                     allowed: "a non-negative number or a duration such as 812us", given: "\"\(cell)\"")
            }
            guard nanoseconds.isFinite, nanoseconds >= 0 else {
                throw ParameterError(parameter: "\(path):\(lineNumber)", problem: "is a negative or infinite latency",
                                     allowed: "a non-negative finite latency", given: "\"\(cell)\"")
            }
            values.append(nanoseconds)
        }
        guard !values.isEmpty else {
            throw ParameterError(parameter: path, problem: "has no observed latencies", allowed: "at least one numeric row", given: "an empty column")
        }
        return try empirical(values)
    }
}

