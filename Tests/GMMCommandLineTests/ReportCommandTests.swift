import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu report` through the real executable on a tiny trained toy model.
@Suite struct ReportCommandTests {
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func reportOfATinyToyModel() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let setup: [[String]] = [
            ["toy", "--output", dir, "--events-per-point", "60", "--quiet"],
            ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
             "--output", "\(dir)/model", "--max-epochs", "1", "--quiet"],
        ]
        for step in setup {
            let (outcome, output) = try ChildProcess.run(tool, step, timeLimit: 300)
            try #require(outcome == .exited(0), "gmm-gpu \(step.joined(separator: " ")): \(output)")
        }
        let arguments = ["report", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta-file", "\(dir)/theta.npy", "--output", "\(dir)/report",
                         "--bins", "16", "--pair-bins", "10", "--device", "cpu", "--seed", "3"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        #expect(outcome == .exited(0), "gmm-gpu report: \(output)")
        #expect(output.contains("wrote \(dir)/report/report.html"), "\(output)")
        let html = try #require(Self.read("\(dir)/report/report.html"), "report.html was not written")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        let opened = html.ranges(of: "<svg ").count, closed = html.ranges(of: "</svg>").count
        #expect(opened == 10, "loss, marginals, 3 pair maps, latent and 4 θ scans: \(opened) figures")
        #expect(opened == closed)
        for text in ["x0", "x3", "cx, cy", "NLL per event", "Pull on the ratio", "Dependence on θ"] {
            #expect(html.contains(text), "the report lacks \(text)")
        }
        // --quiet prints nothing; one θ for all events works too.
        let quiet = ["report", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0,0", "--output", "\(dir)/report2",
                     "--bins", "16", "--pair-bins", "10", "--max-events", "500", "--quiet"]
        let (quietOutcome, quietOutput) = try ChildProcess.run(tool, quiet, timeLimit: 300)
        #expect(quietOutcome == .exited(0) && quietOutput.isEmpty, "\(quietOutput)")
        #expect(Self.read("\(dir)/report2/report.html") != nil)
    }

    @Test func badInputExitsWithCodeTwoAndWritesNothing() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        _ = try ChildProcess.run(tool, ["toy", "--output", dir, "--events-per-point", "30", "--quiet"], timeLimit: 120)
        _ = try ChildProcess.run(tool, ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
                                        "--output", "\(dir)/model", "--max-epochs", "1", "--quiet"], timeLimit: 300)
        let cases: [([String], String)] = [
            (["report", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0", "--output", "\(dir)/r"], "--theta: the model has 2 parameters"),
            (["report", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0,0", "--theta-file", "\(dir)/theta.npy", "--output", "\(dir)/r"],
             "either --theta or --theta-file"),
            (["report", "\(dir)/model", "--data", "\(dir)/theta.npy", "--theta", "0,0", "--output", "\(dir)/r"], "theta.npy: expected [N, D] with D in {4, 5}"),
            (["report", "\(dir)/model", "--data", "\(dir)/x.npy", "--theta", "0,0", "--bins", "1", "--output", "\(dir)/r"], "bins"),
            (["report", "\(dir)/nomodel", "--data", "\(dir)/x.npy", "--theta", "0,0", "--output", "\(dir)/r"], "model.json"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "\(output)")
        }
        #expect(!CommandLineTests.exists("\(dir)/r/report.html"), "a failed report wrote output")
    }
}
