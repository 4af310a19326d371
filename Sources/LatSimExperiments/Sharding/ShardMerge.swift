import Foundation

/// Combines the shards of one sweep, found in one or more directories, into the results a
/// one-machine sweep computes, so `Experiment.files` writes byte-identical CSV.
///
///     let results = try ShardMerge.merge(directories: ["out/a", "out/b"], version: "0.1.0")
///     try Experiment.write(results, to: "out/merged", version: "0.1.0", commandLine: args)
///
/// Refuses, naming the files: shards of another format, version (also the merging build's),
/// seed, config hash or shard count; a shard found twice; missing shard indices (and results
/// files left without a manifest by an interrupted shard); a results file that does not match
/// its manifest. The aggregates and comparisons are recomputed by `ExperimentResults` from the
/// per-replication results, the same code as `latsim sweep` on one machine.
public enum ShardMerge {
    /// A shard found on disk.
    public struct Found: Sendable {
        public var path: String
        public var manifest: ShardFiles.Manifest
    }

    /// Every shard manifest in `directories` (non-recursive), in directory then shard order.
    /// Results files without a manifest are returned separately (interrupted shards).
    public static func scan(_ directories: [String]) throws -> (found: [Found], orphans: [String]) {
        var found: [Found] = []
        var orphans: [String] = []
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ShardError(badInput: "\(directory): is not a directory; allowed: directories written by `latsim sweep --shard I/N --out DIR`")
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for name in names {
                let path = directory + "/" + name
                if let shard = ShardFiles.shard(manifestName: name) {
                    guard let manifest = try ShardFiles.readManifest(at: path) else { continue }
                    guard manifest.shard == shard else {
                        throw ShardError(badInput: "\(path): its name says shard \(shard) but it records shard \(manifest.shard)")
                    }
                    found.append(Found(path: path, manifest: manifest))
                } else if name.hasPrefix("shard-"), name.hasSuffix(".results.json"),
                          !names.contains(String(name.dropLast(".results.json".count)) + ".json") {
                    orphans.append(path)
                }
            }
        }
        return (found, orphans)
    }

    /// The shards in shard order after every consistency check (see the type's documentation).
    public static func check(_ found: [Found], orphans: [String], version: String) throws -> [Found] {
        guard let reference = found.first else {
            var text = "no shard manifests (shard-I-of-N.json) found"
            if !orphans.isEmpty { text += "; only results without a manifest (interrupted shards): " + orphans.joined(separator: ", ") }
            throw ShardError(badInput: text + "; allowed: directories written by `latsim sweep --shard I/N --out DIR`")
        }
        let first = reference.manifest
        if first.version != version {
            throw ShardError(badInput: "\(reference.path): was written by latsim \(first.version); this is latsim \(version); allowed: shards of the merging version (rerun the shards or merge with latsim \(first.version))")
        }
        for other in found.dropFirst() {
            let m = other.manifest
            let fields = [("version", first.version, m.version), ("seed", first.seed, m.seed),
                          ("config hash", first.configHash, m.configHash), ("shard count", String(first.shardCount), String(m.shardCount)),
                          ("unit count", String(first.unitTotal), String(m.unitTotal))]
            for (what, a, b) in fields where a != b {
                throw ShardError(badInput: "\(other.path): has \(what) \(b) but \(reference.path) has \(a); allowed: shards of one sweep (same config, seed, version and N)")
            }
        }
        let count = first.shardCount
        var byIndex = [[Found]](repeating: [], count: count)
        for shard in found { byIndex[shard.manifest.shardIndex].append(shard) }
        let duplicates = byIndex.filter { $0.count > 1 }
        if !duplicates.isEmpty {
            let text = duplicates.map { "shard \($0[0].manifest.shard) in " + $0.map(\.path).joined(separator: " and ") }.joined(separator: "; ")
            throw ShardError(badInput: "duplicate shards: \(text); allowed: each shard once (remove the extra copies)")
        }
        let missing = byIndex.indices.filter { byIndex[$0].isEmpty }
        if !missing.isEmpty {
            var text = "missing \(missing.count) of \(count) shards: \(ShardMerge.ranges(missing)) (files \(ShardFiles.manifestName(ShardSpec(index: missing[0], count: count)))\(missing.count > 1 ? ", ..." : ""))"
            if !orphans.isEmpty { text += "; results without a manifest (interrupted, rerun them): " + orphans.joined(separator: ", ") }
            throw ShardError(badInput: text + "; run them with `latsim sweep CONFIG --shard I/\(count) --out DIR`")
        }
        let ordered = byIndex.map { $0[0] }
        for shard in ordered {
            let expected = shard.manifest.shard.units(of: first.unitTotal)
            guard shard.manifest.unitLower == expected.lowerBound, shard.manifest.unitUpper == expected.upperBound else {
                throw ShardError(badInput: "\(shard.path): records units \(shard.manifest.unitLower)..<\(shard.manifest.unitUpper); the plan gives shard \(shard.manifest.shard) units \(expected)")
            }
        }
        return ordered
    }

    /// Merges the shards in `directories` into one-machine results.
    public static func merge(directories: [String], version: String) throws -> ExperimentResults {
        let (found, orphans) = try scan(directories)
        let shards = try check(found, orphans: orphans, version: version)
        let reference = shards[0]
        let plan = try ExperimentPlan(recorded: reference.manifest.plan, origin: reference.path)
        guard plan.configHash == reference.manifest.configHash, plan.unitCount == reference.manifest.unitTotal else {
            throw ShardError(badInput: "\(reference.path): its recorded plan gives config hash \(plan.configHash) and \(plan.unitCount) units; the manifest says \(reference.manifest.configHash) and \(reference.manifest.unitTotal) (corrupt manifest)")
        }
        // The config path as spelled (`x.yaml`, `./x.yaml`, an absolute path, another machine's
        // mount) is not part of the experiment: the hash of the resolved config is. The first
        // shard's spelling goes into run.json.
        for shard in shards.dropFirst() {
            var recorded = shard.manifest.plan
            recorded.file = reference.manifest.plan.file
            guard recorded == reference.manifest.plan else {
                throw ShardError(badInput: "\(shard.path): records a different plan than \(reference.path) under the same config hash (corrupt manifest)")
            }
        }
        var results: [ReplicationResult] = []
        results.reserveCapacity(plan.unitCount)
        for shard in shards { results += try ShardFiles.readResults(of: shard.manifest, manifestPath: shard.path) }
        do {
            return try ExperimentResults(plan: plan, results: results)
        } catch {
            throw ShardError(runtime: "error: \(error)")
        }
    }

    /// "0, 2-4, 7" for [0, 2, 3, 4, 7].
    public static func ranges(_ sorted: [Int]) -> String {
        var parts: [String] = []
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == start ? "\(sorted[start])" : "\(sorted[start])-\(sorted[end])")
            start = end + 1
        }
        return parts.joined(separator: ", ")
    }
}
