#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the output writers need, with errors that name the path
/// and the system's reason (`strerror`).
///
///     try PosixFile.create("out/.x.tmp", contents: "a,b\n")   // O_EXCL, written whole, fsync'd
///
/// Invariant: `create` never follows or replaces an existing path (O_CREAT | O_EXCL | O_NOFOLLOW),
/// retries writes cut short by a signal (EINTR), and reports a short write as an error.
enum PosixFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Creates `path` with `contents`, flushed to the device before it returns.
    static func create(_ path: String, contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "\(path): cannot create (\(reason()))") }
        var ok = true, code: Int32 = 0
        var bytes = Array(contents.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    ok = false; code = errno; return
                }
                offset += written
            }
        }
        if ok && fsync(descriptor) != 0 { ok = false; code = errno }
        close(descriptor)
        guard ok else { throw Failure(description: "\(path): cannot write (\(reason(code)))") }
    }

    /// Flushes a directory's entries (a rename or a new file in it) to the device; best effort.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Whether a process with this id exists (kill(pid, 0) is not ESRCH).
    static func processExists(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno != ESRCH
    }

    /// What is at `path` without following a final symbolic link.
    enum Entry { case missing, directory, symbolicLink, other }

    static func entry(_ path: String) -> (entry: Entry, code: Int32) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return (.missing, errno) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return (.directory, 0)
        case S_IFLNK: return (.symbolicLink, 0)
        default: return (.other, 0)
        }
    }
}

