import Yams

/// What YAML text can get wrong, as `ConfigError`s at the line a user has to edit.
///
///     seed: 1
///     seed: 2          # error at line 2 (the duplicate), not line 1 or the mapping's start
///     workers: !!int 4 # error: a YAML tag (latsim reads every value from its text)
///
/// Yams reports a duplicate key at its first occurrence; the duplicate is found from there: the
/// next line of the same block mapping (same indentation) that starts with the key, or, in a
/// flow mapping, the key's next occurrence after a `{`, `,` or space. Tags: `!!str`, `!!map` and
/// `!!seq` say what latsim does anyway and are accepted; any other (`!!int`, `!!float`,
/// `!custom`, ...) is refused rather than silently ignored.
extension YAMLConfig {
    static func convert(_ error: YamlError, file: String, text: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(location: SourceLocation(file: file, line: mark.line, column: mark.column), path: "",
                               problem: "is not valid YAML: \(problem)", allowed: "YAML 1.1 mappings, lists and scalars")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            let at = duplicateLocation(of: key, firstLine: context.mark.line, firstColumn: context.mark.column, in: text)
            return ConfigError(location: SourceLocation(file: file, line: at.line, column: at.column),
                               path: key, problem: "is given a second time in one mapping (first at line \(context.mark.line))",
                               allowed: "each key once", given: duplicates.joined(separator: ", "))
        default:
            return ConfigError(location: SourceLocation(file: file, line: 0, column: 0), path: "",
                               problem: "is not valid YAML: \(error)", allowed: "UTF-8 YAML text")
        }
    }

    /// The line and column (1-based) of the second occurrence of `key` in the mapping whose first
    /// occurrence is at (firstLine, firstColumn); the first occurrence if it cannot be found.
    static func duplicateLocation(of key: String, firstLine: Int, firstColumn: Int, in text: String) -> (line: Int, column: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let spellings = [key, "\"" + key + "\"", "'" + key + "'"]
        func startsWithKey(_ rest: Substring) -> Bool {
            spellings.contains { spelling in
                guard rest.hasPrefix(spelling) else { return false }
                return rest.dropFirst(spelling.count).drop { $0 == " " }.first == ":"
            }
        }
        // Block mapping: the same indentation on a later line, until the mapping ends.
        let indentation = firstColumn - 1
        var index = firstLine   // 0-based index of the line after the first occurrence
        while index < lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " }
            let depth = line.count - content.count
            if !content.isEmpty && !content.hasPrefix("#") {
                if depth < indentation { break }
                if depth == indentation && startsWithKey(content) { return (index + 1, depth + 1) }
            }
            index += 1
        }
        // Flow mapping: the next occurrence after the first, preceded by `{`, `,` or a space.
        for lineIndex in max(0, firstLine - 1)..<lines.count {
            let characters = Array(lines[lineIndex])
            let start = lineIndex == firstLine - 1 ? firstColumn : 0
            var column = start
            while column < characters.count {
                if column > 0, "{, ".contains(characters[column - 1]),
                   startsWithKey(Substring(String(characters[column...]))) {
                    return (lineIndex + 1, column + 1)
                }
                column += 1
            }
        }
        return (firstLine, firstColumn)
    }

    static let acceptedTags: [String: String] = ["scalar": "tag:yaml.org,2002:str", "mapping": "tag:yaml.org,2002:map",
                                                  "sequence": "tag:yaml.org,2002:seq"]

    /// Refuses a node's explicit YAML tag unless it is the standard one of its kind (read before
    /// anything resolves the node's implicit tag).
    static func refuseTag(of node: Node, at location: SourceLocation, path: String) throws {
        let name: String, kind: String
        switch node {
        case .scalar(let scalar): name = scalar.tag.description; kind = "scalar"
        case .mapping(let mapping): name = mapping.tag.description; kind = "mapping"
        case .sequence(let sequence): name = sequence.tag.description; kind = "sequence"
        case .alias: return
        }
        guard !name.isEmpty, name != "!", name != acceptedTags[kind] else { return }
        let shown = name.hasPrefix("tag:yaml.org,2002:") ? "!!" + name.dropFirst("tag:yaml.org,2002:".count) : name
        throw ConfigError(location: location, path: path, problem: "has the YAML tag \(shown), which latsim does not interpret",
                          allowed: "plain values, read from their text (write 4, not !!int 4); !!str, !!map and !!seq are accepted",
                          given: String(shown))
    }
}
