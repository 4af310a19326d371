import LatSimCore

/// One chain's state: mempool, tip, blocks awaiting finality. A host model drives it by
/// scheduling its blocks at `nextBlockTime` and calling `produceBlock`.
///
///     var chain = Chain(spec: spec, replication: replicationSpec)
///     chain.submit(id: 42, fee: 1, at: now)
///     let t = chain.scheduleNextBlock(after: .zero)      // host schedules a block event at t
///     chain.produceBlock(at: t)                           // then reads chain.included / chain.finalized
///
/// Transactions are opaque integer ids of the host. `produceBlock` fills the reusable buffers
/// `included` (ids included by this block, first inclusions and re-inclusions after a reorg),
/// `finalized` (ids whose block became final) and `reorged` (ids returned to the mempool).
/// Random streams: "chain:<name>:blocks" (intervals, missed slots), "chain:<name>:reorgs" and
/// "chain:<name>:background", so enabling reorgs or load leaves block times unchanged for a seed.
/// Competing (background) transactions carry id -1 and are never reported; an orphaned block's
/// background transactions are dropped (they compete again only through new arrivals).
/// Invariants: block heights grow by one per kept block; a final block is never orphaned; every
/// submitted id is, at any time, in exactly one of {mempool, awaiting finality, finalized}.
public struct Chain {
    struct Pending {
        var id: Int
        var height: Int64
        var epoch: Int64
        var priority: Double
        var arrival: Int64
        var sequence: UInt64
    }

    public let spec: ChainSpec
    let blockStream: RandomStream
    let reorgStream: RandomStream
    let backgroundStream: RandomStream
    /// Time of the last block (background arrivals are generated for the interval since).
    var lastBlockTime = SimInstant.zero
    public private(set) var backgroundIncluded: Int64 = 0
    public private(set) var backgroundRejected: Int64 = 0
    var mempool = Mempool()
    var sequence: UInt64 = 0
    /// Transactions in blocks not yet final, in height order; `pendingHead` is the first live one.
    var pending = ContiguousArray<Pending>()
    var pendingHead = 0
    /// Height of the tip (0 before the first block), and the epoch of the tip block.
    public private(set) var tipHeight: Int64 = 0
    var tipEpoch: Int64 = -1
    /// The slot of the next scheduled block (slot production only).
    var scheduledSlot: Int64 = 0
    /// Replay: the next file block to schedule (counting wrapped repetitions), and the capacity
    /// of the block scheduled.
    var replayNext: Int64 = 0
    var scheduledCapacity = 0
    public private(set) var blocksProduced: Int64 = 0
    public private(set) var blocksOrphaned: Int64 = 0
    public private(set) var rejectedCount: Int64 = 0
    /// Random streams of the block-building options, drawn from only when the option is on:
    /// "chain:<name>:express" (who has the lane) and "chain:<name>:reverts".
    let expressStream: RandomStream
    let revertStream: RandomStream
    /// Transactions without the express lane, in eligibility order (a fixed delay keeps
    /// submission order), moved to the mempool when a block is built at or after their time.
    var delayed = ContiguousArray<Mempool.Entry>()
    var delayedHead = 0
    /// Simulated (host) transactions in the mempool (the auction's bidders).
    var hostInMempool = 0
    /// Simulated transactions included (re-inclusions after a reorg count again), of which reverted.
    public private(set) var includedCount: Int64 = 0
    public private(set) var revertedCount: Int64 = 0
    /// Gas paid by simulated transactions: included ones, and losing bundles with `losing_bundle_pays: gas`.
    public private(set) var gasPaid: Double = 0
    /// Auction losses: a simulated bundle left out of a block it bid for (once per block).
    public private(set) var lostBidCount: Int64 = 0
    /// Ids included in the last block that reverted (a subset of `included`, in the same order).
    public private(set) var reverted = ContiguousArray<Int>()

    public private(set) var included = ContiguousArray<Int>()
    public private(set) var finalized = ContiguousArray<Int>()
    public private(set) var reorged = ContiguousArray<Int>()
    /// Ids that reached an intermediate level in the last block, as (index in `spec.levels`, id),
    /// in level order then height order; a transaction reaches each level once (such a block
    /// has a child, and only the tip can be orphaned).
    public private(set) var levelReached = ContiguousArray<(level: Int, id: Int)>()
    /// For each intermediate level, the first entry of `pending` that has not reached it.
    var levelHeads: ContiguousArray<Int>

