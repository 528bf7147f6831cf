import Testing
import FoundationEssentials
import GMMKit
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The README's quick start, run as written: its commands are true to the tool.
@Suite struct QuickStartTests {
    /// The repository's README.md (this file is Tests/GMMCommandLineTests/QuickStartTests.swift).
    static func readme() -> String {
        let here = #filePath
        var root = here
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        return InferCommandLineTests.read("\(root)/README.md")
    }

    /// The lines of the first `sh` block after "## Quick start", without `make build` and the
    /// line that sets B (the test sets it to the executable beside this test binary).
    static func quickStartLines(_ readme: String) -> [String] {
        guard let section = readme.range(of: "## Quick start"),
              let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
              let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex) else { return [] }
        return readme[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("make build") && !$0.hasPrefix("B=") && !$0.allSatisfy { $0 == " " } }
    }

    @Test("the README's quick start runs as written: toy, train, logprob, sample, infer — and writes what it says")
    func quickStartRuns() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let lines = Self.quickStartLines(Self.readme())
        try #require(lines.count >= 5 && lines.allSatisfy { $0.hasPrefix("$B ") }, "the README's quick start: \(lines)")
        let script = (["set -e", "cd '\(dir)'", "B='\(tool)'"] + lines).joined(separator: "\n")
        let (outcome, output) = try ChildProcess.run("/bin/sh", ["-c", script], timeLimit: 900)
        #expect(outcome == .exited(0), "the quick start failed: \(output)")
        // What its comments promise.
        let logp = try DataTable.read("\(dir)/logp.npy"), x = try DataTable.read("\(dir)/toy/x.npy")
        #expect(logp.rows == x.rows && logp.values.allSatisfy(\.isFinite))
        let samples = try DataTable.read("\(dir)/samples.npy")
        #expect(samples.rows == 10_000 && samples.columns == 4)
        let result = try JSONDecoder().decode(InferResult.self, from: Data(InferCommandLineTests.read("\(dir)/fit/result.json").utf8))
        #expect(result.fit.parameterNames == ["cx", "cy"] && result.events == 10_000 && result.minos.first?.count == 2)
    }
}
