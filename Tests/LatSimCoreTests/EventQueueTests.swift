import Testing
@testable import LatSimCore

/// Queue order against a simple reference (a stably sorted array) over many seeded random schedules.
@Suite struct EventQueueTests {
    struct Reference {
        var items: [(time: Int64, sequence: Int, id: Int)] = []
        var sequence = 0
        mutating func push(_ id: Int, _ time: Int64) {
            items.append((time, sequence, id))
            sequence += 1
        }
        mutating func pop() -> (Int64, Int)? {
            guard let index = items.indices.min(by: { (items[$0].time, items[$0].sequence) < (items[$1].time, items[$1].sequence) }) else { return nil }
            let item = items.remove(at: index)
            return (item.time, item.id)
        }
    }

    @Test(arguments: 0..<40)
    func matchesSortedReferenceWithTies(seed: Int) {
        let stream = RandomStream(rootSeed: UInt64(seed), replication: 0, component: "queue-test")
        var queue = EventQueue<Int>()
        var reference = Reference()
        var now: Int64 = 0
        var nextID = 0
        // Times from a small range so that ties are frequent; operations mix pushes, pops, replaceMin.
        for _ in 0..<2_000 {
            let roll = stream.uniformInt(below: 10)
            if roll < 5 || queue.isEmpty {
                let time = now + Int64(stream.uniformInt(below: 8))
                queue.push(nextID, at: SimInstant(nanosecondsSinceStart: time))
                reference.push(nextID, time)
                nextID += 1
            } else if roll < 8 {
                let got = queue.popMin()!
                let want = reference.pop()!
                #expect(got.time.nanosecondsSinceStart == want.0 && got.event == want.1, "seed \(seed)")
                now = got.time.nanosecondsSinceStart
            } else {
                // replaceMin == pop then push (the new event gets the next sequence number)
                let top = queue.min!
                let want = reference.pop()!
                #expect(top.time.nanosecondsSinceStart == want.0 && top.event == want.1, "seed \(seed)")
                now = top.time.nanosecondsSinceStart
                let time = now + Int64(stream.uniformInt(below: 8))
                queue.replaceMin(with: nextID, at: SimInstant(nanosecondsSinceStart: time))
                reference.push(nextID, time)
                nextID += 1
            }
            #expect(queue.count == reference.items.count)
        }
        queue.checkInvariants()
        while let got = queue.popMin() {
            let want = reference.pop()!
            #expect(got.time.nanosecondsSinceStart == want.0 && got.event == want.1, "seed \(seed)")
        }
        #expect(reference.items.isEmpty)
    }

    @Test func theEarliestChildOfTheRootIsTheNextEventPopped() {
        let stream = RandomStream(rootSeed: 5, replication: 0, component: "queue")
        var queue = EventQueue<Int>()
        #expect(queue.earliestChildOfRoot == nil)
        for k in 0..<2_000 { queue.push(k, at: SimInstant(nanosecondsSinceStart: Int64(stream.uniformInt(below: 50)))) }
        while queue.count > 1 {
            let hint = queue.earliestChildOfRoot
            _ = queue.popMin()
            #expect(hint == queue.min?.event)
        }
        #expect(queue.earliestChildOfRoot == nil)
    }

    @Test func equalTimesRunInSchedulingOrder() {
        var queue = EventQueue<Int>()
        for id in 0..<100 { queue.push(id, at: SimInstant(nanosecondsSinceStart: 7)) }
        var order: [Int] = []
        while let next = queue.popMin() { order.append(next.event) }
        #expect(order == Array(0..<100))
    }

    @Test func memoryFollowsPendingNotProcessed() {
        let small = HoldBenchmark.run(pending: 1_000, events: 10_000, seed: 3)
        let large = HoldBenchmark.run(pending: 1_000, events: 400_000, seed: 3)
        #expect(small.queueBytes == large.queueBytes, "queue memory grew with events processed")
        #expect(large.queueBytesPerPendingEvent <= 32)
        let more = HoldBenchmark.run(pending: 8_000, events: 10_000, seed: 3)
        #expect(more.queueBytes > large.queueBytes)
    }
}