    public init(spec: ChainSpec, replication: ReplicationSpec, streamPrefix: String? = nil) {
        self.spec = spec
        let prefix = streamPrefix ?? "chain:\(spec.name)"
        blockStream = replication.stream(prefix + ":blocks")
        reorgStream = replication.stream(prefix + ":reorgs")
        backgroundStream = replication.stream(prefix + ":background")
        levelHeads = ContiguousArray(repeating: 0, count: spec.intermediateLevels.count)
        expressStream = replication.stream(prefix + ":express")
        revertStream = replication.stream(prefix + ":reverts")
    }

    /// Transactions waiting in the mempool, competing (background) ones included.
    public var mempoolCount: Int { mempool.count + delayed.count - delayedHead }
    /// Transactions in blocks that are not yet final.
    public var awaitingFinalityCount: Int { pending.count - pendingHead }

    /// Adds a transaction to the mempool; false if the mempool is full (counted in `rejectedCount`).
    /// `fee` is the priority fee (`fee` order) or the bundle bid (`auction`). With an express
    /// lane, `express` says whether this transaction has it (nil: drawn with probability `share`);
    /// one without it waits `delay` before it can be included, and its arrival is then.
    @discardableResult
    public mutating func submit(id: Int, fee: Double, at time: SimInstant, express: Bool? = nil) -> Bool {
        guard mempoolCount < spec.mempoolLimit else {
            rejectedCount += 1
            return false
        }
        let priority = spec.ordering == .fifo ? 0 : -fee
        if let lane = spec.expressLane {
            let hasLane = express ?? (lane.share >= 1 ? true : lane.share <= 0 ? false : expressStream.bernoulli(lane.share))
            if !hasLane && lane.delay > .zero {
                delayed.append(Mempool.Entry(id: id, priority: priority, arrival: time.nanosecondsSinceStart + lane.delay.nanoseconds,
                                             sequence: sequence))
                sequence &+= 1
                return true
            }
        }
        mempool.insert(id: id, priority: priority, arrival: time.nanosecondsSinceStart, sequence: sequence)
        hostInMempool += 1
        sequence &+= 1
        return true
    }

    /// Removes the simulated transactions `remove` selects from the mempool (eligible or still
    /// delayed by the express lane), as a builder drops bundles that were valid for one block only;
    /// returns how many it removed.
    @discardableResult
    public mutating func removeFromMempool(where remove: (Int) -> Bool) -> Int {
        let removed = mempool.removeAll { $0 >= 0 && remove($0) }
        hostInMempool -= removed
        let before = delayed.count - delayedHead
        delayed = ContiguousArray(delayed[delayedHead...].filter { !remove($0.id) })
        delayedHead = 0
        return removed + before - delayed.count
    }

    /// Moves the delayed transactions eligible at `time` into the mempool.
    mutating func releaseDelayed(until time: SimInstant) {
        while delayedHead < delayed.count && delayed[delayedHead].arrival <= time.nanosecondsSinceStart {
            let entry = delayed[delayedHead]
            mempool.insert(id: entry.id, priority: entry.priority, arrival: entry.arrival, sequence: entry.sequence)
            hostInMempool += 1
            delayedHead += 1
        }
        if delayedHead > 1_024 && delayedHead * 2 > delayed.count {
            delayed.removeFirst(delayedHead)
            delayedHead = 0
        }
    }

    /// Adds the competing transactions that arrived in (lastBlockTime, time].
    mutating func addBackground(until time: SimInstant) {
        let start = lastBlockTime.nanosecondsSinceStart
        let span = Double(time.nanosecondsSinceStart - start)
        lastBlockTime = time
        guard spec.backgroundUtilization > 0 && span > 0 else { return }
        let rate = spec.backgroundUtilization * Double(spec.capacityPerBlock) / Double(spec.production.meanInterval.nanoseconds)
        let count = backgroundStream.poisson(mean: rate * span)
        for _ in 0..<count {
            guard mempool.count < spec.mempoolLimit else { backgroundRejected += 1; continue }
            let arrival = start + Int64((backgroundStream.uniform() * span).rounded(.up))
            let fee = spec.backgroundFee.sample(backgroundStream)
            mempool.insert(id: -1, priority: spec.ordering == .fifo ? 0 : -fee, arrival: arrival, sequence: sequence)
            sequence &+= 1
        }
    }

