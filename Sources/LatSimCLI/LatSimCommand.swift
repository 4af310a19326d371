import ArgumentParser

/// The `latsim` command: argument parsing and printing only; the work is in the library layers.
public struct LatSimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "latsim",
        abstract: "Simulate message-passing latency among exchanges, bots and settlement layers.",
        discussion: "A deterministic discrete-event simulator: same config and seed, byte-identical output.",
        version: LatSimVersion.string,
        subcommands: [BenchCommand.self]
    )

    public init() {}
}

/// The version recorded in every output.
public enum LatSimVersion {
    public static let string = "0.1.0"
}
