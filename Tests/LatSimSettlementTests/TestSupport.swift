import Foundation
import LatSimCore
import LatSimSettlement

/// The one-sample Kolmogorov-Smirnov statistic D = sup |F_n(x) - F(x)|.
func ksStatistic(_ samples: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = samples.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
    }
    return d
}

/// The critical value of D at significance `alpha` (Stephens' approximation to the
/// Kolmogorov distribution, accurate to about 1% for n >= 35).
func ksCritical(n: Int, alpha: Double) -> Double {
    let root = Double(n).squareRoot()
    return (-0.5 * log(alpha / 2)).squareRoot() / (root + 0.12 + 0.11 / root)
}

/// Mean and half-width of a 95% confidence interval (Student t) of paired values.
func confidenceInterval95(_ values: [Double]) -> (mean: Double, halfWidth: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    let t = StudentT.quantile(0.975, degreesOfFreedom: n - 1)   // GSL, for any n >= 2
    return (mean, t * (variance / n).squareRoot())
}

/// A host that submits one transaction to a layer at a given time and records when it is
/// soft-confirmed and final.
struct LayerProbe: SimulationModel {
    enum Event { case layer(LayerEvent), submit }
    var layer: SettlementLayer
    var soft: SimInstant?
    var final: SimInstant?

    mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        switch event {
        case .submit:
            layer.submit(id: 0, fee: 1, context: &context, wrap: Event.layer)
        case .layer(let e):
            layer.handle(e, context: &context, wrap: Event.layer)
            for n in layer.notifications where n.id == 0 {
                if n.kind == .soft && soft == nil { soft = context.now }
                if n.kind == .final {
                    final = context.now
                    context.requestStop(reason: "final")
                }
            }
        }
    }

    /// One transaction submitted at a uniform time in [0, window): its soft and final latencies (ns).
    static func latencies(_ spec: LayerSpec, seed: UInt64, replication: Int, window: SimDuration) -> (soft: Double, final: Double) {
        let replicationSpec = ReplicationSpec(replication: replication, rootSeed: seed, horizon: window)
        let submitAt = SimInstant.zero + SimDuration(roundingNanoseconds: RandomStream(rootSeed: seed, replication: replication,
                                                                                          component: "test:submit").uniform() * Double(window.nanoseconds))
        var sim = Simulation(model: LayerProbe(layer: SettlementLayer(spec: spec, role: "probe", replication: replicationSpec)))
        sim.model.layer.start(context: &sim.context, wrap: Event.layer)
        sim.schedule(.submit, at: submitAt)
        _ = sim.run(RunLimits(maxEvents: 10_000_000))
        guard let soft = sim.model.soft, let final = sim.model.final else { preconditionFailure("probe transaction never final (seed \(seed))") }
        return (Double((soft - submitAt).nanoseconds), Double((final - submitAt).nanoseconds))
    }
}

extension ConfigNode {
    /// A mapping from (key, node) pairs, for building configs in tests.
    static func map(_ entries: [(String, ConfigNode)]) -> ConfigNode { .mapping(entries) }
    static func list(_ items: [ConfigNode]) -> ConfigNode { ConfigNode(value: .sequence(items), location: .unknown, path: "") }
}
