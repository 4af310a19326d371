import Foundation

/// Writes a set of files into a directory whole or not at all.
///
///     try OutputDirectory.write([("summary.csv", text), ("run.json", json)], to: "out/")
///
/// Each file is first written to a hidden temporary name in the directory, then all are
/// renamed into place (a rename within a directory is atomic on POSIX file systems). On any
/// error every temporary and every already-renamed file is removed, and the directory too if
/// this call created it; the error names the file and the cause.
public enum OutputDirectory {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ files: [(name: String, contents: String)], to directory: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let existed = manager.fileExists(atPath: directory, isDirectory: &isDirectory)
        if existed && !isDirectory.boolValue {
            throw WriteError(description: "\(directory): exists and is not a directory; allowed: a directory path for --out")
        }
        if !existed {
            do { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw WriteError(description: "\(directory): cannot create the output directory (\(error.localizedDescription))")
            }
        }
        let base = URL(fileURLWithPath: directory)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        var temporaries: [URL] = []
        var placed: [URL] = []
        func cleanUp() {
            for url in temporaries + placed { try? manager.removeItem(at: url) }
            if !existed { try? manager.removeItem(atPath: directory) }
        }
        do {
            for file in files {
                let temporary = base.appendingPathComponent(".\(file.name).tmp-\(token)")
                temporaries.append(temporary)
                do { try Data(file.contents.utf8).write(to: temporary) } catch {
                    throw WriteError(description: "\(temporary.path): cannot write (\(error.localizedDescription))")
                }
            }
            for (file, temporary) in zip(files, temporaries) {
                let target = base.appendingPathComponent(file.name)
                if rename(temporary.path, target.path) != 0 {
                    throw WriteError(description: "\(target.path): cannot move into place (errno \(errno))")
                }
                placed.append(target)
            }
        } catch {
            cleanUp()
            throw error
        }
    }
}
