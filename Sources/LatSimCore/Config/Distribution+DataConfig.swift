/// The config side of measured latencies: `type: histogram` and `type: series`.
///
///     latency: {type: histogram, file: data/rtt-hist.csv, value_column: rtt_us, count_column: count, unit: us}
///     latency: {type: histogram, file: data/buckets.csv, lower_column: from_us, upper_column: to_us, count_column: n, unit: us}
///     latency: {type: histogram, file: data/rtt.hgrm, format: hdr, unit: us}
///     latency: {type: histogram, percentiles: {p50: 1ms, p90: 3ms, p99: 10ms, p99.9: 20ms, max: 40ms}}
///     latency: {type: series, file: data/rtt-trace.csv, column: rtt_us, unit: us, start: random, bootstrap: {block: 50}}
///
/// docs/config.md "Distributions" states the CDF each form defines.
extension ConfigNode {
    static let histogramKeys = ["file", "format", "unit", "value_column", "count_column", "lower_column", "upper_column",
                                "percentile_column", "percentiles"]

    /// This node's text as a data file path: an absolute path as given, a relative one against
    /// the directory of the config that wrote it (a `--set` value: its config file's directory).
    public func dataFilePath() throws -> String {
        let path = try text()
        if path.isEmpty { throw error("is an empty path", allowed: "a data file path, relative to the config file", given: "\"\"") }
        return path.hasPrefix("/") ? path : location.baseDirectory + path
    }

    /// The file unit key: nanoseconds per plain number in the file.
    func dataUnitNanoseconds() throws -> Double {
        let name = try string("unit", default: "ns", oneOf: SimDuration.parseableUnits.map(\.name))
        return Double(SimDuration.parseableUnits.first { $0.name == name }?.nanoseconds ?? 1)
    }

    func histogramValue() throws -> Distribution {
        if let table = child("percentiles") {
            for key in ["file", "format", "value_column", "count_column", "lower_column", "upper_column", "percentile_column", "unit"] where has(key) {
                throw error("gives both `percentiles` and `\(key)`", allowed: "either inline percentiles or a file", given: key, key: key)
            }
            var points: [(p: Double, value: Double)] = []
            var minimum = 0.0
            for (key, valueNode) in try table.entries() {
                guard let level = Distribution.percentileLevel(key), key.lowercased().hasPrefix("p") || key == "max" || key == "min" else {
                    throw table.error("has a key that is not a percentile", allowed: "p50, p90, p99, p99.9, ..., max (p100) and optionally min (default 0)",
                                      given: key, key: key)
                }
                let value = Double(try valueNode.durationValue().nanoseconds)
                if level == 0 { minimum = value } else { points.append((level, value)) }
            }
            return try table.wrap { try Distribution.percentiles(points, minimum: minimum) }
        }
        guard let file = child("file") else {
            throw error("has neither `file` nor `percentiles`", allowed: "a `file` (value/count, bucket or percentile columns, or format: hdr) or inline `percentiles`",
                        given: "neither", key: "file")
        }
        let path = try file.dataFilePath()
        let unit = try dataUnitNanoseconds()
        let format = try string("format", default: "csv", oneOf: ["csv", "hdr"])
        if format == "hdr" {
            for key in ["value_column", "count_column", "lower_column", "upper_column", "percentile_column"] where has(key) {
                throw error("gives `\(key)` with `format: hdr`", allowed: "no columns: HdrHistogram's percentile output has fixed columns", given: key, key: key)
            }
            return try file.wrap { try Distribution.percentiles(hdrFile: path, unitNanoseconds: unit) }
        }
        if has("lower_column") || has("upper_column") {
            if has("value_column") || has("percentile_column") {
                throw error("mixes bucket bounds with `value_column`/`percentile_column`", allowed: "lower_column, upper_column and count_column for buckets",
                            given: "both", key: has("value_column") ? "value_column" : "percentile_column")
            }
            let lower = try string("lower_column", default: "lower"), upper = try string("upper_column", default: "upper")
            let count = try string("count_column", default: "count")
            return try file.wrap { try Distribution.histogram(csvFile: path, lowerColumn: lower, upperColumn: upper, countColumn: count, unitNanoseconds: unit) }
        }
        if has("percentile_column") {
            if has("count_column") { throw error("gives `count_column` with `percentile_column`", allowed: "percentile_column and value_column", given: "count_column", key: "count_column") }
            let percentile = try string("percentile_column"), value = try string("value_column", default: "value")
            return try file.wrap { try Distribution.percentiles(csvFile: path, percentileColumn: percentile, valueColumn: value, unitNanoseconds: unit) }
        }
        let value = try string("value_column", default: "value"), count = try string("count_column", default: "count")
        return try file.wrap { try Distribution.histogram(csvFile: path, valueColumn: value, countColumn: count, unitNanoseconds: unit) }
    }

    func seriesValue() throws -> Distribution {
        let file = try required("file", allowed: "a CSV file of latencies in time order")
        let path = try file.dataFilePath()
        let unit = try dataUnitNanoseconds()
        let column = try child("column")?.text()
        let start = try string("start", default: "first", oneOf: ["first", "random"])
        var block = 0
        if let bootstrap = child("bootstrap") {
            try bootstrap.checkKeys(["block"])
            block = try bootstrap.int("block", range: 1...100_000_000)
        }
        return try file.wrap { try Distribution.series(csvFile: path, column: column, unitNanoseconds: unit, block: block, randomStart: start == "random") }
    }
}
