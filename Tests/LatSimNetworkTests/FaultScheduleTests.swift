import Testing
@testable import LatSimNetwork

struct FaultScheduleTests {
    @Test func randomOutagesHaveTheRenewalAvailability() throws {
        // Alternating renewal process: long-run down fraction = MTTR / (MTBF + MTTR) = 1 / 11.
        var faults = FaultSchedule()
        let s = RandomStream(rootSeed: 17, replication: 0, component: "faults")
        let horizon = SimInstant.zero + .seconds(Int64(20_000))
        faults.addRandom(component: 0, timeBetweenFailures: try .exponential(mean: 10e9), timeToRepair: try .exponential(mean: 1e9),
                         until: horizon, stream: s)
        let down = faults.downTime(0, until: horizon).seconds / 20_000
        // About 1,800 cycles; the down fraction's sd is about 0.0025 here, so 0.01 is 4 sd.
        #expect(abs(down - 1.0 / 11) <= 0.01, "down fraction \(down), theory \(1.0 / 11) (seed 17)")
        for (a, b) in zip(faults.outages, faults.outages.dropFirst()) { #expect(a.end <= b.start, "outages overlap") }
    }

    @Test func upTimeChainsOverlappingOutagesAndPartitionsSeparateGroups() {
        var faults = FaultSchedule()
        let t = { (ms: Int64) in SimInstant.zero + .milliseconds(ms) }
        faults.add(.init(component: 1, start: t(10), end: t(20)))
        faults.add(.init(component: 1, start: t(15), end: t(30)))
        #expect(faults.isDown(1, at: t(12)) && !faults.isDown(1, at: t(30)) && !faults.isDown(2, at: t(12)))
        #expect(faults.upTime(1, after: t(12)) == t(30))
        #expect(faults.upTime(1, after: t(5)) == t(5))
        faults.add(.init(groupOf: [0, 0, 1, -1], start: t(100), end: t(200)))
        #expect(faults.separated(0, 2, at: t(150)))
        #expect(!faults.separated(0, 1, at: t(150)))
        #expect(!faults.separated(0, 3, at: t(150)))   // node 3 is in no group: it reaches every group
        #expect(!faults.separated(0, 2, at: t(200)))
    }

    @Test func brokerLedgerAndRedelivery() {
        var broker = Broker<Int>(partitions: 1, groups: 2, capacityPerPartition: 3, overflow: .dropNewest, prefetch: 2)
        for m in 0..<4 { _ = broker.publish(m, partition: 0, at: .zero) }   // the fourth is dropped
        #expect(broker.published == 3 && broker.ledger.dropped == 1 && broker.reconciles)
        let a = broker.nextDelivery(group: 0, partition: 0)!, b = broker.nextDelivery(group: 0, partition: 0)!
        #expect(a.message == 0 && b.message == 1 && broker.nextDelivery(group: 0, partition: 0) == nil)   // prefetch 2
        broker.consumerFailed(group: 0, partition: 0)
        let again = broker.nextDelivery(group: 0, partition: 0)!
        #expect(again.message == 0 && again.isRedelivery && broker.redelivered == 1)
        broker.acknowledge(group: 0, partition: 0, offset: 0, at: .zero)
        #expect(broker.storedCount == 3)   // group 1 has not committed offset 0
        _ = broker.nextDelivery(group: 1, partition: 0)
        broker.acknowledge(group: 1, partition: 0, offset: 0, at: .zero)
        #expect(broker.storedCount == 2 && broker.ledger.delivered == 1 && broker.reconciles)
    }
}

struct LinkTableTests {
    @Test func nodeOutagesAndPartitionsCutLinksAndTheLedgerReconciles() throws {
        let spec = ReplicationSpec(replication: 0, rootSeed: 3, horizon: .seconds(Int64(1)))
        let p = try LinkParameters(latency: .constant(1e6), faultPolicy: .lost)
        var table = try LinkTable(nodeNames: ["a", "b", "c"], spec: spec) { s, t in s == t ? nil : p }
        #expect(table[0, 0] == nil && table[0, 1] != nil)
        let sent = table.send("hello", from: 0, to: 1, at: .zero)
        #expect(sent?.0.payload == "hello" && sent?.1 == .zero + .milliseconds(1))
        #expect(table.reconciles && table.totalLedger.inFlight == 1)
        table.recordDelivered(from: 0, to: 1)
        table.setNode(2, up: false)
        #expect(table.send("x", from: 0, to: 2, at: .zero) == nil && table[0, 2]!.ledger.dropped(.outage) == 1)
        #expect(table.send("x", from: 0, to: 1, at: .zero) != nil)
        let split = FaultSchedule.Partition(groupOf: [0, 1, 1], start: .zero, end: .zero + .seconds(Int64(1)))
        table.apply(split, active: true)
        #expect(table.send("x", from: 1, to: 0, at: .zero) == nil)
        table.setNode(2, up: true)
        #expect(table[1, 2]!.isUp && !table[2, 0]!.isUp, "the partition still cuts c from a")
        table.apply(split, active: false)
        #expect(table[2, 0]!.isUp && table[1, 0]!.isUp)
        #expect(table.reconciles)
    }
}
