import Foundation
import Yams

/// YAML text to a `ConfigNode` tree with file, line and column on every node (from Yams'
/// `Node.Mark`), mappings in written order.
///
///     let root = try YAMLConfig.parse("seed: 7\nmodel: {kind: queue}\n", file: "x.yaml")
///     root.child("seed")?.location.line      // 1
///
/// Scalars keep their text as written ("2ms", "0.4", "true"); typed accessors of `ConfigNode`
/// interpret them. `~`, `null` and an empty plain value become `.null`. Aliases are expanded.
/// A syntax error, a non-scalar key or a YAML tag other than `!!str`, `!!map`, `!!seq` is a
/// `ConfigError` at its line; a duplicate key one at the duplicate's line (YAMLConfig+Errors).
///
/// Bounds (hostile input): a config file is at most `fileSizeLimitBytes`, and the expanded tree
/// at most `nodeBudget` nodes, so a small file of nested aliases (a "billion laughs" bomb)
/// is an error at the alias that crosses the budget, not gigabytes of memory. libyaml bounds
/// the nesting depth (1000).
public enum YAMLConfig {
    /// The most nodes a config may expand to, aliases included (a curated config has a few hundred).
    public static let nodeBudget = 200_000
    /// The largest YAML file read (16 MiB).
    public static let fileSizeLimitBytes = 16 << 20

    /// Parses YAML text; `file` names it in locations and errors.
    public static func parse(_ text: String, file: String, path: String = "") throws -> ConfigNode {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw convert(error, file: file, text: text)
        }
        guard let composed else {
            return ConfigNode(value: .null, location: SourceLocation(file: file, line: 1, column: 1), path: path)
        }
        var budget = nodeBudget
        return try convert(composed, file: file, path: path, budget: &budget)
    }

    /// Reads and parses a YAML file; an unreadable file is a `ConfigError` naming it. The file
    /// `-` is standard input (read once; its locations name `<stdin>`).
    public static func load(file: String, from location: SourceLocation? = nil, path: String = "") throws -> ConfigNode {
        if file == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(location: location ?? SourceLocation(file: "<stdin>", line: 0, column: 0), path: path,
                                  problem: "is not UTF-8 text", allowed: "a UTF-8 YAML (or JSON) config on standard input", given: "\(data.count) bytes")
            }
            return try parse(text, file: "<stdin>", path: path)
        }
        let text: String
        do {
            text = try readTextFile(file, limitBytes: fileSizeLimitBytes)
        } catch let error as ParameterError {
            // A path that is no file at all gets its own words; a file too large or not text, the reader's.
            var info = stat()
            let missing = stat(file, &info) != 0 || info.st_mode & S_IFMT == S_IFDIR
            throw ConfigError(location: location ?? SourceLocation(file: file, line: 0, column: 0), path: path,
                              problem: missing ? "names \(unreadable(file))" : error.problem,
                              allowed: "a readable UTF-8 YAML file of at most 16 MiB", given: file)
        }
        return try parse(text, file: file, path: path)
    }

    /// Why `file` cannot be read, each case in its own words.
    static func unreadable(_ file: String) -> String {
        var info = stat(), link = stat()
        guard stat(file, &info) == 0 else {
            switch errno {
            case ELOOP: return "a symbolic link loop"
            case ENOTDIR: return "a path through a file (a parent of it is not a directory)"
            case EACCES: return "a file that cannot be read (permission denied)"
            case ENOENT where lstat(file, &link) == 0: return "a symbolic link to a file that does not exist"
            default: return "a file that does not exist"
            }
        }
        if info.st_mode & S_IFMT == S_IFDIR { return "a directory, not a file" }
        return "a file that cannot be read (permissions or not UTF-8)"
    }

    static func convert(_ node: Node, file: String, path: String, budget: inout Int) throws -> ConfigNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
            ?? SourceLocation(file: file, line: 0, column: 0)
        budget -= 1
        guard budget >= 0 else {
            throw ConfigError(location: location, path: path, problem: "expands the config past \(nodeBudget) values (YAML aliases or a very long list)",
                              allowed: "at most \(nodeBudget) values after expanding aliases (put long sample lists in a CSV file)",
                              given: "more")
        }
        try refuseTag(of: node, at: location, path: path)   // before anything resolves the tag
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any, node.null != nil {
                return ConfigNode(value: .null, location: location, path: path)
            }
            return ConfigNode(value: .scalar(scalar.string), location: location, path: path)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, file: file, path: "\(path)[\(index)]", budget: &budget))
            }
            return ConfigNode(value: .sequence(items), location: location, path: path)
        case .mapping(let mapping):
            var entries: [(key: String, value: ConfigNode)] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else {
                    let keyLocation = keyNode.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
                    throw ConfigError(location: keyLocation, path: path, problem: "has a key that is not a plain name",
                                      allowed: "a scalar key such as `latency`", given: "a \(keyNode.isMapping ? "mapping" : "list")")
                }
                let childPath = path.isEmpty ? key.string : path + "." + key.string
                var child = try convert(valueNode, file: file, path: childPath, budget: &budget)
                if let mark = keyNode.mark {
                    child.keyLocation = SourceLocation(file: file, line: mark.line, column: mark.column)
                    if case .null = child.value { child.location = child.keyLocation! }
                }
                entries.append((key: key.string, value: child))
            }
            return ConfigNode(value: .mapping(entries), location: location, path: path)
        case .alias(let alias):
            throw ConfigError(location: location, path: path, problem: "uses a YAML alias that could not be expanded",
                              allowed: "plain values", given: "*\(alias)")
        }
    }
}

extension Node {
    var isMapping: Bool { if case .mapping = self { return true } else { return false } }
}
