/// Timestamps in data files (trade exports, block times): a number of seconds, milliseconds,
/// microseconds or nanoseconds (since the Unix epoch, or from any origin), or ISO 8601 UTC text,
/// read exactly into integer nanoseconds (no Double rounding: 1.7e18 ns is past 2^53).
///
///     let format = try TimestampFormat(unit: "ms", epoch: "unix")
///     let ns = try table.timestamps(column: 5, format: format)     // sorted, plausible, in ns
///
/// Checks, each an error naming the file and line: a cell that is not a timestamp in the
/// format (text in a number column; an ISO 8601 cell read as a number, or the reverse, says
/// which `time_unit` fits), timestamps out of order (equal ones are allowed and keep file
/// order), and, for `epoch: unix`, a first or last timestamp outside the years 2000-2100
/// (the error names the unit that would put it there: ms read as s gives year 50000).
public struct TimestampFormat: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case s, ms, us, ns, iso8601
        public var nanoseconds: Int64 {
            switch self {
            case .s: return 1_000_000_000
            case .ms: return 1_000_000
            case .us: return 1_000
            case .ns, .iso8601: return 1
            }
        }
    }
    public enum Epoch: String, Sendable, CaseIterable { case unix, relative }

    public var unit: Unit
    public var epoch: Epoch

    public init(unit: Unit, epoch: Epoch) {
        self.unit = unit
        self.epoch = unit == .iso8601 ? .unix : epoch
    }

    public var description: String { unit == .iso8601 ? "ISO 8601 UTC" : "\(unit.rawValue) since \(epoch == .unix ? "1970-01-01 (Unix)" : "an arbitrary origin")" }

    /// 2000-01-01 and 2100-01-01 in ns since the Unix epoch: the plausible range of `epoch: unix`.
    public static let plausibleUnix: ClosedRange<Int64> = 946_684_800_000_000_000...4_102_444_800_000_000_000

    /// One cell as ns (since the epoch or origin); nil when it is not a timestamp in this format
    /// or does not fit in 64-bit ns.
    public func parse(_ cell: String) -> Int64? {
        if unit == .iso8601 { return TimestampFormat.parseISO8601(cell) }
        return TimestampFormat.parseDecimal(cell, scale: unit.nanoseconds)
    }

    /// A decimal number (optional sign, digits, optional fraction, optional exponent) times
    /// `scale`, as exact integer ns where it fits (fraction digits beyond ns are rounded half up).
    public static func parseDecimal(_ cell: String, scale: Int64) -> Int64? {
        var digits: [UInt8] = []
        var pointAt = -1
        var exponent = 0
        var negative = false
        var bytes = Array(cell.utf8)[...]
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = bytes[index]
            if b >= 48 && b <= 57 {
                digits.append(b - 48)
            } else if b == UInt8(ascii: ".") && pointAt < 0 {
                pointAt = digits.count
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: bytes[bytes.index(after: index)...], as: UTF8.self)), abs(e) < 40 else { return nil }
                exponent = e
                index = bytes.endIndex
                break
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard !digits.isEmpty else { return nil }
        if pointAt < 0 { pointAt = digits.count }
        // value = 0.digits * 10^(pointAt + exponent) * scale; scale is a power of ten.
        var scaleDigits = 0
        var s = scale
        while s >= 10 { s /= 10; scaleDigits += 1 }
        let integerDigits = pointAt + exponent + scaleDigits
        var value: Int64 = 0
        for (i, d) in digits.enumerated() {
            if i < integerDigits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                value = a
            } else {
                if i == integerDigits && d >= 5 {
                    let (a, o) = value.addingReportingOverflow(1)
                    if o { return nil }
                    value = a
                }
                break
            }
        }
        if digits.count < integerDigits {
            for _ in digits.count..<integerDigits {
                let (m, o) = value.multipliedReportingOverflow(by: 10)
                if o { return nil }
                value = m
            }
        }
        return negative ? -value : value
    }

    /// ISO 8601 / RFC 3339 date-time, as ns since the Unix epoch: `2024-03-01T12:00:00.123456Z`,
    /// a space for the `T`, `+hh:mm` / `-hh:mm` / `+hhmm` offsets, `Z` or no zone (read as UTC),
    /// up to 9 fraction digits (more are cut). A date alone is midnight UTC. No Foundation.
    public static func parseISO8601(_ cell: String) -> Int64? {
        let b = Array(cell.utf8)
        var i = 0
        func number(_ count: Int) -> Int64? {
            guard i + count <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + count) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            i += count
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds: Int64 = 0, fraction: Int64 = 0, offset: Int64 = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            guard let hour = number(2), expect(":"), let minute = number(2), hour <= 23, minute <= 59 else { return nil }
            var second: Int64 = 0
            if expect(":") {
                guard let s = number(2), s <= 60 else { return nil }
                second = s
                if expect(".") || expect(",") {
                    var count = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if count < 9 { fraction = fraction * 10 + Int64(b[i] - 48) }
                        count += 1
                        i += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in Swift.min(count, 9)..<9 { fraction *= 10 }
                }
            }
            seconds = hour * 3600 + minute * 60 + second
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : -1
                    i += 1
                    guard let oh = number(2), oh <= 23 else { return nil }
                    _ = expect(":")
                    guard let om = number(2), om <= 59 else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
            guard i == b.count else { return nil }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let total = (days * 86_400 + seconds - offset)
        let (ns, overflow) = total.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (sum, o2) = ns.addingReportingOverflow(fraction)
        return o2 ? nil : sum
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar year of a Unix time in ns (for messages).
    public static func year(unixNanoseconds ns: Int64) -> Int {
        Int((1970 + Double(ns) / (365.2425 * 86_400e9)).rounded(.down))
    }

    /// The Unix time of `ns` as ISO 8601 text to the second (messages, validate output).
    public static func iso8601(unixNanoseconds ns: Int64) -> String {
        var days = ns / 86_400_000_000_000
        var rest = ns % 86_400_000_000_000
        if rest < 0 { rest += 86_400_000_000_000; days -= 1 }
        // civil_from_days
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let s = rest / 1_000_000_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }

    /// The unit among s, ms, us, ns that puts the Unix timestamp `cell` within 2000-2100, if one does.
    public static func fittingUnit(_ cell: String) -> Unit? {
        for unit in [Unit.s, .ms, .us, .ns] {
            if let v = parseDecimal(cell, scale: unit.nanoseconds), plausibleUnix.contains(v) { return unit }
        }
        return nil
    }
}

