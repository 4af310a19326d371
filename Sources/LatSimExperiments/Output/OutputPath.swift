import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks an output directory path (`--out`) before anything runs, and resolves it.
///
///     let target = try OutputPath.checked("out/run")   // "/work/repo/out/run", symbolic links resolved
///
/// Refused, each with its own message: an empty path; a path through a symbolic link loop or
/// a dangling link; a path under a file (`notes.txt/out`); a file; `/`, a top-level directory,
/// the home directory or a path under a system directory (`/usr`, `/etc`, `/proc`, ...); and a
/// directory holding anything latsim did not write (it is replaced whole, so it must hold
/// nothing else: pick a new or empty directory).
///
/// Invariant: the returned path is absolute, has no `.`, `..` or symbolic link component, and
/// is a directory of latsim's files or does not exist yet.
public enum OutputPath {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Roots under which no output directory is accepted.
    public static let systemRoots = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run",
                                     "/sbin", "/snap", "/sys", "/usr", "/var/lib", "/var/log", "/var/run", "/var/cache",
                                     "/var/spool", "/System", "/Library", "/Applications", "/private/etc", "/private/var/db"]

    public static func checked(_ given: String) throws -> String {
        func refuse(_ problem: String) -> Refused { Refused(description: "--out \(given): \(problem)") }
        guard !given.isEmpty else { throw refuse("is empty; allowed: a directory path") }
        let absolute = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
        let components = absolute.split(separator: "/").map(String.init)
        // The deepest existing ancestor, each step a directory.
        var existing = "/", index = 0
        while index < components.count {
            let next = (existing == "/" ? "" : existing) + "/" + components[index]
            var info = stat()
            if stat(next, &info) != 0 {
                let code = errno
                var link = stat()
                if code == ELOOP { throw refuse("\(next) is a symbolic link loop") }
                if code == ENOENT && lstat(next, &link) == 0 { throw refuse("\(next) is a symbolic link to a path that does not exist") }
                if code != ENOENT { throw refuse("\(next) cannot be inspected (\(PosixFile.reason(code)))") }
                break
            }
            if info.st_mode & S_IFMT != S_IFDIR {
                if index == components.count - 1 { throw refuse("exists and is a file; allowed: a directory (new, empty, or an earlier latsim output)") }
                throw refuse("\(next) is a file, so no directory can be made under it; allowed: a path whose parents are directories")
            }
            existing = next
            index += 1
        }
        guard let real = realpath(existing, nil) else { throw refuse("\(existing) cannot be resolved (\(PosixFile.reason()))") }
        var resolved = String(cString: real)
        free(real)
        for component in components[index...] where component != "." {
            if component == ".." { resolved = (resolved as NSString).deletingLastPathComponent } else {
                resolved = (resolved == "/" ? "" : resolved) + "/" + component
            }
        }
        try refuseSystem(resolved, refuse)
        if index == components.count { try refuseForeignContents(resolved, refuse) }
        return resolved
    }

    static func refuseSystem(_ path: String, _ refuse: (String) -> Refused) throws {
        let depth = path.split(separator: "/").count
        if depth == 0 { throw refuse("is the root directory; allowed: a directory of its own, e.g. out/run") }
        if depth == 1 { throw refuse("is a top-level directory (\(path)); allowed: a directory of its own, e.g. out/run") }
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty,
           let real = realpath(home, nil) {
            defer { free(real) }
            if String(cString: real) == path { throw refuse("is the home directory; allowed: a directory of its own, e.g. out/run") }
        }
        for root in systemRoots where path == root || path.hasPrefix(root + "/") {
            throw refuse("is under the system directory \(root); allowed: a directory of its own, e.g. out/run")
        }
    }

    static func refuseForeignContents(_ path: String, _ refuse: (String) -> Refused) throws {
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw refuse("cannot be listed (\(error.localizedDescription))")
        }
        let foreign = entries.filter { !OutputDirectory.ownedNames.contains($0) }.sorted()
        guard !foreign.isEmpty else { return }
        let shown = foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", ... (\(foreign.count) in all)" : "")
        throw refuse("holds files latsim did not write (\(shown)); the output directory is replaced whole, so allowed: a new or empty directory, or one an earlier latsim run wrote (only \(OutputDirectory.ownedNames.sorted().joined(separator: ", "))); nothing was changed")
    }
}
