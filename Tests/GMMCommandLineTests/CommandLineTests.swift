import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The `gmm-gpu` executable end to end on small data: toy → train → logprob → sample, and
/// bad input answered with one error line and exit code 2.
@Suite struct CommandLineTests {
    /// The executable beside this test binary, and a fresh directory.
    static func setUp() throws -> (tool: String, directory: String) {
        let binary = try ChildProcess.testBinary()
        let folder = String(binary[..<(binary.lastIndex(of: "/") ?? binary.startIndex)])
        let tool = "\(folder)/gmm-gpu"
        try #require(access(tool, X_OK) == 0, "no gmm-gpu executable at \(tool)")
        return (tool, try TemporaryDirectory(prefix: "gmm-gpu-cli").path)
    }

    static func exists(_ path: String) -> Bool { access(path, R_OK) == 0 }

    @Test func toyTrainLogProbSample() throws {
        let (tool, dir) = try Self.setUp()
        let steps: [[String]] = [
            ["toy", "--output", dir, "--events-per-point", "120", "--quiet"],
            ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
             "--output", "\(dir)/model", "--max-epochs", "1", "--quiet"],
            ["logprob", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0,0", "--output", "\(dir)/logp.npy", "--quiet"],
            ["logprob", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta-file", "\(dir)/theta.npy", "--output", "\(dir)/logp.csv", "--quiet"],
            ["sample", "\(dir)/model", "--theta", "0.3,-0.2", "-n", "500", "--output", "\(dir)/samples.npy", "--quiet"],
            // A θ that starts with a minus sign is a value, not an option.
            ["sample", "\(dir)/model", "--theta", "-0.3,0.2", "-n", "50", "--output", "\(dir)/negative.npy", "--quiet"],
            ["logprob", "\(dir)/model", "--data", "\(dir)/samples.npy", "--theta", "-1,-1", "--output", "\(dir)/logp-negative.npy", "--quiet"],
        ]
        for step in steps {
            let (outcome, output) = try ChildProcess.run(tool, step, timeLimit: 300)
            #expect(outcome == .exited(0), "gmm-gpu \(step.joined(separator: " ")): \(output)")
            #expect(!output.contains("warning"), "\(output)")
        }
        // θ outside the training range: sampled, with a warning that the model extrapolates.
        let outside = ["sample", "\(dir)/model", "--theta", "0.3,4", "-n", "20", "--output", "\(dir)/outside.npy", "--quiet"]
        let (outcome, output) = try ChildProcess.run(tool, outside, timeLimit: 300)
        #expect(outcome == .exited(0) && output.contains("gmm-gpu: warning: θ cy = 4") && output.contains("extrapolates"), "\(output)")
        // An output path that is a FIFO (or a device: /dev/null) is refused, not replaced.
        #expect(mkfifo("\(dir)/fifo.npy", 0o644) == 0)
        let fifo = ["sample", "\(dir)/model", "--theta", "0,0", "-n", "20", "--output", "\(dir)/fifo.npy", "--quiet"]
        let (refused, message) = try ChildProcess.run(tool, fifo, timeLimit: 300)
        #expect(refused == .exited(2) && message.contains("it exists and is a FIFO"), "\(message)")
        let (logProbRefused, logProbMessage) = try ChildProcess.run(
            tool, ["logprob", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0,0", "--output", "\(dir)/fifo.npy", "--quiet"], timeLimit: 300)
        #expect(logProbRefused == .exited(2) && logProbMessage.contains("it exists and is a FIFO"), "\(logProbMessage)")
        var info = stat()
        #expect(stat("\(dir)/fifo.npy", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        for file in ["x.npy", "theta.npy", "config.yaml", "model/model.json", "model/weights.safetensors", "logp.npy", "logp.csv", "samples.npy", "negative.npy", "logp-negative.npy"] {
            #expect(Self.exists("\(dir)/\(file)"), "\(file) was not written")
        }
    }

    @Test func badInputExitsWithCodeTwo() throws {
        let (tool, dir) = try Self.setUp()
        _ = try ChildProcess.run(tool, ["toy", "--output", dir, "--events-per-point", "50", "--quiet"], timeLimit: 120)
        let cases: [([String], String)] = [
            (["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
              "--output", "\(dir)/m", "--device", "gpu9"], "device 'gpu9' does not exist"),
            (["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/missing.npy", "--theta", "\(dir)/theta.npy",
              "--output", "\(dir)/m"], "missing.npy"),
            (["train", "--config", "\(dir)/x.npy", "--data", "\(dir)/x.npy", "--output", "\(dir)/m"], "a .yaml, .yml or .json file"),
            (["sample", "\(dir)/nomodel", "--theta", "0,0", "-n", "10", "--output", "\(dir)/s.npy"], "model.json"),
            // Command lines that do not parse are bad input too (ArgumentParser alone would exit with 64).
            (["sample", "\(dir)/nomodel", "--theta", "0,0", "-n", "ten", "--output", "\(dir)/s.npy"], "'ten' is invalid for '-n"),
            (["sample", "\(dir)/nomodel", "--theta", "0,0", "-n", "10"], "Missing expected argument '--output"),
            (["toy", "--output", "\(dir)/t", "--no-such-option"], "Unknown option '--no-such-option'"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "\(output)")
        }
        #expect(!Self.exists("\(dir)/m/model.json") && !Self.exists("\(dir)/s.npy"), "a failed command wrote output")
    }
}
