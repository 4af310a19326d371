import Testing
import LatSimNetwork
@testable import LatSimMarkets

/// The matching-engine station (the Network layer's `ServiceStation`, as the Markets models
/// use it: match at the start of service) against an independent FCFS reference: with c workers, job n
/// starts at max(arrival_n, the earliest time a worker frees up after job n-1 started), which
/// a sorted list of worker-free times computes directly.
struct ServiceStationTests {
    struct Job { var id: Int; var arrival: SimInstant }

    struct StationModel: SimulationModel {
        enum Event { case arrive(Job), done }
        var station: ServiceStation<Job>
        let stream: RandomStream
        var starts: [(id: Int, time: SimInstant, service: SimDuration)] = []
        var maxDelay: Int64 = 0
        mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
            switch event {
            case .arrive(let job):
                if case .started(let completion) = station.arrive(job, at: context.now, stream: stream) {
                    start(job, completion: completion, context: &context)
                }
            case .done:
                if let next = station.complete(at: context.now, stream: stream).started {
                    start(next.job, completion: next.completion, context: &context)
                }
            }
        }
        mutating func start(_ job: Job, completion: SimInstant, context: inout SimulationContext<Event>) {
            #expect(station.busy <= station.workers)
            starts.append((job.id, context.now, completion - context.now))
            maxDelay = Swift.max(maxDelay, (context.now - job.arrival).nanoseconds)
            context.schedule(.done, at: completion)
        }
    }

    @Test("Jobs start in arrival order and at the FCFS reference times, for 1 to 4 workers", arguments: [1, 2, 3, 4])
    func fcfs(workers: Int) throws {
        let seed: UInt64 = 99
        let arrivals = RandomStream(rootSeed: seed, replication: workers, component: "arrivals")
        let station = ServiceStation<Job>(workers: workers, service: try .lognormal(median: 1_000, sigma: 0.8))
        var sim = Simulation(model: StationModel(station: station,
                                                 stream: RandomStream(rootSeed: seed, replication: workers, component: "service")))
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
        #expect(sim.model.maxDelay == maxDelay)
        #expect(sim.model.station.arrivals == 5_000 && sim.model.station.completed == 5_000)
        #expect(maxDelay > 0, "the load must make jobs wait for the test to mean anything")
    }
}
