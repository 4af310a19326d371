extension BrokerOutageModel {
    public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        switch event {
        case .publishTick(let producer):
            guard publishing else { return }
            let i = Int(producer)
            context.schedule(.publishTick(producer: producer), after: p.publishInterval.sampleDuration(producerStreams[i]))
            let message = Message(producer: producer, sequence: nextSequence[i], created: now)
            nextSequence[i] += 1
            generated += 1
            publish(message, context: &context)
        case .atConsumerDirect(let m):
            arrived(up(Int(m.producer)))
            let k = consumer(ofPartition: partition(ofProducer: Int(m.producer)))
            if down[k] { lostOutage += 1; return }
            enqueue(Job(message: m, partition: -1, offset: -1, epoch: epochs[k]), at: k, context: &context)
        case .atBroker(let m):
            arrived(up(Int(m.producer)))
            fallthrough
        case .brokerRetry(let m):
            if down[p.consumers] {
                brokerRetries += 1
                context.schedule(.brokerRetry(m), at: faults.upTime(brokerID, after: now))
                return
            }
            let part = partition(ofProducer: Int(m.producer))
            let done = max(now + p.persistLatency.sampleDuration(brokerStream), lastPersist[part])
            lastPersist[part] = done
            context.schedule(.persisted(m), at: done)
        case .persisted(let m):
            let part = partition(ofProducer: Int(m.producer))
            if !awaitingRoom[part].isEmpty {
                producerBlocked += 1
                awaitingRoom[part].append(m)
                awaitingRoomCount.add(1, at: now)
                return
            }
            admit(m, partition: part, context: &context)
        case .ackAtProducer(let producer, let created):
            arrived(ack(Int(producer)))
            if measuring { publishAck.record(now - created) }
        case .atConsumer(let k, let job):
            arrived(toConsumer(Int(k)))
            if down[Int(k)] { missedByDownConsumer += 1; return }   // still unacknowledged at the broker
            if job.epoch != epochs[Int(k)] { staleDeliveries += 1; return }   // sent to an earlier session
            enqueue(job, at: Int(k), context: &context)
        case .consumerDone(let k, let job):
            let c = Int(k)
            if let next = consumers[c].complete(at: now, stream: consumerStreams[c]).started {
                context.schedule(.consumerDone(consumer: k, next.job), at: next.completion)
            }
            guard job.epoch == epochs[c] && !down[c] else {
                if design == .direct { lostOutage += 1 }   // aborted by a crash
                return
            }
            processed(job.message, at: now)
            if design == .queued, let at = send(fromConsumer(c), at: now) {
                context.schedule(.ackAtBroker(consumer: k, partition: job.partition, offset: job.offset), at: at)
            }
        case .ackAtBroker(let k, let part, let offset):
            arrived(fromConsumer(Int(k)))
            if down[p.consumers] { return }   // lost ack: redelivered when the broker is back
            broker.acknowledge(group: 0, partition: Int(part), offset: offset, at: now)
            while !awaitingRoom[Int(part)].isEmpty && broker.hasRoom(partition: Int(part)) {
                let m = awaitingRoom[Int(part)].popFirst()!
                awaitingRoomCount.add(-1, at: now)
                admit(m, partition: Int(part), context: &context)
            }
            if !p.pull { pump(partition: Int(part), context: &context) }
        case .pollTick(let k):
            if !down[Int(k)], let at = send(fromConsumer(Int(k)), at: now) {
                context.schedule(.pollAtBroker(consumer: k), at: at)
            }
            if publishing || broker.storedCount > 0 { context.schedule(.pollTick(consumer: k), after: p.pollInterval) }
        case .pollAtBroker(let k):
            arrived(fromConsumer(Int(k)))
            if down[p.consumers] { return }
            for part in stride(from: Int(k), to: p.partitions, by: p.consumers) { pump(partition: part, context: &context) }
        case .outageStart(let index):
            fail(Int(faults.outages[Int(index)].component), at: now)
        case .outageEnd(let index):
            recover(Int(faults.outages[Int(index)].component), context: &context)
        case .warmUpEnd:
            measuring = true
            for k in consumers.indices { consumers[k].resetStatistics(at: now) }
            broker.resetStatistics(at: now)
            producerBuffered.reset(at: now)
        case .stopPublishing:
            publishing = false
        }
    }

    mutating func publish(_ m: Message, context: inout SimulationContext<Event>) {
        let i = Int(m.producer)
        switch design {
        case .direct:
            let k = consumer(ofPartition: partition(ofProducer: i))
            if down[k] && p.directBlocks || !producerBuffers[i].isEmpty {
                producerBuffers[i].append(m)
                producerBuffered.add(1, at: context.now)
            } else if let at = send(up(i), at: context.now) {
                context.schedule(.atConsumerDirect(m), at: at)
            }
        case .queued:
            if down[p.consumers] || !producerBuffers[i].isEmpty {
                producerBuffers[i].append(m)
                producerBuffered.add(1, at: context.now)
            } else if let at = send(up(i), at: context.now) {
                context.schedule(.atBroker(m), at: at)
            }
        }
    }

    /// Appends a persisted message to its partition (or applies the overflow policy).
    mutating func admit(_ m: Message, partition part: Int, context: inout SimulationContext<Event>) {
        let now = context.now
        switch broker.publish(m, partition: part, at: now) {
        case .accepted:
            if let at = send(ack(Int(m.producer)), at: now) {
                context.schedule(.ackAtProducer(producer: m.producer, created: m.created), at: at)
            }
            if !p.pull { pump(partition: part, context: &context) }
        case .dropped:
            lostOverflow += 1
        case .rejected:
            producerBlocked += 1
            awaitingRoom[part].append(m)
            awaitingRoomCount.add(1, at: now)
        }
    }

    mutating func enqueue(_ job: Job, at k: Int, context: inout SimulationContext<Event>) {
        switch consumers[k].arrive(job, at: context.now, stream: consumerStreams[k]) {
        case .started(let done): context.schedule(.consumerDone(consumer: Int32(k), job), at: done)
        case .queued, .blocked: break
        case .dropped: if design == .direct { lostOverflow += 1 }   // queued: still at the broker, redelivered
        }
    }

    mutating func processed(_ m: Message, at now: SimInstant) {
        let i = Int(m.producer)
        if m.sequence > maxProcessed[i] {
            maxProcessed[i] = m.sequence
            deliveredUnique += 1
            if measuring { endToEnd.record(now - m.created) }
        } else {
            duplicates += 1
        }
    }

    /// Push: the broker sends every ready message of `partition` (up to prefetch) to its consumer.
    mutating func pump(partition part: Int, context: inout SimulationContext<Event>) {
        guard !down[p.consumers] else { return }
        let k = consumer(ofPartition: part)
        while let d = broker.nextDelivery(group: 0, partition: part) {
            let job = Job(message: d.message, partition: Int32(part), offset: d.offset, epoch: epochs[k])
            if let at = send(toConsumer(k), at: context.now) {
                context.schedule(.atConsumer(consumer: Int32(k), job), at: at)
            }
        }
    }

    mutating func fail(_ component: Int, at now: SimInstant) {
        if down[component] { return }
        down[component] = true
        guard component < p.consumers else { return }
        epochs[component] &+= 1
        let cleared = consumers[component].clearQueue(at: now)
        if design == .direct { lostOutage += Int64(cleared.waiting + cleared.held) }
    }

    mutating func recover(_ component: Int, context: inout SimulationContext<Event>) {
        if faults.isDown(Int32(component), at: context.now) { return }   // another outage continues
        down[component] = false
        if component < p.consumers { epochs[component] &+= 1 }   // a new session
        let now = context.now
        if component == p.consumers {
            for part in 0..<p.partitions {
                broker.consumerFailed(group: 0, partition: part)   // acks lost while down: redeliver
                if !p.pull { pump(partition: part, context: &context) }
            }
            if design == .queued { flushProducers(ofConsumer: nil, context: &context) }
        } else {
            for part in stride(from: component, to: p.partitions, by: p.consumers) {
                broker.consumerFailed(group: 0, partition: part)
                if design == .queued && !p.pull { pump(partition: part, context: &context) }
            }
            if design == .direct {
                flushProducers(ofConsumer: component, context: &context)
            }
        }
    }

    /// Sends the messages producers held while their target was down (all producers when `consumer` is nil).
    mutating func flushProducers(ofConsumer target: Int?, context: inout SimulationContext<Event>) {
        for i in 0..<p.producers where target == nil || consumer(ofPartition: partition(ofProducer: i)) == target! {
            while let m = producerBuffers[i].popFirst() {
                producerBuffered.add(-1, at: context.now)
                if let at = send(up(i), at: context.now) {
                    context.schedule(design == .direct ? .atConsumerDirect(m) : .atBroker(m), at: at)
                }
            }
        }
    }
}
