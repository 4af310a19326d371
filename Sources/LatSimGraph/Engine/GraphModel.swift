import CGSL
import LatSimCore
import LatSimMarkets
import LatSimNetwork

/// The run-time form of a `GraphSpec`: component instances stored in arrays by type and
/// addressed by integer ids, connections with their links, the message pool, and the one
/// event type dispatched by a `switch` over the closed set of component types.
///
///     var model = GraphModel(spec: spec, replication: replicationSpec)
///     var simulation = Simulation(model: model)   // GraphRun does this, with the initial events
///
/// No existential, closure or allocation per event: an event names a connection or an instance
/// and a message slot; the handler switches on the instance's type and calls that type's
/// behaviour (one file per type in `Components/`).
///
/// Ids: instance `i` belongs to component (group) `instanceInfo[i].group`; connection `c` (an
/// instance-level connection) carries its forward messages on `links[2c]` and its replies on
/// `links[2c + 1]`. Random streams are keyed by instance names (`bot[3]`) and connection names
/// (`link.bot-gateway[3]`, `link.bot-gateway[3].reply`): adding a component changes no other
/// component's draws, so designs share common random numbers.
public struct GraphModel: SimulationModel {
    public typealias Event = GraphEvent

    public let spec: GraphSpec
    let pool: MessagePool

    // Instances.
    /// Per instance, what every event at it reads, in one 16-byte record.
    var instanceInfo: ContiguousArray<InstanceInfo>
    let groupFirstInstance: [Int32]
    /// Per instance, its random stream (`streams[i]` is a handle: no reference count, no load per use).
    let streams: StreamArena

    // Connections (instance level).
    let connectionSource: ContiguousArray<Int32>
    let connectionTarget: ContiguousArray<Int32>
    let connectionSpec: ContiguousArray<Int32>
    var links: ContiguousArray<Link>
    /// Per link (`2c`, `2c + 1`), its random stream.
    let linkStreams: StreamArena
    /// The outgoing connections of instance i: outConnections[outStart[i] ..< outStart[i + 1]].
    let outStart: ContiguousArray<Int32>
    let outConnections: ContiguousArray<Int32>
    /// The same for a type's second output port (an arbitrageur's `settle`).
    let out2Start: ContiguousArray<Int32>
    let out2Connections: ContiguousArray<Int32>
    /// The same for a type's third output port (an arbitrageur's `rebalance`).
    let out3Start: ContiguousArray<Int32>
    let out3Connections: ContiguousArray<Int32>
    var linkArrivalsPending: Int64 = 0
    /// Connections cut by a fault, per spec connection and per instance connection.
    var connectionCut: [Bool]
    var instanceCut: [Bool]

    // Components by type.
    var sources: [SourceState] = []
    var clients = ContiguousArray<ClientState>()
    /// Clients' shared parameters by kind (one per client group), a group's kind (-1: not
    /// clients), and every fixed-window client's slots and free stack, flat (Client.swift).
    var clientKinds = ContiguousArray<ClientKind>()
    var clientKindOfGroup = ContiguousArray<Int32>()
    var clientSlots = ContiguousArray<ClientSlot>()
    var clientFree = ContiguousArray<Int32>()
    var stations: [StationState] = []
    var delays: [DelayState] = []
    var routers: [RouterState] = []
    var brokers: [BrokerState] = []
    var sinks: [SinkState] = []
    var priceSources: [PriceSourceState] = []
    var venues: [VenueState] = []
    var arbitrageurs: [ArbitrageurState] = []
    var settlements: [SettlementState] = []
    var makers: [MarketMakerState] = []
    /// Market makers' views of their venues (a maker's at its `viewStart`), and fills awaiting their markouts.
    var makerViews: ContiguousArray<MakerVenueView> = []
    var makerMarkouts: ContiguousArray<MakerMarkout> = []
    var makerMarkoutFree: ContiguousArray<Int32> = []
    var dexArbitrageurs: [DEXArbitrageurState] = []
    var takers: [TakerState] = []
    var tradeFlows: [TradeFlowState] = []
    var market = MarketTables()
    /// Fills matched so far at every venue: orders the fills of a run (ties in time included).
    var matchesStarted: Int64 = 0
    /// Per group: type-specific statistics (reset at the warm-up's end).
    var groupStats: [GroupStatistics]

