import ArgumentParser
import Foundation
import LatSimCore
import LatSimExperiments

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check claims files and golden fingerprints.",
        discussion: """
            Runs every claim of the given files (default: experiments/claims/*.yaml under --root, and \
            the golden fingerprints of experiments/*.yaml), all in one pool of --jobs threads, prints \
            a table (claim, expected, assertion, measured with its CI, verdict) and with --report \
            writes a CSV or JSON report. A claim passes when its CI lies wholly on the asserted side \
            (PASS) or, when expected refuted, wholly on the other side (REFUTED-AS-EXPECTED); a CI \
            across the bound is INCONCLUSIVE (with the replications that would resolve it) and fails \
            unless the claim allows it. See docs/claims.md. Exit codes: 0 all passed, 1 any claim \
            failed or was inconclusive or a fingerprint differs, 2 bad input. With --audit, each claim \
            is also run in a regime where the opposite outcome is expected (its `audit: {set: ...}`, or \
            a sibling claim with the opposite `expect:`) and is flagged VACUOUS unless that outcome \
            is shown there (exit code 1 if any is).
            """
    )

    @Argument(help: "Claims files (YAML); default: experiments/claims/*.yaml under --root.",
              completion: .file(extensions: ["yaml", "yml"]))
    var files: [String] = []

    @Option(help: ArgumentHelp("The report file: .csv or .json.", valueName: "file"), completion: .file())
    var report: String?

    @Option(help: ArgumentHelp("A JUnit XML report of the claims (one test case per claim).", valueName: "file"), completion: .file())
    var junit: String?

    @Option(name: .customLong("claim"), help: ArgumentHelp("Check only the claims with this name or glob pattern, e.g. 'async-*' (repeatable).",
                                                           valueName: "name"))
    var claimNames: [String] = []

    @Option(name: [.short, .long], help: "The number of worker threads (default: the number of cores).")
    var jobs: Int?

    @Flag(name: [.short, .long], help: "No table and no status lines; errors and the final failure line still go to stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("The directory holding experiments/ (default: the current directory).", valueName: "dir"))
    var root: String = "."

    @Flag(help: "Also compare the golden fingerprints of experiments/*.yaml (the default when no files are given).")
    var golden = false

    @OptionGroup var memory: MemoryOptions

    @Flag(help: "Also run each claim where the opposite outcome is expected, and flag claims that cannot fail.")
    var audit = false

    @Flag(help: "Rewrite the golden fingerprints of experiments/*.yaml (then check claims only if files are given).")
    var updateGolden = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1; given \(jobs)") }
        if let report, !(report.hasSuffix(".csv") || report.hasSuffix(".json")) {
            throw ValidationError("--report must name a .csv or .json file; given \(report)")
        }
    }

    func run() throws {
        let jobCount = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        try memory.apply(jobs: jobCount) { try check(jobCount: jobCount) }
    }

    func check(jobCount: Int) throws {
        var problems: [String] = []
        if updateGolden {
            let entries = try runtime { try GoldenFingerprint.update(root: root, jobs: jobCount) }
            for entry in entries {
                let what: String
                switch entry.status {
                case .matches: what = "unchanged"
                case .missing: what = "created"
                case .differs(let lines): what = "updated (\(lines.count)\(lines.count == 8 ? "+" : "") lines differ)"
                }
                status("golden \(entry.goldenFile): \(what)")
            }
            if files.isEmpty { return }
        }
        var claimFiles = files
        if claimFiles.isEmpty {
            let directory = URL(fileURLWithPath: root).appendingPathComponent("experiments/claims").path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            claimFiles = names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
            if claimFiles.isEmpty {
                throw CLIFailure(code: CLIFailure.badInput, message: "error: no claims files given and none in \(directory)")
            }
        }
        var plans: [ClaimPlan] = []
        do {
            for file in claimFiles {
                guard FileManager.default.fileExists(atPath: file) else {
                    throw CLIFailure(code: CLIFailure.badInput, message: "error: \(file): no such claims file")
                }
                for claim in try ClaimFile.load(file: file) where selected(claim.name) { plans.append(try ClaimPlan(claim)) }
            }
            if !claimNames.isEmpty && plans.isEmpty {
                throw CLIFailure(code: CLIFailure.badInput,
                                 message: "error: --claim \(claimNames.joined(separator: ", ")) matches no claim in \(claimFiles.joined(separator: ", "))")
            }
        } catch let error as ConfigError {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
        } catch let error as ClaimError {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
        }
        if audit {
            let entries: [ClaimAudit.Entry]
            do { entries = try ClaimAudit.run(plans, jobs: jobCount) } catch let error as ClaimError {
                throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
            } catch {
                throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
            }
            print(ClaimAudit.table(entries), terminator: "")
            let vacuous = entries.filter { $0.status != .canFail }.count
            if vacuous > 0 { throw CLIFailure(code: CLIFailure.runtime, message: "audit failed: \(vacuous) of \(entries.count) claims cannot be shown to fail") }
            return
        }
        let results: [ClaimResult]
        do {
            results = try ClaimRunner.run(plans, jobs: jobCount)
        } catch let error as ClaimError {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
        } catch {
            throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
        }
        if !quiet { print(ClaimReport.table(results), terminator: "") }
        let notPassed = results.filter { !$0.outcome.passed }.count
        if notPassed > 0 { problems.append("\(notPassed) of \(results.count) claims did not pass") }
        if let report {
            let text = report.hasSuffix(".json") ? ClaimReport.json(results) : ClaimReport.csv(results)
            let url = URL(fileURLWithPath: report)
            try runtime {
                try AtomicFiles.write([(url.lastPathComponent, text)], into: url.deletingLastPathComponent().path)
            }
            status("wrote \(report)")
        }
        if let junit {
            let url = URL(fileURLWithPath: junit)
            try runtime { try AtomicFiles.write([(url.lastPathComponent, JUnitReport.xml(results))], into: url.deletingLastPathComponent().path) }
            status("wrote \(junit)")
        }
        if (golden || files.isEmpty) && !updateGolden {
            let entries = try runtime { try GoldenFingerprint.check(root: root, jobs: jobCount) }
            for entry in entries {
                switch entry.status {
                case .matches: status("golden \(entry.goldenFile): matches")
                case .missing:
                    problems.append("golden \(entry.goldenFile) is missing")
                    print("golden \(entry.goldenFile): MISSING (run `latsim check --update-golden` and commit it)")
                case .differs(let lines):
                    problems.append("golden \(entry.goldenFile) differs")
                    print("golden \(entry.goldenFile): DIFFERS (a model change moved a number; if deliberate, run `latsim check --update-golden` and commit the diff)")
                    for line in lines { print("  - \(line.old)\n  + \(line.new)") }
                }
            }
        }
        if !problems.isEmpty { throw CLIFailure(code: CLIFailure.runtime, message: "check failed: " + problems.joined(separator: "; ")) }
    }

    /// Whether a claim is selected by --claim (all are when none is given).
    func selected(_ name: String) -> Bool {
        claimNames.isEmpty || claimNames.contains { fnmatch($0, name, 0) == 0 }
    }

    /// A status line on stderr, unless --quiet.
    func status(_ line: String) { if !quiet { standardError(line) } }

    /// Runs `body`, turning config errors into exit code 2 and other errors into exit code 1.
    func runtime<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ConfigError {
            throw CLIFailure(code: CLIFailure.badInput, message: "error: \(error)")
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(code: CLIFailure.runtime, message: "error: \(error)")
        }
    }
}
