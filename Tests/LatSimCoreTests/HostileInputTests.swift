import CGSL
import Foundation
import Testing
@testable import LatSimCore

/// Hostile input at the Core layer: GSL failures become typed errors, file reads are bounded,
/// formatting never traps. Each case once crashed, aborted or read forever.
@Suite struct HostileInputTests {
    @Test func weibullTooSmallShapeIsAnErrorNamingShape() {
        for shape in [0.001, 0.01, 1e-300] {
            do {
                _ = try Distribution.weibull(shape: shape, scale: 1_000_000)
                Issue.record("Weibull shape \(shape) accepted")
            } catch let error as ParameterError {
                #expect(error.parameter == "shape")
                #expect(error.given == "\(shape)")
                #expect(error.allowed?.contains("0.0117") == true)
            } catch { Issue.record("unexpected \(error)") }
        }
        // Just above the bound both moments are finite.
        let ok = try? Distribution.weibull(shape: 0.012, scale: 1)
        #expect(ok?.variance.isFinite == true)
    }

    @Test func gslErrorsAreCapturedNotAborted() {
        // gsl_sf_gamma(200) overflows: GSL's default handler would abort the test process.
        do {
            _ = try GSLError.capture(parameter: "shape", given: "0.005") { gsl_sf_gamma(200) }
            Issue.record("expected an error")
        } catch let error as ParameterError {
            #expect(error.parameter == "shape")
            #expect(error.problem.contains("overflow"))
        } catch { Issue.record("unexpected \(error)") }
        // A clean call after it reports nothing (the record was cleared).
        #expect((try? GSLError.capture(parameter: "x") { gsl_sf_gamma(5) }) == 24)
    }

    @Test func readTextFileRefusesDevicesDirectoriesAndLargeFiles() throws {
        for (path, phrase) in [("/dev/zero", "a device"), ("/tmp", "a directory"), ("/nonexistent/x.csv", "does not exist")] {
            do {
                _ = try readTextFile(path, limitBytes: 1 << 20)
                Issue.record("\(path) was read")
            } catch let error as ParameterError {
                #expect(error.problem.contains(phrase), "\(error)")
                #expect(error.given == path)
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-hostile-\(getpid()).csv").path
        try String(repeating: "1\n", count: 1_000).write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try readTextFile(file, limitBytes: 2_000).count == 2_000)
        do {
            _ = try readTextFile(file, limitBytes: 1_999)
            Issue.record("a file past the limit was read")
        } catch let error as ParameterError {
            #expect(error.problem.contains("too large"))
            #expect(error.allowed?.contains("1.95 KiB") == true)
        }
    }

    @Test func formattingExtremeValuesNeverTraps() {
        for value in [1e-300, -1e-300, 5e-324, 1e300, -1e300, Double.greatestFiniteMagnitude, 9.2e18, 1.8e19] {
            let text = formatSignificant(value, digits: 4)
            #expect(!text.isEmpty)
            #expect(Double(text).map { abs($0 - value) <= abs(value) * 1e-3 } == true, "\(value) -> \(text)")
        }
        #expect(formatFixed(1.5, decimals: 40).hasPrefix("1.5"))
    }
}