    // Paths.
    var pathStatistics: [PathStatistics]
    /// Per group: bit p set when path p starts / ends there (at most 8 paths).
    let pathStartMask: ContiguousArray<UInt8>
    let pathEndMask: ContiguousArray<UInt8>

    // Faults: component group g is fault id g, spec connection j is id components.count + j.
    var faults = FaultSchedule()
    var faultTargets: [(components: [Int], connections: [Int])] = []

    // Measurement.
    var measuring = false
    /// `drain: {until_empty: true}`: after this instant (the horizon's end) the run stops once no message is alive; nil = never.
    let stopWhenEmptyAfter: SimInstant?
    var measureStart = SimInstant.zero
    /// Messages dropped because no reply route was left (a return stack overflowed).
    var unroutable: Int64 = 0
    let keepTrace: Bool
    var trace: [[String]] = []
    /// Trace rows not kept: the trace holds at most `ReplicationSpec.traceRowLimit` rows.
    var traceRowsDropped = 0
    /// The time series (`ReplicationSpec.seriesBucket`): per instance, whole-run counts of the
    /// messages that arrived, went out and were lost, and their values at the last bucket end.
    let seriesBucket: SimDuration?
    var seriesRows: [[String]] = []
    var instanceIn: ContiguousArray<Int64>
    var instanceOut: ContiguousArray<Int64>
    var instanceLost: ContiguousArray<Int64>
    var seriesLast: [(arrived: Int64, out: Int64, lost: Int64)] = []
    /// The time of the last event other than a sample: the run's end when only samples were left.
    var lastEventTime = SimInstant.zero
    var samplesTaken: Int64 = 0
    /// Some broker pauses its groups on a consumer's outage (`rebalance_pause`).
    var hasRebalancePause = false
    /// Some broker has a `recovery` key (a consumer's restart starts a recovery there).
    var hasRecovery = false
    /// Enough instances that their state is mostly out of cache: each event prefetches the next one's.
    let prefetchHints: Bool

