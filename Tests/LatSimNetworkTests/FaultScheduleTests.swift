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
