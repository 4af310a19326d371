import Foundation
import Testing
import LatSimCore
import LatSimExperiments

/// `series:` (series.csv): per broker and station instance and time bucket, its level, held
/// messages, and the messages in, out and lost in the bucket. Checked against the run's own
/// whole-run counts (no warm-up, so every counter covers the whole run) and the outage's shape.
struct SeriesOutputTests {
    static func spec(series: SimDuration?) -> ReplicationSpec {
        ReplicationSpec(replication: 0, rootSeed: BrokerOutageTemplateTests.seed, horizon: .seconds(Int64(3)), warmUp: .zero,
                        seriesBucket: series)
    }

    @Test func theBrokerBacklogBuildsThroughTheOutageAndDrains() throws {
        let scenario = try BrokerOutageTemplateTests.scenario()   // consumer-0 down from 1 s to 2 s
        let bucket = SimDuration.milliseconds(Int64(100))
        for design in ["direct", "queued"] {
            let plain = scenario.run(design: design, spec: Self.spec(series: nil))
            let r = scenario.run(design: design, spec: Self.spec(series: bucket))
            #expect(plain.seriesRows.isEmpty && plain.seriesHeader.isEmpty)
            #expect(identical(r, plain) && r.eventsProcessed == plain.eventsProcessed, "\(design): a series changes no metric")
            #expect(r.seriesHeader == ["time_ns", "component", "instance", "level", "held", "in", "out", "lost"])
            func rows(_ component: String) -> [[String]] { r.seriesRows.filter { $0[1] == component } }
            func column(_ rows: [[String]], _ k: Int) -> [Int64] { rows.map { Int64($0[k])! } }
            // Bucket ends at 100 ms, 200 ms, ... in order, one row per instance each.
            let times = column(rows("consumer-0"), 0)
            #expect(times == (1...times.count).map { Int64($0) * 100_000_000 })
            let lostAtConsumers = ["consumer-0", "consumer-1"].reduce(Int64(0)) { $0 + column(rows($1), 7).reduce(0, +) }
            if design == "direct" {
                #expect(Double(lostAtConsumers) == r.value("messages_lost")!, "direct: the series' losses are the run's")
            } else {
                // What the down consumer loses, the broker redelivers: lost there, not to the system.
                #expect(column(rows("broker"), 7).reduce(0, +) == 0 && r.value("messages_lost") == 0)
                let lostTimes = rows("consumer-0").filter { $0[7] != "0" }.map { Int64($0[0])! }
                #expect(!lostTimes.isEmpty && lostTimes.allSatisfy { $0 > 1_000_000_000 && $0 <= 2_100_000_000 }, "\(lostTimes)")
            }
            if design == "queued" {
                let broker = rows("broker")
                #expect(Double(column(broker, 5).reduce(0, +)) == r.value("messages_generated")!, "every message published is counted in")
                // About 2,000 messages (two of four producers, 1,000/s each) back up by the outage's end; all drained at the end.
                let level = Dictionary(uniqueKeysWithValues: broker.map { (Int64($0[0])!, Int64($0[3])!) })
                #expect(level[2_000_000_000]! > 1_500 && level[1_000_000_000]! < 100, "\(level[1_000_000_000]!) -> \(level[2_000_000_000]!)")
                #expect(column(broker, 3).last == 0, "drained")
            } else {
                // The outage's buckets lose (about 100 a bucket), the others nothing at consumer-0.
                let lost = Dictionary(uniqueKeysWithValues: rows("consumer-0").map { (Int64($0[0])!, Int64($0[7])!) })
                #expect(lost[1_500_000_000]! > 50 && lost[500_000_000]! == 0 && lost[2_500_000_000]! == 0)
            }
        }
    }

    @Test func seriesIsWrittenWholeAndRefusedWhereItCannotApply() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = """
            name: s
            seed: 3
            replications: 2
            horizon: 1s
            series: 250ms
            model:
              kind: graph
              components:
                - {name: feed, type: source, arrival: renewal, interarrival: 1ms}
                - {name: topic, type: broker}
                - {name: done, type: sink, acknowledge: true}
              connections:
                - {from: feed.out, to: topic.in, link: 0ms}
                - {from: topic.out, to: done.in, link: 0ms}
            """
        let plan = try ExperimentPlan(file: directory.write("s.yaml", config))
        let files = try Experiment.files(try Experiment.run(plan, jobs: 1), version: "test", commandLine: [])
        let series = try #require(files.first { $0.name == "series.csv" }?.contents)
        let lines = series.split(separator: "\n")
        #expect(lines.first == "point,design,replication,time_ns,component,instance,level,held,in,out,lost")
        #expect(lines.count == 1 + 2 * 4, "two replications, four buckets, one broker: \(lines.count)")
        // Messages at 1 ms, 2 ms, ...; the one at exactly 250 ms was scheduled after the bucket end, so it falls in the next bucket.
        #expect(lines[1] == "0,base,0,250000000,topic,0,0,0,249,249,0", "\(lines[1])")
        #expect(try Experiment.files(try Experiment.run(plan, jobs: 2), version: "test", commandLine: []).first { $0.name == "series.csv" }?.contents
                == series, "the same bytes on any thread count")
        let error = try #require(planError(config.replacingOccurrences(of: "250ms", with: "1us")))
        #expect(error.description.contains("series") && error.description.contains("10000"), "\(error)")
        let zero = try #require(planError(config.replacingOccurrences(of: "250ms", with: "0ms")))
        #expect(zero.description.contains("series"), "\(zero)")
    }
}

/// Whether two results record the same metrics with bit-identical values (a NaN metric, one
/// with no observations, equals itself here, unlike `==` on Double).
func identical(_ a: ReplicationResult, _ b: ReplicationResult) -> Bool {
    a.metrics.count == b.metrics.count && zip(a.metrics, b.metrics).allSatisfy {
        $0.name == $1.name && $0.unit == $1.unit && $0.value.bitPattern == $1.value.bitPattern
    }
}
