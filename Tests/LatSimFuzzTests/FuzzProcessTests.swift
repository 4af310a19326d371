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
        // Judged by what stopped it and the CPU time it used, not by wall time (the machine is shared):
        // the CPU bound, after about its 1 s of CPU.
        #expect(busy.timedOut && busy.stoppedByCPUBound && busy.cpuSeconds >= 0.9 && busy.cpuSeconds < 2.5,
                "busy loop: \(busy.cpuSeconds) s of CPU in \(busy.seconds) s, stopped by the CPU bound: \(busy.stoppedByCPUBound)")
        let blocked = FuzzProcess.run("/bin/sleep", ["30"], directory: "/tmp", timeoutSeconds: 1, addressSpaceBytes: 1 << 30)
        #expect(blocked.timedOut && !blocked.stoppedByCPUBound && blocked.seconds >= 4, "blocked: \(blocked.seconds) s")
        let quick = FuzzProcess.run("/bin/sh", ["-c", "exit 3"], directory: "/tmp", timeoutSeconds: 1, addressSpaceBytes: 1 << 30)
        #expect(!quick.timedOut && quick.exitCode == 3)
    }
}
