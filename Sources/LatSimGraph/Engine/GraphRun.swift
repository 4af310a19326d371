import LatSimCore
import LatSimNetwork

/// Runs one replication of a graph: initial events, the run loop, then every metric of the
/// schema recorded in a fixed order (components in declaration order, each type's metrics in
/// their declared order; connections; paths; the graph's own).
///
///     let result = GraphRun.run(spec, replication: ReplicationSpec(replication: 0, rootSeed: 42, horizon: .seconds(Int64(5))))
public enum GraphRun {
    public static func run(_ spec: GraphSpec, replication: ReplicationSpec) -> ReplicationResult {
        let (simulation, reason) = simulate(spec, replication: replication)
        // A sample past the last other event must not lengthen the run (it would move the time-weighted means).
        let stop = reason == .queueEmpty && replication.seriesBucket != nil
            ? simulation.model.lastEventTime : simulation.now
        var result = simulation.model.summary(until: stop)
        // Samples are observation, not simulation: the event count is the same with or without a series.
        result.eventsProcessed = simulation.context.eventsProcessed - simulation.model.samplesTaken
        result.stopReason = reason.description
        return result
    }

    /// Runs one replication and returns the simulation at its end (tests read the model's state).
    static func simulate(_ spec: GraphSpec, replication: ReplicationSpec) -> (Simulation<GraphModel>, StopReason) {
        let horizonEnd = SimInstant.zero + replication.warmUp + replication.horizon
        let end = horizonEnd + spec.drain
        var model = GraphModel(spec: spec, replication: replication)
        var initial = model.planFaults(until: end, replication: replication)
        for instance in 0..<Int32(model.instanceInfo.count) {
            let local = Int(model.instanceInfo[Int(instance)].local)
            switch model.instanceInfo[Int(instance)].type {
            case .source:
                initial += model.startSource(local, instance: instance)
                if spec.drain > .zero { initial.append((.timer(component: instance, code: GraphModel.sourceStopTimer, payload: 0), horizonEnd)) }
            case .client: initial += model.startClient(local, instance: instance)
            case .priceSource: initial += model.startPriceSource(instance: instance)
            case .arbitrageur: initial += model.startArbitrageur(local, instance: instance)
            case .venue: initial += model.startVenue(local, instance: instance)
            case .settlement: initial += model.startSettlement(instance: instance)
            case .marketMaker: initial += model.startMarketMaker(local, instance: instance)
            case .taker: initial += model.startTaker(local, instance: instance)
            case .broker: initial += model.startBroker(local, instance: instance)
            case .dexArbitrageur: initial += model.startDEXArbitrageur(local, instance: instance)
            case .tradeFlow: initial += model.startTradeFlow(local, instance: instance, horizonEnd: horizonEnd)
            default: break
            }
        }
        if let bucket = replication.seriesBucket, SimInstant.zero + bucket <= end { initial.append((.sample, SimInstant.zero + bucket)) }
        var simulation = Simulation(model: model)
        for (event, time) in initial { simulation.schedule(event, at: time) }
        simulation.schedule(.warmUpEnd, at: .zero + replication.warmUp)
        let reason = simulation.run(RunLimits(horizon: end, maxEvents: replication.maxEvents))
        return (simulation, reason)
    }

    /// Every metric a graph records, in recording order, with unit and meaning: what
    /// `latsim list` shows and the `metrics:` filter accepts.
    public static func metricSchema(_ spec: GraphSpec) -> [(name: String, unit: String, summary: String)] {
        baseSchema(spec).map { (spec.alias($0.name), $0.unit, $0.summary) }
            + spec.derivedMetrics.map { ($0.name, $0.unit, "\($0.operation.rawValue) of \($0.operandNames.joined(separator: ", "))") }
    }

