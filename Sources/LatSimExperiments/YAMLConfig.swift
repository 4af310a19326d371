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
/// A syntax error, a duplicate key or a non-scalar key is a `ConfigError` at its line.
public enum YAMLConfig {
    /// Parses YAML text; `file` names it in locations and errors.
    public static func parse(_ text: String, file: String, path: String = "") throws -> ConfigNode {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw convert(error, file: file)
        }
        guard let composed else {
            return ConfigNode(value: .null, location: SourceLocation(file: file, line: 1, column: 1), path: path)
        }
        return try convert(composed, file: file, path: path)
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
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read (permissions or not UTF-8)" : "does not exist"
            throw ConfigError(location: location ?? SourceLocation(file: file, line: 0, column: 0), path: path,
                              problem: "names a file that \(reason)", allowed: "a readable UTF-8 YAML file", given: file)
        }
        return try parse(text, file: file, path: path)
    }

    static func convert(_ node: Node, file: String, path: String) throws -> ConfigNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
            ?? SourceLocation(file: file, line: 0, column: 0)
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any, node.null != nil {
                return ConfigNode(value: .null, location: location, path: path)
            }
            return ConfigNode(value: .scalar(scalar.string), location: location, path: path)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, file: file, path: "\(path)[\(index)]"))
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
                var child = try convert(valueNode, file: file, path: childPath)
                if case .null = child.value, let mark = keyNode.mark {
                    child.location = SourceLocation(file: file, line: mark.line, column: mark.column)
                }
                entries.append((key: key.string, value: child))
            }
            return ConfigNode(value: .mapping(entries), location: location, path: path)
        case .alias(let alias):
            throw ConfigError(location: location, path: path, problem: "uses a YAML alias that could not be expanded",
                              allowed: "plain values", given: "*\(alias)")
        }
    }

    static func convert(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(location: SourceLocation(file: file, line: mark.line, column: mark.column), path: "",
                               problem: "is not valid YAML: \(problem)", allowed: "YAML 1.1 mappings, lists and scalars")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(location: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                               path: duplicates.joined(separator: ", "), problem: "is given twice in one mapping",
                               allowed: "each key once", given: duplicates.joined(separator: ", "))
        default:
            return ConfigError(location: SourceLocation(file: file, line: 0, column: 0), path: "",
                               problem: "is not valid YAML: \(error)", allowed: "UTF-8 YAML text")
        }
    }
}

extension Node {
    var isMapping: Bool { if case .mapping = self { return true } else { return false } }
}
