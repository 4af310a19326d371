import Testing
@testable import LatSimCore

@Suite struct SimulationTests {
    /// Records every event it handles; each event schedules `fanout` more at random delays.
    struct Recorder: SimulationModel {
        let stream: RandomStream
        var log: [(Int64, Int)] = []
        var nextID = 1_000
        mutating func handle(_ event: Int, context: inout SimulationContext<Int>) {
            log.append((context.now.nanosecondsSinceStart, event))
            let fanout = stream.uniformInt(below: 3)
            for _ in 0..<fanout {
                context.schedule(nextID, after: .nanoseconds(Int64(stream.uniformInt(below: 5))))
                nextID += 1
            }
        }
    }

    func trace(seed: UInt64) -> [(Int64, Int)] {
        var sim = Simulation(model: Recorder(stream: RandomStream(rootSeed: seed, replication: 0, component: "recorder")))
        for id in 0..<20 { sim.schedule(id, at: SimInstant(nanosecondsSinceStart: Int64(id % 3))) }
        _ = sim.run(RunLimits(maxEvents: 5_000))
        return sim.model.log
    }

    @Test func sameSeedSameEventSequence() {
        let a = trace(seed: 11), b = trace(seed: 11), c = trace(seed: 12)
        #expect(a.count == b.count && zip(a, b).allSatisfy { $0 == $1 })
        #expect(!(a.count == c.count && zip(a, c).allSatisfy { $0 == $1 }), "another seed gave the same sequence")
    }

    @Test func timeNeverGoesBackAndTiesAreFIFO() {
        let log = trace(seed: 5)
        for (previous, next) in zip(log, log.dropFirst()) {
            #expect(previous.0 <= next.0)
        }
        // Initial events 0..<20 at times id % 3: at each time, ids in increasing order.
        let initial = log.filter { $0.1 < 20 }
        for time in 0..<3 {
            let ids = initial.filter { $0.0 == Int64(time) }.map(\.1)
            #expect(ids == ids.sorted())
        }
    }

    struct Ticker: SimulationModel {
        var count = 0
        mutating func handle(_ event: Int, context: inout SimulationContext<Int>) {
            count += 1
            if count == 50 { context.requestStop(reason: "enough") }
            context.schedule(event, after: .milliseconds(1))
        }
    }

    @Test func stopReasonsSayWhichLimit() {
        var sim = Simulation(model: Ticker())
        sim.schedule(0, at: .zero)
        #expect(sim.run(RunLimits(maxEvents: 10)) == .eventLimitReached(10))
        let horizon = SimInstant.zero + .microseconds(15_500)
        #expect(sim.run(RunLimits(horizon: horizon)) == .horizonReached(horizon))
        #expect(sim.now == horizon)
        #expect(sim.model.count == 16)
        #expect(sim.run(RunLimits()) == .requestedByModel("enough"))
        #expect(sim.model.count == 50)
        var empty = Simulation(model: Ticker())
        #expect(empty.run(RunLimits()) == .queueEmpty)
    }

    @Test func pendingCountExcludesTheEventBeingHandled() {
        struct Counter: SimulationModel {
            var seen: [Int] = []
            mutating func handle(_ event: Int, context: inout SimulationContext<Int>) {
                seen.append(context.pendingCount)
            }
        }
        var sim = Simulation(model: Counter())
        for i in 0..<3 { sim.schedule(i, at: .zero) }
        _ = sim.run(RunLimits())
        #expect(sim.model.seen == [2, 1, 0])
    }
}
