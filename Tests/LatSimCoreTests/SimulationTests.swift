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

/// `hasOtherEventNow` against the events a seeded schedule puts at each instant (counted here):
/// true exactly while some other event is still pending at the handled event's time, whether
/// the handler has scheduled something yet (the handled event is then no longer at the top).
@Suite struct OtherEventNowTests {
    struct Probe: SimulationModel {
        let stream: RandomStream
        /// Pending events per time, maintained independently of the queue.
        var pendingAt: [Int64: Int] = [:]
        var checks = 0, mismatches = 0, trueSeen = 0
        mutating func handle(_ event: Int, context: inout SimulationContext<Int>) {
            let now = context.now.nanosecondsSinceStart
            pendingAt[now, default: 0] -= 1
            let scheduleFirst = stream.bernoulli(0.5)
            if scheduleFirst && event < 4_000 {
                let at = now + Int64(stream.uniformInt(below: 3))
                context.schedule(event + 1_000, at: SimInstant(nanosecondsSinceStart: at))
                pendingAt[at, default: 0] += 1
            }
            let expected = pendingAt[now, default: 0] > 0
            checks += 1
            if context.hasOtherEventNow != expected { mismatches += 1 }
            if expected { trueSeen += 1 }
        }
    }

    @Test func matchesAnIndependentCountOfSameTimeEvents() {
        var sim = Simulation(model: Probe(stream: RandomStream(rootSeed: 3, replication: 0, component: "probe")))
        for id in 0..<200 {
            let at = Int64(id % 17)
            sim.schedule(id, at: SimInstant(nanosecondsSinceStart: at))
            sim.model.pendingAt[at, default: 0] += 1
        }
        _ = sim.run(RunLimits(maxEvents: 100_000))
        #expect(sim.model.mismatches == 0, "seed 3: \(sim.model.mismatches) of \(sim.model.checks) checks wrong")
        #expect(sim.model.trueSeen > 100 && sim.model.checks - sim.model.trueSeen > 10, "both answers exercised")
    }
}
