import LatSimCore

/// An event of a settlement layer, carried inside a host model's event enum.
public enum LayerEvent: Sendable, Equatable {
    /// The chain (or the rollup's L1) produces a block.
    case block
    /// The rollup's sequencer soft-confirms a transaction.
    case softConfirm(id: Int)
    /// The rollup's batch interval elapses.
    case batchTimer
    /// A closed batch reaches the L1 mempool.
    case batchPost(batch: Int)
    /// The exchange ledger settles a transaction.
    case ledgerSettle(id: Int)
}

/// What a layer reports after handling an event: a transaction id became soft-confirmed or final.
public struct LayerNotification: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case soft, final }
    public var kind: Kind
    public var id: Int
}

/// A transaction that reached a confirmation level other than soft and final (those are in
/// `notifications`): `level` indexes `LayerSpec.levels`.
public struct LevelNotification: Sendable, Equatable {
    public var level: Int
    public var id: Int
}

/// A settlement layer driven by a host model: submit transactions, route `LayerEvent`s back,
/// read `notifications`.
///
///     enum Event { case layer(LayerEvent), trade }
///     layer.start(context: &context, wrap: Event.layer)
///     layer.submit(id: 3, fee: 1, context: &context, wrap: Event.layer)
///     // in handle(.layer(e)): layer.handle(e, context: &context, wrap: Event.layer); read layer.notifications
///
/// Soft confirmation: inclusion in a block (chain), the sequencer's confirmation (rollup), the
/// ledger update (exchange). Final: the chain's finality rule; for a rollup, the finality of
/// the L1 transaction carrying the batch; for a ledger, the ledger update.
/// Streams are named "<role>:<layer name>:..." so two layers in one model (source and
/// destination) draw independently, and each draws the same values across designs.
/// Invariant: each id is reported soft at most once and final at most once, soft not after final.
public struct SettlementLayer {
    public let spec: LayerSpec
    /// The chain itself, or the rollup's L1 (nil for a ledger).
    public private(set) var chain: Chain?
    let softStream: RandomStream?
    let postingStream: RandomStream?
    let proofStream: RandomStream?
    let ledgerStream: RandomStream?
    var openBatch = ContiguousArray<Int>()
    /// The members of each closed rollup batch that is not final yet, by batch id (removed when
    /// the batch is final or its L1 transaction is refused: memory follows the batches pending).
    var pendingBatches: [Int: ContiguousArray<Int>] = [:]
    var batchesClosed = 0
    /// Closed batches whose L1 transaction has been in a block (`posted` reported once per batch).
    var postedBatches = Set<Int>()
    /// The notifications produced by the last `handle` call.
    public private(set) var notifications = ContiguousArray<LayerNotification>()
    /// The intermediate levels reached in the last `handle` call (a chain's levels between
    /// `included` and `finalized`, a rollup's `posted`), each before the same id's final
    /// notification. A rollup's withdrawal level is the host's: `l1-final` plus the fixed delay.
    public private(set) var levelNotifications = ContiguousArray<LevelNotification>()
    /// Times of the blocks produced (kept only when `recordBlockTimes` is set: tests, traces;
    /// at most `ReplicationSpec.traceRowLimit`, the rest counted in `blockTimesDropped`).
    public private(set) var blockTimes: [SimInstant] = []
    public private(set) var blockTimesDropped = 0
    public var recordBlockTimes = false
    public private(set) var batchesPosted: Int = 0
    /// Rollup batches not final yet (tests: bounded by the pending work, not the run's length).
    public var pendingBatchCount: Int { pendingBatches.count }

    public init(spec: LayerSpec, role: String, replication: ReplicationSpec) {
        self.spec = spec
        let prefix = "\(role):\(spec.name)"
        switch spec {
        case .chain(let c):
            chain = Chain(spec: c, replication: replication, streamPrefix: prefix)
            softStream = nil; postingStream = nil; proofStream = nil; ledgerStream = nil
        case .rollup(let r):
            chain = Chain(spec: r.l1, replication: replication, streamPrefix: prefix + ":l1:" + r.l1.name)
            softStream = replication.stream(prefix + ":sequencer")
            postingStream = replication.stream(prefix + ":posting")
            proofStream = replication.stream(prefix + ":proofs")
            ledgerStream = nil
        case .ledger:
            chain = nil
            softStream = nil; postingStream = nil; proofStream = nil
            ledgerStream = replication.stream(prefix + ":ledger")
        }
    }

    /// Schedules the layer's first events (first block, first batch timer).
    public mutating func start<E>(context: inout SimulationContext<E>, wrap: (LayerEvent) -> E) {
        if chain != nil {
            let t = chain!.scheduleNextBlock(after: context.now)
            nextBlockTime = t
            if t != .distantFuture { context.schedule(wrap(.block), at: t) }  // a replay past its end (stop)
        }
        if case .rollup(let r) = spec {
            context.schedule(wrap(.batchTimer), after: r.batchInterval)
        }
    }

