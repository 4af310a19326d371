import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files one by one into a directory other writers share (shard files, a claims
/// report, golden fingerprints): each file appears whole or not at all.
///
///     try AtomicFiles.write([("shard-00003-of-00010.results.json", text)], into: "shards/")
///
/// Each file is written to a hidden temporary in the directory (`.<name>.tmp-<pid>-<token>`),
/// flushed, then renamed over its name (a rename within a directory is atomic on POSIX file
/// systems). On an error, or SIGINT/SIGTERM before a rename (`SignalDeferral`), every
/// temporary and every file this call already renamed is removed; files it did not name are
/// never touched. For a whole output set use `OutputDirectory.replace`.
public enum AtomicFiles {
    public static func write(_ files: [(name: String, contents: String)], into directory: String) throws {
        var isDirectory: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        if existed && !isDirectory.boolValue {
            throw OutputDirectory.WriteError(description: "\(directory): exists and is not a directory; allowed: a directory")
        }
        if !existed {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw OutputDirectory.WriteError(description: "\(directory): cannot create the directory (\(error.localizedDescription))")
            }
        }
        let token = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        var temporaries: [String] = [], placed: [String] = []
        try SignalDeferral.deferring { interrupted in
            do {
                for file in files {
                    if interrupted() { throw SignalDeferral.Interrupted() }
                    let temporary = directory + "/." + file.name + ".tmp-" + token
                    temporaries.append(temporary)
                    do { try PosixFile.create(temporary, contents: file.contents) } catch {
                        throw OutputDirectory.WriteError(description: "\(error)")
                    }
                }
                for (file, temporary) in zip(files, temporaries) {
                    if interrupted() { throw SignalDeferral.Interrupted() }
                    let target = directory + "/" + file.name
                    guard rename(temporary, target) == 0 else {
                        throw OutputDirectory.WriteError(description: "\(target): cannot move into place (\(PosixFile.reason()))")
                    }
                    placed.append(target)
                }
                PosixFile.syncDirectory(directory)
            } catch {
                for path in temporaries + placed { unlink(path) }
                if !existed { try? FileManager.default.removeItem(atPath: directory) }
                throw error
            }
        }
    }
}
