import Foundation
import Testing

/// The fuzz harness: every kept regression case, then seeded mutations of every curated config
/// (experiments/*.yaml) and claims file (experiments/claims/*.yaml), each run through the
/// `latsim` binary of this build (validate and a short run, or check) under a time and an
/// address-space bound. Every case must end in success or a clear error; a crash, a hang or
/// an unclear error fails the test and its input is written out to keep as a regression.
///
///     swift test --filter FuzzTests                                  # a 60 s budget (about a minute and a half)
///     LATSIM_FUZZ_SECONDS=1800 swift test --filter FuzzTests         # a longer soak (make fuzz-soak)
///     LATSIM_FUZZ_SEED=7 LATSIM_FUZZ_CASES=500 swift test --filter FuzzTests
///
/// Case i of seed s is always the same input; the time budget only decides how many run (cases
/// are taken in index order, so a shorter budget runs a prefix of a longer one).
@Suite(.serialized) struct FuzzTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regressions").path

    static func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    /// The `latsim` binary next to this test bundle (swift test builds it with the tests).
    static func binary() -> String? {
        let override = environment("LATSIM_BINARY")
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates: [String] = override.map { [$0] } ?? []
        candidates.append(directory.appendingPathComponent("latsim").path)
        candidates.append(directory.deletingLastPathComponent().appendingPathComponent("latsim").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A scratch copy of experiments/ (cases resolve presets and configs as the curated ones do),
    /// with the hostile files the mutator points at.
    static func workspace() throws -> (String, FuzzMutator.HostileFiles) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-fuzz-\(getpid())").path
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository + "/experiments", toPath: work + "/experiments")
        let oversized = work + "/oversized.csv"
        _ = FileManager.default.createFile(atPath: oversized, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: oversized))
        try handle.truncate(atOffset: 80 << 20) // sparse: past every size limit, costs no disk
        try handle.close()
        let garbage = work + "/garbage.csv"
        writeFile(garbage, "latency_us\n1\n\u{0}\u{1}\u{2}\nnan\n-5\n1e400\n" + String(repeating: ",", count: 1_000) + "\n")
        return (work, FuzzMutator.HostileFiles(oversized: oversized, garbage: garbage))
    }

    static func seeds() throws -> [(name: String, place: FuzzCase.Place, tree: FuzzTree)] {
        var found: [(String, FuzzCase.Place, FuzzTree)] = []
        for (directory, place) in [("experiments", FuzzCase.Place.experiments), ("experiments/claims", .claims)] {
            let names = try FileManager.default.contentsOfDirectory(atPath: repository + "/" + directory).filter { $0.hasSuffix(".yaml") }.sorted()
            for name in names {
                let text = try String(contentsOfFile: repository + "/" + directory + "/" + name, encoding: .utf8)
                found.append((String(name.dropLast(5)), place, try FuzzTree(yaml: text)))
            }
        }
        return found
    }

    /// Keeps claims cheap whatever the mutation did: two replications, a 50 ms horizon.
    static func bounded(claims tree: FuzzTree) -> FuzzTree {
        guard case .map(var entries) = tree else { return tree }
        let cheap = [FuzzTree.Entry(key: "horizon", value: .scalar("50ms")), FuzzTree.Entry(key: "warm_up", value: .scalar("0s")), FuzzTree.Entry(key: "max_events", value: .scalar("200000"))]
        func force(_ node: FuzzTree) -> FuzzTree {
            guard case .map(var fields) = node else { return node }
            fields.removeAll { $0.key == "replications" }
            fields.append(FuzzTree.Entry(key: "replications", value: .scalar("2")))
            if let index = fields.firstIndex(where: { $0.key == "set" }), case .map(var set) = fields[index].value {
                set.removeAll { entry in cheap.contains { $0.key == entry.key } }
                fields[index].value = .map(set + cheap)
            } else if !fields.contains(where: { $0.key == "set" }) {
                fields.append(FuzzTree.Entry(key: "set", value: .map(cheap)))
            }
            return .map(fields)
        }
        for index in entries.indices {
            if entries[index].key == "defaults" { entries[index].value = force(entries[index].value) }
            if entries[index].key == "claims", case .list(let claims) = entries[index].value {
                entries[index].value = .list(claims.map(force))
            }
        }
        if !entries.contains(where: { $0.key == "defaults" }) { entries.insert(FuzzTree.Entry(key: "defaults", value: force(.map([]))), at: 0) }
        return .map(entries)
    }

    @Test func everyInputEndsInSuccessOrAClearError() throws {
        guard let binary = FuzzTests.binary() else {
            Issue.record("no latsim binary next to the tests: run `swift build` first, or set LATSIM_BINARY")
            return
        }
        let budgetSeconds = Double(FuzzTests.environment("LATSIM_FUZZ_SECONDS") ?? "") ?? 60
        let maximumCases = Int(FuzzTests.environment("LATSIM_FUZZ_CASES") ?? "") ?? 1_000_000
        let seed = UInt64(FuzzTests.environment("LATSIM_FUZZ_SEED") ?? "") ?? 1
        let jobs = max(1, Int(FuzzTests.environment("LATSIM_FUZZ_JOBS") ?? "") ?? 2)
        let (work, files) = try FuzzTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let seeds = try FuzzTests.seeds()
        let bounds = FuzzCase.Bounds()

        // 1. Every input that once crashed, hung or aborted.
        let regressionNames = try FileManager.default.contentsOfDirectory(atPath: FuzzTests.regressions).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!regressionNames.isEmpty, "no regression cases under \(FuzzTests.regressions)")
        var results: [FuzzCase.Result] = []
        for name in regressionNames {
            let text = try String(contentsOfFile: FuzzTests.regressions + "/" + name, encoding: .utf8)
            guard let regression = FuzzCase(regressionText: text, name: "regression-" + String(name.dropLast(5))) else {
                Issue.record("\(name): no `# fuzz-regression:` header (or an unknown # fuzz- field)")
                continue
            }
            results.append(regression.run(binary: binary, work: work, bounds: bounds))
        }
        let regressionCount = results.count

        // 2. Seeded mutations, in index order, within the time budget, on `jobs` workers.
        let start = Date()
        let shared = Shared()
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while true {
                let index = shared.takeIndex()
                guard index < maximumCases, Date().timeIntervalSince(start) < budgetSeconds else { return }
                let source = seeds[index % seeds.count]
                var mutator = FuzzMutator(seed: seed, index: index, files: files)
                let (text, what) = mutator.mutate(source.tree)
                let final = source.place == .claims ? ((try? FuzzTree(yaml: text)).map { FuzzTests.bounded(claims: $0).yaml } ?? text) : text
                let fuzzCase = FuzzCase(name: "fuzz-\(seed)-\(index)", text: final, place: source.place,
                                        description: "\(source.name): \(what)", expectedExit: nil)
                let result = fuzzCase.run(binary: binary, work: work, bounds: bounds)
                shared.store((index, result, final))
            }
        }
        let mutated = shared.done.sorted { $0.0 < $1.0 }
        results += mutated.map(\.1)

        // 3. Report and keep every failing input.
        let failuresDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("latsim-fuzz-failures").path
        for (offset, result) in results.enumerated() where result.failure != nil {
            let place = offset < regressionCount ? "regression" : "case"
            var kept = ""
            if offset >= regressionCount {
                try? FileManager.default.createDirectory(atPath: failuresDirectory, withIntermediateDirectories: true)
                let (_, _, text) = mutated[offset - regressionCount]
                let header = "# fuzz-regression: \(result.description.replacingOccurrences(of: "\n", with: " "))\n"
                    + "# fuzz-place: \(text.contains("claims:") ? "claims" : "experiments")\n"
                kept = failuresDirectory + "/\(result.name).yaml"
                writeFile(kept, header + text)
            }
            Issue.record("\(place) \(result.name) (\(result.description)): \(result.failure!)\(kept.isEmpty ? "" : "\ninput kept in \(kept): copy it to Tests/LatSimFuzzTests/Regressions/ once fixed")")
        }
        let report = FuzzTests.report(results, regressions: regressionCount, seed: seed, seconds: Date().timeIntervalSince(start))
        print(report)
        writeFile(FuzzTests.repository + "/.build/fuzz-report.txt", report + "\n")
        #expect(results.count > regressionCount, "the budget ran no mutated case")
    }

    /// The workers' shared state: the next case index and the finished cases.
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private(set) var done: [(Int, FuzzCase.Result, String)] = []
        func takeIndex() -> Int { lock.lock(); defer { lock.unlock() }; next += 1; return next - 1 }
        func store(_ item: (Int, FuzzCase.Result, String)) { lock.lock(); done.append(item); lock.unlock() }
    }

    static func report(_ results: [FuzzCase.Result], regressions: Int, seed: UInt64, seconds: Double) -> String {
        let crashes = results.filter { $0.failure?.hasPrefix("crash") == true }.count
        let hangs = results.filter { $0.failure?.hasPrefix("hang") == true }.count
        let unclear = results.filter { $0.failure != nil && !($0.failure!.hasPrefix("crash") || $0.failure!.hasPrefix("hang")) }.count
        let peak = results.max { $0.peakResidentBytes < $1.peakResidentBytes }
        let slowest = results.max { $0.seconds < $1.seconds }
        var byExit: [Int32: Int] = [:]
        for result in results { if let last = result.exitCodes.last { byExit[last, default: 0] += 1 } }
        let errors = results.filter { $0.exitCodes.last.map { $0 != 0 } ?? false }
        let withLine = errors.filter(\.errorHasLine).count
        return """
            fuzz: \(results.count) cases (\(regressions) regressions + \(results.count - regressions) mutations of seed \(seed)) in \(Int(seconds)) s
            fuzz: crashes \(crashes), hangs \(hangs), other failures \(unclear)
            fuzz: final exit codes \(byExit.keys.sorted().map { "\($0): \(byExit[$0]!)" }.joined(separator: ", ")); errors naming a line \(withLine) of \(errors.count)
            fuzz: peak memory \(peak.map { "\($0.peakResidentBytes >> 20) MiB (\($0.name): \($0.description.prefix(120)))" } ?? "n/a")
            fuzz: slowest case \(slowest.map { "\(String(format: "%.2f", $0.seconds)) s (\($0.name): \($0.description.prefix(120)))" } ?? "n/a")
            """
    }
}
