import Testing
@testable import LatSimNetwork

/// Links: ordering, loss, serialisation, and time-varying regimes.
struct LinkTests {
    static func jittery(_ ordering: LinkOrdering, loss: Double = 0) throws -> LinkParameters {
        try LinkParameters(latency: .lognormal(median: 1e6, sigma: 1.0), lossProbability: loss, ordering: ordering)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func fifoNeverReordersAndUnorderedDoesUnderJitter(seed: UInt64) throws {
        for ordering in LinkOrdering.allCases {
            var link = Link(source: 0, target: 1, parameters: try Self.jittery(ordering))
            let stream = RandomStream(rootSeed: seed, replication: 0, component: "link")
            let gaps = RandomStream(rootSeed: seed, replication: 0, component: "gaps")
            var now = SimInstant.zero
            var last = SimInstant.zero
            var inversions = 0
            for _ in 0..<10_000 {
                now = now + SimDuration(roundingNanoseconds: gaps.exponential(mean: 100_000))
                let at = link.send(at: now, stream: stream)!
                #expect(at >= now)
                if at < last { inversions += 1 }
                last = max(last, at)
            }
            if ordering == .fifo {
                #expect(inversions == 0, "FIFO link reordered \(inversions) messages (seed \(seed))")
                #expect(link.headOfLineBlockedCount > 0 && link.headOfLineDelayTotal > 0)
            } else {
                #expect(inversions > 1_000, "unordered link reordered only \(inversions) of 10000 under sigma 1 jitter (seed \(seed))")
            }
        }
    }

    @Test func constantLatencyNeverReordersEvenUnordered() throws {
        var link = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), ordering: .unordered))
        let stream = RandomStream(rootSeed: 1, replication: 0, component: "link")
        var last = SimInstant.zero
        for i in 0..<1_000 {
            let at = link.send(at: .zero + .microseconds(Int64(i)), stream: stream)!
            #expect(at >= last)
            last = at
        }
    }

    @Test func lossFollowsItsProbability() throws {
        let p = 0.01, n = 100_000
        var link = Link(source: 0, target: 1, parameters: try Self.jittery(.unordered, loss: p))
        let stream = RandomStream(rootSeed: 9, replication: 0, component: "link")
        for i in 0..<n {
            if link.send(at: .zero + .microseconds(Int64(i)), stream: stream) != nil { link.recordDelivered() }
        }
        let lost = Double(link.ledger.dropped(.loss))
        let sd = (Double(n) * p * (1 - p)).squareRoot()
        // Binomial count: 99.9% two-sided bound is 3.29 standard deviations.
        #expect(abs(lost - Double(n) * p) <= 3.29 * sd, "lost \(lost) of \(n) at p = \(p) (seed 9)")
        #expect(link.ledger.reconciles(holding: 0))
    }

    @Test func bandwidthSerialisesOneMessageAtATime() throws {
        var link = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), bandwidthBytesPerSecond: 1e6))
        let stream = RandomStream(rootSeed: 1, replication: 0, component: "link")
        // 1000 bytes at 1e6 B/s = 1 ms on the wire, then 1 ms of propagation.
        for k in 1...10 {
            let at = link.send(sizeBytes: 1_000, at: .zero, stream: stream)!
            #expect(at == .zero + .milliseconds(Int64(k) + 1))
        }
    }

    @Test func outagePoliciesLoseOrBuffer() throws {
        var lost = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), faultPolicy: .lost))
        var kept = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), faultPolicy: .buffered))
        let s = RandomStream(rootSeed: 1, replication: 0, component: "link")
        lost.isUp = false
        kept.isUp = false
        #expect(lost.send(at: .zero, stream: s, upAt: .zero + .seconds(Int64(1))) == nil)
        #expect(lost.ledger.dropped(.outage) == 1)
        #expect(kept.send(at: .zero, stream: s, upAt: .zero + .seconds(Int64(1))) == .zero + .seconds(Int64(1)) + .milliseconds(1))
        #expect(kept.ledger.inFlight == 1)
    }

    @Test func scheduledRegimeScalesLatency() throws {
        let regime = try LatencyRegime.schedule([.init(name: "calm"), .init(name: "stress", factor: 3)],
                                                changes: [(.zero + .seconds(Int64(1)), 1)])
        var link = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), ordering: .unordered), regime: regime)
        let s = RandomStream(rootSeed: 1, replication: 0, component: "link")
        let before = link.send(at: .zero + .milliseconds(999), stream: s)!
        let after = link.send(at: .zero + .seconds(Int64(2)), stream: s)!
        #expect(before - (.zero + .milliseconds(999)) == .milliseconds(1))
        #expect(after - (.zero + .seconds(Int64(2))) == .milliseconds(3))
    }

    @Test func markovRegimeSpendsTheStationaryFractionInStress() throws {
        // Calm mean 90 ms, stress mean 10 ms: stress 10% of the time; factor 5 in stress.
        // Mean latency of messages sent at a fixed rate = 1 ms x (0.9 x 1 + 0.1 x 5) = 1.4 ms.
        let regime = try LatencyRegime.markov([.init(name: "calm", meanSojourn: .milliseconds(90)),
                                               .init(name: "stress", meanSojourn: .milliseconds(10), factor: 5)])
        var link = Link(source: 0, target: 1, parameters: try LinkParameters(latency: .constant(1e6), ordering: .unordered), regime: regime)
        let s = RandomStream(rootSeed: 3, replication: 0, component: "link")
        var total = 0.0
        let n = 200_000
        for i in 0..<n {
            let now = SimInstant.zero + .microseconds(Int64(i) * 500)   // 100 s: about 1000 cycles
            total += Double((link.send(at: now, stream: s)! - now).nanoseconds)
        }
        let mean = total / Double(n)
        // About 1000 alternating cycles: the stress fraction has sd near 0.1 x sqrt(2/1000) ~ 0.0045,
        // so the mean latency has sd ~ 4 x 0.0045 ms = 0.018 ms; 0.07 ms is about 3.9 sd.
        #expect(abs(mean - 1.4e6) <= 0.07e6, "mean latency \(mean) ns, stationary value 1.4e6 (seed 3)")
    }

    @Test func ringBufferMatchesAnArray() {
        var ring = RingBuffer<Int>(minimumCapacity: 4)
        var reference: [Int] = []
        let s = RandomStream(rootSeed: 11, replication: 0, component: "ring")
        for i in 0..<20_000 {
            switch s.uniformInt(below: 3) {
            case 0, 1: ring.append(i); reference.append(i)
            default:
                if s.bernoulli(0.5) { #expect(ring.popFirst() == (reference.isEmpty ? nil : reference.removeFirst())) }
                else { #expect(ring.popLast() == reference.popLast()) }
            }
            #expect(ring.count == reference.count)
        }
        for (i, v) in reference.enumerated() { #expect(ring[i] == v) }
    }
}