    public init(spec: GraphSpec, replication: ReplicationSpec) {
        self.spec = spec
        keepTrace = replication.keepTrace
        seriesBucket = replication.seriesBucket
        stopWhenEmptyAfter = spec.drainUntilEmpty && spec.drain > .zero ? .zero + replication.warmUp + replication.horizon : nil
        var group: [Int32] = [], type: [ComponentType] = [], local: [Int32] = [], first: [Int32] = []
        var names: [String] = []
        var perType = [ComponentType: Int32]()
        for (g, component) in spec.components.enumerated() {
            first.append(Int32(group.count))
            for k in 0..<component.count {
                group.append(Int32(g))
                type.append(component.type)
                local.append(perType[component.type, default: 0])
                perType[component.type, default: 0] += 1
                names.append(component.count == 1 ? component.name : "\(component.name)[\(k)]")
            }
        }
        first.append(Int32(group.count))
        var info = ContiguousArray((0..<group.count).map { InstanceInfo(group: group[$0], local: local[$0], type: type[$0]) })
        instanceIn = ContiguousArray(repeating: 0, count: group.count)
        instanceOut = ContiguousArray(repeating: 0, count: group.count)
        instanceLost = ContiguousArray(repeating: 0, count: group.count)
        if seriesBucket != nil { seriesLast = Array(repeating: (0, 0, 0), count: group.count) }
        groupFirstInstance = first
        prefetchHints = group.count >= GraphModel.prefetchInstances
        streams = StreamArena(keys: names.map { replication.streamKey($0) })

        // Instance-level connections, in spec order; pairwise for equal counts.
        var source: [Int32] = [], target: [Int32] = [], specIndex: [Int32] = [], links: [Link] = [], port: [Int] = []
        var linkStreams: [StreamKey] = []
        for (j, connection) in spec.connections.enumerated() {
            let a = spec.components[connection.from], b = spec.components[connection.to]
            let pairs = max(a.count, b.count)
            for k in 0..<pairs {
                let s = first[connection.from] + Int32(a.count == 1 ? 0 : k)
                let t = first[connection.to] + Int32(b.count == 1 ? 0 : k)
                source.append(s)
                target.append(t)
                specIndex.append(Int32(j))
                port.append(connection.fromPort)
                links.append(Link(source: s, target: t, parameters: connection.link, regime: connection.regime))
                links.append(Link(source: t, target: s, parameters: connection.replyLink, regime: connection.replyRegime))
                let name = pairs == 1 ? "link.\(connection.name)" : "link.\(connection.name)[\(k)]"
                linkStreams.append(replication.streamKey(name))
                linkStreams.append(replication.streamKey(name + ".reply"))
            }
        }
        connectionSource = ContiguousArray(source)
        connectionTarget = ContiguousArray(target)
        connectionSpec = ContiguousArray(specIndex)
        self.links = ContiguousArray(links)
        self.linkStreams = StreamArena(keys: linkStreams)
        // Outgoing connections grouped by source instance and port, in connection order (a
        // counting sort: O(instances + connections), so 100,000 components build in linear time).
        func grouped(port wanted: Int) -> (ContiguousArray<Int32>, ContiguousArray<Int32>) {
            var start = [Int32](repeating: 0, count: group.count + 1)
            for (c, s) in source.enumerated() where port[c] == wanted { start[Int(s) + 1] += 1 }
            for instance in 0..<group.count { start[instance + 1] += start[instance] }
            var outs = [Int32](repeating: 0, count: Int(start[group.count]))
            var fill = start
            for (c, s) in source.enumerated() where port[c] == wanted {
                outs[Int(fill[Int(s)])] = Int32(c)
                fill[Int(s)] += 1
            }
            return (ContiguousArray(start), ContiguousArray(outs))
        }
        (outStart, outConnections) = grouped(port: 0)
        for instance in info.indices where outStart[instance + 1] > outStart[instance] {
            info[instance].firstOut = outConnections[Int(outStart[instance])]
        }
        instanceInfo = info
        (out2Start, out2Connections) = grouped(port: 1)
        (out3Start, out3Connections) = grouped(port: 2)
        connectionCut = Array(repeating: false, count: spec.connections.count)
        instanceCut = Array(repeating: false, count: source.count)

        pool = MessagePool(pathCount: spec.paths.count)
        pathStatistics = spec.paths.map { _ in PathStatistics() }
        pathStartMask = ContiguousArray(spec.components.indices.map { g in
            spec.paths.indices.reduce(UInt8(0)) { spec.paths[$1].from == g ? $0 | UInt8(1) << $1 : $0 } })
        pathEndMask = ContiguousArray(spec.components.indices.map { g in
            spec.paths.indices.reduce(UInt8(0)) { spec.paths[$1].to == g ? $0 | UInt8(1) << $1 : $0 } })
        groupStats = spec.components.map { GroupStatistics(type: $0.type) }

        for instance in 0..<group.count {
            let component = spec.components[Int(group[instance])]
            switch component.parameters {
            case .source(let p): sources.append(SourceState(parameters: p))
            case .client: break   // buildClients()
            case .station(let p): stations.append(StationState(parameters: p))
            case .delay(let p): delays.append(DelayState(parameters: p))
            case .router(let p): routers.append(RouterState(parameters: p))
            case .broker(let p): brokers.append(BrokerState(parameters: p, consumers: Int(outStart[instance + 1] - outStart[instance])))
            case .sink(let p): sinks.append(SinkState(parameters: p))
            case .priceSource(let p):
                priceSources.append(PriceSourceState(parameters: p, stream: streams.stream(instance), tickStream: replication.stream(names[instance] + ".ticks"),
                                                     replayStreams: p.replay?.tracks.map { replication.stream(names[instance] + ".replay." + $0.venue) } ?? []))
            case .venue(let p):
                venues.append(VenueState(parameters: p, basisStream: replication.stream(names[instance] + ".basis"),
                                         flowStream: p.book == nil ? nil : replication.stream(names[instance] + ".flow")))
            case .arbitrageur(let p): arbitrageurs.append(ArbitrageurState(parameters: p))
            case .settlement(let p): settlements.append(SettlementState(parameters: p, name: names[instance], replication: replication))
            case .marketMaker(let p): makers.append(MarketMakerState(parameters: p))
            case .dexArbitrageur(let p): dexArbitrageurs.append(DEXArbitrageurState(parameters: p))
            case .taker(let p): takers.append(TakerState(parameters: p))
            case .tradeFlow(let p):
                // The hand-written settlement model's stream keys (`trades:arrivals`, ...): the template draws its trades.
                tradeFlows.append(TradeFlowState(parameters: p, arrivals: replication.stream(names[instance] + ":arrivals"),
                                                 notionals: replication.stream(names[instance] + ":notional"),
                                                 sides: replication.stream(names[instance] + ":sides"), keepRecords: replication.keepTrace))
            case .fanOut: break
            }
        }
        buildClients()
        for index in brokers.indices { configureBroker(index) }
        hasRebalancePause = brokers.contains { $0.parameters.rebalancePause > .zero }
        hasRecovery = brokers.contains { $0.parameters.tracksRecovery }
        connectMarkets()
        connectPriceReplay()
        connectDEX()
    }

