/// The `broker-outage` scenario: producers to consumers directly (`direct`) or through a
/// broker (`queued`), across scheduled or random outages of consumers or the broker.
///
///     model:
///       kind: broker-outage
///       producers: 4
///       consumers: 2
///       publish_interval: {type: exponential, mean: 1ms}
///       link: {latency: {type: lognormal, median: 200us, sigma: 0.4}}
///       processing_time: {type: exponential, mean: 300us}
///       outages: [{target: consumer-0, at: 2s, duration: 1s}]
///
/// docs/network.md defines every key, policy and metric.
public struct BrokerOutageScenario: Scenario {
    public let parameters: BrokerOutageModel.Parameters
    public let designs: [String]

    public static let allDesigns = ["direct", "queued"]
    public static let configKeys = ["kind", "producers", "consumers", "consumer_groups", "partitions", "publish_interval", "link",
                                    "persist_latency", "processing_time", "consumer_capacity", "prefetch", "broker_capacity",
                                    "broker_overflow", "consumer_mode", "poll_interval", "direct_when_down",
                                    "outages", "drain", "trace_interval"]

    public init(parameters: BrokerOutageModel.Parameters, designs: [String] = BrokerOutageScenario.allDesigns) {
        self.parameters = parameters
        self.designs = designs
    }

    public init(config node: ConfigNode) throws {
        try node.checkKeys(BrokerOutageScenario.configKeys)
        designs = BrokerOutageScenario.allDesigns
        let producers = try node.int("producers", default: 4, range: 1...100_000)
        let consumers = try node.int("consumers", default: 2, range: 1...100_000)
        let linkNode = try node.required("link")
        let link = try LinkParameters(config: linkNode)
        if link.ordering != .fifo {
            throw linkNode.error("must be fifo here: duplicate detection relies on each producer's order", allowed: "fifo",
                                 given: link.ordering.rawValue, key: "ordering")
        }
        if link.lossProbability > 0 || linkNode.has("regime") || link.faultPolicy != .lost {
            throw linkNode.error("takes latency, ordering and bandwidth only: losses here come from outages", allowed: "loss: 0",
                                 given: "loss \(link.lossProbability)", key: "loss")
        }
        let groups = try node.int("consumer_groups", default: 1, range: 1...1_000)
        guard consumers * groups <= 100_000 else { // each consumer of each group is a named outage target, decoded here
            throw node.error("gives \(consumers) consumers x \(groups) groups = \(consumers * groups) consumer instances",
                             allowed: "consumers x consumer_groups <= 100000", given: "\(groups)", key: "consumer_groups")
        }
        let targets = BrokerOutageModel.targetNames(consumers: consumers * groups)
        let bounded = node.child("broker_capacity").map { (try? $0.text()) != "unlimited" } ?? false
        parameters = BrokerOutageModel.Parameters(
            producers: producers,
            consumers: consumers,
            groups: groups,
            partitions: try node.int("partitions", default: producers, range: 1...1_000_000),
            publishInterval: try node.intervalDistribution("publish_interval"),
            link: link,
            persistLatency: try node.distribution("persist_latency", default: try .constant(0)),
            processingTime: try node.distribution("processing_time"),
            consumerCapacity: try node.int("consumer_capacity", default: 10_000, range: 0...Int.max),
            prefetch: try node.int("prefetch", default: 16, range: 1...1_000_000),
            brokerCapacity: bounded ? try node.int("broker_capacity", range: 1...Int.max) : .max,
            brokerOverflow: OverflowPolicy(rawValue: try node.string("broker_overflow", default: "drop-newest",
                                                                     oneOf: OverflowPolicy.allCases.map(\.rawValue)))!,
            pull: try node.string("consumer_mode", default: "push", oneOf: ["push", "pull"]) == "pull",
            pollInterval: try node.interval("poll_interval", default: .milliseconds(10)),
            directBlocks: try node.string("direct_when_down", default: "lose", oneOf: ["lose", "block"]) == "block",
            outages: try (node.child("outages")?.items() ?? []).map { try OutageSpecification(config: $0, targets: targets) },
            drain: try node.duration("drain", default: .seconds(Int64(10))),
            traceInterval: try node.interval("trace_interval", default: .milliseconds(50)))
    }

    /// partitions x consumer groups cursors, producers x groups buffers and links, per-partition logs, and
    /// consumers x groups service stations (about 120 KiB each, measured: their latency histograms) with
    /// their prefetch buffers.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let p = parameters
        let consumers = Double(p.consumers) * Double(p.groups)
        return Double(p.partitions) * Double(p.groups) * 32 + Double(p.producers) * Double(p.groups) * 2_048
            + Double(p.partitions) * 256 + consumers * (128 * 1_024 + Double(p.prefetch) * 48) + Double(p.producers) * 2_048
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        precondition(designs.contains(design), "unknown design \(design)")
        return BrokerOutageModel.run(parameters: parameters, design: BrokerOutageModel.Design(rawValue: design)!, spec: spec)
    }
}
