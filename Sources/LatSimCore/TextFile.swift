#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole UTF-8 text file of at most `limitBytes`; throws a `ParameterError` whose
/// problem reads "names a file that ..." and whose `given` is the path (callers prefix the key).
///
///     let text = try readTextFile("experiments/quickstart.yaml", limitBytes: 16 << 20)
///
/// Every file latsim reads goes through here, so none is read forever or whole into memory
/// whatever it is: only a regular file is accepted (a device such as /dev/zero, a FIFO or a
/// directory is refused before reading), and reading stops with an error one byte past the
/// limit (a file that grows while read cannot get past it either).
public func readTextFile(_ path: String, limitBytes: Int) throws -> String {
    String(decoding: try readFileBytes(path, limitBytes: limitBytes), as: UTF8.self)
}

/// The bytes of a regular file of at most `limitBytes`, with the checks and errors of `readTextFile`.
public func readFileBytes(_ path: String, limitBytes: Int) throws -> [UInt8] {
    precondition(limitBytes > 0, "readFileBytes limit must be positive")
    func fail(_ problem: String, _ allowed: String = "a readable regular file") -> ParameterError {
        ParameterError(parameter: "", problem: "names a file that " + problem, allowed: allowed, given: path)
    }
    // Open without blocking (a FIFO with no writer would block in open), then check what it is.
    let descriptor = open(path, O_RDONLY | O_NONBLOCK)
    guard descriptor >= 0 else {
        throw fail(errno == ENOENT ? "does not exist" : "cannot be read (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw fail("cannot be read (\(String(cString: strerror(errno))))") }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
        let what: String
        switch status.st_mode & S_IFMT {
        case S_IFDIR: what = "a directory"
        case S_IFCHR, S_IFBLK: what = "a device"
        case S_IFIFO: what = "a pipe"
        case S_IFSOCK: what = "a socket"
        default: what = "not a regular file"
        }
        throw fail("is \(what), not a regular file")
    }
    let limitText = formatByteSize(limitBytes)
    guard status.st_size <= limitBytes else {
        throw fail("is too large (\(formatByteSize(Int(status.st_size))))", "a file of at most \(limitText)")
    }
    // Back to blocking reads for a regular file (O_NONBLOCK has no effect on them anyway).
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(status.st_size))
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw fail("could not be read to the end (\(String(cString: strerror(errno))))")
        }
        if n == 0 { break }
        guard bytes.count + n <= limitBytes else { throw fail("is too large (grew past \(limitText) while read)", "a file of at most \(limitText)") }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return bytes
}

/// "16 MiB", "512 KiB", "100 B": a byte count in binary units (integer when exact, else 1 decimal).
public func formatByteSize(_ bytes: Int) -> String {
    let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1_024)]
    for (name, size) in units where Double(bytes) >= size {
        return formatSignificant(Double(bytes) / size, digits: 3) + " " + name
    }
    return "\(bytes) B"
}
