import FoundationEssentials
import GMMKit
import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu ratio`, `roc` and `reweight` end to end on a tiny trained toy model, checked against
/// `gmm-gpu logprob` (and a brute-force AUC), and bad input answered with exit code 2.
@Suite struct HypothesisCommandLineTests {
    struct RocRecord: Decodable {
        struct Point: Decodable {
            var threshold: Double?
            var falsePositiveRate: Double
            var truePositiveRate: Double
            enum CodingKeys: String, CodingKey {
                case threshold
                case falsePositiveRate = "false_positive_rate"
                case truePositiveRate = "true_positive_rate"
            }
        }
        var auc: Double
        var aucStandardError: Double
        var cornersInCurve: Int
        var points: [Point]
        enum CodingKeys: String, CodingKey {
            case auc, points
            case aucStandardError = "auc_standard_error"
            case cornersInCurve = "corners_in_curve"
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        try #require(outcome == .exited(0), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
    }

    static func column(_ path: String) throws -> [Double] { try DataTable.read(path).values }

    @Test("ratio and reweight agree with logprob; roc's AUC is the pairwise fraction of the ratios; θ0 = θ1 gives 0.5")
    func ratioRocReweight() throws {
        let (tool, dir) = try InferCommandLineTests.tinyModel()
        let model = "\(dir)/model"
        try Self.run(tool, ["sample", model, "--theta", "-0.5,0.6", "-n", "200", "--output", "\(dir)/background.npy", "--seed", "5", "--quiet"])
        for (name, theta) in [("lp0", "-0.5,0.6"), ("lp1", "0.5,-0.3")] {
            for events in ["events", "background"] {
                try Self.run(tool, ["logprob", model, "--data", "\(dir)/\(events).npy", "--theta", theta, "--output", "\(dir)/\(name)-\(events).npy", "--quiet"])
            }
        }
        // Per-event ratios: log p(x|θ1) − log p(x|θ0), from one pass, as logprob gives them.
        for events in ["events", "background"] {
            try Self.run(tool, ["ratio", model, "--data", "\(dir)/\(events).npy", "--theta0", "-0.5,0.6", "--theta1", "0.5,-0.3",
                                "--output", "\(dir)/ratio-\(events).npy", "--quiet"])
            let ratio = try Self.column("\(dir)/ratio-\(events).npy")
            let lp0 = try Self.column("\(dir)/lp0-\(events).npy"), lp1 = try Self.column("\(dir)/lp1-\(events).npy")
            try #require(ratio.count == lp0.count && lp0.count == lp1.count)
            let worst = zip(ratio, zip(lp1, lp0)).map { abs($0 - ($1.0 - $1.1)) / max(1, abs($1.0) + abs($1.1)) }.max() ?? 1
            #expect(worst < 1e-5, "largest relative difference from logprob: \(worst)")
        }
        // The AUC: the fraction of (signal, background) pairs ordered by the ratio, ties ½.
        try Self.run(tool, ["roc", model, "--theta0", "-0.5,0.6", "--theta1", "0.5,-0.3", "--signal", "\(dir)/events.npy",
                            "--background", "\(dir)/background.npy", "--max-points", "50", "--output", "\(dir)/roc", "--quiet"])
        let roc = try JSONDecoder().decode(RocRecord.self, from: Data(InferCommandLineTests.read("\(dir)/roc/roc.json").utf8))
        let s = try Self.column("\(dir)/ratio-events.npy"), b = try Self.column("\(dir)/ratio-background.npy")
        var pairs = 0.0
        for x in s { for y in b { pairs += x > y ? 1 : (x == y ? 0.5 : 0) } }
        #expect(abs(roc.auc - pairs / Double(s.count * b.count)) < 1e-4, "AUC \(roc.auc), pairs \(pairs / Double(s.count * b.count))")
        #expect(roc.auc > 0.6 && roc.aucStandardError > 0 && roc.aucStandardError < 0.05)
        #expect(roc.points.count == 50 && roc.cornersInCurve > 50)
        #expect(roc.points.first?.threshold == nil && roc.points.first?.truePositiveRate == 0 && roc.points.last?.truePositiveRate == 1)
        #expect(CommandLineTests.exists("\(dir)/roc/roc.svg"))
        // The same hypothesis twice: every ratio is 0, no separation.
        try Self.run(tool, ["roc", model, "--theta0", "0.2,0.2", "--theta1", "0.2,0.2", "--events", "100", "--output", "\(dir)/roc-same", "--quiet"])
        let same = try JSONDecoder().decode(RocRecord.self, from: Data(InferCommandLineTests.read("\(dir)/roc-same/roc.json").utf8))
        #expect(same.auc == 0.5)
        // Importance weights of the events at θ0 = (0.5, −0.3) for two targets, [N, 2], times their own weights.
        try InferCommandLineTests.write("weight\n" + (0..<300).map { "\(0.5 + Double($0 % 3))" }.joined(separator: "\n") + "\n", to: "\(dir)/own.csv")
        try Self.run(tool, ["reweight", model, "--data", "\(dir)/events.npy", "--weights", "\(dir)/own.csv", "--theta0", "0.5,-0.3",
                            "--theta", "-0.5,0.6", "--theta", "0.5,-0.3", "--output", "\(dir)/weights.npy", "--quiet"])
        let table = try DataTable.read("\(dir)/weights.npy")
        #expect(table.rows == 300 && table.columns == 2)
        let lp0 = try Self.column("\(dir)/lp0-events.npy"), lp1 = try Self.column("\(dir)/lp1-events.npy")
        for i in 0..<300 {
            let own = 0.5 + Double(i % 3)
            #expect(abs(table.values[2 * i] / (own * exp(lp0[i] - lp1[i])) - 1) < 1e-4, "event \(i)")
            #expect(abs(table.values[2 * i + 1] - own) < 1e-9, "event \(i): the proposal itself as target")
        }
    }

    struct CalibrationRecord: Decodable {
        struct Result: Decodable {
            var coverage: [Double]
            var thresholds: [Double]
            var testStatistics: [Double]
            var bias: [Double]
            var biasErrors: [Double]
            var pullWidth: [Double]
            var failedFits: Int
            enum CodingKeys: String, CodingKey {
                case coverage, thresholds, bias
                case testStatistics = "test_statistics"
                case biasErrors = "bias_errors"
                case pullWidth = "pull_width"
                case failedFits = "failed_fits"
            }
        }
        var result: Result
    }

    @Test("study calibration: the model's own pseudo-data give an unbiased MLE; files agree with each other; --fix reduces the degrees of freedom")
    func calibration() throws {
        let (tool, dir) = try InferCommandLineTests.tinyModel()
        let arguments = ["study", "calibration", "\(dir)/model", "--theta", "0.5,-0.3", "--events", "150", "--pseudo-datasets", "16",
                         "--seed", "3", "--output", "\(dir)/calibration", "--quiet"]
        try Self.run(tool, arguments)
        let record = try JSONDecoder().decode(CalibrationRecord.self, from: Data(InferCommandLineTests.read("\(dir)/calibration/calibration.json").utf8))
        let r = record.result
        let t = try Self.column("\(dir)/calibration/test_statistics.npy")
        #expect(t == r.testStatistics && t.count + r.failedFits == 16 && t.allSatisfy { $0 >= 0 })
        let mle = try DataTable.read("\(dir)/calibration/mle.npy")
        #expect(mle.rows == t.count && mle.columns == 2)
        // Two free parameters: the 2-D Wilks thresholds; coverage is the fraction below each.
        #expect(abs(r.thresholds[0] - 2.2958) < 1e-3 && abs(r.thresholds[1] - 5.9915) < 1e-3)
        for (threshold, coverage) in zip(r.thresholds, r.coverage) {
            #expect(abs(coverage - Double(t.filter { $0 <= threshold }.count) / Double(t.count)) < 1e-12)
        }
        // The pseudo-data come from the model itself, so the model's MLE is consistent with θ_true.
        for j in 0..<2 {
            #expect(abs(r.bias[j]) < 4 * r.biasErrors[j] + 1e-3, "parameter \(j): bias \(r.bias[j]) ± \(r.biasErrors[j])")
            #expect(r.pullWidth[j] > 0.4 && r.pullWidth[j] < 2.5, "parameter \(j): pull width \(r.pullWidth[j])")
        }
        #expect(CommandLineTests.exists("\(dir)/calibration/calibration.svg"))
        // The same seed gives the same calibration (the cpu path is reproducible).
        try Self.run(tool, Array(arguments.dropLast(3)) + ["--output", "\(dir)/again", "--quiet"])
        #expect(try Self.column("\(dir)/again/test_statistics.npy") == t)
        // cy fixed at its true value: one degree of freedom, the 1-D thresholds.
        try Self.run(tool, Array(arguments.dropLast(3)) + ["--fix", "cy=-0.3", "--output", "\(dir)/fixed", "--quiet"])
        let fixed = try JSONDecoder().decode(CalibrationRecord.self, from: Data(InferCommandLineTests.read("\(dir)/fixed/calibration.json").utf8))
        #expect(abs(fixed.result.thresholds[0] - 1.0) < 1e-3 && abs(fixed.result.thresholds[1] - 3.8415) < 1e-3)
    }

    @Test("bad settings: exit code 2, one error line, nothing written")
    func badInput() throws {
        let (tool, dir) = try InferCommandLineTests.tinyModel()
        let model = "\(dir)/model"
        let cases: [([String], String)] = [
            (["ratio", model, "--data", "\(dir)/events.npy", "--theta0", "0", "--theta1", "0.5,0.5", "--output", "\(dir)/bad/r.npy"], "--theta0: the model has 2 parameters"),
            (["roc", model, "--theta0", "0,0", "--theta1", "0.5,0.5", "--output", "\(dir)/bad"], "not neither"),
            (["roc", model, "--theta0", "0,0", "--theta1", "0.5,0.5", "--events", "10", "--signal", "\(dir)/events.npy", "--output", "\(dir)/bad"], "not both"),
            (["roc", model, "--theta0", "0,0", "--theta1", "0.5,0.5", "--signal", "\(dir)/events.npy", "--output", "\(dir)/bad"], "go together"),
            (["roc", model, "--theta0", "0,0", "--theta1", "0.5,0.5", "--events", "10", "--background-weights", "\(dir)/w.npy", "--output", "\(dir)/bad"],
             "--events draws unweighted events"),
            (["reweight", model, "--data", "\(dir)/events.npy", "--theta0", "0,0", "--output", "\(dir)/bad/w.npy"], "at least one target"),
            (["reweight", model, "--data", "\(dir)/events.npy", "--theta0", "0,0", "--theta", "0.1,0.1", "--weights", "\(dir)/x.npy",
              "--output", "\(dir)/bad/w.npy"], "one weight per event"),
            (["study", "calibration", model, "--theta", "0.5,3", "--output", "\(dir)/bad"], "outside the model's training range"),
            (["study", "calibration", model, "--theta", "0.5,0", "--pseudo-datasets", "1", "--output", "\(dir)/bad"], "--pseudo-datasets"),
            (["study", "calibration", model, "--theta", "0.5,0", "--fix", "cx=0", "--fix", "cy=0", "--output", "\(dir)/bad"], "every parameter is fixed"),
            (["study", "calibration", model, "--theta", "0.5,0", "--confidence", "1.5", "--output", "\(dir)/bad"], "--confidence"),
            (["ratio", model, "--data", "\(dir)/missing.npy", "--theta0", "0,0", "--theta1", "0.5,0.5", "--output", "\(dir)/bad/r.npy"], "missing.npy"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "expected '\(message)' in: \(output)")
        }
        #expect(!CommandLineTests.exists("\(dir)/bad"), "a failed command wrote output")
    }
}
