import Testing
@testable import LatSimCLI

/// The printed table fits the terminal: optional columns go, last first, the 95% CI only when
/// p50 and p99 are not enough, and a note names what is hidden.
@Suite struct SummaryTableTests {
    static let rows = [["point", "metric", "design", "n", "mean", "95% CI", "p50", "p99"],
                       ["0", "a_rather_long_metric_name_latency_p99 (ns)", "async", "10", "1.58ms", "[1.577ms, 1.583ms]", "1.58ms", "1.586ms"]]

    static func widest(_ text: String) -> Int { text.split(separator: "\n").map(\.count).max() ?? 0 }

    @Test func noWidthOrEnoughWidthHidesNothing() {
        let all = SummaryTable.fit(SummaryTableTests.rows, width: nil, optional: ["95% CI", "p50", "p99"])
        #expect(all == SummaryTable.align(SummaryTableTests.rows))
        #expect(SummaryTable.fit(SummaryTableTests.rows, width: SummaryTableTests.widest(all), optional: ["95% CI", "p50", "p99"]) == all)
    }

    @Test(arguments: [100, 80, 70])
    func everyLineFitsAndTheNoteNamesTheHiddenColumns(width: Int) {
        let all = SummaryTable.align(SummaryTableTests.rows)
        #expect(SummaryTableTests.widest(all) > width)
        let text = SummaryTable.fit(SummaryTableTests.rows, width: width, optional: ["95% CI", "p50", "p99"])
        #expect(SummaryTableTests.widest(text) <= width, "\(text)")
        let note = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(note.hasPrefix("(") && note.contains("hidden to fit \(width) columns"), "\(note)")
        // The CI is hidden only when the percentiles were not enough.
        let withoutPercentiles = SummaryTable.align(SummaryTableTests.rows.map { Array($0.prefix(6)) })
        #expect(note.contains("95% CI") == (SummaryTableTests.widest(withoutPercentiles) > width), "\(note)")
    }
}
