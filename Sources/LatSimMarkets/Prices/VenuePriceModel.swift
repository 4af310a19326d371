#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one venue's mid price follows the common fundamental: a publication lag and a
/// mean-reverting basis (log-price noise).
///
///     venues:
///       - {name: fast, lag: 0ms, basis_sd: 0.0002, basis_half_life: 300ms}
///       - {name: slow, lag: {type: exponential, mean: 40ms}, basis_sd: 0.0002, basis_half_life: 300ms}
///
/// The mid published by venue v at time t + lag is F(t) exp(b_v(t)), where F is the fundamental
/// sampled at a fundamental tick t and b_v an Ornstein-Uhlenbeck process (stationary sd
/// `basisSD`, half-life `basisHalfLife`; a half-life of 0 makes it independent per tick).
/// Lags are drawn per tick; a venue's publications keep their order (each is scheduled no
/// earlier than the previous one), so a long draw delays the ones behind it.
public struct VenuePriceParameters: Sendable, Equatable {
    public var name: String
    public var lag: Distribution
    public var basisSD: Double
    public var basisHalfLife: SimDuration

    public init(name: String, lag: Distribution, basisSD: Double, basisHalfLife: SimDuration) {
        self.name = name
        self.lag = lag
        self.basisSD = basisSD
        self.basisHalfLife = basisHalfLife
    }

    static let keys = ["lag", "basis_sd", "basis_half_life"]

    /// Reads `lag`, `basis_sd` and `basis_half_life` from a venue's config.
    public init(name: String, config node: ConfigNode) throws {
        self.name = name
        self.lag = try node.distribution("lag", default: try Distribution.constant(0))
        self.basisSD = try node.double("basis_sd", default: 0, range: 0...1)
        self.basisHalfLife = try node.duration("basis_half_life", default: .milliseconds(300))
    }
}

/// An exact Ornstein-Uhlenbeck process in the log price: db = -k b dt + s dW with k = ln 2 / half-life.
///
///     var basis = BasisNoise(standardDeviation: 2e-4, halfLife: .milliseconds(300), stream: s)
///     let b = basis.value(at: now)
///
/// Exact transition: b(t+h) = b(t) e^{-kh} + sd sqrt(1 - e^{-2kh}) Z, with sd the stationary
/// standard deviation; it starts from its stationary law. Invariant: times are non-decreasing.
public struct BasisNoise {
    public let standardDeviation: Double
    public let halfLife: SimDuration
    public private(set) var value: Double
    var lastTime: SimInstant
    let stream: RandomStream

    public init(standardDeviation: Double, halfLife: SimDuration, stream: RandomStream) {
        self.standardDeviation = standardDeviation
        self.halfLife = halfLife
        self.stream = stream
        self.lastTime = .zero
        self.value = standardDeviation > 0 ? stream.gaussian(standardDeviation: standardDeviation) : 0
    }

    public mutating func value(at time: SimInstant) -> Double {
        precondition(time >= lastTime, "basis sampled in the past")
        guard standardDeviation > 0 else { return 0 }
        if halfLife == .zero {
            value = stream.gaussian(standardDeviation: standardDeviation)
        } else if time > lastTime {
            let decay = exp(-log(2) * Double((time - lastTime).nanoseconds) / Double(halfLife.nanoseconds))
            value = value * decay + stream.gaussian(standardDeviation: standardDeviation * (1 - decay * decay).squareRoot())
        }
        lastTime = time
        return value
    }
}

/// The fundamental and the venues that follow it: what a market model owns to produce venue mids.
///
///     var prices = VenuePriceModel(fundamental: p, tickInterval: d, venues: v, spec: spec)
///     let publications = prices.tick(now: now)   // (venue, mid, publish time) for every venue
///
/// Streams: "fundamental", "fundamental-ticks", "venue-basis:<name>", "venue-lag:<name>"
/// (named by component, so designs compared on one seed see the same prices).
public struct VenuePriceModel {
    public var fundamental: PriceProcess
    public let tickInterval: Distribution
    public let venues: [VenuePriceParameters]
    var basis: [BasisNoise]
    var lastPublish: [SimInstant]
    let tickStream: RandomStream
    let lagStreams: [RandomStream]

    public init(fundamental: PriceProcessParameters, tickInterval: Distribution, venues: [VenuePriceParameters], spec: ReplicationSpec) {
        self.fundamental = PriceProcess(parameters: fundamental, stream: spec.stream("fundamental"))
        self.tickInterval = tickInterval
        self.venues = venues
        self.basis = venues.map { BasisNoise(standardDeviation: $0.basisSD, halfLife: $0.basisHalfLife, stream: spec.stream("venue-basis:" + $0.name)) }
        self.lastPublish = venues.map { _ in .zero }
        self.tickStream = spec.stream("fundamental-ticks")
        self.lagStreams = venues.map { spec.stream("venue-lag:" + $0.name) }
    }

    /// The delay to the next fundamental tick.
    public mutating func nextTickDelay() -> SimDuration {
        Swift.max(SimDuration(nanoseconds: 1), tickInterval.sampleDuration(tickStream))
    }

    /// Samples the fundamental at `now` and returns venue `index`'s mid and publication time.
    public mutating func publication(venue index: Int, fundamentalValue: Double, now: SimInstant) -> (mid: Double, time: SimInstant) {
        let b = basis[index].value(at: now)
        let lag = venues[index].lag.sampleDuration(lagStreams[index])
        let time = Swift.max(lastPublish[index], now + lag)
        lastPublish[index] = time
        return (fundamentalValue * exp(b), time)
    }
}
