import Testing
@testable import LatSimCore

@Suite struct SimTimeTests {
    @Test(arguments: [
        ("250us", 250_000), ("1.5ms", 1_500_000), ("12s", 12_000_000_000), ("6.4min", 384_000_000_000),
        ("2h", 7_200_000_000_000), ("0.1s", 100_000_000), ("7ns", 7), ("1_000us", 1_000_000), (" 3 ms ", 3_000_000),
        ("0.0000000015s", 2), ("1d", 86_400_000_000_000), ("-5ms", -5_000_000), ("0.333333333333s", 333_333_333),
    ] as [(String, Int64)])
    func parsesHumanDurationsExactly(text: String, nanoseconds: Int64) throws {
        #expect(try SimDuration(parsing: text).nanoseconds == nanoseconds)
    }

    @Test(arguments: ["", "ms", "12", "1.2.3ms", "5 parsecs", "abc", "99999999999h"])
    func rejectsUnparsableDurations(text: String) {
        do {
            _ = try SimDuration(parsing: text, parameter: "latency")
            Issue.record("parsed \"\(text)\"")
        } catch let e as ParameterError {
            #expect(e.parameter == "latency")
            #expect(e.given == "\"\(text)\"")
            #expect(e.allowed?.contains("ms") == true)
        } catch {
            Issue.record("wrong error \(error)")
        }
    }

    /// `SimDuration(roundingNanoseconds:)` rounds half away from zero exactly as
    /// `Double.rounded()` does, on halves, the doubles next to them, large values and random
    /// ones. (Break tried: `fraction > 0.5` fails on 2.5 and -0.5.)
    @Test func roundingMatchesRoundHalfAwayFromZero() {
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                                4503599627370495.5, 4503599627370497, 9007199254740993, -9007199254740993,
                                1e18, -1e18, 9.2233720368547748e18 / 2, 1e-300, 123456.5]
        values += values.map { $0.nextUp } + values.map { $0.nextDown }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let scale = Double(1 << (state >> 58))   // 1 ... 2^63
            values.append((Double(state >> 11) / Double(1 << 53) - 0.5) * scale)
        }
        for v in values where abs(v) < 9.2e18 {
            #expect(SimDuration(roundingNanoseconds: v).nanoseconds == Int64(v.rounded()), "\(v)")
        }
    }

    @Test func arithmeticSaturatesInsteadOfTrapping() {
        let almostNever = SimInstant(nanosecondsSinceStart: .max - 5)
        #expect(almostNever + .seconds(1) == .distantFuture)
        #expect(SimDuration.max + .nanoseconds(1) == .max)
        #expect(SimDuration.seconds(Int64.max) == .max)
        #expect(SimDuration(roundingNanoseconds: .infinity) == .max)
        #expect(SimDuration(roundingNanoseconds: .nan) == .max)
        #expect((SimInstant.zero + .milliseconds(5)) - SimInstant.zero == .milliseconds(5))
        #expect(SimDuration.milliseconds(2).scaled(by: 1.5) == .milliseconds(3))
    }

    @Test func formatsReadably() {
        #expect(SimDuration.milliseconds(1_500).description == "1.5s")
        #expect(SimDuration.microseconds(250).description == "250us")
        #expect(SimDuration.nanoseconds(42).description == "42ns")
        #expect(SimDuration.max.description == "never")
        #expect(formatFixed(2.345, decimals: 2) == "2.35")
        #expect(formatFixed(-0.5, decimals: 0) == "-1")
        #expect(formatSignificant(0.000123456) == "0.0001235")
    }
}
