import Foundation

/// Loads a config file and resolves its `include:` list of presets into one tree.
///
///     let root = try ConfigLoader.load(file: "experiments/quickstart.yaml")
///
/// `include: [name, ...]` merges, in order, each preset's mapping under the including file
/// (a later preset's keys win over an earlier one's, the including file's keys win over all).
/// A name with a "/" or ending in ".yaml"/".yml" is a path relative to the including file;
/// any other name is `presets/<name>.yaml`, searched in the including file's directory and
/// its ancestors (also `experiments/presets/` at each level), then in the presets installed
/// beside the binary (`installedPresetDirectory`). Presets may include presets; a cycle is an error.
public enum ConfigLoader {
    public static func load(file: String) throws -> ConfigNode {
        try load(file: file, from: nil, stack: [])
    }

    static func load(file: String, from location: SourceLocation?, stack: [String]) throws -> ConfigNode {
        let root = try YAMLConfig.load(file: file, from: location)
        if case .null = root.value {
            throw ConfigError(location: root.location, path: "", problem: "is empty",
                              allowed: "a mapping with at least `model:`", given: "an empty file")
        }
        guard case .mapping = root.value else {
            throw root.error("must be a mapping at the top level", allowed: "key: value pairs such as `model:` and `seed:`")
        }
        guard let include = root.child("include") else { return root }
        let names: [ConfigNode]
        if case .scalar = include.value { names = [include] } else { names = try include.items() }
        var merged = ConfigNode(value: .mapping([]), location: root.location, path: "")
        for nameNode in names {
            let name = try nameNode.text()
            let path = try resolve(preset: name, near: file, at: nameNode)
            let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
            if stack.contains(canonical) {
                throw nameNode.error("includes itself (a cycle: \((stack + [canonical]).joined(separator: " -> ")))",
                                     allowed: "an include graph without cycles", given: name)
            }
            let preset = try load(file: path, from: nameNode.location, stack: stack + [canonical])
            merged = merged.merged(with: preset.removing("description").removing("name"))
        }
        return merged.merged(with: root.removing("include"))
    }

    static func resolve(preset name: String, near file: String, at node: ConfigNode) throws -> String {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        if name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = name.hasPrefix("/") ? name : directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else {
                throw node.error("names a preset file that does not exist", allowed: "a path relative to \(file)", given: name)
            }
            return path
        }
        for presets in presetDirectories(near: directory) {
            let candidate = presets.appendingPathComponent(name + ".yaml").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let available = presetDirectories(near: directory).first.map(presetNames(in:)) ?? []
        var problem = "names an unknown preset"
        if let nearest = nearestMatch(name, in: available) { problem += " (did you mean \"\(nearest)\"?)" }
        throw node.error(problem, allowed: available.isEmpty ? "a preset under experiments/presets/ (none found)" : available.joined(separator: ", "),
                         given: name)
    }

    /// Existing `presets` directories from `directory` upward (nearest first).
    public static func presetDirectories(near directory: URL) -> [URL] {
        var found: [URL] = []
        var current = directory.standardizedFileURL
        for _ in 0..<32 {
            for candidate in [current.appendingPathComponent("presets"), current.appendingPathComponent("experiments/presets")] {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue,
                   !found.contains(candidate) {
                    found.append(candidate)
                }
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        if let installed = installedPresetDirectory, !found.contains(installed) { found.append(installed) }
        return found
    }

    /// The presets installed beside the binary (`make install`, the Python package):
    /// `<prefix>/bin/latsim` finds `<prefix>/share/latsim/experiments/presets/`, searched after
    /// the config's own directories. Symlinks to the binary are resolved first.
    public static let installedPresetDirectory: URL? = {
        #if os(Linux)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        #endif
        let presets = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/latsim/experiments/presets").standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: presets.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return presets
    }()

    /// The preset names (file names without ".yaml") in a directory, sorted.
    public static func presetNames(in directory: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }
}
