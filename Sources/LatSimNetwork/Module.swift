/// LatSimNetwork: how messages move and wait.
///
/// Building blocks (value types, addressed by integer ids): `Link` (latency, loss, ordering,
/// bandwidth, time-varying regime), `ServiceStation` (workers, queue discipline, capacity,
/// overflow policy), `Broker` (topics, partitions, consumer groups, at-least-once delivery),
/// `FaultSchedule` (outages and partitions) and `MessageLedger` (sent = delivered + dropped +
/// in flight). Scenario kinds for configs are in `NetworkScenarios.kinds`.
@_exported import LatSimCore
