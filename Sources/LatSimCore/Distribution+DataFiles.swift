/// Latency distributions read from data files: observed values, histograms, percentile tables
/// and series. Every file goes through `DataTable` (or, for HdrHistogram's text output,
/// `readFileBytes`), so errors name the file and the line: "h.csv:7: ... column count ...".
extension Distribution {
    /// Column names that hold counts, not latencies (compared lowercased; also any name ending in "count").
    public static let countColumnNames: Set<String> = ["count", "counts", "frequency", "freq", "n", "hits", "occurrences", "num"]

    /// Whether a column name reads as a count (the empirical-on-a-histogram trap).
    public static func isCountColumnName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return countColumnNames.contains(lower) || lower.hasSuffix("count") || lower.hasPrefix("count_")
    }

    /// Cell (row, column) as a latency in ns: a plain number times `unitNanoseconds`, or a duration with its own unit.
    static func latencyCell(_ table: DataTable, row: Int, column: Int, unitNanoseconds: Double) throws -> Double {
        let cell = table.rows[row][column]
        let nanoseconds: Double
        if let number = Double(cell) {
            nanoseconds = number * unitNanoseconds
        } else if let duration = try? SimDuration(parsing: cell) {
            nanoseconds = Double(duration.nanoseconds)
        } else {
            throw table.error(row: row, "is not a latency in column \(table.columnName(column))",
                              allowed: "a non-negative number or a duration such as 812us", given: "\"\(cell)\"")
        }
        guard nanoseconds.isFinite, nanoseconds >= 0 else {
            throw table.error(row: row, "is a negative or infinite latency in column \(table.columnName(column))",
                              allowed: "a non-negative finite latency", given: "\"\(cell)\"")
        }
        return nanoseconds
    }

    static func countCell(_ table: DataTable, row: Int, column: Int) throws -> Double {
        let cell = table.rows[row][column]
        guard let value = Double(cell), value.isFinite, value >= 0, value == value.rounded(), value < 0x1p53 else {
            throw table.error(row: row, "is not a count in column \(table.columnName(column))", allowed: "a non-negative integer", given: "\"\(cell)\"")
        }
        return value
    }

    /// A histogram of point masses from value and count columns (any row order; a file with
    /// only zero counts is an error).
    public static func histogram(csvFile path: String, valueColumn: String, countColumn: String, unitNanoseconds: Double = 1) throws -> Distribution {
        let table = try DataTable.read(path, header: .required)
        let v = try table.column(valueColumn), c = try table.column(countColumn)
        var values: [Double] = [], counts: [Double] = []
        for row in table.rows.indices {
            values.append(try latencyCell(table, row: row, column: v, unitNanoseconds: unitNanoseconds))
            counts.append(try countCell(table, row: row, column: c))
        }
        guard counts.contains(where: { $0 > 0 }) else {
            throw ParameterError(parameter: path, problem: "has only zero counts in column \(countColumn)", allowed: "at least one positive count", given: "\(counts.count) rows")
        }
        return try histogram(values: values, counts: counts)
    }

    /// A histogram of buckets [lower, upper) with counts (HDR-style bucket exports); rows in any
    /// order, sorted by lower bound; overlapping buckets are an error naming both lines.
    public static func histogram(csvFile path: String, lowerColumn: String, upperColumn: String, countColumn: String,
                                 unitNanoseconds: Double = 1) throws -> Distribution {
        let table = try DataTable.read(path, header: .required)
        let l = try table.column(lowerColumn), u = try table.column(upperColumn), c = try table.column(countColumn)
        var buckets: [(lower: Double, upper: Double, count: Double)] = []
        for row in table.rows.indices {
            let lower = try latencyCell(table, row: row, column: l, unitNanoseconds: unitNanoseconds)
            let upper = try latencyCell(table, row: row, column: u, unitNanoseconds: unitNanoseconds)
            guard upper > lower else {
                throw table.error(row: row, "has a bucket whose \(upperColumn) is not above its \(lowerColumn)", allowed: "lower < upper",
                                  given: "[\(table.rows[row][l]), \(table.rows[row][u]))")
            }
            buckets.append((lower, upper, try countCell(table, row: row, column: c)))
        }
        let order = buckets.indices.sorted { buckets[$0].lower < buckets[$1].lower }
        for k in order.indices.dropFirst() where buckets[order[k]].lower < buckets[order[k - 1]].upper {
            throw table.error(row: order[k], "has a bucket that overlaps the bucket on line \(table.lines[order[k - 1]])",
                              allowed: "non-overlapping buckets (rows may come in any order)",
                              given: "[\(table.rows[order[k]][l]), \(table.rows[order[k]][u])) and [\(table.rows[order[k - 1]][l]), \(table.rows[order[k - 1]][u]))")
        }
        guard buckets.contains(where: { $0.count > 0 }) else {
            throw ParameterError(parameter: path, problem: "has only zero counts in column \(countColumn)", allowed: "at least one positive count", given: "\(buckets.count) rows")
        }
        return try histogram(buckets: buckets)
    }

    /// A percentile: "p50", "p99.9", "max" (p100), "min" (p0), or a fraction in [0, 1]; nil otherwise.
    public static func percentileLevel(_ text: String) -> Double? {
        let lower = text.lowercased()
        if lower == "max" { return 1 }
        if lower == "min" { return 0 }
        if lower.hasPrefix("p"), let percent = Double(lower.dropFirst()), percent >= 0, percent <= 100 { return percent / 100 }
        if let fraction = Double(lower), fraction >= 0, fraction <= 1 { return fraction }
        return nil
    }

    /// A percentile table from percentile and value columns, rows in increasing percentile
    /// order; a `min` (p0) row sets the minimum (default 0), a `max` (p100) row is required.
    public static func percentiles(csvFile path: String, percentileColumn: String, valueColumn: String,
                                   unitNanoseconds: Double = 1) throws -> Distribution {
        let table = try DataTable.read(path, header: .required)
        let p = try table.column(percentileColumn), v = try table.column(valueColumn)
        var points: [(p: Double, value: Double)] = []
        var minimum = 0.0
        for row in table.rows.indices {
            guard let level = percentileLevel(table.rows[row][p]) else {
                throw table.error(row: row, "is not a percentile in column \(percentileColumn)",
                                  allowed: "p50, p99.9, max, min, or a fraction in [0, 1]", given: "\"\(table.rows[row][p])\"")
            }
            let value = try latencyCell(table, row: row, column: v, unitNanoseconds: unitNanoseconds)
            if level == 0 { minimum = value; continue }
            if let last = points.last {
                guard level > last.p else {
                    throw table.error(row: row, "does not follow a smaller percentile", allowed: "rows in increasing percentile order",
                                      given: "\(table.rows[row][p]) after \(percentileName(last.p))")
                }
                guard value > last.value else {
                    throw table.error(row: row, "has a value not larger than the percentile before it", allowed: "values increasing with the percentile",
                                      given: "\(table.rows[row][v]) at \(table.rows[row][p]) after \(percentileName(last.p))")
                }
            }
            points.append((level, value))
        }
        return try wrapping(path) { try percentiles(points, minimum: minimum) }
    }

    /// HdrHistogram's percentile text output (`outputPercentileDistribution`, `.hgrm`): a header
    /// line `Value Percentile TotalCount 1/(1-Percentile)`, whitespace-separated rows, and `#[...]`
    /// footer lines. The CDF is F(Value) = TotalCount / total, linear between rows, with the
    /// first row's value as the minimum; rows repeating a total count are skipped. Values are
    /// in the unit the export was scaled to (`unitNanoseconds`).
    public static func percentiles(hdrFile path: String, unitNanoseconds: Double = 1, limitBytes: Int = DataTable.defaultLimitBytes) throws -> Distribution {
        let bytes = try DataTable.readDataFile(path, limitBytes: limitBytes)
        if bytes.contains(0) {
            throw ParameterError(parameter: path, problem: "is not a text file (it contains NUL bytes)", allowed: "HdrHistogram percentile output", given: "binary data")
        }
        var rows: [(line: Int, value: Double, total: Double)] = []
        var sawHeader = false
        var lineNumber = 0
        for raw in String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { String($0).trimmingCharacters(quotes: true) }
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            if !sawHeader && fields[0] == "Value" { sawHeader = true; continue }
            let location = "\(path):\(lineNumber)"
            guard fields.count >= 3 else {
                throw ParameterError(parameter: location, problem: "has \(fields.count) fields", allowed: "Value Percentile TotalCount [1/(1-Percentile)]",
                                     given: String(raw.prefix(120)))
            }
            guard let number = Double(fields[0]), number.isFinite, number >= 0 else {
                throw ParameterError(parameter: location, problem: "has a Value that is not a non-negative number", allowed: "a number", given: "\"\(fields[0])\"")
            }
            let value = number * unitNanoseconds
            guard let total = Double(fields[2]), total >= 0, total == total.rounded() else {
                throw ParameterError(parameter: location, problem: "has a TotalCount that is not a count", allowed: "a non-negative integer", given: "\"\(fields[2])\"")
            }
            if let last = rows.last {
                guard value >= last.value, total >= last.total else {
                    throw ParameterError(parameter: location, problem: "goes back (Value or TotalCount below the row on line \(last.line))",
                                         allowed: "rows in increasing order, as HdrHistogram writes them", given: String(raw.prefix(120)))
                }
                if total == last.total { continue }
            }
            rows.append((lineNumber, value, total))
        }
        guard sawHeader else {
            throw ParameterError(parameter: path, problem: "has no header line \"Value Percentile TotalCount 1/(1-Percentile)\"",
                                 allowed: "HdrHistogram outputPercentileDistribution text", given: "no header")
        }
        guard let last = rows.last, last.total > 0 else {
            throw ParameterError(parameter: path, problem: "has no rows with a positive TotalCount", allowed: "at least one recorded value", given: "\(rows.count) rows")
        }
        let points = rows.map { (p: $0.total / last.total, value: $0.value) }
        return try wrapping(path) { try percentiles(points, minimum: rows[0].value, allowEqualValues: true) }
    }

    /// A latency series from one column, in file order (see `series(_:block:randomStart:)`).
    public static func series(csvFile path: String, column: String?, unitNanoseconds: Double = 1, block: Int = 0,
                              randomStart: Bool = false) throws -> Distribution {
        let table = try DataTable.read(path, header: column == nil ? .auto : .required)
        let index = try column.map { try table.column($0) } ?? 0
        try rejectCountColumn(table, chosen: column == nil ? nil : index, type: "series")
        let values = try table.rows.indices.map { try latencyCell(table, row: $0, column: index, unitNanoseconds: unitNanoseconds) }
        guard block <= values.count else {
            throw ParameterError(parameter: path, problem: "has \(values.count) values, fewer than a bootstrap block", allowed: "a block of at most \(values.count)", given: "\(block)")
        }
        return try series(values, block: block, randomStart: randomStart)
    }

    /// The trap of pointing a latency column reader at a histogram's counts: an error when the
    /// column read (given, or the first by default) is named like a count, or when no column
    /// was given and the file has a count-like column beside others.
    static func rejectCountColumn(_ table: DataTable, chosen: Int?, type: String) throws {
        guard !table.header.isEmpty else { return }
        let index = chosen ?? 0
        let countLike = table.header.filter(isCountColumnName)
        if isCountColumnName(table.header[index]) || (chosen == nil && !countLike.isEmpty && table.header.count > 1) {
            throw ParameterError(parameter: "\(table.path):\(table.headerLine)",
                                 problem: "looks like a histogram (column \(countLike.first ?? table.header[index]) holds counts), but `type: \(type)` reads each row as one observed latency",
                                 allowed: "`type: histogram` with `value_column` and `count_column` (or `lower_column`/`upper_column`), or `column:` naming a latency column",
                                 given: table.header.joined(separator: ","))
        }
    }

    static func wrapping<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ParameterError {
            throw ParameterError(parameter: "\(path): \(e.parameter)", problem: e.problem, allowed: e.allowed, given: e.given)
        }
    }
}

private extension String {
    func trimmingCharacters(quotes: Bool) -> String {
        var s = Substring(self)
        while s.first == "\"" { s = s.dropFirst() }
        while s.last == "\"" { s = s.dropLast() }
        return String(s)
    }
}
