import Foundation
import Testing

/// Compares `text` with Tests/LatSimCLITests/Golden/<name>; with LATSIM_UPDATE_GOLDEN=1 in the
/// environment, rewrites the golden file instead (review the diff before committing).
func expectGolden(_ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/" + name).path
    if ProcessInfo.processInfo.environment["LATSIM_UPDATE_GOLDEN"] == "1" {
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    guard let golden = try? String(contentsOfFile: path, encoding: .utf8) else {
        Issue.record("missing golden file \(path); run with LATSIM_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
        return
    }
    #expect(text == golden, "differs from Golden/\(name)", sourceLocation: sourceLocation)
}

/// The repository root (for experiments/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary directory.
struct TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "latsim-cli-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try! text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    func read(_ name: String) -> String? { try? String(contentsOfFile: path + "/" + name, encoding: .utf8) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

let smallConfig = """
    seed: 3
    replications: 3
    horizon: 100ms
    model:
      kind: queue
      actors: [{name: exchange, role: server}, {name: bot, role: client}]
      arrival: {type: exponential, mean: 2ms}
      service: {type: exponential, mean: 1ms}

    """
