import Testing
@testable import LatSimCLI

/// The help texts are an interface: a change shows up as a diff of Golden/*.txt.
@Suite struct HelpGoldenTests {
    @Test func rootHelp() { expectGolden(LatSimCommand.helpMessage(columns: 100), "help-latsim.txt") }
    @Test func runHelp() { expectGolden(LatSimCommand.helpMessage(for: RunCommand.self, columns: 100), "help-run.txt") }
    @Test func sweepHelp() { expectGolden(LatSimCommand.helpMessage(for: SweepCommand.self, columns: 100), "help-sweep.txt") }
    @Test func validateHelp() { expectGolden(LatSimCommand.helpMessage(for: ValidateCommand.self, columns: 100), "help-validate.txt") }
    @Test func listHelp() { expectGolden(LatSimCommand.helpMessage(for: ListCommand.self, columns: 100), "help-list.txt") }
    @Test func checkHelp() { expectGolden(LatSimCommand.helpMessage(for: CheckCommand.self, columns: 100), "help-check.txt") }
    @Test func mergeHelp() { expectGolden(LatSimCommand.helpMessage(for: MergeCommand.self, columns: 100), "help-merge.txt") }
    @Test func benchHelp() { expectGolden(LatSimCommand.helpMessage(for: BenchCommand.self, columns: 100), "help-bench.txt") }
    @Test func benchHoldHelp() { expectGolden(LatSimCommand.helpMessage(for: HoldBenchCommand.self, columns: 100), "help-bench-hold.txt") }
}
