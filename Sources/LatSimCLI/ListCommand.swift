import ArgumentParser
import LatSimSettlement
import Foundation
import LatSimExperiments

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List presets, distributions, scenario kinds with their designs, and metrics."
    )

    @Argument(help: ArgumentHelp("Only this: presets, layers, distributions, kinds, or a scenario kind's name (its designs and metrics).",
                                 valueName: "what"))
    var what: String?

    @Option(help: ArgumentHelp("The directory to look for presets/ in, and its ancestors (default: the current directory).",
                               valueName: "dir"), completion: .directory)
    var near: String = "."

    @Flag(help: "Print JSON: presets, layers, distributions, and kinds with their designs and metrics.")
    var json = false

    static let sections = ["presets", "layers", "distributions", "kinds"]

    func run() throws {
        if let what, !ListCommand.sections.contains(what), ScenarioRegistry.kind(named: what) == nil {
            let allowed = ListCommand.sections + ScenarioRegistry.kinds.map(\.name)
            var problem = "error: list \(what) is not something latsim lists"
            if let nearest = nearestMatch(what, in: allowed) { problem += " (did you mean \"\(nearest)\"?)" }
            throw CLIFailure(code: CLIFailure.badInput, message: problem + "; allowed: " + allowed.joined(separator: ", ") + "; given: " + what)
        }
        print(json ? ListCommand.json(near: near, only: what) : ListCommand.render(near: near, only: what), terminator: "")
    }

    /// The presets found from `near` upward, then those installed beside the binary.
    static func presets(near: String) -> [(name: String, summary: String, file: String)] {
        var found: [(name: String, summary: String, file: String)] = []
        for directory in ConfigLoader.presetDirectories(near: URL(fileURLWithPath: near)) {
            for name in ConfigLoader.presetNames(in: directory) {
                let file = directory.appendingPathComponent(name + ".yaml").path
                let summary = (try? YAMLConfig.load(file: file))?.child("description").flatMap { try? $0.text() } ?? ""
                found.append((name, summary, file))
            }
        }
        return found
    }

    static func json(near: String, only: String?) -> String {
        let string = RunManifest.string
        func entry(_ name: String, _ summary: String, _ extra: String = "") -> String {
            "{\"name\": \(string(name)), \"summary\": \(string(summary))\(extra)}"
        }
        func list(_ items: [String], _ indent: String = "  ") -> String {
            items.isEmpty ? "[]" : "[\n" + items.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n" + indent + "]"
        }
        var sections: [(String, String)] = []
        if only == nil || only == "presets" {
            sections.append(("presets", list(presets(near: near).map { entry($0.name, $0.summary, ", \"file\": \(string($0.file))") })))
        }
        if only == nil || only == "layers" || only == "presets" {
            let dated = datedPresets()
            sections.append(("layers", list(SettlementPresets.presets.map { preset in
                let source = dated.first { $0.name == preset.name }
                return entry(preset.name, preset.summary, source.map { ", \"as_of\": \(string($0.asOf)), \"source\": \(string($0.source))" } ?? "")
            })))
        }
        if only == nil || only == "distributions" {
            sections.append(("distributions", list(ConfigNode.distributionCatalog.map { entry($0.name, $0.summary) })))
        }
        let kinds = ScenarioRegistry.kinds.filter { only == nil || only == "kinds" || only == $0.name }
        if !kinds.isEmpty {
            sections.append(("kinds", list(kinds.map { kind in
                entry(kind.name, kind.summary, ", \"designs\": " + list(kind.designs.map { entry($0.name, $0.summary) }, "    ")
                      + ", \"metrics\": " + list(kind.metrics.map { entry($0.name, $0.summary) }, "    "))
            })))
        }
        return "{\n" + sections.map { "  " + string($0.0) + ": " + $0.1 }.joined(separator: ",\n") + "\n}\n"
    }

    static func render(near: String, only: String? = nil) -> String {
        var parts: [String] = []
        if only == nil || only == "presets" {
            var text = "presets (include: [name]):\n"
            let found = presets(near: near)
            for preset in found { text += row(preset.name, preset.summary) }
            if found.isEmpty { text += "  (none found under presets/ or experiments/presets/)\n" }
            text += "\nsettlement layer and bridge presets, with the date they describe and their source "
                + "(layer: name; cross-chain bridge: name):\n"
            for preset in datedPresets() { text += row(preset.name, "as of \(preset.asOf): \(preset.source)") }
            parts.append(text)
        }
        if only == nil || only == "layers" {
            var text = "settlement layer and connectivity presets (layer: name, or {preset: name, ...overrides}):\n"
            for preset in SettlementPresets.presets { text += row(preset.name, preset.summary) }
            parts.append(text)
        }
        if only == nil || only == "distributions" {
            var text = "distributions (latency: {type: name, ...}):\n"
            for entry in ConfigNode.distributionCatalog { text += row(entry.name, entry.summary) }
            parts.append(text)
        }
        if only == nil || only == "kinds" {
            var text = "scenario kinds (model.kind):\n"
            for kind in ScenarioRegistry.kinds { text += row(kind.name, kind.summary) }
            parts.append(text)
        }
        for kind in ScenarioRegistry.kinds where only == nil || only == kind.name {
            var text = "designs of \(kind.name) (designs: [...]; the first is the baseline):\n"
            for design in kind.designs { text += row(design.name, design.summary) }
            text += "\nmetrics of \(kind.name) (metrics: [...]):\n"
            for metric in kind.metrics { text += row(metric.name, metric.summary) }
            parts.append(text)
        }
        return parts.joined(separator: "\n")
    }

    /// The layer and bridge presets with their date and source, in listing order.
    static func datedPresets() -> [(name: String, asOf: String, source: String)] {
        SettlementPresets.layerPresets.map { ($0.name, $0.dated.asOf, $0.dated.source) }
            + SettlementPresets.bridgePresets.map { ($0.name, $0.dated.asOf, $0.dated.source) }
    }

    static func row(_ name: String, _ summary: String) -> String {
        "  " + name.padding(toLength: max(20, name.count + 2), withPad: " ", startingAt: 0) + summary + "\n"
    }
}
