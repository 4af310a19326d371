import Foundation
import LatSimExperiments

/// A one-line progress bar on stderr: points done, replications done, events/s, ETA.
///
///     [##########----------]  3/8 points  120/320 runs  4.1M events/s  ETA 6s
///
/// Drawn only when enabled (stderr is a terminal and no --quiet) and after the work has
/// lasted a second; erased when the work is done.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func update(_ progress: Runner.Progress) {
        guard enabled, progress.elapsedSeconds >= 1, progress.unitsDone < progress.unitsTotal else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data(("\r" + ProgressBar.line(progress) + "\u{1B}[K").utf8))
        drawn = true
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    static func line(_ p: Runner.Progress) -> String {
        let width = 20
        let fraction = p.unitsTotal > 0 ? Double(p.unitsDone) / Double(p.unitsTotal) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        let rate = p.elapsedSeconds > 0 ? Double(p.eventsProcessed) / p.elapsedSeconds : 0
        let eta = fraction > 0 ? p.elapsedSeconds * (1 - fraction) / fraction : .nan
        return "\(bar)  \(p.pointsDone)/\(p.pointsTotal) points  \(p.unitsDone)/\(p.unitsTotal) runs  \(compact(rate)) events/s  ETA \(seconds(eta))"
    }

    static func compact(_ x: Double) -> String {
        for (suffix, size) in [("G", 1e9), ("M", 1e6), ("k", 1e3)] where x >= size { return formatSignificant(x / size, digits: 3) + suffix }
        return formatSignificant(x, digits: 3)
    }

    static func seconds(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        if s >= 3600 { return "\(Int(s / 3600))h\(Int(s.truncatingRemainder(dividingBy: 3600) / 60))m" }
        if s >= 60 { return "\(Int(s / 60))m\(Int(s.truncatingRemainder(dividingBy: 60)))s" }
        return "\(Int(s.rounded(.up)))s"
    }
}
