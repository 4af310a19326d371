import Foundation

/// The two files of one shard's output, and how they are written and checked.
///
///     out/shard-00003-of-00010.results.json   the shard's replication results, in unit order
///     out/shard-00003-of-00010.json           the manifest: written LAST, names the results
///                                             file with its byte count and FNV-1a 64 hash
///
/// Invariant: a shard is complete exactly when its manifest exists, parses, and its results
/// file has the recorded size and hash. Both files go through `AtomicFiles.write` (a hidden
/// temporary, then a rename), results first and manifest second, so an interrupted shard
/// leaves at most a results file without a manifest (or hidden temporaries), which merge and
/// `--shard` treat as not done.
public enum ShardFiles {
    public static let format = "latsim-shard/1"

    /// `shard-00003-of-00010` (five digits at least, so names sort in shard order).
    public static func stem(_ shard: ShardSpec) -> String {
        let width = max(5, String(shard.count).count)
        func padded(_ n: Int) -> String { let s = String(n); return String(repeating: "0", count: width - s.count) + s }
        return "shard-\(padded(shard.index))-of-\(padded(shard.count))"
    }

    public static func manifestName(_ shard: ShardSpec) -> String { stem(shard) + ".json" }
    public static func resultsName(_ shard: ShardSpec) -> String { stem(shard) + ".results.json" }

    /// The shard a manifest file name denotes, if it is one.
    public static func shard(manifestName name: String) -> ShardSpec? {
        guard name.hasPrefix("shard-"), name.hasSuffix(".json"), !name.hasSuffix(".results.json") else { return nil }
        let parts = name.dropFirst(6).dropLast(5).split(separator: "-")
        guard parts.count == 3, parts[1] == "of", let index = Int(parts[0]), let count = Int(parts[2]),
              count >= 1, index >= 0, index < count else { return nil }
        return ShardSpec(index: index, count: count)
    }

    /// A shard's manifest.
    public struct Manifest: Codable, Sendable, Equatable {
        public var format: String
        public var version: String
        public var configHash: String
        public var seed: String
        public var shardIndex: Int
        public var shardCount: Int
        public var unitLower: Int
        public var unitUpper: Int
        public var unitTotal: Int
        public var resultsFile: String
        public var resultsBytes: Int
        public var resultsFNV1a64: String
        /// The command line that wrote the shard (for the record; merge does not read it).
        public var commandLine: [String]
        public var plan: PlanRecord

        public var shard: ShardSpec { ShardSpec(index: shardIndex, count: shardCount) }
    }

    /// One replication's result as stored: metric values in Swift's shortest round-trip form
    /// ("0.1", "nan", "-inf"), which parses back to the same Double (NaN payloads aside: every
    /// NaN prints "NaN" in CSV and is left out of statistics).
    struct StoredResult: Codable, Equatable {
        var metrics: [[String]]          // [name, unit, value]
        var events: Int64
        var stop: String
        var traceHeader: [String]?
        var traceRows: [[String]]?
        /// Trace rows not kept (absent when none).
        var traceRowsDropped: Int?
        var seriesHeader: [String]?
        var seriesRows: [[String]]?

        init(_ result: ReplicationResult) {
            metrics = result.metrics.map { [$0.name, $0.unit, "\($0.value)"] }
            events = result.eventsProcessed
            stop = result.stopReason
            traceHeader = result.traceHeader.isEmpty ? nil : result.traceHeader
            traceRows = result.traceRows.isEmpty ? nil : result.traceRows
            traceRowsDropped = result.traceRowsDropped == 0 ? nil : result.traceRowsDropped
            seriesHeader = result.seriesHeader.isEmpty ? nil : result.seriesHeader
            seriesRows = result.seriesRows.isEmpty ? nil : result.seriesRows
        }