    /// The recorded metrics before aliasing and without the derived ones.
    static func baseSchema(_ spec: GraphSpec) -> [(name: String, unit: String, summary: String)] {
        var schema: [(String, String, String)] = []
        for component in spec.components {
            for metric in component.metrics { schema.append((component.name + "." + metric.name, metric.unit, metric.summary)) }
        }
        for connection in spec.connections {
            for metric in GraphModel.linkMetrics { schema.append(("link.\(connection.name).\(metric.name)", metric.unit, metric.summary)) }
        }
        for path in spec.paths {
            for metric in GraphModel.pathMetrics { schema.append(("\(path.name).\(metric.name)", metric.unit, metric.summary)) }
        }
        for metric in GraphModel.graphMetrics { schema.append(("graph.\(metric.name)", metric.unit, metric.summary)) }
        return schema
    }
}

extension GraphSpec {
    /// A metric's recorded name: the first alias whose prefix matches rewrites it.
    public func alias(_ name: String) -> String {
        for (prefix, replacement) in metricAliases where name.hasPrefix(prefix) {
            return replacement + name.dropFirst(prefix.count)
        }
        return name
    }
}

extension GraphSpec.Component {
    /// The metrics this component records: its type's, then those its parameters add (a
    /// settlement's `time_to_<level>` with `level_metrics: true`, a broker's
    /// recovery metrics with a `recovery` key), less those its parameters
    /// rule out (a venue without `book:` records no book metrics, a settlement whose chain builds
    /// blocks by arrival or fee order alone no block-building metrics).
    public var metrics: [ComponentMetric] {
        switch parameters {
        case .settlement(let p):
            var own = type.metrics
            if !p.layer.buildsBlocksBeyondFeeOrder {
                let block = Set(GraphModel.settlementBlockMetrics.map(\.name))
                own = own.filter { !block.contains($0.name) }
            }
            if p.pool == nil {
                let pool = Set((GraphModel.ammPoolMetrics + GraphModel.ammPoolBlockMetrics).map(\.name))
                own = own.filter { !pool.contains($0.name) }
            } else if p.pool?.perBlockMetrics != true {
                let perBlock = Set(GraphModel.ammPoolBlockMetrics.map(\.name))
                own = own.filter { !perBlock.contains($0.name) }
            }
            if p.channel != nil { own += GraphModel.settlementChannelMetrics }
            return p.levelMetrics ? own + GraphModel.settlementLevelMetrics(p) : own
        case .broker(let p) where p.tracksRecovery:
            return type.metrics + GraphModel.brokerRecoveryMetrics
        case .arbitrageur(let p):
            guard let treasury = p.treasury else { return type.metrics }
            return type.metrics + GraphModel.treasuryMetrics(treasury)
        case .dexArbitrageur(let p) where p.design == nil:
            let hedged = Set(GraphModel.dexDesignMetrics.map(\.name))
            return type.metrics.filter { !hedged.contains($0.name) }
        case .marketMaker(let p):
            return (p.quoting == nil ? GraphModel.marketMakerMetrics : GraphModel.quotingMakerMetrics) + GraphModel.commonMetrics
        case .venue(let p) where p.book == nil:
            let book = Set(GraphModel.venueBookMetrics.map(\.name))
            return type.metrics.filter { !book.contains($0.name) }
        default:
            return type.metrics
        }
    }
}

extension ComponentType {
    /// The metrics of every component of this type (recorded as `<component>.<metric>`).
    public var metrics: [ComponentMetric] {
        let own: [ComponentMetric]
        switch self {
        case .source: own = GraphModel.sourceMetrics
        case .client: own = GraphModel.clientMetrics
        case .station: own = GraphModel.stationMetrics
        case .delay: own = GraphModel.delayMetrics
        case .router: own = GraphModel.routerMetrics
        case .fanOut: own = GraphModel.fanOutMetrics
        case .broker: own = GraphModel.brokerMetrics
        case .sink: own = GraphModel.sinkMetrics
        case .priceSource: own = GraphModel.priceSourceMetrics
        case .venue: own = GraphModel.venueMetrics + GraphModel.venueBookMetrics
        case .arbitrageur: own = GraphModel.arbitrageurMetrics
        case .settlement: own = GraphModel.settlementMetrics + GraphModel.settlementBlockMetrics + GraphModel.ammPoolMetrics + GraphModel.ammPoolBlockMetrics
        case .dexArbitrageur: own = GraphModel.dexArbitrageurMetrics + GraphModel.dexDesignMetrics
        case .taker: own = GraphModel.takerMetrics
        case .marketMaker: own = GraphModel.marketMakerMetrics + GraphModel.quotingMakerMetrics
        case .tradeFlow: own = GraphModel.tradeFlowMetrics
        }
        return own + GraphModel.commonMetrics
    }
}