    // MARK: Dispatch

    public mutating func handle(_ event: GraphEvent, context: inout SimulationContext<GraphEvent>) {
        if case .sample = event {
            sample(context: &context)
            return
        }
        lastEventTime = context.now
        if prefetchHints, let next = context.likelyNextEvent { prefetch(next) }
        defer {
            if let after = stopWhenEmptyAfter, pool.live == 0, context.now > after {
                context.requestStop(reason: "drained: no message alive after the horizon")
            }
        }
        switch event {
        case .deliver(let c, let m, let target):
            linkArrivalsPending &-= 1
            let now = context.now
            pool.account(m, .wire, at: now)
            if instanceInfo[Int(target)].down {
                links[Int(c) &* 2].recordDropped(.outage)
                groupStats[Int(instanceInfo[Int(target)].group)].lostDown &+= measuring ? 1 : 0
                instanceLost[Int(target)] &+= 1
                discard(m)
                return
            }
            links[Int(c) &* 2].recordDelivered()
            pushReturn(m, connection: c)
            arrive(m, at: target, context: &context)
        case .reply(let c, let m, let target):
            linkArrivalsPending &-= 1
            pool.account(m, .wire, at: context.now)
            if instanceInfo[Int(target)].down {
                links[Int(c) &* 2 &+ 1].recordDropped(.outage)
                groupStats[Int(instanceInfo[Int(target)].group)].lostDown &+= measuring ? 1 : 0
                discard(m)
                return
            }
            links[Int(c) &* 2 &+ 1].recordDelivered()
            checkPaths(m, at: target, now: context.now)
            let local = Int(instanceInfo[Int(target)].local)
            if pool[m].origin == target {
                switch instanceInfo[Int(target)].type {
                case .client: clientReply(local, m, context: &context)
                case .source: sourceReply(local, m, context: &context)
                case .broker: brokerAcknowledged(local, m, connection: c, context: &context)
                case .arbitrageur: arbitrageurReply(local, instance: target, m, context: &context)
                case .marketMaker: makerReply(local, instance: target, m, context: &context)
                case .dexArbitrageur: dexReply(local, instance: target, m, context: &context)
                case .taker: takerReply(local, m)
                case .tradeFlow: tradeFlowReply(local, instance: target, m, context: &context)
                default: discard(m)
                }
            } else {
                relayReply(m, from: target, context: &context)
            }
        case .timer(let instance, let code, let payload):
            let local = Int(instanceInfo[Int(instance)].local)
            switch instanceInfo[Int(instance)].type {
            case .source: sourceTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .client: clientTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .station: stationTimer(local, instance: instance, payload: payload, context: &context)
            case .delay: delayTimer(local, instance: instance, payload: payload, context: &context)
            case .broker: brokerTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .priceSource: priceSourceTimer(local, instance: instance, code: code, context: &context)
            case .venue: venueTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .arbitrageur: arbitrageurTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .settlement: settlementTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .marketMaker: makerTimer(local, instance: instance, code: code, payload: payload, context: &context)
            case .dexArbitrageur: dexTimer(local, instance: instance, code: code, context: &context)
            case .taker: takerTimer(local, instance: instance, context: &context)
            case .tradeFlow: tradeFlowTimer(local, instance: instance, code: code, context: &context)
            case .router, .fanOut, .sink: preconditionFailure("a \(instanceInfo[Int(instance)].type.rawValue) has no timer")
            }
        case .fault(let index, let down):
            applyFault(Int(index), down: down, context: &context)
        case .warmUpEnd:
            startMeasuring(at: context.now)
        case .sample:
            break
        }
    }

