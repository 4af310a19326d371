import ArgumentParser
import Foundation
import LatSimCore
import LatSimExperiments

/// The `latsim` command: argument parsing and printing only; the work is in the library layers.
public struct LatSimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "latsim",
        abstract: "Simulate message-passing latency among exchanges, bots and settlement layers.",
        discussion: "A deterministic discrete-event simulator: same config and seed, byte-identical output.",
        version: LatSimVersion.string,
        subcommands: [RunCommand.self, SweepCommand.self, ValidateCommand.self, ListCommand.self, BenchCommand.self, CheckCommand.self,
                      MergeCommand.self]
    )

    public init() {}

    /// Process-wide setup before anything runs: latsim's GSL error handler replaces GSL's
    /// aborting default, so a GSL failure is a typed error naming its parameter.
    public static func installProcessHandlers() {
        GSLError.install()
    }

    /// The arguments of the running invocation (recorded in run.json).
    @TaskLocal static var arguments: [String] = []

    /// Parses and runs `arguments` (without the program name), prints errors on stderr, and
    /// returns the exit code: 0 ok, 1 run-time failure, 2 bad input (config or arguments).
    public static func runMain(_ arguments: [String]) -> Int32 {
        $arguments.withValue(arguments) {
            do {
                var command = try parseAsRoot(arguments)
                try command.run()
                return 0
            } catch let failure as CLIFailure {
                standardError(failure.message)
                return failure.code
            } catch let error as ConfigError {
                standardError("error: \(error)")
                return CLIFailure.badInput
            } catch {
                let code = exitCode(for: error)
                if code == .success {
                    print(fullMessage(for: error))
                    return 0
                }
                standardError(fullMessage(for: error))
                return code == .validationFailure ? CLIFailure.badInput : code.rawValue
            }
        }
    }
}

/// The version recorded in every output.
public enum LatSimVersion {
    public static let string = "0.1.0"
}

/// A failure with its exit code and the message for stderr.
struct CLIFailure: Error {
    static let runtime: Int32 = 1
    static let badInput: Int32 = 2
    var code: Int32
    var message: String
}

/// Writes a line to stderr.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