extension GraphModel {
    static let commonMetrics: [ComponentMetric] = [
        ComponentMetric("lost_down", "count", "messages that arrived while the component was down") { m, g, _ in Double(m.groupStats[g].lostDown) },
        ComponentMetric("down_time", "ns", "time the component was down during the measurement") { m, g, end in
            Double(m.groupStats[g].downTime + (m.groupStats[g].downStart.map { (end - $0).nanoseconds } ?? 0)) },
    ]

    /// Link metrics per connection: forward and reply links of every instance together (whole run).
    static let linkMetrics: [ComponentMetric] = [
        ComponentMetric("sent", "count", "messages put on the connection, both directions") { m, j, _ in Double(m.ledger(j).sent) },
        ComponentMetric("delivered", "count", "messages that arrived") { m, j, _ in Double(m.ledger(j).delivered) },
        ComponentMetric("lost", "count", "messages dropped by random loss") { m, j, _ in Double(m.ledger(j).dropped(.loss)) },
        ComponentMetric("lost_outage", "count", "messages dropped by a cut or a down target") { m, j, _ in Double(m.ledger(j).dropped(.outage)) },
        ComponentMetric("dropped", "count", "messages dropped for any reason (loss + lost_outage)") { m, j, _ in Double(m.ledger(j).dropped) },
        ComponentMetric("head_of_line_blocked", "count", "messages that waited behind an earlier one (fifo) or overtook one (unordered)") { m, j, _ in
            Double(m.linkTotals(j).blocked) },
        ComponentMetric("head_of_line_delay_mean", "ns", "mean extra delay FIFO order added per delivered message") { m, j, _ in
            let t = m.linkTotals(j)
            let delivered = m.ledger(j).delivered
            return delivered > 0 ? t.delay / Double(delivered) : .nan },
    ]

    static let pathMetrics: [ComponentMetric] =
        ComponentMetric.histogram("latency", "end-to-end latency along the path (ns)") { m, p in m.pathStatistics[p].latency }
        + [ComponentMetric("wire_mean", "ns", "mean time on links along the path") { m, p, _ in m.pathStatistics[p].mean(m.pathStatistics[p].wireTotal) },
           ComponentMetric("wait_mean", "ns", "mean time waiting in queues along the path") { m, p, _ in m.pathStatistics[p].mean(m.pathStatistics[p].waitTotal) },
           ComponentMetric("service_mean", "ns", "mean time in service and delays along the path") { m, p, _ in
               m.pathStatistics[p].mean(m.pathStatistics[p].serviceTotal) }]

    static let graphMetrics: [ComponentMetric] = [
        ComponentMetric("messages_pending_end", "messages", "messages alive at the end (in flight, queued, stored)") { m, _, _ in Double(m.pool.live) },
        ComponentMetric("messages_pending_max", "messages", "most messages alive at once") { m, _, _ in Double(m.pool.peakLive) },
        ComponentMetric("unroutable", "count", "replies dropped because their route back was longer than the return stack") { m, _, _ in
            Double(m.unroutable) },
        ComponentMetric("ledger_balanced", "bool", "1 when every link reconciles: sent = delivered + dropped + in flight") { m, _, _ in
            var total = MessageLedger()
            for link in m.links { total.merge(link.ledger) }
            return m.links.allSatisfy({ $0.ledger.inFlight >= 0 }) && total.reconciles(holding: m.linkArrivalsPending) ? 1 : 0 },
    ]

    func ledger(_ j: Int) -> MessageLedger {
        var total = MessageLedger()
        for c in connectionSpec.indices where connectionSpec[c] == Int32(j) {
            total.merge(links[2 * c].ledger)
            total.merge(links[2 * c + 1].ledger)
        }
        return total
    }

