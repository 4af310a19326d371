import LatSimCore
import LatSimNetwork

/// `type: router`: forwards each message over one of its connections.
///
///     - {name: lb, type: router, policy: shortest-queue}
///     - {name: split, type: router, policy: weighted}      # each connection's `weight`
///
/// Policies: `round-robin`; `random` (uniform); `weighted` (probability proportional to each
/// connection's `weight`: probabilistic routing, feedback loops included); `shortest-queue`
/// (join the shortest queue: the target station instance with the fewest jobs waiting or in
/// service; ties go to a uniformly drawn one of the shortest); `hash` (the message's key
/// modulo the number of connections: one key always takes one route).
public struct RouterParameters: Sendable {
    public enum Policy: String, Sendable, CaseIterable {
        case roundRobin = "round-robin", random, weighted, shortestQueue = "shortest-queue", hash
    }
    public var policy: Policy
    public init(config node: ConfigNode) throws {
        try node.checkKeys(["policy"])
        policy = Policy(rawValue: try node.string("policy", default: "round-robin", oneOf: Policy.allCases.map(\.rawValue)))!
    }
}

struct RouterState {
    let parameters: RouterParameters
    var next = 0
    /// Cumulative connection weights (weighted policy), filled when the graph is built.
    var cumulativeWeights: [Double] = []
    init(parameters: RouterParameters) { self.parameters = parameters }
}

extension GraphModel {
    static let routerMetrics: [ComponentMetric] = [
        ComponentMetric("received", "count", "messages routed") { m, g, _ in Double(m.groupStats[g].received) },
    ]

    mutating func routerReceive(_ local: Int, instance: Int32, _ m: Int32, context: inout SimulationContext<GraphEvent>) {
        if measuring { groupStats[Int(instanceInfo[Int(instance)].group)].received &+= 1 }
        let first = Int(outStart[Int(instance)]), n = Int(outStart[Int(instance) + 1]) - first
        let stream = streams[Int(instance)]
        let choice: Int
        switch routers[local].parameters.policy {
        case .roundRobin:
            choice = routers[local].next
            routers[local].next = (choice + 1) % n
        case .random:
            choice = stream.uniformInt(below: n)
        case .weighted:
            if routers[local].cumulativeWeights.isEmpty {
                var running = 0.0
                routers[local].cumulativeWeights = (0..<n).map { k in
                    running += spec.connections[Int(connectionSpec[Int(outConnections[first + k])])].weight
                    return running
                }
            }
            let weights = routers[local].cumulativeWeights
            let u = stream.uniform() * weights[n - 1]
            var k = 0
            while k < n - 1 && u >= weights[k] { k += 1 }
            choice = k
        case .shortestQueue:
            var best = Int.max, ties = 0, picked = 0
            for k in 0..<n {
                let target = connectionTarget[Int(outConnections[first + k])]
                let length = jobs(at: target)
                if length < best {
                    best = length
                    ties = 1
                    picked = k
                } else if length == best {
                    ties += 1
                    if stream.uniformInt(below: ties) == 0 { picked = k }   // reservoir: uniform among the shortest
                }
            }
            choice = picked
        case .hash:
            choice = Int(pool[m].key % UInt32(n))
        }
        transmit(m, over: outConnections[first + choice], context: &context)
    }

    /// Jobs waiting or in service at a station instance (0 for other types).
    func jobs(at instance: Int32) -> Int {
        guard instanceInfo[Int(instance)].type == .station else { return 0 }
        let s = stations[Int(instanceInfo[Int(instance)].local)].station
        return s.waiting + s.busy + s.heldCount
    }
}
