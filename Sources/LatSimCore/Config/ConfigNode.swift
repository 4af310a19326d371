/// Where a value was written: file, line and column (1-based).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The directory a relative path in this value resolves against (`file:` of an empirical
    /// distribution), when it is not `file`'s: a `--set` or `--grid` value resolves against its
    /// config file's directory, like the same value written in the file.
    public var directory: String?
    public init(file: String, line: Int, column: Int, directory: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.directory = directory
    }

    /// The directory relative paths given here resolve against ("" for the current one).
    public var baseDirectory: String {
        if let directory { return directory }
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[...slash])
    }
    public static let unknown = SourceLocation(file: "<none>", line: 0, column: 0)
    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}

/// A config value with its source location and key path: the format-neutral tree that every
/// layer decodes its parameters from (the Experiments layer builds it from YAML).
///
///     let latency = try node.distribution("latency")             // required
///     let workers = try node.int("workers", default: 1, range: 1...1_024)
///     try node.checkKeys(["latency", "workers"])                 // unknown keys are errors
///
/// Every accessor throws a `ConfigError` naming the file, line, key path, what is allowed and
/// what was given. Mappings keep their written order: nothing depends on hash order.
public struct ConfigNode: Sendable, CustomStringConvertible {
    public indirect enum Value: Sendable {
        case scalar(String)
        case sequence([ConfigNode])
        case mapping([(key: String, value: ConfigNode)])
        case null
    }

    public var value: Value
    public var location: SourceLocation
    /// The key path from the root, e.g. "model.links[2].latency".
    public var path: String
    /// Where the key naming this node is written (nil for list items, the root, nodes built in
    /// code): errors about the key itself (unknown, repeated) point here, not at the value or
    /// at the parent mapping.
    public var keyLocation: SourceLocation?

    public init(value: Value, location: SourceLocation, path: String, keyLocation: SourceLocation? = nil) {
        self.value = value
        self.location = location
        self.path = path
        self.keyLocation = keyLocation
    }

    public static func scalar(_ text: String, path: String = "", location: SourceLocation = .unknown) -> ConfigNode {
        ConfigNode(value: .scalar(text), location: location, path: path)
    }

    /// A mapping built in code (presets, tests); child paths are derived from `path`.
    public static func mapping(_ entries: [(String, ConfigNode)], path: String = "", location: SourceLocation = .unknown) -> ConfigNode {
        ConfigNode(value: .mapping(entries.map { (key: $0.0, value: $0.1.reparented(ConfigNode.join(path, $0.0))) }),
                   location: location, path: path)
    }