    func linkTotals(_ j: Int) -> (blocked: Int64, delay: Double) {
        var blocked: Int64 = 0, delay = 0.0
        for c in connectionSpec.indices where connectionSpec[c] == Int32(j) {
            for l in [2 * c, 2 * c + 1] {
                blocked += links[l].headOfLineBlockedCount
                delay += links[l].headOfLineDelayTotal
            }
        }
        return (blocked, delay)
    }

    func summary(until end: SimInstant) -> ReplicationResult {
        var result = ReplicationResult()
        let schema = GraphRun.metricSchema(spec)
        var values: [Double] = []
        for (g, component) in spec.components.enumerated() {
            for metric in component.metrics { values.append(metric.value(self, g, end)) }
        }
        for j in spec.connections.indices { for metric in GraphModel.linkMetrics { values.append(metric.value(self, j, end)) } }
        for p in spec.paths.indices { for metric in GraphModel.pathMetrics { values.append(metric.value(self, p, end)) } }
        for metric in GraphModel.graphMetrics { values.append(metric.value(self, 0, end)) }
        for derived in spec.derivedMetrics {
            let operands = derived.operands.map { values[$0] }
            switch derived.operation {
            case .sum: values.append(operands.reduce(0, +))
            case .max: values.append(operands.contains { $0.isNaN } ? .nan : operands.max()!)
            case .ratio: values.append(operands[1] != 0 && !operands[1].isNaN ? operands[0] / operands[1] : .nan)
            }
        }
        precondition(values.count == schema.count, "recorded metrics must match the schema")
        for (entry, value) in zip(schema, values) { result.record(entry.name, unit: entry.unit, value: value) }
        if keepTrace {
            result.traceHeader = ["component", "instance", "request", "created_ns", "completed_ns", "latency_ns", "attempts",
                                  "wire_ns", "wait_ns", "service_ns"]
            result.traceRows = trace
            result.traceRowsDropped = traceRowsDropped
        }
        if seriesBucket != nil {
            result.seriesHeader = GraphModel.seriesHeader
            result.seriesRows = seriesRows
            result.traceRowsDropped = traceRowsDropped
        }
        return result
    }
}

extension GraphModel {
    static let seriesHeader = ["time_ns", "component", "instance", "level", "held", "in", "out", "lost"]

    /// The end of a series bucket: per broker and station instance, its level (stored, or
    /// waiting and in service) and held messages now, and the messages that arrived, went out
    /// (delivered, served) and were lost in the bucket. The next sample is scheduled only
    /// while other events are pending (a series never keeps a run going).
    mutating func sample(context: inout SimulationContext<GraphEvent>) {
        guard let bucket = seriesBucket else { return }
        samplesTaken &+= 1
        let now = context.now
        for instance in instanceInfo.indices where instanceInfo[instance].type == .broker || instanceInfo[instance].type == .station {
            let local = Int(instanceInfo[instance].local)
            let level: Int64, held: Int64
            if instanceInfo[instance].type == .broker {
                level = brokers[local].broker.storedCount
                held = Int64(brokers[local].heldCount)
            } else {
                let s = stations[local].station
                level = Int64(s.waiting + s.busy)
                held = Int64(s.heldCount)
            }
            let last = seriesLast[instance]
            seriesLast[instance] = (instanceIn[instance], instanceOut[instance], instanceLost[instance])
            guard seriesRows.count < ReplicationSpec.traceRowLimit else {
                traceRowsDropped += 1
                continue
            }
            seriesRows.append(["\(now.nanosecondsSinceStart)", spec.components[Int(instanceInfo[instance].group)].name, "\(ordinal(of: instance))",
                               "\(level)", "\(held)", "\(instanceIn[instance] - last.arrived)", "\(instanceOut[instance] - last.out)",
                               "\(instanceLost[instance] - last.lost)"])
        }
        sampleTreasuries(at: now)
        if context.pendingCount > 0 { context.schedule(.sample, after: bucket) }
    }
}