extension DataTable {
    /// Column `column` read as timestamps in `format` (ns), checked: every cell a timestamp,
    /// non-decreasing in file order, and (Unix epoch) within 2000-2100. `key` names the config
    /// keys to fix in messages (e.g. "time_unit").
    public func timestamps(column: Int, format: TimestampFormat, unitKey: String = "time_unit") throws -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(rows.count)
        for row in rows.indices {
            let cell = rows[row][column]
            guard let value = format.parse(cell) else {
                var hint = ""
                if format.unit != .iso8601 && TimestampFormat.parseISO8601(cell) != nil {
                    hint = " (it is ISO 8601 text: set \(unitKey): iso8601)"
                } else if format.unit == .iso8601, let unit = TimestampFormat.fittingUnit(cell) {
                    hint = " (it is a number: set \(unitKey): \(unit.rawValue))"
                } else if format.unit != .iso8601, let number = Double(cell), number.isFinite {
                    // A number too large for 64-bit ns in this unit (ms or us read as s, say).
                    let years = number * Double(format.unit.nanoseconds) / (365.2425 * 86_400e9)
                    hint = " (read as \(format.unit.rawValue) it is past 64-bit nanoseconds"
                        + (format.epoch == .unix ? ", in the year \(formatSignificant(1970 + years, digits: 3))" : "")
                        + (TimestampFormat.fittingUnit(cell).map { "; \(unitKey): \($0.rawValue) fits it as a Unix time" } ?? "") + ")"
                }
                throw error(row: row, "has \(cell.isEmpty ? "an empty cell" : "a cell that is not a timestamp") in column \(columnName(column))\(hint)",
                            allowed: format.unit == .iso8601 ? "ISO 8601 UTC text such as 2024-03-01T12:00:00.5Z" : "a number of \(format.unit.rawValue)",
                            given: "\"\(cell)\"")
            }
            if let previous = result.last, value < previous {
                throw error(row: row, "has a timestamp earlier than the row before (line \(lines[row - 1])) in column \(columnName(column))",
                            allowed: "rows sorted by time (equal timestamps are kept in file order)",
                            given: "\(rows[row - 1][column]) then \(cell)")
            }
            result.append(value)
        }
        if format.epoch == .unix {
            for row in [0, rows.count - 1] where !TimestampFormat.plausibleUnix.contains(result[row]) {
                let cell = rows[row][column]
                let fits = format.unit == .iso8601 ? nil : TimestampFormat.fittingUnit(cell)
                let year = TimestampFormat.year(unixNanoseconds: result[row])
                throw error(row: row, "has a timestamp that read as \(format) is in the year \(year)",
                            allowed: "a Unix time within 2000-2100" + (fits.map { "; \(unitKey): \($0.rawValue) fits this value" } ?? "")
                                + "; or epoch: relative for times from an arbitrary origin",
                            given: "\"\(cell)\" with \(unitKey): \(format.unit.rawValue)")
            }
        }
        return result
    }

    /// The index of a column given by name, or by 1-based number for a file without a header
    /// (`"3"` or `3`: the third column); the error lists what the file has.
    public func column(named spec: String) throws -> Int {
        if let number = Int(spec) {
            guard number >= 1 && number <= width else {
                throw ParameterError(parameter: path, problem: "has no column \(number)", allowed: "a column number in 1...\(width)"
                                     + (header.isEmpty ? "" : ", or one of \(header.joined(separator: ", "))"), given: spec)
            }
            return number - 1
        }
        return try column(spec)
    }
}
