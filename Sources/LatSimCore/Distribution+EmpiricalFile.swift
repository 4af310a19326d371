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
    /// Errors name the file, the line and the cell. A column named like a count (count, freq,
    /// hits, ...), or a file with a count column and no `column` chosen, is an error that
    /// points to `type: histogram`: read as observations, counts are garbage.
    public static func empirical(csvFile path: String, column: String? = nil, unitNanoseconds: Double = 1) throws -> Distribution {
        let table = try DataTable.read(path, header: column == nil ? .auto : .required, limitBytes: empiricalFileSizeLimitBytes)
        let columnIndex = try column.map { try table.column($0) } ?? 0
        try rejectCountColumn(table, chosen: column == nil ? nil : columnIndex, type: "empirical")
        var values: [Double] = []
        values.reserveCapacity(table.rows.count)
        for row in table.rows.indices {
            values.append(try latencyCell(table, row: row, column: columnIndex, unitNanoseconds: unitNanoseconds))
        }
        return try empirical(values)
    }
}
