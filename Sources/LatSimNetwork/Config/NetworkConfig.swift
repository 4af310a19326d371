/// Config decoding for the network building blocks (links, regimes, stations, outages).
///
///     link: {latency: {type: lognormal, median: 500us, sigma: 0.5}, loss: 0.001, ordering: fifo,
///            bandwidth_bytes_per_s: 125e6, fault_policy: lost,
///            regime: {type: markov, states: [{name: calm, mean_sojourn: 60s},
///                                            {name: stress, mean_sojourn: 5s, factor: 3}]}}
///     station: {workers: 4, service_time: {type: exponential, mean: 1ms}, capacity: 1000,
///               overflow: drop-newest, discipline: fifo}
///
/// Every key is checked (unknown keys are errors with a suggestion); docs/network.md lists them.
extension LinkParameters {
    public static let configKeys = ["latency", "loss", "ordering", "bandwidth_bytes_per_s", "fault_policy", "regime"]

    public init(config node: ConfigNode) throws {
        try node.checkKeys(LinkParameters.configKeys)
        let latency = try node.distribution("latency", sequential: true)
        let loss = try node.probability("loss", default: 0)
        let ordering = LinkOrdering(rawValue: try node.string("ordering", default: "fifo", oneOf: LinkOrdering.allCases.map(\.rawValue)))!
        let bandwidth = try node.double("bandwidth_bytes_per_s", default: 0, range: 0...1e15)
        let policy = LinkFaultPolicy(rawValue: try node.string("fault_policy", default: "lost", oneOf: LinkFaultPolicy.allCases.map(\.rawValue)))!
        self = try node.wrap {
            try LinkParameters(latency: latency, lossProbability: loss, ordering: ordering, bandwidthBytesPerSecond: bandwidth, faultPolicy: policy)
        }
    }
}

extension LatencyRegime {
    /// `regime: {type: markov|schedule, states: [{name, mean_sojourn, factor, latency}], changes: [{at, state}]}`
    public init(config node: ConfigNode) throws {
        try node.checkKeys(["type", "states", "changes"])
        let type = try node.string("type", oneOf: ["markov", "schedule"])
        var states: [State] = []
        for item in try node.required("states").items() {
            try item.checkKeys(["name", "mean_sojourn", "factor", "latency"])
            states.append(State(name: try item.string("name"),
                                meanSojourn: try item.duration("mean_sojourn", default: type == "markov" ? nil : .zero),
                                factor: try item.double("factor", default: 1, range: 1e-9...1e9),
                                replacement: item.has("latency") ? try item.distribution("latency") : nil))
        }
        if type == "markov" {
            if node.has("changes") { throw node.error("has `changes`, which only a schedule takes", given: "changes", key: "changes") }
            self = try node.wrap { try LatencyRegime.markov(states) }
        } else {
            var changes: [(start: SimInstant, state: Int)] = []
            for item in try node.required("changes").items() {
                try item.checkKeys(["at", "state"])
                let name = try item.string("state", oneOf: states.map(\.name))
                changes.append((SimInstant.zero + (try item.duration("at")), states.firstIndex { $0.name == name }!))
            }
            self = try node.wrap { try LatencyRegime.schedule(states, changes: changes) }
        }
    }
}

/// A station's parameters from a config, to build one station per replication.
public struct StationParameters: Sendable {
    public var workers: Int
    public var serviceTime: Distribution
    /// Waiting room; `Int.max` when unlimited.
    public var capacity: Int
    public var overflow: OverflowPolicy
    public var discipline: QueueDiscipline

    public static let configKeys = ["workers", "service_time", "capacity", "overflow", "discipline", "priority_levels"]

    public init(workers: Int, serviceTime: Distribution, capacity: Int = .max, overflow: OverflowPolicy = .dropNewest,
                discipline: QueueDiscipline = .fifo) {
        self.workers = workers
        self.serviceTime = serviceTime
        self.capacity = capacity
        self.overflow = overflow
        self.discipline = discipline
    }

    public init(config node: ConfigNode) throws {
        try node.checkKeys(StationParameters.configKeys)
        workers = try node.int("workers", default: 1, range: 1...1_000_000)
        serviceTime = try node.distribution("service_time")
        if let c = node.child("capacity"), (try? c.text()) == "unlimited" {
            capacity = .max
        } else {
            capacity = try node.int("capacity", default: .max, range: 0...Int.max)
        }
        overflow = OverflowPolicy(rawValue: try node.string("overflow", default: "drop-newest", oneOf: OverflowPolicy.allCases.map(\.rawValue)))!
        switch try node.string("discipline", default: "fifo", oneOf: ["fifo", "priority"]) {
        case "priority": discipline = .priority(levels: try node.int("priority_levels", default: 2, range: 1...64))
        default: discipline = .fifo
        }
    }

    public func makeStation<Job>(start: SimInstant = .zero) -> ServiceStation<Job> {
        ServiceStation(workers: workers, service: serviceTime, capacity: capacity, discipline: discipline, overflow: overflow, start: start)
    }
}

/// One entry of an `outages:` list: scheduled (`at`, `duration`) or random (`mtbf`, `mttr` distributions).
public struct OutageSpecification: Sendable {
    public var target: String
    public var start: SimDuration?
    public var duration: SimDuration?
    public var timeBetweenFailures: Distribution?
    public var timeToRepair: Distribution?

    public init(config node: ConfigNode, targets: [String]) throws {
        try node.checkKeys(["target", "at", "duration", "mtbf", "mttr"])
        target = try node.string("target", oneOf: targets)
        if node.has("mtbf") || node.has("mttr") {
            if node.has("at") { throw node.error("mixes a scheduled outage (`at`) with a random one (`mtbf`)", allowed: "either at + duration, or mtbf + mttr", key: "at") }
            timeBetweenFailures = try node.distribution("mtbf")
            timeToRepair = try node.distribution("mttr")
        } else {
            start = try node.duration("at")
            duration = try node.duration("duration", allowZero: false)
        }
    }

    /// Adds this outage (or its random draws up to `until`) to `schedule` for component `id`.
    public func apply(to schedule: inout FaultSchedule, component id: Int32, until horizon: SimInstant, stream: RandomStream) {
        if let start, let duration {
            schedule.add(.init(component: id, start: .zero + start, end: .zero + start + duration))
        } else if let timeBetweenFailures, let timeToRepair {
            schedule.addRandom(component: id, timeBetweenFailures: timeBetweenFailures, timeToRepair: timeToRepair,
                               until: horizon, stream: stream)
        }
    }
}