    /// The same node under another key path (children follow).
    public func reparented(_ newPath: String) -> ConfigNode {
        var copy = self
        copy.path = newPath
        switch value {
        case .mapping(let entries):
            copy.value = .mapping(entries.map { (key: $0.key, value: $0.value.reparented(ConfigNode.join(newPath, $0.key))) })
        case .sequence(let items):
            copy.value = .sequence(items.enumerated().map { $0.element.reparented("\(newPath)[\($0.offset)]") })
        default:
            break
        }
        return copy
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    public var kindName: String {
        switch value {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .null: return "nothing (null)"
        }
    }

    public var description: String {
        switch value {
        case .scalar(let s): return s
        case .null: return "null"
        case .sequence(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let entries): return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// An error at this node, or about its child `key` (then at that key's line when it is given).
    public func error(_ problem: String, allowed: String? = nil, given: String? = nil, key: String? = nil) -> ConfigError {
        var at = location
        if let key, case .mapping(let entries) = value, let child = entries.last(where: { $0.key == key })?.value {
            at = child.keyLocation ?? child.location
        }
        return ConfigError(location: at, path: key.map { ConfigNode.join(path, $0) } ?? path, problem: problem,
                           allowed: allowed, given: given ?? (isScalarLike ? description : kindName))
    }

    var isScalarLike: Bool {
        if case .scalar = value { return true }
        if case .null = value { return true }
        return false
    }

    // MARK: Structure

    /// The entries of a mapping, in written order.
    public func entries() throws -> [(key: String, value: ConfigNode)] {
        switch value {
        case .mapping(let entries): return entries
        case .null: return []
        default: throw error("must be a mapping", allowed: "key: value pairs")
        }
    }

    /// The items of a list.
    public func items() throws -> [ConfigNode] {
        switch value {
        case .sequence(let items): return items
        case .null: return []
        default: throw error("must be a list", allowed: "a list of items")
        }
    }

    /// The scalar text.
    public func text() throws -> String {
        if case .scalar(let s) = value { return s }
        throw error("must be a single value", allowed: "a scalar")
    }

    /// The child at `key`, or nil when absent (or null).
    public func child(_ key: String) -> ConfigNode? {
        guard case .mapping(let entries) = value, let entry = entries.last(where: { $0.key == key }) else { return nil }
        if case .null = entry.value.value { return nil }
        return entry.value
    }

    public func has(_ key: String) -> Bool { child(key) != nil }

    /// The child at `key`; an error naming it when absent.
    public func required(_ key: String, allowed: String? = nil) throws -> ConfigNode {
        if case .mapping = value {} else if case .null = value {} else {
            throw error("must be a mapping", allowed: "key: value pairs")
        }
        guard let node = child(key) else {
            throw ConfigError(location: location, path: ConfigNode.join(path, key), problem: "is required but missing",
                              allowed: allowed, given: nil)
        }
        return node
    }

    /// Rejects keys that are not in `allowed`, suggesting the nearest valid key. A list where
    /// the keys were expected is an error too (its entries would otherwise be ignored and every
    /// key take its default); a scalar passes, for the sections that have a shorthand.
    public func checkKeys(_ allowed: [String]) throws {
        if case .sequence(let items) = value {
            throw ConfigError(location: location, path: path, problem: "is a list, where a mapping of keys is expected",
                              allowed: "a mapping with keys among " + allowed.joined(separator: ", "), given: "a list of \(items.count)")
        }
        guard case .mapping(let entries) = value else { return }
        var seen: [String] = []
        for entry in entries {
            let keyLocation = entry.value.keyLocation ?? entry.value.location
            if seen.contains(entry.key) {
                throw ConfigError(location: keyLocation, path: ConfigNode.join(path, entry.key), problem: "is given twice",
                                  allowed: "each key once", given: entry.key)
            }
            seen.append(entry.key)
            if !allowed.contains(entry.key) {
                var problem = "is not a known key"
                if let nearest = nearestMatch(entry.key, in: allowed) { problem += " (did you mean \"\(nearest)\"?)" }
                throw ConfigError(location: keyLocation, path: ConfigNode.join(path, entry.key), problem: problem,
                                  allowed: allowed.joined(separator: ", "), given: entry.key)
            }
        }
    }

    // MARK: Typed values

    public func string(_ key: String, default fallback: String? = nil, oneOf choices: [String]? = nil) throws -> String {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: choices?.joined(separator: ", "))
            fatalError("unreachable")
        }
        return try node.stringValue(oneOf: choices)
    }

    public func stringValue(oneOf choices: [String]? = nil) throws -> String {
        let s = try text()
        if let choices, !choices.contains(s) {
            var problem = "is not one of the allowed values"
            if let nearest = nearestMatch(s, in: choices) { problem += " (did you mean \"\(nearest)\"?)" }
            throw error(problem, allowed: choices.joined(separator: ", "), given: s)
        }
        return s
    }

    public func double(_ key: String, default fallback: Double? = nil, range: ClosedRange<Double>? = nil) throws -> Double {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: range.map(ConfigNode.describe) ?? "a number")
            fatalError("unreachable")
        }
        return try node.doubleValue(range: range)
    }

    public func doubleValue(range: ClosedRange<Double>? = nil) throws -> Double {
        let s = try text()
        guard let v = ConfigNode.parseNumber(s), v.isFinite else {
            throw error("must be a number", allowed: range.map(ConfigNode.describe) ?? "a finite number", given: s)
        }
        if let range, !range.contains(v) {
            throw error("is out of range", allowed: ConfigNode.describe(range), given: s)
        }
        return v
    }

    /// A probability in [0, 1].
    public func probability(_ key: String, default fallback: Double? = nil) throws -> Double {
        try double(key, default: fallback, range: 0...1)
    }

    public func int(_ key: String, default fallback: Int? = nil, range: ClosedRange<Int>? = nil) throws -> Int {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: range.map { "an integer in \($0.lowerBound)...\($0.upperBound)" } ?? "an integer")
            fatalError("unreachable")
        }
        return try node.intValue(range: range)
    }

    public func intValue(range: ClosedRange<Int>? = nil) throws -> Int {
        let s = try text()
        let allowed = range.map { "an integer in \($0.lowerBound)...\($0.upperBound)" } ?? "an integer"
        guard let v = Int(s.replacingUnderscores()) else { throw error("must be an integer", allowed: allowed, given: s) }
        if let range, !range.contains(v) { throw error("is out of range", allowed: allowed, given: s) }
        return v
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: "true or false")
            fatalError("unreachable")
        }
        let s = try node.text()
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw node.error("must be true or false", allowed: "true or false", given: s)
        }
    }

    /// A duration such as "250us" or "1.5ms"; a bare 0 is accepted.
    public func duration(_ key: String, default fallback: SimDuration? = nil, allowZero: Bool = true) throws -> SimDuration {
        guard let node = child(key) else {
            if let fallback { return fallback }
            _ = try required(key, allowed: "a duration such as 250us, 1.5ms, 12s")
            fatalError("unreachable")
        }
        return try node.durationValue(allowZero: allowZero)
    }

    public func durationValue(allowZero: Bool = true) throws -> SimDuration {
        let s = try text()
        let d: SimDuration
        if s.trimmingWhitespace() == "0" {
            d = .zero
        } else {
            do { d = try SimDuration(parsing: s, parameter: path) } catch let e as ParameterError {
                throw error(e.problem, allowed: e.allowed, given: s)
            }
        }
        if d < .zero { throw error("must not be negative", allowed: "a duration >= 0", given: s) }
        if !allowZero && d == .zero { throw error("must be positive", allowed: "a duration > 0", given: s) }
        return d
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        "a number in [\(formatSignificant(range.lowerBound, digits: 6)), \(formatSignificant(range.upperBound, digits: 6))]"
    }

    /// Parses a decimal number, allowing "_" separators and a trailing "%" (divided by 100).
    static func parseNumber(_ text: String) -> Double? {
        var s = text.trimmingWhitespace().replacingUnderscores()
        var scale = 1.0
        if s.hasSuffix("%") { s.removeLast(); scale = 0.01 }
        return Double(s).map { $0 * scale }
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
public func nearestMatch(_ word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(word.lowercased(), candidate.lowercased())
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (match, distance) = best else { return nil }
    return distance <= Swift.max(2, match.count / 3) ? match : nil
}

/// Levenshtein distance.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
