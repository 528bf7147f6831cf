import FoundationEssentials
import GMMKit
import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu study closure` end to end on a tiny trained toy model: the files it writes,
/// decoded, with the binned template fit and the null test; bad settings exit 2 and write nothing.
@Suite struct ClosureCommandLineTests {
    /// The parts of closure.json the tests read.
    struct ClosureRecord: Decodable {
        struct Result: Decodable {
            struct Method: Decodable {
                struct Summary: Decodable {
                    struct Parameter: Decodable {
                        var coverage: [Double]
                        var coverageErrors: [Double]
                        var meanHalfWidth: Double?
                        var meanWidthFraction: Double?
                        enum CodingKeys: String, CodingKey {
                            case coverage
                            case coverageErrors = "coverage_errors"
                            case meanHalfWidth = "mean_half_width"
                            case meanWidthFraction = "mean_width_fraction"
                        }
                    }
                    var parameters: [Parameter?]
                    var fitCount: Int
                    var fits: [ClosureFit]
                    enum CodingKeys: String, CodingKey {
                        case parameters, fits
                        case fitCount = "fit_count"
                    }
                }
                var name: String
                var samples: [Summary]
            }
            var parameterNames: [String]
            var methods: [Method]
            enum CodingKeys: String, CodingKey {
                case methods
                case parameterNames = "parameter_names"
            }
        }
        var format: String
        var formatVersion: Int
        var nullModel: String?
        var result: Result
        enum CodingKeys: String, CodingKey {
            case format, result
            case formatVersion = "format_version"
            case nullModel = "null_model"
        }
    }

    /// The tiny toy model, held-out events at θ = (0.5, −0.3) drawn from it, and its training
    /// events as one [N, 6] array (observables, then θ).
    static func setUp() throws -> (tool: String, dir: String) {
        let (tool, dir) = try InferCommandLineTests.tinyModel()
        let x = try DataTable.read("\(dir)/x.npy"), theta = try DataTable.read("\(dir)/theta.npy")
        var rows: [Double] = []
        for r in 0..<x.rows {
            rows.append(contentsOf: x.values[(r * 4)..<((r + 1) * 4)])
            rows.append(contentsOf: theta.values[(r * 2)..<((r + 1) * 2)])
        }
        try DataTable.write(rows, columns: ["x0", "x1", "x2", "x3", "cx", "cy"], to: "\(dir)/training.npz")
        return (tool, dir)
    }

    @Test("closure with the binned fit and the null test writes closure.json and summary.txt; every subset is fitted by every method")
    func closureFiles() throws {
        let (tool, dir) = try Self.setUp()
        let arguments = ["study", "closure", "\(dir)/model", "--data", "\(dir)/events.npy@cx=0.5,cy=-0.3", "--events", "100",
                         "--binned", "x0", "--bins", "6", "--training-data", "\(dir)/training.npz", "--null", "--output", "\(dir)/closure"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 600)
        try #require(outcome == .exited(0), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
        #expect(output.contains("interval width, model / binned x0") && output.contains("interval width, model / null model"), "\(output)")
        let record = try JSONDecoder().decode(ClosureRecord.self, from: Data(InferCommandLineTests.read("\(dir)/closure/closure.json").utf8))
        #expect(record.format == "gmm-gpu-closure" && record.formatVersion == 1)
        #expect(record.result.parameterNames == ["cx", "cy"])
        #expect(record.result.methods.map(\.name) == ["model", "binned x0", "null model"])
        for method in record.result.methods {
            let summary = try #require(method.samples.first)
            // 300 events in subsets of 100: three fits, each with both parameters free.
            #expect(summary.fitCount == 3 && summary.fits.count == 3, "\(method.name): \(summary.fitCount) fits")
            for parameter in summary.parameters {
                let p = try #require(parameter)
                #expect(p.coverage.count == 2 && p.coverage.allSatisfy { (0...1).contains($0) })
                #expect(p.coverageErrors.count == 2 && p.meanHalfWidth != nil && (p.meanWidthFraction ?? -1) > 0)
            }
            #expect(summary.fits.allSatisfy { fit in fit.values.count == 2 && fit.intervals.allSatisfy { $0?.count == 2 } })
        }
        #expect(record.nullModel == "\(dir)/closure/null-model")
        #expect(CommandLineTests.exists("\(dir)/closure/null-model/model.json") && CommandLineTests.exists("\(dir)/closure/summary.txt"))
        // The saved null model is reused with --null-model: the same fits.
        let again = ["study", "closure", "\(dir)/model", "--data", "\(dir)/events.npy@cx=0.5,cy=-0.3", "--events", "100", "--null",
                     "--null-model", "\(dir)/closure/null-model", "--no-minos", "--output", "\(dir)/closure2", "--quiet"]
        let (second, secondOutput) = try ChildProcess.run(tool, again, timeLimit: 600)
        try #require(second == .exited(0), "\(secondOutput)")
        let reused = try JSONDecoder().decode(ClosureRecord.self, from: Data(InferCommandLineTests.read("\(dir)/closure2/closure.json").utf8))
        let firstNull = try #require(record.result.methods.last?.samples.first?.fits), secondNull = try #require(reused.result.methods.last?.samples.first?.fits)
        #expect(zip(firstNull, secondNull).allSatisfy { $0.values == $1.values && $0.profileTestStatistics == $1.profileTestStatistics })
        #expect(secondNull.allSatisfy { $0.intervals.allSatisfy { $0 == nil } })
    }

    @Test("bad settings exit 2 with a message and write nothing")
    func badSettings() throws {
        let (tool, dir) = try Self.setUp()
        let base = ["study", "closure", "\(dir)/model", "--output", "\(dir)/out"]
        let held = "\(dir)/events.npy@cx=0.5,cy=-0.3"
        let cases: [([String], String)] = [
            (base, "--data: give at least one file"),
            (base + ["--data", held, "--events", "400"], "fewer than one subset of --events 400"),
            (base + ["--data", "\(dir)/events.npy@cx=3,cy=-0.3", "--events", "100"], "outside the model's training range"),
            (base + ["--data", held, "--binned", "x0"], "--binned needs the model's training events"),
            (base + ["--data", held, "--binned", "x9", "--training-data", "\(dir)/training.npz"], "no observable 'x9'"),
            (base + ["--data", held, "--null"], "--null needs the model's training events"),
            (base + ["--data", held, "--events", "0"], "--events: expected at least 1"),
            (base + ["--data", held, "--null-model", "\(dir)/model"], "--null-model needs --null"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "expected '\(message)' in: \(output)")
        }
        #expect(!CommandLineTests.exists("\(dir)/out"), "a failed command wrote output")
    }
}
