import Foundation
import Testing

/// Regenerates the notebooks from scratch and compares their Markdown exports with the
/// committed ones (`scripts/notebooks.sh --check`). Slow (a venv, a release build, the
/// Python package, the notebooks' experiments), so it runs only when LATSIM_NOTEBOOKS=1:
///
///     LATSIM_NOTEBOOKS=1 swift test --filter NotebooksTests
@Suite struct NotebooksTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LATSIM_NOTEBOOKS"] == "1"))
    func notebooksRegenerateAndMatchTheCommittedExports() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", claimsRepositoryRoot + "/scripts/notebooks.sh", "--check"]
        process.currentDirectoryURL = URL(fileURLWithPath: claimsRepositoryRoot)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "scripts/notebooks.sh --check failed:\n\(text)")
    }
}
