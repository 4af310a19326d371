/// Parsing and formatting of human durations: "250us", "1.5ms", "12s", "6.4min", "2h".
///
///     try SimDuration(parsing: "1.5ms")    // 1_500_000 ns, exactly
///     try SimDuration(parsing: "6.4min")   // 384 s, exactly
///
/// The decimal is read digit by digit into integers, never through `Double`, so "0.1s" is
/// exactly 100_000_000 ns. A value finer than one nanosecond is rounded half away from zero.
extension SimDuration {
    /// Units accepted by the parser, with their length in nanoseconds.
    public static let parseableUnits: [(name: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("min", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// Parses a duration such as "250us"; throws a `ParameterError` naming `parameter`.
    public init(parsing text: String, parameter: String = "duration") throws {
        let trimmed = text.trimmingWhitespace()
        let allowed = "a number followed by a unit: ns, us, ms, s, min, h or d (e.g. \"250us\", \"1.5ms\", \"12s\")"
        func fail(_ why: String) -> ParameterError {
            ParameterError(parameter: parameter, problem: why, allowed: allowed, given: "\"\(text)\"")
        }
        var scalars = Array(trimmed.unicodeScalars)
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars.removeFirst()
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var index = 0
        var seenPoint = false
        while index < scalars.count {
            let c = scalars[index]
            if c == "." {
                if seenPoint { throw fail("has two decimal points") }
                seenPoint = true
            } else if c == "_" {
                // digit separator, as in 1_000ns
            } else if let d = c.properties.numericType, d == .decimal, c.value >= 48, c.value <= 57 {
                let digit = UInt8(c.value - 48)
                if seenPoint { fractionDigits.append(digit) } else { integerDigits.append(digit) }
            } else {
                break
            }
            index += 1
        }
        if integerDigits.isEmpty && fractionDigits.isEmpty { throw fail("has no number") }
        let unitText = String(String.UnicodeScalarView(scalars[index...])).trimmingWhitespace()
        if unitText.isEmpty { throw fail("has no unit") }
        guard let unit = SimDuration.parseableUnits.first(where: { $0.name == unitText }) else {
            throw fail("has an unknown unit \"\(unitText)\"")
        }
        // value = (integer + fraction) * unit, computed exactly in integers.
        var total: Int64 = 0
        var overflow = false
        for d in integerDigits {
            let (m, o1) = total.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            overflow = overflow || o1 || o2
            total = a
        }
        let (whole, o3) = total.multipliedReportingOverflow(by: unit.nanoseconds)
        overflow = overflow || o3
        if overflow { throw fail("is too long (the longest is about 292 years)") }
        // Fraction: sum of digit_k * unit / 10^k, kept as a rational with an integer remainder.
        var fractionNanos: Int64 = 0
        var numerator: Int64 = 0     // fraction digits so far as an integer
        var denominator: Int64 = 1
        for d in fractionDigits {
            if denominator >= 1_000_000_000_000_000 { break } // beyond 1e-18 of a unit: immaterial
            numerator = numerator * 10 + Int64(d)
            denominator *= 10
        }
        if numerator > 0 {
            // unit * numerator / denominator, rounded half up, without overflow:
            let unitHigh = unit.nanoseconds / denominator
            let unitLow = unit.nanoseconds % denominator
            let (hi, o4) = unitHigh.multipliedReportingOverflow(by: numerator)
            let lowProduct = unitLow.multipliedFullWidth(by: numerator)
            let (q, r) = denominator.dividingFullWidth(lowProduct)
            if o4 { throw fail("is too long") }
            fractionNanos = hi + q + (r * 2 >= denominator ? 1 : 0)
        }
        let (sum, o5) = whole.addingReportingOverflow(fractionNanos)
        if o5 { throw fail("is too long (the longest is about 292 years)") }
        self.nanoseconds = negative ? -sum : sum
    }

    /// A short human form: the largest unit that keeps the value at least 1, up to 4 significant digits.
    public static func format(nanoseconds: Int64) -> String {
        if nanoseconds == .max { return "never" }
        let magnitude = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        let units: [(String, UInt64)] = [("h", 3_600_000_000_000), ("min", 60_000_000_000), ("s", 1_000_000_000),
                                         ("ms", 1_000_000), ("us", 1_000)]
        for (name, size) in units where magnitude >= size {
            return sign + formatSignificant(Double(magnitude) / Double(size)) + name
        }
        return sign + "\(magnitude)ns"
    }
}

/// Formats with up to 4 significant digits and no trailing zeros, independent of locale.
public func formatSignificant(_ value: Double, digits: Int = 4) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    let magnitude = Int((abs(value)).log10Floor())
    let decimals = Swift.max(0, digits - 1 - magnitude)
    var text = formatFixed(value, decimals: decimals)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

/// Formats a real number with a fixed number of decimals, rounding half away from zero,
/// without Foundation or the C locale.
public func formatFixed(_ value: Double, decimals: Int) -> String {
    if !value.isFinite { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    // Past 18 decimals the scaled integer no longer fits in UInt64: Swift's shortest exact form.
    if decimals > 18 { return String(value) }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    if scaled >= 9.0e18 { return String(value) }
    let integer = UInt64(scaled)
    let divisor = UInt64(scale)
    let whole = integer / divisor
    let fraction = integer % divisor
    var text = (value < 0 && integer != 0 ? "-" : "") + String(whole)
    if decimals > 0 {
        var fractionText = String(fraction)
        while fractionText.count < decimals { fractionText = "0" + fractionText }
        text += "." + fractionText
    }
    return text
}

extension Double {
    @usableFromInline func log10Floor() -> Double {
        var exponent = 0
        var x = self
        while x >= 10 { x /= 10; exponent += 1 }
        while x < 1 { x *= 10; exponent -= 1 }
        return Double(exponent)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
