import Foundation
import LatSimCore

/// Golden fingerprints: for each curated experiment (`experiments/*.yaml`), a text file in
/// `experiments/golden/` with the FNV-1a 64 hash of each CSV it writes and every aggregate
/// mean, so that a model change that moves any number is a visible, deliberate diff.
///
///     let report = try GoldenFingerprint.check(root: ".", jobs: 2)   // compares with the files
///     try GoldenFingerprint.update(root: ".", jobs: 2)               // `latsim check --update-golden`
///
/// The text has no version, timestamp or host: it changes only when an output number (or the
/// resolved config) changes. To fit the test budget it covers the first `replications` (2)
/// replications of every point and design, as curated otherwise (seed, horizon, grid). These
/// are the very rows of the full run: random streams are keyed by (root seed, replication,
/// component), so replication r does not depend on how many replications run (a test checks
/// it), and a model change that moves a number of the full run moves these rows too unless it
/// only touches replications >= 2.
/// Invariant: the same tree gives the same files whatever `jobs` is.
public enum GoldenFingerprint {
    public static let directory = "experiments/golden"
    /// Replications fingerprinted per point and design (the first ones of the full run).
    public static let replications = 2

    /// One curated experiment's comparison with its golden file.
    public struct Entry: Sendable {
        public enum Status: Sendable, Equatable {
            case matches
            case missing
            /// The golden file and the new text differ; the first differing lines (old, new).
            case differs([(old: String, new: String)])
            public static func == (a: Status, b: Status) -> Bool {
                switch (a, b) {
                case (.matches, .matches), (.missing, .missing): return true
                case (.differs(let x), .differs(let y)): return x.map(\.old) == y.map(\.old) && x.map(\.new) == y.map(\.new)
                default: return false
                }
            }
        }
        public var config: String
        public var goldenFile: String
        public var text: String
        public var status: Status
    }

    /// The curated experiments: `experiments/*.yaml` under `root` (not presets, claims or golden), sorted.
    public static func curatedExperiments(root: String) -> [String] {
        let directory = URL(fileURLWithPath: root).appendingPathComponent("experiments").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().map { "experiments/" + $0 }
    }

    public static func goldenFile(for config: String) -> String {
        directory + "/" + URL(fileURLWithPath: config).deletingPathExtension().lastPathComponent + ".txt"
    }

    /// The fingerprint text of an experiment's results; `config` is the path as displayed.
    public static func text(_ results: ExperimentResults, config: String) -> String {
        let plan = results.plan
        var text = """
            # Golden fingerprint of \(config); `latsim check --update-golden` rewrites it.
            # A diff here means a change moved an output number: review the values below, then commit.
            config: \(config)
            config_fnv1a64: \(plan.configHash)
            seed: \(plan.settings.seed)
            points: \(plan.points.count)
            units: \(results.units.count)
            events: \(results.eventsProcessed)

            """
        for (name, csv) in [("summary.csv", CSVTables.summary(results)), ("aggregate.csv", CSVTables.aggregate(results)),
                            ("comparison.csv", CSVTables.comparison(results))] {
            let rows = csv.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) } - 1
            text += "\(name): fnv1a64 \(StreamKey(value: StreamKey.fnv1a64(csv)).description), \(rows) rows\n"
        }
        // One line per (point, design, metric): the values of each replication, in order.
        text += "values (point, " + plan.axes.flatMap(\.keyPaths).map { $0 + ", " }.joined() + "design, metric, unit, replication 0, 1, ...):\n"
        var lines: [String] = [], lineOfKey: [String: Int] = [:]   // lookup only: order is the results' order
        for (unit, result) in zip(results.units, results.results) {
            let point = plan.points[unit.point]
            for metric in result.metrics {
                let key = ([String(unit.point)] + point.assignments.map(\.value) + [point.designs[unit.design], metric.name, metric.unit])
                    .joined(separator: ", ")
                if lineOfKey[key] == nil { lineOfKey[key] = lines.count; lines.append(key) }
                lines[lineOfKey[key]!] += ", " + CSVTables.number(metric.value)
            }
        }
        return text + lines.joined(separator: "\n") + "\n"
    }

    /// Runs every curated experiment and compares its fingerprint with the golden file.
    public static func check(root: String, jobs: Int, only: [String]? = nil) throws -> [Entry] {
        var entries: [Entry] = []
        for config in only ?? curatedExperiments(root: root) {
            let path = URL(fileURLWithPath: root).appendingPathComponent(config).path
            var plan = try ExperimentPlan(file: path)
            if plan.settings.replications > replications { plan = try ExperimentPlan(file: path, replications: replications) }
            let results = try Experiment.run(plan, jobs: jobs)
            let golden = goldenFile(for: config)
            let fresh = text(results, config: config)
            let goldenPath = URL(fileURLWithPath: root).appendingPathComponent(golden).path
            let status: Entry.Status
            if let old = try? String(contentsOfFile: goldenPath, encoding: .utf8) {
                status = old == fresh ? .matches : .differs(differences(old: old, new: fresh))
            } else {
                status = .missing
            }
            entries.append(Entry(config: config, goldenFile: golden, text: fresh, status: status))
        }
        return entries
    }

    /// Rewrites the golden files of every curated experiment (and removes none); returns the entries
    /// as they were before the update (so callers can print what changed).
    @discardableResult
    public static func update(root: String, jobs: Int, only: [String]? = nil) throws -> [Entry] {
        let entries = try check(root: root, jobs: jobs, only: only)
        let base = URL(fileURLWithPath: root)
        try FileManager.default.createDirectory(at: base.appendingPathComponent(directory), withIntermediateDirectories: true)
        for entry in entries where entry.status != .matches {
            try AtomicFiles.write([(URL(fileURLWithPath: entry.goldenFile).lastPathComponent, entry.text)],
                                  into: base.appendingPathComponent(directory).path)
        }
        return entries
    }

    /// Up to `limit` differing lines, aligned by line number.
    static func differences(old: String, new: String, limit: Int = 8) -> [(old: String, new: String)] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: [(old: String, new: String)] = []
        for i in 0..<max(a.count, b.count) where found.count < limit {
            let x = i < a.count ? a[i] : "", y = i < b.count ? b[i] : ""
            if x != y { found.append((x, y)) }
        }
        return found
    }
}
