import Testing
@testable import LatSimNetwork

struct ServiceStationTests {
    let s = RandomStream(rootSeed: 1, replication: 0, component: "station")

    @Test func priorityServesLowerLevelsFirst() throws {
        var st = ServiceStation<Int>(workers: 1, service: try .constant(1e6), discipline: .priority(levels: 2))
        _ = st.arrive(0, level: 1, at: .zero, stream: s)          // starts at once
        _ = st.arrive(1, level: 1, at: .zero, stream: s)
        _ = st.arrive(2, level: 0, at: .zero, stream: s)
        _ = st.arrive(3, level: 1, at: .zero, stream: s)
        var order: [Int] = []
        var now = SimInstant.zero + .milliseconds(1)
        while let next = st.complete(at: now, stream: s).started {
            order.append(next.job)
            now = next.completion
        }
        #expect(order == [2, 1, 3])
    }

    @Test func overflowPolicies() throws {
        var newest = ServiceStation<Int>(workers: 1, service: try .constant(1e6), capacity: 1, overflow: .dropNewest)
        var oldest = ServiceStation<Int>(workers: 1, service: try .constant(1e6), capacity: 1, overflow: .dropOldest)
        var block = ServiceStation<Int>(workers: 1, service: try .constant(1e6), capacity: 1, overflow: .block)
        for job in 0..<3 {
            _ = newest.arrive(job, at: .zero, stream: s)
            _ = oldest.arrive(job, at: .zero, stream: s)
            _ = block.arrive(job, at: .zero, stream: s)
        }
        if case .dropped(let j, .overflowNewest) = newest.arrive(9, at: .zero, stream: s) { #expect(j == 9) } else { Issue.record("drop-newest") }
        if case .dropped(let j, .overflowOldest) = oldest.arrive(9, at: .zero, stream: s) { #expect(j == 2) } else { Issue.record("drop-oldest") }
        if case .blocked = block.arrive(9, at: .zero, stream: s) {} else { Issue.record("block") }
        #expect(block.waiting == 1 && block.heldCount == 2)
        // Completing one admits the oldest held job; the waiting room never exceeds its capacity.
        let outcome = block.complete(at: .zero + .milliseconds(1), stream: s)
        #expect(outcome.started?.job == 1 && outcome.admitted == 2 && block.waiting == 1 && block.queueLength.maximum <= 1)
    }
}
