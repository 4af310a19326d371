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
        let table = try DataTable.read(path, header: column == nil ? .auto : .required, limitBytes: empiricalFileSizeLimitBytes)
        let columnIndex = try column.map { try table.column($0) } ?? 0
        var values: [Double] = []
        values.reserveCapacity(table.rows.count)
        for row in table.rows.indices {
            let cell = table.rows[row][columnIndex]
            let nanoseconds: Double
            if let number = Double(cell) {
                nanoseconds = number * unitNanoseconds
            } else if let duration = try? SimDuration(parsing: cell) {
                nanoseconds = Double(duration.nanoseconds)
            } else {
                throw table.error(row: row, "is not a latency in column \(table.columnName(columnIndex))",
                                  allowed: "a non-negative number or a duration such as 812us", given: "\"\(cell)\"")
            }
            guard nanoseconds.isFinite, nanoseconds >= 0 else {
                throw table.error(row: row, "is a negative or infinite latency in column \(table.columnName(columnIndex))",
                                  allowed: "a non-negative finite latency", given: "\"\(cell)\"")
            }
            values.append(nanoseconds)
        }
        return try empirical(values)
    }
}
