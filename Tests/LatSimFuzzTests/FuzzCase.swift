#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One fuzz input and how `latsim` must treat it: `validate` then a short `run` for a config,
/// `check` for a claims file; each step under the harness's time and memory bounds. A case
/// passes when every step ends in success or in a clear error (exit 1 or 2, a message on
/// stderr that starts with "error:" and names a file); a signal, another exit code or the
/// time bound is a failure.
struct FuzzCase {
    enum Place: String { case experiments, claims }

    var name: String
    var text: String
    var place: Place
    var description: String
    /// The exit code a regression case must end with (nil: any of 0, 1, 2).
    var expectedExit: Int32?

    struct Bounds {
        /// CPU seconds (wall-clock: four times this); see `FuzzProcess.run`.
        var timeoutSeconds: Double = 60
        var addressSpaceBytes = 3 << 30
        /// Passed as --memory-limit: below the address-space bound, so refusals come first.
        var memoryLimit = "1GiB"
    }

    struct Result {
        var name: String
        var description: String
        var failure: String?
        var exitCodes: [Int32]
        var seconds: Double
        var peakResidentBytes: Int
        var errorHasLine: Bool
    }

    /// Writes the case under `work` (a copy of experiments/), runs it and classifies the outcome.
    func run(binary: String, work: String, bounds: Bounds) -> Result {
        let directory = place == .claims ? work + "/experiments/claims" : work + "/experiments"
        let file = directory + "/\(name).yaml"
        writeFile(file, text)
        defer { unlink(file) }
        let steps: [[String]]
        switch place {
        case .experiments:
            steps = [["validate", file, "--memory-limit", bounds.memoryLimit],
                     ["run", file, "--replications", "2", "--set", "horizon=50ms", "--set", "warm_up=0s", "--set", "max_events=200000",
                      "--jobs", "1", "--quiet", "--memory-limit", bounds.memoryLimit]]
        case .claims:
            steps = [["check", file, "--jobs", "1", "--root", work, "--memory-limit", bounds.memoryLimit]]
        }
        var result = Result(name: name, description: description, failure: nil, exitCodes: [], seconds: 0, peakResidentBytes: 0,
                            errorHasLine: false)
        for arguments in steps {
            let outcome = FuzzProcess.run(binary, arguments, directory: work, timeoutSeconds: bounds.timeoutSeconds,
                                          addressSpaceBytes: bounds.addressSpaceBytes)
            result.seconds += outcome.seconds
            result.peakResidentBytes = max(result.peakResidentBytes, outcome.peakResidentBytes)
            let command = "latsim " + arguments.joined(separator: " ")
            let tail = String(outcome.standardError.suffix(600))
            if outcome.timedOut {
                result.failure = "hang: \(command) used more than \(Int(bounds.timeoutSeconds)) s of CPU (or \(Int(4 * bounds.timeoutSeconds)) s of wall-clock time)"
                return result
            }
            if let signal = outcome.signal {
                result.failure = "crash: \(command) killed by signal \(signal)\n\(tail)"
                return result
            }
            let code = outcome.exitCode ?? -1
            result.exitCodes.append(code)
            guard [0, 1, 2].contains(code) else {
                result.failure = "crash: \(command) exited \(code)\n\(tail)"
                return result
            }
            if code != 0 {
                let firstLine = outcome.standardError.split(separator: "\n").first.map(String.init) ?? ""
                let namesFile = firstLine.contains(".yaml") || firstLine.contains(".csv") || firstLine.contains("--")
                    || firstLine.contains("/dev/") || firstLine.contains("/tmp")
                let isError = firstLine.hasPrefix("error: ") || (place == .claims && code == 1)
                if !isError || !(namesFile || place == .claims) {
                    result.failure = "unclear error: \(command) exited \(code) with: \(firstLine.prefix(300))"
                    return result
                }
                result.errorHasLine = FuzzCase.hasLineNumber(firstLine)
                if let expectedExit, code != expectedExit {
                    result.failure = "expected exit \(expectedExit), got \(code): \(firstLine.prefix(300))"
                }
                return result // a clear error ends the case
            }
        }
        if let expectedExit, result.exitCodes.last != expectedExit {
            result.failure = "expected exit \(expectedExit), got \(result.exitCodes.last.map(String.init) ?? "none")"
        }
        return result
    }

    /// Whether an error line holds "file:LINE:" with LINE > 0.
    static func hasLineNumber(_ line: String) -> Bool {
        let parts = line.split(separator: ":")
        return parts.dropFirst().contains { part in Int(part).map { $0 > 0 } ?? false }
    }
}

extension FuzzCase {
    /// A regression file: a header of `# fuzz-...:` lines, then the input.
    ///
    ///     # fuzz-regression: a Weibull with shape 0.001 aborted in GSL's gamma function during validate
    ///     # fuzz-place: experiments
    ///     # fuzz-expect: 2
    init?(regressionText text: String, name: String) {
        var place = Place.experiments
        var expected: Int32?
        var what = ""
        for line in text.split(separator: "\n") where line.hasPrefix("# fuzz-") {
            let field = line.dropFirst(2).split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters() }
            guard field.count == 2 else { continue }
            switch field[0] {
            case "fuzz-place": guard let p = Place(rawValue: field[1]) else { return nil }; place = p
            case "fuzz-expect": expected = Int32(field[1])
            case "fuzz-regression": what = field[1]
            default: return nil
            }
        }
        guard !what.isEmpty else { return nil }
        self.init(name: name, text: text, place: place, description: what, expectedExit: expected)
    }
}

func writeFile(_ path: String, _ text: String) {
    guard let file = fopen(path, "wb") else { preconditionFailure("cannot write \(path)") }
    _ = Array(text.utf8).withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
