import LatSimCore

/// A config tree written back as block-style YAML (for `latsim validate --expand`): mappings
/// and lists in their order, scalars quoted when YAML would read them otherwise.
///
///     print(root.yamlText)     // name: quickstart\nmodel:\n  kind: graph\n  components:\n  - name: client ...
///
/// Invariant: parsing the text gives back the same tree (a test checks it on every template).
extension ConfigNode {
    public var yamlText: String {
        var out = ""
        ConfigNode.write(self, indent: 0, into: &out, inList: false)
        return out
    }

    static func write(_ node: ConfigNode, indent: Int, into out: inout String, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch node.value {
        case .mapping(let entries):
            if entries.isEmpty { out += "{}\n"; return }
            for (offset, entry) in entries.enumerated() {
                let prefix = inList && offset == 0 ? "" : pad
                out += prefix + yamlScalar(entry.key) + ":"
                writeValue(entry.value, indent: indent + 2, into: &out)
            }
        case .sequence(let items):
            if items.isEmpty { out += "[]\n"; return }
            for (offset, item) in items.enumerated() {
                out += (inList && offset == 0 ? "" : pad) + "- "
                switch item.value {
                case .mapping(let e) where !e.isEmpty: write(item, indent: indent + 2, into: &out, inList: true)
                case .sequence(let i) where !i.isEmpty: write(item, indent: indent + 2, into: &out, inList: true)
                default: writeValue(item, indent: indent + 2, into: &out, inline: true)
                }
            }
        case .scalar(let s): out += yamlScalar(s) + "\n"
        case .null: out += "null\n"
        }
    }

    static func writeValue(_ node: ConfigNode, indent: Int, into out: inout String, inline: Bool = false) {
        switch node.value {
        case .mapping(let e) where !e.isEmpty:
            out += "\n"
            write(node, indent: indent, into: &out, inList: false)
        case .sequence(let i) where !i.isEmpty:
            out += "\n"
            write(node, indent: indent, into: &out, inList: false)
        case .mapping: out += (inline ? "" : " ") + "{}\n"
        case .sequence: out += (inline ? "" : " ") + "[]\n"
        case .scalar(let s): out += (inline ? "" : " ") + yamlScalar(s) + "\n"
        case .null: out += (inline ? "" : " ") + "null\n"
        }
    }

    /// A scalar as YAML text: plain when it reads back as the same string, else double-quoted.
    static func yamlScalar(_ s: String) -> String {
        let special: Set<Character> = [":", "#", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "\n", "\t", "\\"]
        let reserved = ["", "~", "null", "Null", "NULL", "true", "false", "True", "False", "TRUE", "FALSE", "yes", "no", "on", "off", "-", "?"]
        let plain = !reserved.contains(s) && !s.contains(where: { special.contains($0) })
            && s.first != " " && s.last != " " && s.first != "-" && s.first != "?"
        return plain ? s : quote(s)
    }
}

extension ScenarioRegistry {
    /// The graph a model expands to: a template's expansion, a graph as it is; nil for a
    /// hand-written kind.
    public static func expandedModel(_ model: ConfigNode) throws -> ConfigNode? {
        let name = try model.string("kind", oneOf: kinds.map(\.name))
        if name == GraphScenario.kind.name { return model }
        return try templates.first { $0.kind.name == name }?.expand(model)
    }
}
