import CFileSystem
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces an output directory's whole set of files at once: a reader sees the old set or
/// the new one, never a mix, and a failed or interrupted commit leaves the old set as it was.
///
///     try OutputDirectory.replace("out/run", with: [("summary.csv", text), ("run.json", json)])
///
/// How: the new set is written into a hidden sibling, `.run.latsim-new-<pid>-<token>` (same
/// parent, so same file system), every file flushed; then the sibling and `out/run` are
/// exchanged in one system call (renameat2 RENAME_EXCHANGE; renamex_np RENAME_SWAP on macOS)
/// and the old set, now under the hidden name, is removed. A new directory is simply renamed
/// into place. Where the file system cannot exchange, the old set is first renamed aside
/// (`.run.latsim-old-<pid>-<token>`) and the new one renamed in; a run killed between the two
/// renames leaves no `out/run`, and the next write puts the old set back before anything else.
///
/// Invariants:
/// - the directory holds exactly one run's files afterwards (no `trace.csv` of an earlier run);
/// - a directory holding anything latsim did not write is refused, never emptied (`OutputPath`);
/// - SIGINT and SIGTERM during the commit are held back (`SignalDeferral`): before the exchange
///   they abandon the new set, after it they wait for the old one to be removed;
/// - hidden siblings of processes that no longer exist (a SIGKILL, a power cut) are removed by
///   the next write to the same directory.
public enum OutputDirectory {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The file names a latsim run writes into an output directory.
    public static let ownedNames: Set<String> = ["summary.csv", "aggregate.csv", "comparison.csv", "trace.csv", "series.csv", "run.json"]

    public static func replace(_ directory: String, with files: [(name: String, contents: String)]) throws {
        try replace(directory, with: files, fault: nil)
    }

    /// A failure injected at one step of a commit (tests): an IO error or a signal's arrival.
    enum Fault { case failBeforeFile(Int), failBeforeSwap, interruptBeforeFile(Int), interruptBeforeSwap }

    static func replace(_ directory: String, with files: [(name: String, contents: String)], fault: Fault?) throws {
        precondition(!files.isEmpty, "an output set has at least one file")
        for file in files { precondition(ownedNames.contains(file.name), "\(file.name) is not an output file name") }
        let target = try OutputPath.checked(directory)
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw WriteError(description: "\(parent): cannot create the parent of the output directory (\(error.localizedDescription))")
        }
        try recoverAndClean(parent: parent, name: name, target: target)
        let token = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try SignalDeferral.deferring { signalled in
            try commit(files, target: target, parent: parent, name: name, token: token, fault: fault) { step in
                switch (fault, step) {
                case (.interruptBeforeFile(let i)?, .file(let j)) where i == j: return true
                case (.interruptBeforeSwap?, .swap): return true
                default: return signalled()
                }
            }
        }
    }

    enum Step { case file(Int), swap }

    /// Writes the new set beside `target` and swaps it in; on any error or interruption before
    /// the swap, removes the new set and leaves `target` as it was.
    static func commit(_ files: [(name: String, contents: String)], target: String, parent: String, name: String, token: String,
                       fault: Fault?, interrupted: (Step) -> Bool) throws {
        let staging = parent + "/." + name + ".latsim-new-" + token
        guard mkdir(staging, 0o755) == 0 else {
            throw WriteError(description: "\(staging): cannot create a temporary directory beside the output (\(PosixFile.reason()))")
        }
        do {
            for (index, file) in files.enumerated() {
                if interrupted(.file(index)) { throw SignalDeferral.Interrupted() }
                if case .failBeforeFile(let i)? = fault, i == index {
                    throw WriteError(description: "\(staging)/\(file.name): cannot create (injected fault)")
                }
                do { try PosixFile.create(staging + "/" + file.name, contents: file.contents) } catch {
                    throw WriteError(description: "\(error)")
                }
            }
            PosixFile.syncDirectory(staging)
            if interrupted(.swap) { throw SignalDeferral.Interrupted() }
            if case .failBeforeSwap? = fault { throw WriteError(description: "\(target): cannot exchange (injected fault)") }
            try swap(staging: staging, target: target, parent: parent, name: name, token: token)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        PosixFile.syncDirectory(parent)
    }

    /// Puts `staging` at `target`; afterwards `staging` no longer exists.
    static func swap(staging: String, target: String, parent: String, name: String, token: String) throws {
        guard PosixFile.entry(target).entry == .directory else {
            guard rename(staging, target) == 0 else {
                throw WriteError(description: "\(target): cannot move the new output into place (\(PosixFile.reason()))")
            }
            return
        }
        if latsim_rename_exchange(staging, target) == 0 {
            // Past the point of no return: the new set is in place, the old one is at `staging`.
            try? FileManager.default.removeItem(atPath: staging)
            return
        }
        let code = errno
        guard code == EINVAL || code == ENOSYS || code == ENOTSUP || code == EXDEV else {
            throw WriteError(description: "\(target): cannot exchange the new output with the old (\(PosixFile.reason(code))); the old files are unchanged")
        }
        let aside = parent + "/." + name + ".latsim-old-" + token
        guard rename(target, aside) == 0 else {
            throw WriteError(description: "\(target): cannot move the old output aside (\(PosixFile.reason())); the old files are unchanged")
        }
        guard rename(staging, target) == 0 else {
            let reason = PosixFile.reason()
            _ = rename(aside, target)
            throw WriteError(description: "\(target): cannot move the new output into place (\(reason)); the old files are unchanged")
        }
        try? FileManager.default.removeItem(atPath: aside)
    }

    /// Removes the hidden siblings of `name` left by processes that no longer exist, after
    /// putting back an old set that an interrupted fallback swap left aside.
    static func recoverAndClean(parent: String, name: String, target: String) throws {
        let prefix = "." + name + ".latsim-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)   // new-<pid>-<token> or old-<pid>-<token>
            let parts = rest.split(separator: "-")
            guard parts.count == 3, parts[0] == "new" || parts[0] == "old", let pid = Int32(parts[1]), UInt64(parts[2]) != nil else { continue }
            if PosixFile.processExists(pid) { continue }   // still writing (this process included)
            let path = parent + "/" + entry
            if parts[0] == "old" && PosixFile.entry(target).entry == .missing {
                guard rename(path, target) == 0 else {
                    throw WriteError(description: "\(path): cannot restore the output an interrupted run left aside (\(PosixFile.reason()))")
                }
                continue
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
