/// One shard of a sweep: shard `index` of `count`, a contiguous range of the plan's units.
///
///     let shard = try ShardSpec(parsing: "3/10")
///     shard.units(of: 1200)          // 360..<480
///
/// Units are in `Runner.units(of:)` order (point, then design, then replication). Shard I of N
/// holds units floor(I U / N) ..< floor((I + 1) U / N) of U: the N ranges are contiguous, in
/// order, cover 0..<U with no gap and no overlap, and differ in size by at most one. Because a
/// unit's result depends only on the unit, concatenating the shards' results in shard order
/// gives exactly the one-machine results, whatever N is.
public struct ShardSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "shard \(index)/\(count): need 0 <= index < count")
        self.index = index
        self.count = count
    }

    /// Parses "I/N" (0-based I, as in `SLURM_ARRAY_TASK_ID`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError(badInput: "--shard \(text): is not of the form I/N; allowed: I/N with 0 <= I < N, e.g. 0/4; given: \(text)")
        }
        guard count >= 1, index >= 0, index < count else {
            throw ShardError(badInput: "--shard \(text): the shard index must be in 0...N-1 (0-based, like SLURM_ARRAY_TASK_ID); allowed: I/N with N >= 1 and 0 <= I < N; given: \(text)")
        }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// This shard's units among `total`: floor(index total / count) ..< floor((index + 1) total / count).
    /// Computed in double width, so it cannot overflow.
    public func units(of total: Int) -> Range<Int> {
        precondition(total >= 0, "a negative unit count")
        return ShardSpec.boundary(index, count, total)..<ShardSpec.boundary(index + 1, count, total)
    }

    static func boundary(_ index: Int, _ count: Int, _ total: Int) -> Int {
        let product = total.multipliedFullWidth(by: index)
        return count.dividingFullWidth((high: product.high, low: product.low)).quotient
    }

    /// Every shard of `count`, in order.
    public static func all(count: Int) -> [ShardSpec] { (0..<count).map { ShardSpec(index: $0, count: count) } }

    /// The shard count `latsim sweep --plan` proposes: one shard per `unitsPerShard` units, at
    /// least 1 and at most `maximumCount` (Slurm's default MaxArraySize is 1001: array indices
    /// 0...1000). Any count from 1 to the number of units gives the same merged bytes; the
    /// proposal only balances per-shard start-up (a process, a plan) against parallelism.
    public static func proposedCount(units: Int, unitsPerShard: Int = 16, maximumCount: Int = 1000) -> Int {
        max(1, min(maximumCount, (units + unitsPerShard - 1) / unitsPerShard))
    }
}

/// A sharding failure: bad input (mismatched or missing shards, a bad --shard) exits 2, an
/// IO failure exits 1. The text names the files and what was expected.
public struct ShardError: Error, CustomStringConvertible {
    public var description: String
    public var isBadInput: Bool

    public init(badInput description: String) {
        self.description = description
        isBadInput = true
    }

    public init(runtime description: String) {
        self.description = description
        isBadInput = false
    }
}
