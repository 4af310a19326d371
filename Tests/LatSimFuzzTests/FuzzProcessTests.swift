import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The harness's hang detection: a busy loop is stopped by its CPU bound, a process blocked
/// without using the CPU by the wall-clock bound (four times the CPU bound), and a short case
/// is not stopped at all.
@Suite struct FuzzProcessTests {
    @Test func busyAndBlockedProcessesAreStoppedAndShortOnesAreNot() {
        let busy = FuzzProcess.run("/bin/sh", ["-c", "while :; do :; done"], directory: "/tmp", timeoutSeconds: 1, addressSpaceBytes: 1 << 30)
        #expect(busy.timedOut && busy.seconds < 3.5, "busy loop: \(busy.seconds) s")
        let blocked = FuzzProcess.run("/bin/sleep", ["30"], directory: "/tmp", timeoutSeconds: 1, addressSpaceBytes: 1 << 30)
        #expect(blocked.timedOut && blocked.seconds >= 4 && blocked.seconds < 20, "blocked: \(blocked.seconds) s")
        let quick = FuzzProcess.run("/bin/sh", ["-c", "exit 3"], directory: "/tmp", timeoutSeconds: 1, addressSpaceBytes: 1 << 30)
        #expect(!quick.timedOut && quick.exitCode == 3)
    }
}
