#if canImport(Glibc)
import Glibc
#endif

/// Child processes of the tests: the `gmm-gpu` executable end to end, or one test of the test
/// binary itself, for behaviour that could hang or crash the process running it (a deadlock
/// holding a global lock, say).
public enum ChildProcess {
    /// Why a child could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// How the child ended.
    public enum Outcome: Equatable, Sendable {
        /// It exited with this status (0: the test passed).
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
        /// It was still running after the time limit and was killed.
        case timedOut
    }

    /// Runs the tests of this binary matching `filter` with `variable` = "1" in the
    /// environment, killing the child after `seconds`. Returns how it ended and the tail of its
    /// output.
    public static func runTests(matching filter: String, setting variable: String, timeLimit seconds: Double) throws -> (Outcome, String) {
        let executable = try testBinary()
        return try run(executable, ["--testing-library", "swift-testing", "--filter", filter],
                       environment: ["\(variable)=1"], timeLimit: seconds)
    }

    /// The path of this test binary (the build folder also holds the `gmm-gpu` executable).
    public static func testBinary() throws -> String {
        var path = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { throw Failure(description: "cannot find this test binary") }
        return String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs `executable` with `arguments` (and `environment` added to this process's), killing
    /// it after `seconds`. Returns how it ended and the tail of its output (stdout and stderr).
    public static func run(_ executable: String, _ extraArguments: [String], environment extra: [String] = [],
                    timeLimit seconds: Double) throws -> (Outcome, String) {
        let log = "/tmp/gmm-gpu-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(log) }

        let arguments = [executable] + extraArguments
        var environment: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            environment.append(String(cString: pointer))
            entry += 1
        }
        environment += extra
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "posix_spawn of \(executable) failed: \(spawned)") }

        var status: Int32 = 0
        var outcome = Outcome.timedOut
        let deadline = now() + seconds
        while now() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                outcome = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
                break
            }
            usleep(20_000)
        }
        if outcome == .timedOut {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        return (outcome, tail(of: log))
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    private static func tail(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes.suffix(2000), as: UTF8.self)
    }
}
