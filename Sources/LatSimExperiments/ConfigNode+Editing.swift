/// Editing a config tree: deep merge (for `include`) and key-path overrides (for `--set` and sweeps).
///
///     let merged = preset.merged(with: file)                 // the file's keys win
///     let edited = try merged.setting("model.links[0].latency", to: .scalar("3ms"), origin: origin)
///
/// Invariant: mapping order is preserved (base keys first, in their order; new keys after, in
/// theirs), so output never depends on hash order.
extension ConfigNode {
    /// This mapping with `overlay` merged in: nested mappings merge key by key, any other
    /// value of `overlay` replaces this one's (lists are replaced, not concatenated).
    public func merged(with overlay: ConfigNode) -> ConfigNode {
        guard case .mapping(let base) = value, case .mapping(let top) = overlay.value else {
            if case .null = overlay.value { return self }
            return overlay.reparented(path)
        }
        var entries = base
        for entry in top {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[index].value = entries[index].value.merged(with: entry.value)
            } else {
                entries.append(entry)
            }
        }
        return ConfigNode(value: .mapping(entries), location: overlay.location, path: path).reparented(path)
    }

    /// The same tree with every node located at `location` (values given on the command line).
    public func relocated(to location: SourceLocation) -> ConfigNode {
        var copy = self
        copy.location = location
        switch value {
        case .mapping(let entries): copy.value = .mapping(entries.map { (key: $0.key, value: $0.value.relocated(to: location)) })
        case .sequence(let items): copy.value = .sequence(items.map { $0.relocated(to: location) })
        default: break
        }
        return copy
    }


    /// One step of a key path: a mapping key or a list index.
    public enum PathComponent: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    /// Splits "model.links[0].latency" into [.key(model), .key(links), .index(0), .key(latency)].
    public static func parsePath(_ text: String) -> [PathComponent]? {
        var components: [PathComponent] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            guard let name = rest.split(separator: "[", maxSplits: 1, omittingEmptySubsequences: false).first,
                  !name.isEmpty else { return nil }
            components.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        return components.isEmpty ? nil : components
    }

    /// This tree with the value at `keyPath` replaced by `newValue`.
    ///
    /// Rule (documented in docs/config.md): every step of the path but the last must exist; the
    /// last may name a new key of an existing mapping (the model's key check then rejects a
    /// misspelt one, suggesting the nearest), but a list index must exist.
    public func setting(_ keyPath: String, to newValue: ConfigNode, origin: SourceLocation) throws -> ConfigNode {
        guard let components = ConfigNode.parsePath(keyPath) else {
            throw ConfigError(location: origin, path: keyPath, problem: "is not a valid key path",
                              allowed: "keys separated by dots, list indices in brackets, e.g. model.links[0].latency",
                              given: keyPath)
        }
        return try setting(components[...], to: newValue, origin: origin, fullPath: keyPath)
    }

    private func setting(_ components: ArraySlice<PathComponent>, to newValue: ConfigNode, origin: SourceLocation,
                         fullPath: String) throws -> ConfigNode {
        guard let first = components.first else {
            var replacement = newValue.reparented(path)
            replacement.location = origin
            return replacement
        }
        let rest = components.dropFirst()
        switch first {
        case .key(let key):
            var entries: [(key: String, value: ConfigNode)]
            switch value {
            case .sequence(var items):
                // A list of named items (components, connections, paths) is addressed by name:
                // model.components.gateway.workers. A connection without `name:` has the name the
                // graph gives it, <from component>-<to component>: model.connections.bot-gateway.link.
                let names = items.map { item -> String? in
                    if let name = (try? item.child("name")?.text()) ?? nil { return name }
                    guard let from = (try? item.child("from")?.text()) ?? nil, let to = (try? item.child("to")?.text()) ?? nil,
                          let f = from.lastIndex(of: "."), let t = to.lastIndex(of: ".") else { return nil }
                    return String(from[..<f]) + "-" + String(to[..<t])
                }
                guard let index = names.firstIndex(of: key) else {
                    let known = names.compactMap { $0 }
                    var problem = "cannot be set: \(path) has no item named \"\(key)\""
                    if let nearest = nearestMatch(key, in: known) { problem += " (did you mean \"\(nearest)\"?)" }
                    throw ConfigError(location: origin, path: fullPath, problem: problem,
                                      allowed: known.isEmpty ? "an index in brackets" : known.joined(separator: ", "), given: key)
                }
                items[index] = try items[index].setting(rest, to: newValue, origin: origin, fullPath: fullPath)
                var copy = self
                copy.value = .sequence(items)
                return copy
            case .mapping(let existing): entries = existing
            case .null where rest.isEmpty: entries = []
            default:
                throw ConfigError(location: origin, path: fullPath, problem: "cannot be set: \(path.isEmpty ? "the config" : path) is \(kindName), not a mapping",
                                  allowed: "a path through mappings and lists", given: fullPath)
            }
            let childPath = ConfigNode.joinPath(path, key)
            if let index = entries.firstIndex(where: { $0.key == key }) {
                entries[index].value = try entries[index].value.setting(rest, to: newValue, origin: origin, fullPath: fullPath)
            } else if rest.isEmpty {
                var added = newValue.reparented(childPath)
                added.location = origin
                entries.append((key: key, value: added))
            } else {
                var problem = "cannot be set: \(childPath) does not exist"
                if let nearest = nearestMatch(key, in: entries.map(\.key)) { problem += " (did you mean \"\(nearest)\"?)" }
                throw ConfigError(location: origin, path: fullPath, problem: problem,
                                  allowed: entries.isEmpty ? "no keys here" : entries.map(\.key).joined(separator: ", "), given: key)
            }
            var copy = self
            copy.value = .mapping(entries)
            return copy
        case .index(let index):
            guard case .sequence(var items) = value else {
                throw ConfigError(location: origin, path: fullPath, problem: "cannot be set: \(path) is \(kindName), not a list",
                                  allowed: "an index into a list", given: "[\(index)]")
            }
            guard index < items.count else {
                throw ConfigError(location: origin, path: fullPath, problem: "cannot be set: \(path) has \(items.count) items",
                                  allowed: items.isEmpty ? "no index" : "an index in 0...\(items.count - 1)", given: "[\(index)]")
            }
            items[index] = try items[index].setting(rest, to: newValue, origin: origin, fullPath: fullPath)
            var copy = self
            copy.value = .sequence(items)
            return copy
        }
    }

    /// The node at a key path, if present.
    public func node(at keyPath: String) -> ConfigNode? {
        guard let components = ConfigNode.parsePath(keyPath) else { return nil }
        var node = self
        for component in components {
            switch component {
            case .key(let key):
                guard let child = node.child(key) else { return nil }
                node = child
            case .index(let index):
                guard case .sequence(let items) = node.value, index < items.count else { return nil }
                node = items[index]
            }
        }
        return node
    }

    /// A canonical text of the tree (keys in order, flow style), hashed into `run.json`.
    public var canonicalText: String {
        switch value {
        case .scalar(let s): return ConfigNode.quote(s)
        case .null: return "null"
        case .sequence(let items): return "[" + items.map(\.canonicalText).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { ConfigNode.quote($0.key) + ": " + $0.value.canonicalText }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}

extension ConfigNode {
    static func joinPath(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}
