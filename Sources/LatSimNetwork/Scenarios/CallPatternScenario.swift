/// The `call-pattern` scenario: blocking request/response (`sync`) versus non-blocking with a
/// window of W requests in flight (`async`), N clients calling one service over links.
///
///     model:
///       kind: call-pattern
///       clients: 50
///       window: 8
///       arrival: closed
///       think_time: {type: exponential, mean: 5ms}
///       link: {latency: {type: lognormal, median: 250us, sigma: 0.5}}
///       station: {workers: 4, service_time: {type: exponential, mean: 1ms}}
///
/// Both designs share every parameter; only the window differs (1 for sync). docs/network.md
/// defines every key and metric.
public struct CallPatternScenario: Scenario {
    public let parameters: CallPatternModel.Parameters
    public let window: Int
    public let designs: [String]

    public static let allDesigns = ["sync", "async"]
    public static let configKeys = ["kind", "clients", "window", "arrival", "think_time", "rate_per_client_per_s",
                                    "client_queue_capacity", "request_bytes", "response_bytes", "link", "station",
                                    "timeout", "retries", "backoff", "backoff_max", "outages"]

    public init(parameters: CallPatternModel.Parameters, window: Int, designs: [String] = CallPatternScenario.allDesigns) {
        self.parameters = parameters
        self.window = window
        self.designs = designs
    }

    public init(config node: ConfigNode) throws {
        try node.checkKeys(CallPatternScenario.configKeys)
        designs = CallPatternScenario.allDesigns
        let open = try node.string("arrival", default: "closed", oneOf: ["closed", "open"]) == "open"
        let rate = try node.ratePerSecond("rate_per_client_per_s", default: open ? nil : 1)
        let timeout = try node.duration("timeout", default: .zero)
        let retries = try node.int("retries", default: 0, range: 0...30)
        if retries > 0 && timeout == .zero {
            throw node.error("needs a timeout: a retry is sent when a timeout expires", allowed: "timeout > 0 with retries > 0",
                             given: "retries: \(retries), timeout: 0", key: "retries")
        }
        let clients = try node.int("clients", default: 10, range: 1...100_000)
        let targets = ["server", "client-links"] + (0..<clients).map { "link-client-\($0)" }
        parameters = CallPatternModel.Parameters(
            clients: clients,
            openArrivals: open,
            thinkTime: try node.distribution("think_time", default: try .constant(0)),
            interarrival: try node.wrap { try Distribution.exponential(mean: 1e9 / rate) },
            clientQueueCapacity: try node.int("client_queue_capacity", default: 1_000_000, range: 0...Int.max),
            requestBytes: try node.int("request_bytes", default: 256, range: 0...1 << 40),
            responseBytes: try node.int("response_bytes", default: 1_024, range: 0...1 << 40),
            link: try LinkParameters(config: node.required("link")),
            regime: try node.child("link")?.child("regime").map { try LatencyRegime(config: $0) },
            station: try StationParameters(config: node.required("station")),
            timeout: timeout,
            retries: retries,
            backoff: try node.duration("backoff", default: .milliseconds(10)),
            backoffMax: try node.duration("backoff_max", default: SimDuration.seconds(Int64(1))),
            outages: try (node.child("outages")?.items() ?? []).map { try OutageSpecification(config: $0, targets: targets) })
        window = try node.int("window", default: 8, range: 1...1_000_000)
    }

    /// clients x window request slots (15 bytes each), per-client state, links and streams (about 2 KiB,
    /// measured), the station (about 120 KiB of statistics) and its workers.
    public func replicationMemoryBytes(spec: ReplicationSpec) -> Double {
        let clients = Double(parameters.clients)
        return clients * Double(window) * 15 + clients * 2_048 + 128 * 1_024 + Double(parameters.station.workers) * 64
    }

    public func run(design: String, spec: ReplicationSpec) -> ReplicationResult {
        precondition(designs.contains(design), "unknown design \(design)")
        return CallPatternModel.run(parameters: parameters, window: design == "sync" ? 1 : window, spec: spec)
    }
}