    /// When the chain (or the rollup's L1) seals its next block, as drawn when the last one was
    /// scheduled (`distantFuture`: none; a ledger has no blocks). A builder's auction deadline:
    /// block-time searchers time their bids on it.
    public private(set) var nextBlockTime = SimInstant.distantFuture

    /// Removes the host's transactions `remove` selects from the chain's mempool (bundles valid
    /// for one block only); returns how many. No effect on a ledger.
    @discardableResult
    public mutating func removeFromMempool(where remove: (Int) -> Bool) -> Int {
        chain?.removeFromMempool(where: remove) ?? 0
    }

    /// Submits transaction `id` (a host id, >= 0) now; false when a chain's full mempool refused
    /// it (it will never be reported: the host may forget it).
    @discardableResult
    public mutating func submit<E>(id: Int, fee: Double, context: inout SimulationContext<E>, wrap: (LayerEvent) -> E) -> Bool {
        switch spec {
        case .chain:
            return chain!.submit(id: id, fee: fee, at: context.now)
        case .rollup(let r):
            context.schedule(wrap(.softConfirm(id: id)), after: r.softConfirmation.sampleDuration(softStream!))
        case .ledger(let l):
            context.schedule(wrap(.ledgerSettle(id: id)), after: l.ledgerLatency.sampleDuration(ledgerStream!))
        }
        return true
    }

    /// Handles one of this layer's events; `notifications` then holds what became soft or final.
    public mutating func handle<E>(_ event: LayerEvent, context: inout SimulationContext<E>, wrap: (LayerEvent) -> E) {
        notifications.removeAll(keepingCapacity: true)
        levelNotifications.removeAll(keepingCapacity: true)
        switch event {
        case .block:
            chain!.produceBlock(at: context.now)
            if recordBlockTimes {
                if blockTimes.count < ReplicationSpec.traceRowLimit { blockTimes.append(context.now) } else { blockTimesDropped += 1 }
            }
            if case .rollup = spec {
                for batch in chain!.included where postedBatches.insert(batch).inserted {
                    guard let members = pendingBatches[batch] else { preconditionFailure("rollup batch \(batch) included while not pending") }
                    for member in members { levelNotifications.append(LevelNotification(level: 1, id: member)) }
                }
                for batch in chain!.finalized {
                    postedBatches.remove(batch)
                    guard let members = pendingBatches.removeValue(forKey: batch) else { preconditionFailure("rollup batch \(batch) final twice") }
                    for member in members { notifications.append(LayerNotification(kind: .final, id: member)) }
                }
            } else {
                for id in chain!.included { notifications.append(LayerNotification(kind: .soft, id: id)) }
                for reached in chain!.levelReached { levelNotifications.append(LevelNotification(level: reached.level, id: reached.id)) }
                for id in chain!.finalized { notifications.append(LayerNotification(kind: .final, id: id)) }
            }
            let t = chain!.scheduleNextBlock(after: context.now)
            nextBlockTime = t
            if t != .distantFuture { context.schedule(wrap(.block), at: t) }  // a replay past its end (stop)
        case .softConfirm(let id):
            guard case .rollup(let r) = spec else { preconditionFailure("softConfirm on a non-rollup layer") }
            notifications.append(LayerNotification(kind: .soft, id: id))
            openBatch.append(id)
            if openBatch.count >= r.batchSizeLimit { closeBatch(r, context: &context, wrap: wrap) }
        case .batchTimer:
            guard case .rollup(let r) = spec else { preconditionFailure("batchTimer on a non-rollup layer") }
            if !openBatch.isEmpty { closeBatch(r, context: &context, wrap: wrap) }
            context.schedule(wrap(.batchTimer), after: r.batchInterval)
        case .batchPost(let batch):
            if !chain!.submit(id: batch, fee: 1, at: context.now) { pendingBatches[batch] = nil }  // refused: never final
            batchesPosted += 1
        case .ledgerSettle(let id):
            notifications.append(LayerNotification(kind: .soft, id: id))
            notifications.append(LayerNotification(kind: .final, id: id))
        }
    }

    mutating func closeBatch<E>(_ r: RollupSpec, context: inout SimulationContext<E>, wrap: (LayerEvent) -> E) {
        pendingBatches[batchesClosed] = openBatch
        openBatch.removeAll(keepingCapacity: true)
        let delay = r.postingDelay.sampleDuration(postingStream!) + r.proofDelay.sampleDuration(proofStream!)
        context.schedule(wrap(.batchPost(batch: batchesClosed)), after: delay)
        batchesClosed += 1
    }

    /// The delay after finality before a withdrawal to L1 completes (zero but for rollups).
    public var withdrawalDelay: SimDuration { spec.withdrawalDelay }
}