    /// Asks the memory for what the likely next event reads first: its instance's record and
    /// random stream (a timer), its link and its target's record (a delivery or a reply).
    @inline(__always) func prefetch(_ event: GraphEvent) {
        switch event {
        case .timer(let instance, _, _):
            instanceInfo.withUnsafeBufferPointer { latsim_prefetch($0.baseAddress! + Int(instance)) }
            latsim_prefetch(streams[Int(instance)].gslGenerator)
        case .deliver(let c, _, let target):
            instanceInfo.withUnsafeBufferPointer { latsim_prefetch($0.baseAddress! + Int(target)) }
            links.withUnsafeBufferPointer { latsim_prefetch($0.baseAddress! + Int(c) &* 2) }
        case .reply(let c, _, let target):
            instanceInfo.withUnsafeBufferPointer { latsim_prefetch($0.baseAddress! + Int(target)) }
            links.withUnsafeBufferPointer { latsim_prefetch($0.baseAddress! + (Int(c) &* 2 &+ 1)) }
        default:
            break
        }
    }

    /// From this many instances on, handlers prefetch (below it, the state of a graph stays in
    /// cache: at 100 clients the hints cost about 5% and gain nothing, at 100,000 they gain 15%).
    static let prefetchInstances = 4_096

    /// A message reaches an instance's input port: paths are checked, then its type handles it.
    @inline(__always)
    mutating func arrive(_ m: Int32, at instance: Int32, context: inout SimulationContext<GraphEvent>) {
        checkPaths(m, at: instance, now: context.now)
        instanceIn[Int(instance)] &+= 1
        let local = Int(instanceInfo[Int(instance)].local)
        switch instanceInfo[Int(instance)].type {
        case .station: stationReceive(local, instance: instance, m, context: &context)
        case .sink: sinkReceive(local, instance: instance, m, context: &context)
        case .delay: delayReceive(local, instance: instance, m, context: &context)
        case .router: routerReceive(local, instance: instance, m, context: &context)
        case .fanOut: fanOutReceive(instance, m, context: &context)
        case .broker: brokerPublish(local, instance: instance, m, context: &context)
        case .client: clientReceive(local, instance: instance, m, context: &context)
        case .venue: venueReceive(local, instance: instance, m, context: &context)
        case .arbitrageur: arbitrageurReceive(local, instance: instance, m, context: &context)
        case .settlement: settlementReceive(local, instance: instance, m, context: &context)
        case .marketMaker: makerReceive(local, instance: instance, m, context: &context)
        case .dexArbitrageur: dexReceive(local, instance: instance, m, context: &context)
        case .taker: takerReceive(local, instance: instance, m, context: &context)
        case .source, .priceSource, .tradeFlow: preconditionFailure("a \(instanceInfo[Int(instance)].type.rawValue) has no input port")
        }
    }

