import Foundation
import LatSimExperiments

/// A fresh temporary directory per test, removed by the caller with `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "latsim-experiments-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The error a plan throws for `config` (written as `name`), or nil if it is valid.
func planError(_ config: String, name: String = "config.yaml", overrides: [String] = [],
               extraFiles: [(String, String)] = []) -> ConfigError? {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    for (file, text) in extraFiles { directory.write(file, text) }
    let file = directory.write(name, config)
    do {
        _ = try ExperimentPlan(file: file, overrides: overrides)
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        return ConfigError(location: .unknown, path: "", problem: "unexpected error type: \(error)")
    }
}

/// A minimal valid queue config; `model` lines are appended under `model:`.
func queueConfig(top: String = "", model: String = "", service: String = "{type: exponential, mean: 1ms}") -> String {
    """
    horizon: 1s
    replications: 2
    \(top)
    model:
      kind: queue
      actors:
        - {name: exchange, role: server}
        - {name: bot, role: client}
      arrival: {type: exponential, mean: 2ms}
      service: \(service)
    \(model.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

    """
}
