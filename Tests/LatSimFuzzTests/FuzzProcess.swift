#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of the `latsim` binary as a child process, under a wall-time bound and an
/// address-space limit, so that a crash is a signal the harness observes (not the death of
/// the test runner) and a hang or a runaway allocation ends at the bound.
///
///     let outcome = FuzzProcess.run(binary, ["validate", "x.yaml"], directory: dir, timeoutSeconds: 60,
///                                   addressSpaceBytes: 4 << 30)
///     outcome.signal      // nil unless the child was killed by a signal
///
/// The limit is set with `ulimit -v` in `/bin/sh`, which then `exec`s latsim (same process),
/// so `wait4`'s resource usage is latsim's: `peakResidentBytes` is its maximum resident set.
struct FuzzProcess {
    struct Outcome {
        var exitCode: Int32?
        var signal: Int32?
        var timedOut: Bool
        /// True when the CPU bound (`ulimit -t`) stopped it, false when the wall-clock bound did or nothing did.
        var stoppedByCPUBound: Bool
        var seconds: Double
        /// CPU time used (user + system), from `wait4`'s resource usage.
        var cpuSeconds: Double
        var peakResidentBytes: Int
        var standardOutput: String
        var standardError: String
    }

    /// `timeoutSeconds` bounds the case's CPU time (`ulimit -t`: a busy loop is killed by
    /// SIGXCPU), and four times it its wall-clock time (a case blocked without using the CPU).
    /// Bounding CPU rather than wall time keeps a slow but legitimate case from reading as a hang
    /// when the suite's other tests share the machine's cores.
    static func run(_ binary: String, _ arguments: [String], directory: String, timeoutSeconds: Double,
                    addressSpaceBytes: Int) -> Outcome {
        let outputPath = directory + "/.fuzz-stdout-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        let errorPath = outputPath + "-stderr"
        defer { unlink(outputPath); unlink(errorPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // SWIFT_BACKTRACE=enable=no: a crash is a signal; the backtracer would only slow it down.
        let script = "cd \"$1\" && ulimit -v \(addressSpaceBytes / 1024) && ulimit -t \(Int(timeoutSeconds.rounded(.up))) && shift && exec \"$@\""
        let argv = ["/bin/sh", "-c", script, "sh", directory, binary] + arguments
        var environment = ["PATH=/usr/bin:/bin", "SWIFT_BACKTRACE=enable=no", "LC_ALL=C"]
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) }; cEnvironment.forEach { free($0) }; environment.removeAll() }
        var pid: pid_t = 0
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
        func elapsed() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - start
        }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &cArguments, &cEnvironment)
        precondition(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { break }
            if elapsed() > 4 * timeoutSeconds {
                timedOut = true
                kill(pid, SIGKILL)
                while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
                break
            }
            usleep(5_000)
        }
        let seconds = elapsed()
        // WIFEXITED / WTERMSIG by hand (the C macros are not imported).
        let terminatingSignal = status & 0x7F
        let exited = terminatingSignal == 0
        // The CPU bound ends the process with SIGXCPU, or SIGKILL when soft and hard limits coincide.
        let killedByWallBound = timedOut
        if terminatingSignal == SIGXCPU || terminatingSignal == SIGKILL { timedOut = true }
        let cpuSeconds = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Outcome(exitCode: exited ? (status >> 8) & 0xFF : nil,
                       signal: exited || timedOut ? nil : terminatingSignal,
                       timedOut: timedOut, stoppedByCPUBound: timedOut && !killedByWallBound, seconds: seconds, cpuSeconds: cpuSeconds,
                       peakResidentBytes: Int(usage.ru_maxrss) * 1024,
                       standardOutput: readFile(outputPath), standardError: readFile(errorPath))
    }

    static func readFile(_ path: String, limit: Int = 1 << 20) -> String {
        guard let file = fopen(path, "rb") else { return "" }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = fread(&buffer, 1, limit, file)
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}
