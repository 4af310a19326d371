/// Latency series replayed in order (an RTT trace), with a cursor kept by whoever draws.
///
///     let trace = try Distribution.series([812_000, 790_000, 2_400_000], block: 0, randomStart: false)
///     var cursor = SeriesCursor()
///     let first = trace.sample(stream, cursor: &cursor)     // 812_000, then 790_000, ...
///
/// A series is not a set of independent draws: consecutive draws are consecutive values of the
/// file, so its autocorrelation is kept. The cursor lives in the state of what draws (a link),
/// not in the distribution, so one series drives many links independently and a draw costs an
/// index increment. Only a `sample(_:cursor:)` call may draw from a series; a config places a
/// series only where a cursor exists (links), and rejects it elsewhere.
///
/// - A first pass starts at value 0 (`randomStart` false) or at a uniform index drawn from
///   the stream at the first draw.
/// - At the end of the series it wraps to value 0 (`block` 0), or, with `block` = b > 0,
///   continues as a moving block bootstrap: blocks of b consecutive values whose start is
///   uniform on 0...(n - b), drawn from the stream at each block.
extension Distribution {
    public static func series(_ values: [Double], block: Int = 0, randomStart: Bool = false) throws -> Distribution {
        guard !values.isEmpty else {
            throw ParameterError(parameter: "values", problem: "is empty", allowed: "at least one value", given: "[]")
        }
        for (index, value) in values.enumerated() { try require(value, "values[\(index)]", nonNegative: true) }
        guard block >= 0 && block <= values.count else {
            throw ParameterError(parameter: "bootstrap.block", problem: "is not a block length within the series",
                                 allowed: "1 to \(values.count) (the series length)", given: "\(block)")
        }
        return Distribution(.series(values: values, block: block, randomStart: randomStart))
    }

    /// Whether drawing from this distribution needs a `SeriesCursor` (it is or wraps a series).
    public var isSequential: Bool {
        switch kind {
        case .series: return true
        case .shifted(_, let base), .capped(_, let base), .scaled(_, let base): return base.isSequential
        default: return false
        }
    }

    /// One draw, advancing `cursor` when this is (or wraps) a series; otherwise `sample(stream)`.
    @inline(__always)
    public func sample(_ stream: some RandomSource, cursor: inout SeriesCursor) -> Double {
        switch kind {
        case .series(let values, let block, let randomStart):
            if cursor.position < 0 {
                cursor.position = randomStart ? stream.uniformInt(below: values.count) : 0
                cursor.end = values.count
            }
            if cursor.position >= cursor.end {
                if block > 0 {
                    cursor.position = stream.uniformInt(below: values.count - block + 1)
                    cursor.end = cursor.position + block
                } else {
                    cursor.position = 0
                    cursor.end = values.count
                }
            }
            let value = values[cursor.position]
            cursor.position += 1
            return value
        case .shifted(let minimum, let base) where base.isSequential:
            return minimum + base.sample(stream, cursor: &cursor)
        case .capped(let cap, let base) where base.isSequential:
            return Swift.min(cap, base.sample(stream, cursor: &cursor))
        case .scaled(let factor, let base) where base.isSequential:
            return factor * base.sample(stream, cursor: &cursor)
        default:
            return sample(stream)
        }
    }
}

/// Where a replayed series is: the next index and the end of the current pass or block.
/// A fresh cursor (position -1) starts the series at its first draw.
public struct SeriesCursor: Sendable, Equatable {
    public var position: Int = -1
    public var end: Int = 0
    public init() {}
}
