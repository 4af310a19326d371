import Yams

/// A YAML document as a plain tree the mutator can edit, and its block-style YAML text.
///
///     let tree = try FuzzTree(yaml: "seed: 7\nmodel: {kind: queue}\n")
///     tree.yaml      // "seed: 7\nmodel:\n  kind: queue\n"
///
/// Mappings keep their written order (and may hold duplicate keys after a mutation, on purpose);
/// aliases are expanded when read. Block style keeps one value per line, so the errors the
/// fuzzed configs provoke still name a useful line.
enum FuzzTree {
    /// One entry of a mapping.
    struct Entry {
        var key: String
        var value: FuzzTree
    }

    case scalar(String)
    case list([FuzzTree])
    case map([Entry])
    case null

    init(yaml text: String) throws {
        guard let node = try Yams.compose(yaml: text) else { self = .null; return }
        self = FuzzTree(node)
    }

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar):
            self = (scalar.style == .plain && node.null != nil) ? .null : .scalar(scalar.string)
        case .sequence(let sequence):
            self = .list(sequence.map { FuzzTree($0) })
        case .mapping(let mapping):
            self = .map(mapping.map { pair in Entry(key: pair.key.string ?? "?", value: FuzzTree(pair.value)) })
        case .alias:
            self = .null
        }
    }

    // MARK: YAML text

    var yaml: String {
        var out = ""
        emit(into: &out, indent: 0, inList: false)
        return out
    }

    private func emit(into out: inout String, indent: Int, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .scalar, .null:
            out += FuzzTree.quote(self) + "\n"
        case .list(let items):
            if items.isEmpty { out += "[]\n"; return }
            if !inList { out += "\n" }
            for (offset, item) in items.enumerated() {
                out += (offset == 0 && inList ? "" : pad) + "- "
                item.emitInline(into: &out, indent: indent + 2)
            }
        case .map(let entries):
            if entries.isEmpty { out += "{}\n"; return }
            if !inList { out += indent == 0 ? "" : "\n" }
            for (offset, entry) in entries.enumerated() {
                out += (offset == 0 && inList ? "" : pad) + FuzzTree.quote(.scalar(entry.key)) + ":"
                switch entry.value {
                case .scalar, .null: out += " "; entry.value.emit(into: &out, indent: indent + 2, inList: false)
                case .list(let items) where items.isEmpty: out += " []\n"
                case .map(let inner) where inner.isEmpty: out += " {}\n"
                default: entry.value.emit(into: &out, indent: indent + 2, inList: false)
                }
            }
        }
    }

    /// The value after "- " in a list.
    private func emitInline(into out: inout String, indent: Int) {
        switch self {
        case .scalar, .null: out += FuzzTree.quote(self) + "\n"
        case .list(let items) where items.isEmpty: out += "[]\n"
        case .map(let entries) where entries.isEmpty: out += "{}\n"
        default: emit(into: &out, indent: indent, inList: true)
        }
    }

    /// A plain scalar where it reads back as the same text, else a double-quoted one.
    static func quote(_ tree: FuzzTree) -> String {
        guard case .scalar(let text) = tree else { return "~" }
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
                || (scalar.value >= 0x61 && scalar.value <= 0x7A) || "_./+-".unicodeScalars.contains(scalar)
        } && !["-", ".", "~", "null", "Null", "NULL"].contains(text) && !text.hasPrefix("-")
        if safe { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    // MARK: Paths into the tree

    /// Every node's path (a list of map-entry or list-item offsets), root first, in document order.
    var paths: [[Int]] {
        var found: [[Int]] = [[]]
        switch self {
        case .list(let items):
            for (offset, item) in items.enumerated() { found += item.paths.map { [offset] + $0 } }
        case .map(let entries):
            for (offset, entry) in entries.enumerated() { found += entry.value.paths.map { [offset] + $0 } }
        default: break
        }
        return found
    }

    subscript(path: [Int]) -> FuzzTree {
        get {
            guard let first = path.first else { return self }
            switch self {
            case .list(let items): return items.indices.contains(first) ? items[first][Array(path.dropFirst())] : .null
            case .map(let entries): return entries.indices.contains(first) ? entries[first].value[Array(path.dropFirst())] : .null
            default: return .null
            }
        }
        set {
            guard let first = path.first else { self = newValue; return }
            switch self {
            case .list(var items): items[first][Array(path.dropFirst())] = newValue; self = .list(items)
            case .map(var entries): entries[first].value[Array(path.dropFirst())] = newValue; self = .map(entries)
            default: self = newValue
            }
        }
    }

    /// The key of the entry a path ends at, if its parent is a mapping.
    func key(at path: [Int]) -> String? {
        guard let last = path.last, case .map(let entries) = self[Array(path.dropLast())], entries.indices.contains(last) else { return nil }
        return entries[last].key
    }

    var isScalar: Bool { if case .scalar = self { return true } else { return false } }
    var isMap: Bool { if case .map = self { return true } else { return false } }
    var isList: Bool { if case .list = self { return true } else { return false } }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