    // MARK: Messages

    /// A new message created by `instance` at `now`, on the paths that start there.
    mutating func create(by instance: Int32, now: SimInstant) -> Int32 {
        let m = pool.allocate(created: now)
        pool[m].origin = instance
        pool[m].producer = instance
        var mask = pathStartMask[Int(instanceInfo[Int(instance)].group)]
        while mask != 0 {
            let p = mask.trailingZeroBitCount
            mask &= mask &- 1
            pool.setStamp(m, path: p, PathStamp(start: now.nanosecondsSinceStart, wire: 0, wait: 0, service: 0))
        }
        return m
    }

    /// A message leaves the graph (consumed, dropped, or superseded).
    @inline(__always) mutating func discard(_ m: Int32) { pool.release(m) }

    @inline(__always)
    mutating func pushReturn(_ m: Int32, connection c: Int32) {
        pool[m].pushReturn(c)
    }

    /// Sends `m` from `instance` over its outgoing connection `c` (forward).
    @inline(__always)
    mutating func transmit(_ m: Int32, over c: Int32, context: inout SimulationContext<GraphEvent>) {
        let l = Int(c) &* 2
        let now = context.now
        let upAt = links[l].isUp ? now : linkUpTime(c, after: now)
        if let at = links[l].send(sizeBytes: Int(pool[m].sizeBytes), at: now, stream: linkStreams[l], upAt: upAt) {
            linkArrivalsPending &+= 1
            context.schedule(.deliver(connection: c, message: m, at: links[l].target), at: at)
        } else {
            discard(m)
        }
    }

    /// Sends `m` out of `instance`'s only output connection.
    @inline(__always)
    mutating func forward(_ m: Int32, from instance: Int32, context: inout SimulationContext<GraphEvent>) {
        transmit(m, over: instanceInfo[Int(instance)].firstOut, context: &context)
    }

    /// Whether `instance` has an outgoing connection.
    @inline(__always) func hasOutput(_ instance: Int32) -> Bool { outStart[Int(instance) + 1] > outStart[Int(instance)] }

    /// Sends a reply back over the connection the message last arrived through.
    mutating func reply(_ m: Int32, sizeBytes: Int, context: inout SimulationContext<GraphEvent>) {
        pool[m].isReply = true
        pool[m].sizeBytes = UInt32(clamping: sizeBytes)
        guard let c = pool[m].popReturn() else {
            unroutable &+= 1
            discard(m)
            return
        }
        let l = Int(c) &* 2 &+ 1
        let now = context.now
        let upAt = links[l].isUp ? now : linkUpTime(c, after: now)
        if let at = links[l].send(sizeBytes: sizeBytes, at: now, stream: linkStreams[l], upAt: upAt) {
            linkArrivalsPending &+= 1
            context.schedule(.reply(connection: c, message: m, at: links[l].target), at: at)
        } else {
            discard(m)
        }
    }

    /// A reply passing through an intermediate instance travels on at once.
    mutating func relayReply(_ m: Int32, from instance: Int32, context: inout SimulationContext<GraphEvent>) {
        reply(m, sizeBytes: Int(pool[m].sizeBytes), context: &context)
    }

    // MARK: Paths

