/// Stable 64-bit keys for random streams, derived from (root seed, replication, component name).
///
///     let key = StreamKey(rootSeed: 42, replication: 3, component: "link:bot->cex")
///
/// The derivation is fixed by this file alone (never Swift's `Hasher`, which is seeded per
/// process), so keys are the same on every machine, run and thread count:
///
///     h0 = mix64(rootSeed)
///     h1 = mix64(h0 ^ mix64(replication + 0x9E3779B97F4A7C15))
///     key = mix64(h1 ^ fnv1a64(utf8(component)))
///
/// where `mix64` is the SplitMix64 finaliser (a bijection on 64 bits with full avalanche) and
/// `fnv1a64` the 64-bit FNV-1a hash. A component's key depends on its name only, not on when
/// or whether other components were created: adding a component leaves every other stream's
/// draws unchanged (common random numbers across designs).
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(value: UInt64) { self.value = value }

    public init(rootSeed: UInt64, replication: Int, component: String) {
        let h0 = StreamKey.mix64(rootSeed)
        let h1 = StreamKey.mix64(h0 ^ StreamKey.mix64(UInt64(bitPattern: Int64(replication)) &+ 0x9E37_79B9_7F4A_7C15))
        value = StreamKey.mix64(h1 ^ StreamKey.fnv1a64(component))
    }

    /// The SplitMix64 finaliser (Steele, Lea and Flood 2014): a bijection with good avalanche.
    @inlinable public static func mix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 64-bit FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    public var description: String {
        let hex = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