        func result() -> ReplicationResult? {
            var result = ReplicationResult()
            for metric in metrics {
                guard metric.count == 3, let value = Double(metric[2]) else { return nil }
                result.record(metric[0], unit: metric[1], value: value)
            }
            result.eventsProcessed = events
            result.stopReason = stop
            result.traceHeader = traceHeader ?? []
            result.traceRows = traceRows ?? []
            result.traceRowsDropped = traceRowsDropped ?? 0
            result.seriesHeader = seriesHeader ?? []
            result.seriesRows = seriesRows ?? []
            return result
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func hash(_ text: String) -> String { StreamKey(value: StreamKey.fnv1a64(text)).description }

    /// Writes a shard's results, then its manifest, into `directory` (created if missing; never
    /// removed, since other shards may be writing into it at the same time).
    public static func write(_ results: [ReplicationResult], plan: ExperimentPlan, shard: ShardSpec, version: String,
                             commandLine: [String], to directory: String) throws -> Manifest {
        let range = shard.units(of: plan.unitCount)
        precondition(results.count == range.count, "one result per unit of the shard")
        let resultsText = String(decoding: try encoder().encode(results.map(StoredResult.init)), as: UTF8.self) + "\n"
        let manifest = Manifest(format: format, version: version, configHash: plan.configHash, seed: String(plan.settings.seed),
                                shardIndex: shard.index, shardCount: shard.count, unitLower: range.lowerBound,
                                unitUpper: range.upperBound, unitTotal: plan.unitCount, resultsFile: resultsName(shard),
                                resultsBytes: resultsText.utf8.count, resultsFNV1a64: hash(resultsText),
                                commandLine: commandLine, plan: PlanRecord(plan))
        let manifestText = String(decoding: try encoder().encode(manifest), as: UTF8.self) + "\n"
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            // Another shard may have created it at the same moment: only a missing directory is an error.
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ShardError(runtime: "\(directory): cannot create the output directory (\(error.localizedDescription))")
            }
        }
        // An old manifest must not vouch for new results while they are being replaced.
        try? FileManager.default.removeItem(atPath: directory + "/" + manifestName(shard))
        do {
            try AtomicFiles.write([(resultsName(shard), resultsText), (manifestName(shard), manifestText)], into: directory)
        } catch {
            throw ShardError(runtime: "error: \(error)")
        }
        return manifest
    }

    /// Reads and checks a manifest; nil when the file is missing. A manifest that does not
    /// parse is an error naming the file.
    public static func readManifest(at path: String) throws -> Manifest? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            let manifest = try JSONDecoder().decode(Manifest.self, from: data)
            guard manifest.format == format else {
                throw ShardError(badInput: "\(path): is a shard manifest of format \(manifest.format); allowed: \(format)")
            }
            return manifest
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError(badInput: "\(path): is not a latsim shard manifest (\(error)); allowed: a file written by `latsim sweep --shard`")
        }
    }

    /// Why the shard whose manifest is at `manifestPath` is not complete, or nil when it is.
    public static func incompleteness(of manifest: Manifest, manifestPath: String) -> String? {
        let path = (manifestPath as NSString).deletingLastPathComponent + "/" + manifest.resultsFile
        guard let data = FileManager.default.contents(atPath: path) else { return "\(path) is missing" }
        guard data.count == manifest.resultsBytes else {
            return "\(path) has \(data.count) bytes; its manifest says \(manifest.resultsBytes)"
        }
        guard hash(String(decoding: data, as: UTF8.self)) == manifest.resultsFNV1a64 else {
            return "\(path) does not match the FNV-1a 64 hash in its manifest"
        }
        return nil
    }

    /// Reads a complete shard's results (checked against its manifest).
    public static func readResults(of manifest: Manifest, manifestPath: String) throws -> [ReplicationResult] {
        if let problem = incompleteness(of: manifest, manifestPath: manifestPath) {
            throw ShardError(badInput: "shard \(manifest.shard) (\(manifestPath)) is incomplete or corrupt: \(problem); rerun it with `latsim sweep ... --shard \(manifest.shard)`")
        }
        let path = (manifestPath as NSString).deletingLastPathComponent + "/" + manifest.resultsFile
        let data = FileManager.default.contents(atPath: path) ?? Data()
        let stored: [StoredResult]
        do { stored = try JSONDecoder().decode([StoredResult].self, from: data) } catch {
            throw ShardError(badInput: "\(path): cannot be read as shard results (\(error))")
        }
        let results = stored.compactMap { $0.result() }
        guard results.count == stored.count, results.count == manifest.unitUpper - manifest.unitLower else {
            throw ShardError(badInput: "\(path): holds \(stored.count) results with \(stored.count - results.count) unreadable; its manifest says units \(manifest.unitLower)..<\(manifest.unitUpper)")
        }
        return results
    }
}
