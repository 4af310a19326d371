import Foundation
import Testing
@testable import LatSimExperiments

/// `OutputDirectory.replace`: the old set or the new one, never a mix, never a loss.
@Suite struct OutputDirectoryTests {
    static let setA: [(name: String, contents: String)] = [("summary.csv", "a1\n"), ("aggregate.csv", "a2\n"), ("trace.csv", "a3\n"),
                                                           ("run.json", "{\"a\": 1}\n")]
    static let setB: [(name: String, contents: String)] = [("summary.csv", "b1\n"), ("aggregate.csv", "b2\n"), ("run.json", "{\"b\": 1}\n")]
    /// A process id no process has (above Linux's and macOS's pid_max).
    static let deadPid = Int32.max

    /// The directory's files and their contents, sorted by name.
    static func contents(_ path: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            found[name] = try String(contentsOfFile: path + "/" + name, encoding: .utf8)
        }
        return found
    }

    static func expected(_ set: [(name: String, contents: String)]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: set.map { ($0.name, $0.contents) })
    }

    /// Entries of the parent beside `out`: only `out` itself (no temporaries left).
    static func siblings(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "c.yaml" }.sorted()
    }

    @Test func replacesTheWholeSetSoNoFileOfAnEarlierRunRemains() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.path + "/out"
        try OutputDirectory.replace(out, with: Self.setA)
        #expect(try Self.contents(out) == Self.expected(Self.setA))
        try OutputDirectory.replace(out, with: Self.setB)
        #expect(try Self.contents(out) == Self.expected(Self.setB), "no trace.csv of the earlier run")
        #expect(try Self.siblings(directory) == ["out"])
    }

    @Test(arguments: [OutputDirectory.Fault.failBeforeFile(0), .failBeforeFile(2), .failBeforeSwap,
                      .interruptBeforeFile(1), .interruptBeforeSwap])
    func aFailedOrInterruptedCommitKeepsTheOldSet(fault: OutputDirectory.Fault) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.path + "/out"
        try OutputDirectory.replace(out, with: Self.setA)
        #expect(throws: (any Error).self) { try OutputDirectory.replace(out, with: Self.setB, fault: fault) }
        #expect(try Self.contents(out) == Self.expected(Self.setA))
        #expect(try Self.siblings(directory) == ["out"], "the new set's temporary directory is removed")
        // A first write that fails leaves no directory at all.
        let fresh = directory.path + "/fresh"
        #expect(throws: (any Error).self) { try OutputDirectory.replace(fresh, with: Self.setB, fault: fault) }
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test func temporariesOfAKilledRunAreRemovedAndAnOldSetLeftAsideIsRestored() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.path + "/out"
        // A run killed while writing its new set, and one killed between the fallback's two
        // renames: the old set aside, no `out`.
        directory.write(".out.latsim-new-\(Self.deadPid)-17/summary.csv", "partial")
        for file in Self.setA { directory.write(".out.latsim-old-\(Self.deadPid)-18/" + file.name, file.contents) }
        // A temporary of a live process (this one) and an unrelated hidden file are left alone.
        let live = ".out.latsim-new-\(getpid())-19"
        directory.write(live + "/summary.csv", "in progress")
        directory.write(".out.notes", "mine")
        #expect(throws: (any Error).self) { try OutputDirectory.replace(out, with: Self.setB, fault: .failBeforeSwap) }
        #expect(try Self.contents(out) == Self.expected(Self.setA), "the old set is back in place")
        #expect(try Self.siblings(directory) == [".out.latsim-new-\(getpid())-19", ".out.notes", "out"])
        try OutputDirectory.replace(out, with: Self.setB)
        #expect(try Self.contents(out) == Self.expected(Self.setB))
    }

    @Test func aSymbolicLinkToTheDirectoryStaysALink() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let real = directory.path + "/real", link = directory.path + "/link"
        try OutputDirectory.replace(real, with: Self.setA)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try OutputDirectory.replace(link, with: Self.setB)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try Self.contents(real) == Self.expected(Self.setB))
    }

    /// Each unusable `--out` is refused with its own message, and nothing is changed.
    @Test func unusableDirectoriesAreRefusedEachWithItsOwnMessage() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("notes.txt", "keep me")
        directory.write("mine/notes.txt", "keep me too")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/loop-a", withDestinationPath: directory.path + "/loop-b")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/loop-b", withDestinationPath: directory.path + "/loop-a")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/dangling", withDestinationPath: directory.path + "/nowhere")
        let cases: [(path: String, message: String)] = [
            ("", "is empty"),
            ("/", "is the root directory"),
            ("/tmp", "is a top-level directory"),
            ("/usr/local/out", "is under the system directory /usr"),
            ("/etc/latsim", "is under the system directory /etc"),
            ("/proc/self/out", "is under the system directory /proc"),
            (file, "exists and is a file"),
            (file + "/out", "is a file, so no directory can be made under it"),
            (directory.path + "/mine", "holds files latsim did not write (notes.txt)"),
            (directory.path + "/loop-a/out", "is a symbolic link loop"),
            (directory.path + "/dangling", "is a symbolic link to a path that does not exist"),
        ]
        for (path, message) in cases {
            do {
                try OutputDirectory.replace(path, with: Self.setB)
                Issue.record("\(path) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(path): \(error)")
            }
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
        #expect(try Self.contents(directory.path + "/mine") == ["notes.txt": "keep me too"])
    }
}