    @inline(__always)
    mutating func checkPaths(_ m: Int32, at instance: Int32, now: SimInstant) {
        let group = Int(instanceInfo[Int(instance)].group)
        var ends = pathEndMask[group]
        while ends != 0 {
            let p = ends.trailingZeroBitCount
            ends &= ends &- 1
            let stamp = pool.stamp(m, path: p)
            guard stamp.isActive else { continue }
            pool.setStamp(m, path: p, PathStamp())
            if measuring {
                let message = pool[m]
                pathStatistics[p].record(latency: now.nanosecondsSinceStart - stamp.start,
                                         wire: message.wire - stamp.wire, wait: message.wait - stamp.wait,
                                         service: message.service - stamp.service,
                                         untilMark: now.nanosecondsSinceStart - message.mark.nanosecondsSinceStart)
            }
        }
        var starts = pathStartMask[group]
        while starts != 0 {
            let p = starts.trailingZeroBitCount
            starts &= starts &- 1
            guard !pool.stamp(m, path: p).isActive && pool[m].origin != instance else { continue }
            let message = pool[m]
            pool.setStamp(m, path: p, PathStamp(start: now.nanosecondsSinceStart, wire: message.wire, wait: message.wait,
                                                service: message.service))
        }
    }

    // MARK: Measurement

    mutating func startMeasuring(at now: SimInstant) {
        measuring = true
        measureStart = now
        for g in groupStats.indices { groupStats[g].reset(at: now) }
        for index in stations.indices { stations[index].station.resetStatistics(at: now) }
        for index in clients.indices { clients[index].resetStatistics(at: now) }
        for index in brokers.indices { brokers[index].resetStatistics(at: now) }
        for index in priceSources.indices { priceSources[index].resetStatistics() }
        for index in venues.indices { venues[index].resetStatistics(at: now) }
        for index in arbitrageurs.indices {
            arbitrageurs[index].statistics = ArbitrageurStatistics()
            arbitrageurs[index].locked.reset(at: now)
        }
        resetTreasuries(at: now)
        for index in dexArbitrageurs.indices { dexArbitrageurs[index].statistics = DEXStatistics() }
        for index in tradeFlows.indices { tradeFlows[index].resetStatistics(at: now) }
        for index in settlements.indices { settlements[index].resetStatistics() }
        for index in makers.indices { makers[index].resetStatistics(at: now) }
        for index in takers.indices { takers[index].statistics = TakerStatistics() }
        for p in pathStatistics.indices { pathStatistics[p] = PathStatistics() }
    }

    /// The instance's index within its group (0..<count).
    @inline(__always) func ordinal(of instance: Int) -> Int32 { Int32(instance) - groupFirstInstance[Int(instanceInfo[instance].group)] }

    /// Instances of group `g`.
    func instances(of g: Int) -> Range<Int32> { groupFirstInstance[g]..<groupFirstInstance[g + 1] }
}

/// One component instance's hot facts: 16 bytes, so an event at a cold instance (one of
/// 100,000 clients) costs one cache miss for them, not one per array.
struct InstanceInfo {
    /// Its component (group) in the spec.
    let group: Int32
    /// Its index within its type's state array.
    let local: Int32
    /// Its first connection out of port 0 (where `forward` sends), or -1.
    var firstOut: Int32 = -1
    let type: ComponentType
    /// Down by a fault (a crash or an outage).
    var down = false

    init(group: Int32, local: Int32, type: ComponentType) {
        self.group = group
        self.local = local
        self.type = type
    }
}

extension GraphMessage {
    @inline(__always)
    mutating func pushReturn(_ c: Int32) {
        withUnsafeMutableBytes(of: &returns) { raw in
            let slots = raw.bindMemory(to: Int32.self)
            if Int(returnDepth) == GraphMessage.returnCapacity {
                // Keep the most recent hops: the oldest falls off (a reply can no longer reach the origin).
                for k in 1..<GraphMessage.returnCapacity { slots[k - 1] = slots[k] }
                slots[GraphMessage.returnCapacity - 1] = c
            } else {
                slots[Int(returnDepth)] = c
                returnDepth &+= 1
            }
        }
    }

    @inline(__always)
    mutating func popReturn() -> Int32? {
        guard returnDepth > 0 else { return nil }
        returnDepth &-= 1
        let depth = Int(returnDepth)
        return withUnsafeBytes(of: &returns) { $0.bindMemory(to: Int32.self)[depth] }
    }
}
