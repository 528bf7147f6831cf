import Testing
import FoundationEssentials
import GMMKit
import GMMTestSupport

/// `bench throughput --json` and `bench io --json` write every figure they print, decodable as the
/// library's records (the tables of docs/BENCHMARKS.md can be regenerated from them).
@Suite struct BenchCommandLineTests {
    @Test("bench throughput --json: the sgemm rates, the peak and one record per printed case")
    func throughputJSON() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let arguments = ["bench", "throughput", "--seconds", "0.02", "--training-events", "2000", "--evaluation-events", "2000", "--json", "\(dir)/t.json"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 600)
        try #require(outcome == .exited(0), "\(output)")
        let record = try JSONDecoder().decode(ThroughputBenchmark.Record.self, from: Data(InferCommandLineTests.read("\(dir)/t.json").utf8))
        #expect(record.device.hasPrefix("cpu") && record.peakGFLOPS == max(record.sgemmSquareGFLOPS, record.sgemmModelGFLOPS) && record.peakGFLOPS > 0)
        #expect(!record.measurements.isEmpty && record.measurements.allSatisfy { $0.eventsPerSecond > 0 && $0.eventsPerSecond.isFinite })
        for m in record.measurements { #expect(output.contains(m.name), "\(m.name) is in the JSON but was not printed") }
    }

    @Test("bench io --json: one record per format, the rows asked for")
    func ioJSON() throws {
        let (tool, dir) = try CommandLineTests.setUp()
        let arguments = ["bench", "io", "--rows", "2000", "--csv-rows", "500", "--columns", "3", "--directory", "\(dir)/io", "--json", "\(dir)/io.json"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        try #require(outcome == .exited(0), "\(output)")
        let records = try JSONDecoder().decode([EventReadBenchmark.Measurement].self, from: Data(InferCommandLineTests.read("\(dir)/io.json").utf8))
        #expect(records.count >= 3 && records.allSatisfy { ($0.rows == 2000 || $0.rows == 500) && $0.bytes > 0 && $0.eventSeconds >= 0 })
        #expect(records.contains { $0.format.contains("csv") || $0.rows == 500 })
    }
}
