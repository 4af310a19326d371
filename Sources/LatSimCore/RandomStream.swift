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

    public init(key: StreamKey) {
        GSLError.install()
        guard let rng = latsim_rng_alloc(key.value) else { fatalError("gsl_rng_alloc failed: out of memory") }
        self.rng = rng
        self.key = key
    }

    public convenience init(rootSeed: UInt64, replication: Int, component: String) {
        self.init(key: StreamKey(rootSeed: rootSeed, replication: replication, component: component))
    }

    deinit { gsl_rng_free(rng) }

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
