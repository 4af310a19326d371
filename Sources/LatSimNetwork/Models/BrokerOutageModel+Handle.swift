extension BrokerOutageModel {
    public mutating func handle(_ event: Event, context: inout SimulationContext<Event>) {
        let now = context.now
        if sampling && now > nextSampleAt { sample(before: now) }   // the state before this event
        switch event {
        case .publishTick(let producer):
            guard publishing else { return }
            let i = Int(producer)
            context.schedule(.publishTick(producer: producer), after: p.publishInterval.sampleDuration(producerStreams[i]))
            let message = Message(producer: producer, group: 0, sequence: nextSequence[i], created: now)
            nextSequence[i] += 1
            generated += 1
            publish(message, context: &context)
        case .atConsumerDirect(let m):
            arrived(up(Int(m.producer), Int(m.group)))
            let c = consumer(ofPartition: partition(ofProducer: Int(m.producer)), group: Int(m.group))
            if down[c] { lostOutage += 1; return }
            enqueue(Job(message: m, partition: -1, offset: -1, epoch: epochs[c]), at: c, context: &context)
        case .atBroker(let m):
            arrived(up(Int(m.producer)))
            fallthrough
        case .brokerRetry(let m):
            if down[consumerCount] {
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
            processed(job.message, group: group(ofConsumer: c), at: now)
            if design == .queued, let at = send(fromConsumer(c), at: now) {
                context.schedule(.ackAtBroker(consumer: k, partition: job.partition, offset: job.offset), at: at)
            }
        case .ackAtBroker(let k, let part, let offset):
            arrived(fromConsumer(Int(k)))
            if down[consumerCount] { return }   // lost ack: redelivered when the broker is back
            let g = group(ofConsumer: Int(k))
            broker.acknowledge(group: g, partition: Int(part), offset: offset, at: now)
            while !awaitingRoom[Int(part)].isEmpty && broker.hasRoom(partition: Int(part)) {
                let m = awaitingRoom[Int(part)].popFirst()!
                awaitingRoomCount.add(-1, at: now)
                admit(m, partition: Int(part), context: &context)
            }
            if !p.pull { pump(partition: Int(part), group: g, context: &context) }
        case .pollTick(let k):
            if !down[Int(k)], let at = send(fromConsumer(Int(k)), at: now) {
                context.schedule(.pollAtBroker(consumer: k), at: at)
            }
            if publishing || broker.storedCount > 0 { context.schedule(.pollTick(consumer: k), after: p.pollInterval) }
        case .pollAtBroker(let k):
            arrived(fromConsumer(Int(k)))
            if down[consumerCount] { return }
            let g = group(ofConsumer: Int(k))
            for part in stride(from: Int(k) % p.consumers, to: p.partitions, by: p.consumers) {
                pump(partition: part, group: g, context: &context)
            }
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
            for g in 0..<p.groups {
                var copy = m
                copy.group = Int32(g)
                let c = consumer(ofPartition: partition(ofProducer: i), group: g)
                let b = buffer(i, g)
                if down[c] && p.directBlocks || !producerBuffers[b].isEmpty {
                    producerBuffers[b].append(copy)
                    producerBuffered.add(1, at: context.now)
                } else if let at = send(up(i, g), at: context.now) {
                    context.schedule(.atConsumerDirect(copy), at: at)
                }
            }
        case .queued:
            let b = buffer(i, 0)
            if down[consumerCount] || !producerBuffers[b].isEmpty {
                producerBuffers[b].append(m)
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
            if !p.pull { for g in 0..<p.groups { pump(partition: part, group: g, context: &context) } }
        case .dropped:
            lostOverflow += Int64(p.groups)   // no group will see it
        case .rejected:
            producerBlocked += 1
            awaitingRoom[part].append(m)
            awaitingRoomCount.add(1, at: now)
        }
    }

    mutating func enqueue(_ job: Job, at c: Int, context: inout SimulationContext<Event>) {
        switch consumers[c].arrive(job, at: context.now, stream: consumerStreams[c]) {
        case .started(let done): context.schedule(.consumerDone(consumer: Int32(c), job), at: done)
        case .queued, .blocked: break
        case .dropped: if design == .direct { lostOverflow += 1 }   // queued: still at the broker, redelivered
        }
    }

    mutating func processed(_ m: Message, group g: Int, at now: SimInstant) {
        let i = g * p.producers + Int(m.producer)
        if m.sequence > maxProcessed[i] {
            maxProcessed[i] = m.sequence
            deliveredUnique += 1
            if measuring { endToEnd.record(now - m.created) }
        } else {
            duplicates += 1
        }
    }

    /// Push: the broker sends every ready message of `partition` (up to prefetch) to group `g`'s consumer.
    mutating func pump(partition part: Int, group g: Int, context: inout SimulationContext<Event>) {
        guard !down[consumerCount] else { return }
        let c = consumer(ofPartition: part, group: g)
        while let d = broker.nextDelivery(group: g, partition: part) {
            let job = Job(message: d.message, partition: Int32(part), offset: d.offset, epoch: epochs[c])
            if let at = send(toConsumer(c), at: context.now) {
                context.schedule(.atConsumer(consumer: Int32(c), job), at: at)
            }
        }
    }

    mutating func fail(_ component: Int, at now: SimInstant) {
        if down[component] { return }
        down[component] = true
        guard component < consumerCount else { return }
        epochs[component] &+= 1
        let cleared = consumers[component].clearQueue(at: now)
        if design == .direct { lostOutage += Int64(cleared.waiting + cleared.held) }
    }

    mutating func recover(_ component: Int, context: inout SimulationContext<Event>) {
        if faults.isDown(Int32(component), at: context.now) { return }   // another outage continues
        down[component] = false
        if component == consumerCount {
            for g in 0..<p.groups {
                for part in 0..<p.partitions {
                    broker.consumerFailed(group: g, partition: part)   // acks lost while down: redeliver
                    if !p.pull { pump(partition: part, group: g, context: &context) }
                }
            }
            if design == .queued { flushProducers(toConsumer: nil, context: &context) }
        } else {
            epochs[component] &+= 1   // a new session
            let g = group(ofConsumer: component)
            for part in stride(from: component % p.consumers, to: p.partitions, by: p.consumers) {
                broker.consumerFailed(group: g, partition: part)
                if design == .queued && !p.pull { pump(partition: part, group: g, context: &context) }
            }
            if design == .direct { flushProducers(toConsumer: component, context: &context) }
        }
    }

    /// Sends the messages producers held while their target was down (towards the broker when `target` is nil).
    mutating func flushProducers(toConsumer target: Int?, context: inout SimulationContext<Event>) {
        for i in 0..<p.producers {
            for g in 0..<(target == nil ? 1 : p.groups) {
                if let c = target, consumer(ofPartition: partition(ofProducer: i), group: g) != c { continue }
                let b = buffer(i, g)
                while let m = producerBuffers[b].popFirst() {
                    producerBuffered.add(-1, at: context.now)
                    if let at = send(up(i, g), at: context.now) {
                        context.schedule(design == .direct ? .atConsumerDirect(m) : .atBroker(m), at: at)
                    }
                }
            }
        }
    }
}
