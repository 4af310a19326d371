extension BrokerOutageModel {
    /// The outage targets a config may name.
    static func targetNames(consumers: Int) -> [String] {
        ["broker", "consumers"] + (0..<consumers).map { "consumer-\($0)" }
    }

    /// Runs one replication: publishing for warm-up + horizon, then `drain` with producers stopped.
    public static func run(parameters p: Parameters, design: Design, spec: ReplicationSpec) -> ReplicationResult {
        var model = BrokerOutageModel(parameters: p, design: design, spec: spec)
        let publishEnd = SimInstant.zero + spec.warmUp + spec.horizon
        for outage in p.outages {
            let ids: [Int32]
            switch outage.target {
            case "broker": ids = [model.brokerID]
            case "consumers": ids = (0..<model.consumerCount).map { Int32($0) }
            default: ids = [Int32(outage.target.dropFirst("consumer-".count))!]
            }
            for id in ids {
                outage.apply(to: &model.faults, component: id, until: publishEnd, stream: spec.stream("faults-\(id == model.brokerID ? "broker" : "consumer-\(id)")"))
            }
        }
        var simulation = Simulation(model: model)
        for (index, outage) in simulation.model.faults.outages.enumerated() {
            simulation.schedule(.outageStart(Int32(index)), at: outage.start)
            simulation.schedule(.outageEnd(Int32(index)), at: outage.end)
        }
        for i in 0..<p.producers {
            simulation.schedule(.publishTick(producer: Int32(i)), at: .zero + p.publishInterval.sampleDuration(simulation.model.producerStreams[i]))
        }
        if design == .queued && p.pull {
            for k in 0..<simulation.model.consumerCount { simulation.schedule(.pollTick(consumer: Int32(k)), at: .zero + p.pollInterval) }
        }
        simulation.schedule(.warmUpEnd, at: .zero + spec.warmUp)
        simulation.schedule(.stopPublishing, at: publishEnd)
        let reason = simulation.run(RunLimits(horizon: publishEnd + p.drain, maxEvents: spec.maxEvents))
        var result = simulation.model.summary(until: simulation.now, reason: reason, events: simulation.context.eventsProcessed)
        if spec.keepTrace {
            simulation.model.sample(through: simulation.now)
            result.traceHeader = BrokerOutageModel.traceHeader
            result.traceRows = simulation.model.trace
        }
        return result
    }

    /// Message copies (one per group) neither delivered nor lost by a stated policy: held by a
    /// producer, on a link, in the broker or at a consumer.
    public var messagesInSystem: Int64 { generated * Int64(p.groups) - deliveredUnique - lostOutage - lostOverflow }

    /// Every link's ledger matches its pending arrivals, and the broker's matches its stored messages.
    public var ledgerBalanced: Bool {
        links.indices.allSatisfy { links[$0].ledger.reconciles(holding: linkPending[$0]) } && broker.reconciles
    }

    func summary(until end: SimInstant, reason: StopReason, events: Int64) -> ReplicationResult {
        var r = ReplicationResult()
        r.eventsProcessed = events
        r.stopReason = reason.description
        r.record("messages_generated", unit: "count", value: Double(generated))
        r.record("messages_delivered", unit: "count", value: Double(deliveredUnique))
        r.record("messages_lost", unit: "count", value: Double(lostOutage + lostOverflow))
        r.record("lost_outage", unit: "count", value: Double(lostOutage))
        r.record("lost_overflow", unit: "count", value: Double(lostOverflow))
        r.record("messages_in_system", unit: "count", value: Double(messagesInSystem))
        r.record("messages_redelivered", unit: "count", value: Double(broker.redelivered))
        r.record("duplicates_processed", unit: "count", value: Double(duplicates))
        endToEnd.summarize(into: &r, name: "end_to_end_latency")
        r.record("publish_ack_latency_mean", unit: "ns", value: publishAck.mean)
        r.record("producer_buffer_max", unit: "messages", value: producerBuffered.maximum)
        r.record("producer_buffer_mean", unit: "messages", value: producerBuffered.mean(until: end))
        r.record("consumer_queue_length_max", unit: "messages", value: consumers.map(\.queueLength.maximum).max() ?? 0)
        r.record("broker_stored_max", unit: "messages", value: broker.storedLength.maximum)
        r.record("broker_published", unit: "count", value: Double(broker.published))
        r.record("broker_delivered", unit: "count", value: Double(broker.delivered))
        r.record("broker_committed", unit: "count", value: Double(broker.ledger.delivered))
        r.record("broker_dropped", unit: "count", value: Double(broker.ledger.dropped))
        r.record("broker_in_flight", unit: "count", value: Double(broker.ledger.inFlight))
        r.record("broker_retries", unit: "count", value: Double(brokerRetries))
        r.record("producer_blocked", unit: "count", value: Double(producerBlocked))
        r.record("blocked_at_broker_max", unit: "messages", value: awaitingRoomCount.maximum)
        r.record("stale_deliveries", unit: "count", value: Double(staleDeliveries))
        r.record("ledger_balanced", unit: "bool", value: ledgerBalanced ? 1 : 0)
        return r
    }
}
