import ArgumentParser
import LatSimSettlement
import Foundation
import LatSimExperiments

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List presets, distributions, scenario kinds with their designs, and metrics."
    )

    @Option(help: ArgumentHelp("The directory to look for presets/ in, and its ancestors (default: the current directory).",
                               valueName: "dir"))
    var near: String = "."

    func run() throws {
        print(ListCommand.render(near: near), terminator: "")
    }

    static func render(near: String) -> String {
        var text = "presets (include: [name]):\n"
        var any = false
        for directory in ConfigLoader.presetDirectories(near: URL(fileURLWithPath: near)) {
            for name in ConfigLoader.presetNames(in: directory) {
                let file = directory.appendingPathComponent(name + ".yaml").path
                let summary = (try? YAMLConfig.load(file: file))?.child("description").flatMap { try? $0.text() } ?? ""
                text += row(name, summary)
                any = true
            }
        }
        if !any { text += "  (none found under presets/ or experiments/presets/)\n" }
        text += "\nsettlement layer and connectivity presets (layer: name, or {preset: name, ...overrides}):\n"
        for preset in SettlementPresets.presets { text += row(preset.name, preset.summary) }
        text += "\ndistributions (latency: {type: name, ...}):\n"
        for entry in ConfigNode.distributionCatalog { text += row(entry.name, entry.summary) }
        text += "\nscenario kinds (model.kind):\n"
        for kind in ScenarioRegistry.kinds { text += row(kind.name, kind.summary) }
        for kind in ScenarioRegistry.kinds {
            text += "\ndesigns of \(kind.name) (designs: [...]; the first is the baseline):\n"
            for design in kind.designs { text += row(design.name, design.summary) }
            text += "\nmetrics of \(kind.name) (metrics: [...]):\n"
            for metric in kind.metrics { text += row(metric.name, metric.summary) }
        }
        return text
    }

    static func row(_ name: String, _ summary: String) -> String {
        "  " + name.padding(toLength: max(20, name.count + 2), withPad: " ", startingAt: 0) + summary + "\n"
    }
}
