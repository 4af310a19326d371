import CGSL

/// One independent stream of random numbers: a GSL generator of type "latsim-xoshiro256**"
/// keyed by a 64-bit `StreamKey`. GSL's samplers (`gsl_ran_*`) draw from it.
///
///     let stream = RandomStream(rootSeed: 7, replication: 0, component: "matching-engine")
///     let service = stream.exponential(mean: 250_000)      // ns
///
/// Why this generator: xoshiro256** (Blackman and Vigna 2018) has period 2^256 - 1, passes
/// BigCrush and PractRand, and costs about 1 ns a draw. GSL's own generators take their seed
/// through a 32-bit path on many platforms (mt19937 keeps 32 bits of it), so 10^5 streams would
/// share seeds with a probability near one (birthday bound n^2 / 2^33). Here the full 64-bit
/// key is expanded into the 256-bit state by SplitMix64; distinct keys give distinct states,
/// and a collision among n keys has probability about n^2 / 2^65 (10^-9 for 10^5 streams).
/// Streams from distinct keys start at unrelated points of a period of 2^256, so overlap
/// within any feasible run length is negligible.
///
/// A stream is owned by one component of one replication and is not shared across threads.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The key this stream was created from (to reproduce it).
    public let key: StreamKey

    /// What keeps a borrowed generator alive (a `StreamArena`); nil when this stream owns its generator.
    let owner: AnyObject?

    public init(key: StreamKey) {
        GSLError.install()
        guard let rng = latsim_rng_alloc(key.value) else { fatalError("gsl_rng_alloc failed: out of memory") }
        self.rng = rng
        self.key = key
        owner = nil
    }

    /// A stream over a generator that `owner` allocated and frees.
    init(borrowing rng: UnsafeMutablePointer<gsl_rng>, key: StreamKey, owner: AnyObject) {
        self.rng = rng
        self.key = key
        self.owner = owner
    }

    public convenience init(rootSeed: UInt64, replication: Int, component: String) {
        self.init(key: StreamKey(rootSeed: rootSeed, replication: replication, component: component))
    }

    deinit { if owner == nil { gsl_rng_free(rng) } }

    /// The GSL generator, for calling GSL samplers directly.
    @inlinable public var gslGenerator: UnsafeMutablePointer<gsl_rng> { rng }

    /// A handle on this stream that costs no reference count to pass around (see `StreamHandle`).
    @inlinable public var handle: StreamHandle { StreamHandle(rng) }
}

/// Anything that draws from a GSL generator: a `RandomStream` (which owns its generator) or a
/// `StreamHandle` (which borrows one). Samplers take `some RandomSource`, so a hot loop can pass
/// handles and pay no retain and release per draw.
public protocol RandomSource {
    var gslGenerator: UnsafeMutablePointer<gsl_rng> { get }
}

extension RandomStream: RandomSource {}

/// A borrowed view of a `RandomStream`'s generator: a trivial value (one pointer), valid while the
/// stream it came from (`stream.handle`) is alive. The component graph keeps its streams alive
/// for the whole run and hands its components handles: as a class, a stream loaded from an array
/// cost a retain and a release at every use (about a fifth of the graph engine's time per event;
/// benchmarks/README.md).
@frozen public struct StreamHandle: RandomSource {
    public let gslGenerator: UnsafeMutablePointer<gsl_rng>
    @inlinable init(_ rng: UnsafeMutablePointer<gsl_rng>) { gslGenerator = rng }
}

extension RandomSource {
    /// 64 random bits.
    @inlinable public func nextUInt64() -> UInt64 { latsim_rng_next_u64(gslGenerator) }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable public func uniform() -> Double { Double(latsim_rng_next_u64(gslGenerator) >> 11) * 0x1.0p-53 }

    /// Uniform on (0, 1): never exactly 0 (safe to take a logarithm of).
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(gslGenerator) }

    /// A uniform integer in 0..<bound (bound > 0), without modulo bias.
    @inlinable public func uniformInt(below bound: Int) -> Int {
        precondition(bound > 0, "uniformInt bound must be positive")
        return Int(gsl_rng_uniform_int(gslGenerator, UInt(bound)))
    }

    /// True with probability `p`.
    @inlinable public func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// An exponential draw with the given mean (GSL's `gsl_ran_exponential`).
    @inlinable public func exponential(mean: Double) -> Double { gsl_ran_exponential(gslGenerator, mean) }

    /// A standard normal draw scaled by `standardDeviation` (GSL's ziggurat sampler).
    @inlinable public func gaussian(standardDeviation: Double) -> Double { gsl_ran_gaussian_ziggurat(gslGenerator, standardDeviation) }

    /// A Poisson count with the given mean.
    @inlinable public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(gslGenerator, mean)) }
}

/// Many streams in one allocation: stream `i` is a GSL generator and its state in the 64-byte
/// line at `i * 64`, so its handle is computed (no pointer loaded from an array) and a draw
/// touches one cache line. A graph of 100,000 components keeps one stream per instance and
/// two per connection: with one allocation per stream, a draw at a cold component cost two
/// or three dependent cache misses (the handle, the generator, its state).
///
///     let arena = StreamArena(keys: names.map { StreamKey(rootSeed: 7, replication: 0, component: $0) })
///     let x = arena[3].exponential(mean: 1)      // the same draws as RandomStream(key: keys[3])
public final class StreamArena {
    @usableFromInline let base: UnsafeMutableRawPointer
    public let keys: [StreamKey]
    @usableFromInline static var lineBytes: Int { 64 }

    public init(keys: [StreamKey]) {
        GSLError.install()
        self.keys = keys
        base = .allocate(byteCount: Swift.max(keys.count, 1) * StreamArena.lineBytes, alignment: StreamArena.lineBytes)
        for (i, key) in keys.enumerated() { _ = latsim_rng_init_in_place(base + i * StreamArena.lineBytes, key.value) }
    }

    deinit { base.deallocate() }

    public var count: Int { keys.count }

    /// Stream `i`'s handle, valid while the arena lives.
    @inlinable public subscript(i: Int) -> StreamHandle {
        StreamHandle((base + i &* StreamArena.lineBytes).assumingMemoryBound(to: gsl_rng.self))
    }

    /// Stream `i` as a `RandomStream` (for an API that keeps one): it shares the arena's generator
    /// and state (draws from either advance both) and keeps the arena alive.
    public func stream(_ i: Int) -> RandomStream { RandomStream(borrowing: self[i].gslGenerator, key: keys[i], owner: self) }
}
