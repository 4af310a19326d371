/// Seeded mutations of a config or claims file: values, sizes, types, keys, YAML structure and
/// file references. Case `index` of root seed `seed` is always the same mutation.
///
///     var mutator = FuzzMutator(seed: 7, index: 42, hostileFiles: files)
///     let (text, what) = mutator.mutate(tree)     // the mutated YAML and a one-line description
struct FuzzMutator {
    /// SplitMix64: tiny, seedable, and the same on every platform (never Swift's seeded-per-process Hasher).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(Swift.max(bound, 1))) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1.0p-53 < p }
    }

    /// Paths to files that are hostile to read (a device, a directory, a missing file, one over the size limits, ...).
    struct HostileFiles {
        var device = "/dev/zero"
        var directory = "/tmp"
        var missing = "/nonexistent/latsim-fuzz.csv"
        var oversized: String
        var garbage: String
    }

    var generator: Generator
    let files: HostileFiles

    init(seed: UInt64, index: Int, files: HostileFiles) {
        generator = Generator(state: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        _ = generator.next()
        self.files = files
    }

    static let hostileNumbers = ["0", "-1", "-0", "1e308", "1e309", "-1e308", "1e-308", "5e-324", "nan", ".nan", ".inf", "-.inf",
                                 "inf", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
                                 "0.5", "1.0000000001", "2147483648", "4294967296", "1_000_000_000", "0x10", "1e15", "100%", "1e-9"]
    static let hostileDurations = ["0", "0ns", "1ns", "0.4ns", "-1ms", "1e300s", "106751d", "106752d", "9223372036854775807ns",
                                   "9223372036854775808ns", "0.000000001ns", "1.5", "ms", "1msms", "1 ms", "1e3ms", "100000000h", "2562047h"]
    static let hostileStrings = ["", " ", "~", "yes", "no", "null", "[]", "{}", "*a", "&a", "!!binary", "%TAG", "---", "...",
                                 "\u{0}", "\u{7}", "\u{FEFF}", "💥", "é", String(repeating: "9", count: 400),
                                 String(repeating: "x", count: 10_000), "kind", "sync", "async", "../..", "/"]
    static let hostileSizes = ["1000", "10000", "100000", "1000000", "10000000", "100000000", "1000000000", "2147483647"]
    static let hostileDistributions: [String] = [
        "{type: weibull, shape: 0.001, scale: 1ms}", "{type: weibull, shape: 0.0117, scale: 1ms}",
        "{type: gamma, shape: 1e-300, scale: 1ms}", "{type: gamma, shape: 1e300, scale: 1ms}",
        "{type: pareto, shape: 1e-9, scale: 1ns}", "{type: pareto, shape: 0.5, scale: 100000h}",
        "{type: lognormal, median: 1ms, sigma: 1000}", "{type: lognormal, mean: 1ns, sd: 100000h}",
        "{type: normal, mean: -1000h, sd: 1ns}", "{type: normal, mean: 1ms, sd: 1e-300ns}",
        "{type: exponential, mean: 0.1ns}", "{type: exponential, mean: 100000000h}", "{type: constant, value: 0}",
        "{type: uniform, lower: 0, upper: 1ns}", "{type: mixture, components: [{weight: 1e-12, value: 1ms, type: constant}, {weight: 0.999999999999, type: constant, value: 0}]}",
        "{type: empirical, samples: []}", "{type: empirical, samples: [0, 0, 0]}", "{type: exponential, mean: 1ms, cap: 1ns}",
        "{type: exponential, mean: 1ms, shift: 100000000h}",
    ]

    /// The mutated text and what was done (for the report and the regression file's header).
    mutating func mutate(_ original: FuzzTree) -> (text: String, description: String) {
        var tree = original
        var done: [String] = []
        let count = 1 + generator.below(3)
        for _ in 0..<count { done.append(mutateTree(&tree)) }
        var text = tree.yaml
        if generator.chance(0.15) { done.append(mutateText(&text)) }
        return (text, done.joined(separator: "; "))
    }

    private mutating func mutateTree(_ tree: inout FuzzTree) -> String {
        let paths = Array(tree.paths.dropFirst())
        guard !paths.isEmpty else { tree = .map([FuzzTree.Entry(key: "model", value: .scalar("x"))]); return "replaced the document" }
        let scalarPaths = paths.filter { tree[$0].isScalar }
        let mapPaths = [[]] + paths.filter { tree[$0].isMap }
        switch generator.below(10) {
        case 0, 1: // a value
            guard let path = scalarPaths.isEmpty ? nil : generator.pick(scalarPaths), case .scalar(let old) = tree[path] else { break }
            let pool = old.first.map { $0.isNumber || $0 == "-" } == true
                ? (old.last?.isLetter == true ? FuzzMutator.hostileDurations : FuzzMutator.hostileNumbers)
                : FuzzMutator.hostileStrings
            let new = generator.chance(0.8) ? generator.pick(pool)
                : generator.pick(FuzzMutator.hostileNumbers + FuzzMutator.hostileDurations + FuzzMutator.hostileStrings)
            tree[path] = .scalar(new)
            return "value \(describe(path, in: tree)) \(old) -> \(new.prefix(40))"
        case 2: // a size: an in-range value made large (products of sizes are the memory hazard)
            let numeric = scalarPaths.filter { if case .scalar(let s) = tree[$0] { return Int(s) != nil } else { return false } }
            guard !numeric.isEmpty else { break }
            let path = generator.pick(numeric)
            let new = generator.pick(FuzzMutator.hostileSizes)
            tree[path] = .scalar(new)
            return "size \(describe(path, in: tree)) -> \(new)"
        case 3: // a type
            let path = generator.pick(paths)
            let old = tree[path]
            let new: FuzzTree
            switch old {
            case .scalar(let s): new = generator.chance(0.5) ? .list([.scalar(s), .scalar(s)]) : .map([FuzzTree.Entry(key: s.isEmpty ? "k" : s, value: .scalar(s))])
            case .list: new = generator.chance(0.5) ? .scalar("1") : .map([])
            case .map: new = generator.chance(0.5) ? .scalar("1ms") : .list([old])
            case .null: new = .list([])
            }
            tree[path] = new
            return "type \(describe(path, in: tree)) -> \(new.yaml.prefix(30).replacingNewlines())"
        case 4: // a key: renamed, removed, duplicated or unknown
            let path = generator.pick(mapPaths)
            guard case .map(var entries) = tree[path], !entries.isEmpty else { break }
            let offset = generator.below(entries.count)
            let key = entries[offset].key
            switch generator.below(4) {
            case 0: entries[offset].key = String(key.dropLast()); tree[path] = .map(entries); return "key \(key) renamed"
            case 1: entries.remove(at: offset); tree[path] = .map(entries); return "key \(key) removed"
            case 2: entries.append(entries[offset]); tree[path] = .map(entries); return "key \(key) duplicated"
            default: entries.insert(FuzzTree.Entry(key: "unknown_key", value: .scalar("1")), at: offset); tree[path] = .map(entries); return "unknown key"
            }
        case 5: // YAML structure: a list item repeated, a subtree moved elsewhere
            let path = generator.pick(paths)
            let node = tree[path]
            if generator.chance(0.5) {
                tree[path] = .list(Array(repeating: node, count: 1 + generator.below(64)))
                return "structure \(describe(path, in: tree)) repeated in a list"
            }
            let target = generator.pick(paths)
            tree[target] = node
            return "structure \(describe(path, in: tree)) copied over another node"
        case 6: // a file reference
            let file = generator.pick([files.device, files.directory, files.missing, files.oversized, files.garbage])
            let path = generator.pick(mapPaths)
            guard case .map(var entries) = tree[path] else { break }
            if path.isEmpty || generator.chance(0.3) {
                entries.append(FuzzTree.Entry(key: "include", value: .list([.scalar(file)])))
                tree[path] = .map(entries)
                return "include \(file)"
            }
            tree[path] = .map([FuzzTree.Entry(key: "type", value: .scalar("empirical")), FuzzTree.Entry(key: "file", value: .scalar(file))])
            return "empirical file \(file) at \(describe(path, in: tree))"
        case 7: // a hostile distribution in place of a mapping or duration
            let candidates = mapPaths.filter { !$0.isEmpty } + scalarPaths
            guard !candidates.isEmpty else { break }
            let path = generator.pick(candidates)
            let text = generator.pick(FuzzMutator.hostileDistributions)
            guard let new = try? FuzzTree(yaml: text) else { break }
            tree[path] = new
            return "distribution \(describe(path, in: tree)) -> \(text)"
        default: // a hostile value anywhere (scalar pools mixed)
            guard let path = scalarPaths.isEmpty ? nil : generator.pick(scalarPaths) else { break }
            let new = generator.pick(FuzzMutator.hostileSizes + FuzzMutator.hostileDurations)
            tree[path] = .scalar(new)
            return "value \(describe(path, in: tree)) -> \(new)"
        }
        return "no-op"
    }

    /// A textual mutation of the emitted YAML (syntax the tree cannot express).
    private mutating func mutateText(_ text: inout String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = generator.below(lines.count)
        switch generator.below(7) {
        case 0: lines.remove(at: line); text = lines.joined(separator: "\n"); return "text: line \(line + 1) removed"
        case 1: lines.insert(lines[line], at: line); text = lines.joined(separator: "\n"); return "text: line \(line + 1) duplicated"
        case 2: lines[line] = "\t" + lines[line]; text = lines.joined(separator: "\n"); return "text: tab at line \(line + 1)"
        case 3: text = String(text.prefix(generator.below(text.count + 1))); return "text: truncated"
        case 4:
            lines.insert("x: &a [1, 2, 3]", at: 0)
            lines[line + 1] += " *a"
            text = lines.joined(separator: "\n"); return "text: alias at line \(line + 2)"
        case 5: lines[line] += " [{"; text = lines.joined(separator: "\n"); return "text: unbalanced bracket at line \(line + 1)"
        default:
            var bytes = Array(text.utf8)
            if !bytes.isEmpty { bytes[generator.below(bytes.count)] = UInt8(generator.below(256)) }
            text = String(decoding: bytes, as: UTF8.self); return "text: one byte replaced"
        }
    }

    private func describe(_ path: [Int], in tree: FuzzTree) -> String {
        var parts: [String] = []
        for depth in 1...Swift.max(1, path.count) where depth <= path.count {
            let prefix = Array(path.prefix(depth))
            parts.append(tree.key(at: prefix) ?? "[\(prefix.last!)]")
        }
        return parts.joined(separator: ".")
    }
}

extension Substring {
    func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