    /// Draws the time of the next block after `now` (the host schedules it): `now + Exp(mean)`
    /// for Poisson blocks, the start of the next slot that is not missed for slots, the file's
    /// next block for a replay (`SimInstant.distantFuture` past its end with `past_end: stop`).
    public mutating func scheduleNextBlock(after now: SimInstant) -> SimInstant {
        switch spec.production {
        case .poisson(let mean):
            return now + SimDuration(roundingNanoseconds: blockStream.exponential(mean: Double(mean.nanoseconds)))
        case .slots(let slot, let missed):
            var next = now.nanosecondsSinceStart / slot.nanoseconds + 1
            while missed > 0 && blockStream.bernoulli(missed) { next += 1 }
            scheduledSlot = next
            return SimInstant(nanosecondsSinceStart: next &* slot.nanoseconds)
        case .replay(let replay):
            guard let block = replay.block(replayNext, defaultCapacity: spec.capacityPerBlock) else { return .distantFuture }
            replayNext += 1
            scheduledSlot = block.slot
            scheduledCapacity = block.capacity
            return Swift.max(now, block.time)
        }
    }

    /// Produces a block at `time`: maybe orphans the tip (returning its transactions to the
    /// mempool), includes up to `capacityPerBlock` transactions in mempool order, and finalizes
    /// what the finality rule now allows.
    public mutating func produceBlock(at time: SimInstant) {
        included.removeAll(keepingCapacity: true)
        finalized.removeAll(keepingCapacity: true)
        reorged.removeAll(keepingCapacity: true)
        levelReached.removeAll(keepingCapacity: true)
        reverted.removeAll(keepingCapacity: true)
        addBackground(until: time)
        if spec.expressLane != nil { releaseDelayed(until: time) }
        let epoch = currentEpoch()
        if spec.reorgProbability > 0 && tipHeight > 0 && !tipIsFinal(newEpoch: epoch) && reorgStream.bernoulli(spec.reorgProbability) {
            orphanTip()
        }
        tipHeight += 1
        tipEpoch = epoch
        blocksProduced += 1
        var room = spec.capacityPerBlock
        if case .replay = spec.production { room = scheduledCapacity }
        while room > 0, let entry = mempool.popMin() {
            room -= 1
            guard entry.id >= 0 else { backgroundIncluded += 1; continue }
            hostInMempool -= 1
            pending.append(Pending(id: entry.id, height: tipHeight, epoch: epoch, priority: entry.priority, arrival: entry.arrival,
                                   sequence: entry.sequence))
            included.append(entry.id)
            includedCount += 1
            gasPaid += spec.gas
            if spec.revertProbability > 0 && revertStream.bernoulli(spec.revertProbability) {
                revertedCount += 1
                reverted.append(entry.id)
            }
        }
        if spec.ordering == .auction && hostInMempool > 0 {
            lostBidCount += Int64(hostInMempool)
            if spec.losingBundlePays == .gas { gasPaid += spec.gas * Double(hostInMempool) }
        }
        finalize(epoch: epoch)
    }

    func currentEpoch() -> Int64 {
        if case .epochs(let slotsPerEpoch, _) = spec.finality { return scheduledSlot / Int64(slotsPerEpoch) }
        return 0
    }

    func tipIsFinal(newEpoch: Int64) -> Bool {
        switch spec.finality {
        case .confirmations(let k): return k <= 1
        case .epochs(_, let epochs): return tipEpoch + Int64(epochs) < newEpoch
        }
    }

    mutating func orphanTip() {
        blocksOrphaned += 1
        while pending.count > pendingHead, let last = pending.last, last.height == tipHeight {
            pending.removeLast()
            mempool.insert(id: last.id, priority: last.priority, arrival: last.arrival, sequence: last.sequence)
            hostInMempool += 1
            reorged.append(last.id)
        }
        tipHeight -= 1
    }

    mutating func finalize(epoch: Int64) {
        // Intermediate levels first: each is reached no later than finality, so its head never
        // trails `pendingHead` (compaction below keeps them valid).
        for (index, level) in spec.intermediateLevels.enumerated() {
            var head = levelHeads[index]
            while head < pending.count {
                let entry = pending[head]
                let reached: Bool
                switch level.rule {
                case .confirmations(let k): reached = entry.height <= tipHeight - Int64(k) + 1
                case .epochs(let e): reached = entry.epoch + Int64(e) < epoch
                default: reached = false
                }
                guard reached else { break }
                levelReached.append((level: index + 1, id: entry.id))
                head += 1
            }
            levelHeads[index] = head
        }
        while pendingHead < pending.count {
            let entry = pending[pendingHead]
            let isFinal: Bool
            switch spec.finality {
            case .confirmations(let k): isFinal = entry.height <= tipHeight - Int64(k) + 1
            case .epochs(_, let epochs): isFinal = entry.epoch + Int64(epochs) < epoch
            }
            guard isFinal else { break }
            finalized.append(entry.id)
            pendingHead += 1
        }
        // Compact once the dead prefix dominates: amortized O(1) per transaction.
        if pendingHead > 1_024 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            for index in levelHeads.indices { levelHeads[index] -= pendingHead }
            pendingHead = 0
        }
    }
}
