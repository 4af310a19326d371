import Testing
@testable import LatSimMarkets

/// The matching-engine station against an independent FCFS reference: with c workers, job n
/// starts at max(arrival_n, the earliest time a worker frees up after job n-1 started), which
/// a sorted list of worker-free times computes directly.
struct ServiceStationTests {
    struct Job { var id: Int; var arrival: SimInstant }

    struct StationModel: SimulationModel {
        enum Event { case arrive(Job), done }
        var station: ServiceStation<Job>
        var starts: [(id: Int, time: SimInstant, service: SimDuration)] = []
        mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
            switch event {
            case .arrive(let job):
                if let j = station.arrive(job, at: context.now) { start(j, context: &context) }
            case .done:
                if let j = station.complete(at: context.now) { start(j, context: &context) }
            }
        }
        mutating func start(_ job: Job, context: inout SimulationContext<Event>) {
            #expect(station.busy <= station.workers)
            let service = station.drawServiceTime()
            starts.append((job.id, context.now, service))
            context.schedule(.done, after: service)
        }
    }

    @Test("Jobs start in arrival order and at the FCFS reference times, for 1 to 4 workers", arguments: [1, 2, 3, 4])
    func fcfs(workers: Int) throws {
        let seed: UInt64 = 99
        let arrivals = RandomStream(rootSeed: seed, replication: workers, component: "arrivals")
        let station = ServiceStation<Job>(name: "engine", workers: workers, serviceTime: try .lognormal(median: 1_000, sigma: 0.8),
                                          stream: RandomStream(rootSeed: seed, replication: workers, component: "service"))
        var sim = Simulation(model: StationModel(station: station))
        var t = SimInstant.zero
        var arrivalTimes: [SimInstant] = []
        for id in 0..<5_000 {
            // Bursty arrivals at load about 0.9 per worker, with ties (rounded to 100 ns).
            t += .nanoseconds(Int64(arrivals.exponential(mean: 1_300 / Double(workers)) / 100) * 100)
            arrivalTimes.append(t)
            sim.schedule(.arrive(Job(id: id, arrival: t)), at: t)
        }
        _ = sim.run(RunLimits())
        let starts = sim.model.starts
        #expect(starts.count == 5_000)
        #expect(starts.map(\.id) == Array(0..<5_000), "seed \(seed): jobs must start in arrival order")
        // Reference: worker free times, smallest first.
        var free = [SimInstant](repeating: .zero, count: workers)
        var maxDelay: Int64 = 0
        for (index, s) in starts.enumerated() {
            free.sort()
            let expected = Swift.max(arrivalTimes[index], free[0])
            #expect(s.time == expected, "seed \(seed): job \(index) started at \(s.time), reference \(expected)")
            maxDelay = Swift.max(maxDelay, (expected - arrivalTimes[index]).nanoseconds)
            free[0] = expected + s.service
            if s.time != expected { break }
        }
        #expect(Int64(sim.model.station.queueingDelay.maximum) == maxDelay)
        #expect(sim.model.station.arrivals == 5_000 && sim.model.station.completions == 5_000)
        #expect(maxDelay > 0, "the load must make jobs wait for the test to mean anything")
    }
}
