#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Holds SIGINT and SIGTERM back while output is committed, so that an interrupt never leaves
/// a file or a directory half-written.
///
///     try SignalDeferral.deferring { interrupted in
///         try writeTemporaries()
///         if interrupted() { throw SignalDeferral.Interrupted() }   // clean up, old set kept
///         try swapIntoPlace()
///     }   // a signal received meanwhile is raised again here, with the earlier disposition
///
/// While `body` runs, a handler only records the signal. `body` checks `interrupted()` at its
/// checkpoints and abandons its temporaries when it is set; once its commit is past the point
/// of no return it finishes. Afterwards the earlier dispositions are restored and a recorded
/// signal is raised again: the process ends as the signal asked, with nothing half-written.
/// A signal ignored before (`nohup`, `SIG_IGN`) stays ignored. SIGKILL cannot be held back:
/// what it leaves are hidden temporaries, which the next write removes (`OutputDirectory`).
///
/// Invariant: nested and concurrent commits share one installation (a depth under a mutex);
/// `received` is written only by the handler and read by the committing threads (an atomic,
/// signal-safe).
public enum SignalDeferral {
    /// Thrown by a body that abandoned its work at a checkpoint.
    public struct Interrupted: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "interrupted by a signal; nothing was changed" }
    }

    typealias Handler = @convention(c) (Int32) -> Void
    private static let received = Atomic<Int32>(0)
    private static let signals: [Int32] = [SIGINT, SIGTERM]

    /// Nesting depth and the dispositions to restore (commits on several threads, as in tests,
    /// share one installation: the first installs, the last restores and raises).
    private static let state = Mutex<(depth: Int, previous: [(signal: Int32, handler: Handler?)])>((0, []))

    public static func deferring<T>(_ body: (_ interrupted: () -> Bool) throws -> T) throws -> T {
        _ = received.load(ordering: .relaxed)   // initialised before any handler can run
        state.withLock { state in
            state.depth += 1
            guard state.depth == 1 else { return }
            state.previous = signals.map { number in
                let old = signal(number, { number in SignalDeferral.received.store(number, ordering: .sequentiallyConsistent) })
                if unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                    signal(number, SIG_IGN)   // stays ignored
                }
                return (number, old)
            }
        }
        defer {
            let pending: Int32 = state.withLock { state in
                state.depth -= 1
                guard state.depth == 0 else { return 0 }
                for (number, handler) in state.previous { signal(number, handler) }
                state.previous = []
                return received.exchange(0, ordering: .sequentiallyConsistent)
            }
            if pending != 0 { raise(pending) }
        }
        return try body { received.load(ordering: .sequentiallyConsistent) != 0 }
    }
}
