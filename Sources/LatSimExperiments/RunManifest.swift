/// `run.json`: what produced an output directory, deterministic (no timestamps, no host).
///
///     {"version": "0.1.0", "config_file": "experiments/quickstart.yaml", "config_fnv1a64": "0x…",
///      "seed": 1, "replications": 10, "points": 1, "designs": ["sync", "async"], "units": 20,
///      "events": 123456, "stop_reasons": {"horizon reached": 20}, "command_line": ["latsim", "run", "experiments/quickstart.yaml"]}
///
/// `seed` and `replications` are the config's (after `--seed`, `--replications`); a sweep may
/// set either per point (`--grid seed=1,2,3`), so `point_settings` records what each point ran,
/// run-length encoded over consecutive points: `[{"points": [0, 2], "seed": 1, "replications": 10}, ...]`.
///
/// `config` is the resolved config as JSON (`json(_:)`), the same tree the hash is taken of.
/// `only_replication` appears only for `run --replication K`. With a trace, `trace_rows` counts
/// the rows of `trace.csv` and `trace_rows_dropped` the rows not kept because a run's trace
/// reached its cap (`ReplicationSpec.traceRowLimit` rows per run); both absent without a trace.
/// `config_fnv1a64` is the 64-bit FNV-1a hash of the resolved config's canonical text
/// (includes merged, `--set`, `--seed`, `--replications` and the grid applied) and of the
/// content of every data file it reads; `data_files` lists those files
/// (`[{"path": ..., "bytes": N, "fnv1a64": "0x…"}]`, sorted by path; `[]` when none).
public enum RunManifest {
    public static func json(_ results: ExperimentResults, version: String, commandLine: [String]) -> String {
        let plan = results.plan
        var designs: [String] = []
        for point in plan.points { for d in point.designs where !designs.contains(d) { designs.append(d) } }
        let fields: [(String, String)] = [
            ("version", string(version)),
            ("config_file", string(plan.file)),
            ("config_fnv1a64", string(plan.configHash)),
            ("kind", string(plan.kind.name)),
            ("seed", String(plan.settings.seed)),
            ("replications", String(plan.settings.replications)),
            ("points", String(plan.points.count)),
            ("axes", "[" + plan.axes.map { string($0.name) }.joined(separator: ", ") + "]"),
            ("designs", "[" + designs.map(string).joined(separator: ", ") + "]"),
            ("point_settings", pointSettings(plan)),
            ("units", String(results.units.count)),
            ("events", String(results.eventsProcessed)),
            ("stop_reasons", "{" + results.stopReasons.map { string($0.reason) + ": " + String($0.count) }.joined(separator: ", ") + "}"),
            ("data_files", "[" + plan.dataFiles.map {
                "{\"path\": " + string($0.path) + ", \"bytes\": " + String($0.bytes) + ", \"fnv1a64\": " + string($0.fnv1a64) + "}"
            }.joined(separator: ", ") + "]"),
            ("command_line", "[" + commandLine.map(string).joined(separator: ", ") + "]"),
        ]
        var all = fields
        if results.results.contains(where: { !$0.traceHeader.isEmpty || $0.traceRowsDropped > 0 }) {
            all.insert(("trace_rows", String(results.results.reduce(0) { $0 + $1.traceRows.count })), at: all.count - 1)
            all.insert(("trace_rows_dropped", String(results.traceRowsDropped)), at: all.count - 1)
        }
        if let only = plan.onlyReplication { all.insert(("only_replication", String(only)), at: 6) }
        all.append(("config", json(plan.root, indent: "  ")))
        return "{\n" + all.map { "  " + string($0.0) + ": " + $0.1 }.joined(separator: ",\n") + "\n}\n"
    }

    /// A config tree as JSON: mappings as objects (key order kept), lists as arrays, null as
    /// null, a scalar as a JSON number when it is one ("42", "0.5", "1e-3"), true/false as
    /// booleans, anything else ("2ms", "lognormal") as a string.
    public static func json(_ node: ConfigNode, indent: String = "") -> String {
        let inner = indent + "  "
        switch node.value {
        case .null: return "null"
        case .scalar(let text):
            if text == "true" || text == "false" { return text }
            if isJSONNumber(text) { return text }
            return string(text)
        case .sequence(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + json($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n" + entries.map { inner + string($0.key) + ": " + json($0.value, indent: inner) }.joined(separator: ",\n")
                + "\n" + indent + "}"
        }
    }

    /// Whether text is a number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isJSONNumber(_ text: String) -> Bool {
        var s = Substring(text)
        if s.hasPrefix("-") { s = s.dropFirst() }
        func digits() -> Int { let n = s.prefix(while: { $0.isASCII && $0.isNumber }).count; s = s.dropFirst(n); return n }
        guard let first = s.first, first.isASCII, first.isNumber else { return false }
        if first == "0" { s = s.dropFirst() } else { _ = digits() }
        if s.hasPrefix(".") { s = s.dropFirst(); guard digits() > 0 else { return false } }
        if s.hasPrefix("e") || s.hasPrefix("E") {
            s = s.dropFirst()
            if s.hasPrefix("+") || s.hasPrefix("-") { s = s.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return s.isEmpty
    }

    /// Each run of consecutive points with the same seed and replications.
    static func pointSettings(_ plan: ExperimentPlan) -> String {
        var runs: [(first: Int, last: Int, seed: UInt64, replications: Int)] = []
        for point in plan.points {
            let seed = point.settings.seed, replications = point.settings.replications
            if let last = runs.last, last.seed == seed, last.replications == replications, last.last == point.index - 1 {
                runs[runs.count - 1].last = point.index
            } else {
                runs.append((point.index, point.index, seed, replications))
            }
        }
        return "[" + runs.map { "{\"points\": [\($0.first), \($0.last)], \"seed\": \($0.seed), \"replications\": \($0.replications)}" }
            .joined(separator: ", ") + "]"
    }

    /// A JSON string literal.
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
