import FoundationEssentials
import GMMKit
import Testing
import GMMTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu infer` and `gmm-gpu study toy-inference` end to end through the real executable on
/// a tiny trained toy model, and bad input answered with exit code 2 and nothing written.
@Suite struct InferCommandLineTests {
    /// A fresh directory with a toy model trained for one epoch and 300 events drawn from it.
    static func tinyModel() throws -> (tool: String, dir: String) {
        let (tool, dir) = try CommandLineTests.setUp()
        let steps: [[String]] = [
            ["toy", "--output", dir, "--events-per-point", "100", "--quiet"],
            ["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
             "--output", "\(dir)/model", "--max-epochs", "1", "--quiet"],
            ["sample", "\(dir)/model", "--theta", "0.5,-0.3", "-n", "300", "--output", "\(dir)/events.npy", "--quiet"],
        ]
        for step in steps {
            let (outcome, output) = try ChildProcess.run(tool, step, timeLimit: 300)
            try #require(outcome == .exited(0), "gmm-gpu \(step.joined(separator: " ")): \(output)")
        }
        return (tool, dir)
    }

    static func write(_ text: String, to path: String) throws {
        let file = try #require(fopen(path, "w"))
        fputs(text, file)
        fclose(file)
    }

    static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func inferWritesFitScanContoursAndPlot() throws {
        let (tool, dir) = try Self.tinyModel()
        let runs: [([String], [String])] = [
            (["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--scan", "cx,cy", "--points", "9x7", "--output", "\(dir)/two", "--quiet"],
             ["result.json", "scan.npy", "scan.json", "contours.json", "scan.svg"]),
            (["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--fix", "cy=-0.3", "--scan", "cx", "--points", "11",
              "--confidence", "1sigma,0.9", "--space", "data", "--output", "\(dir)/one", "--quiet"],
             ["result.json", "scan.npy", "scan.json", "contours.json", "scan.svg"]),
            (["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--output", "\(dir)/fit", "--quiet"], ["result.json"]),
        ]
        for (arguments, files) in runs {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
            #expect(outcome == .exited(0), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            let out = arguments[arguments.firstIndex(of: "--output")! + 1]
            for file in files { #expect(CommandLineTests.exists("\(out)/\(file)"), "\(file) was not written") }
        }
        // The files decoded as the library's records.
        let decoder = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T { try decoder.decode(type, from: Data(Self.read(path).utf8)) }
        let two = try decode(InferResult.self, "\(dir)/two/result.json")
        #expect(two.fit.parameterNames == ["cx", "cy"] && two.fit.free == [true, true] && two.minos.count == 2 && two.minos[0].count == 2)
        let scan = try decode(ScanAxes.self, "\(dir)/two/scan.json")
        #expect(scan.parameters == ["cx", "cy"] && scan.axes.map(\.count) == [9, 7] && scan.values.contains("[7, 9]"), "scan.json should describe a [7, 9] grid: \(scan)")
        #expect(Self.read("\(dir)/two/scan.svg").hasPrefix("<?xml") || Self.read("\(dir)/two/scan.svg").hasPrefix("<svg"))
        // cy fixed: the fit holds it at -0.3 and reports it as not free.
        let one = try decode(InferResult.self, "\(dir)/one/result.json")
        #expect(one.fit.values[1] == -0.3 && one.fit.free == [true, false] && one.space == "data")
        // --confidence 1sigma,0.9: the 1-D thresholds are 1.00 and 2.71 (χ²₁ quantiles).
        let thresholds = try decode([RegionContours].self, "\(dir)/one/contours.json").map(\.threshold)
        #expect(thresholds.count == 2 && abs(thresholds[0] - 1) < 1e-9 && abs(thresholds[1] - 2.705_543_454_095_404) < 1e-9, "\(thresholds)")
        #expect(!CommandLineTests.exists("\(dir)/fit/scan.npy"))

        // Weighted events: the weight-corrected errors beside Hesse, and a warning that says so.
        try Self.write("weight\n" + String(repeating: "4\n", count: 300), to: "\(dir)/weights.csv")
        let weighted = ["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--weights", "\(dir)/weights.csv", "--output", "\(dir)/weighted"]
        let (outcome, output) = try ChildProcess.run(tool, weighted, timeLimit: 300)
        #expect(outcome == .exited(0), "gmm-gpu \(weighted.joined(separator: " ")): \(output)")
        #expect(output.contains("gmm-gpu: warning: weighted events") && output.contains("(weights: ±"), "\(output)")
        let record = try JSONDecoder().decode(WeightedRecord.self, from: Data(Self.read("\(dir)/weighted/result.json").utf8))
        // Constant weights 4 (the statistics are the library's tests): the Hesse errors shrink,
        // the corrected errors are there, and the effective number of events is N.
        let plain = try JSONDecoder().decode(WeightedRecord.self, from: Data(Self.read("\(dir)/fit/result.json").utf8))
        let corrected = try #require(record.weightedErrors)
        #expect(plain.weightedErrors == nil)
        #expect(abs(corrected.effectiveEvents - 300) < 1e-9 && corrected.parameterNames == ["cx", "cy"])
        for j in 0..<2 {
            #expect(record.fit.errors[j] < 0.75 * plain.fit.errors[j], "Hesse \(record.fit.errors[j]) vs unweighted \(plain.fit.errors[j])")
            #expect(corrected.errors[j] > record.fit.errors[j] && corrected.errors[j].isFinite)
        }
    }

    /// `infer` and `ratio` read events as `train` does: an `.npz` member by `#MEMBER`, the
    /// observables of a 2-D member `x` by `x[i]`, θ columns ignored, and a `weight` column as
    /// the events' weights (recorded as such); `FILE@θ` declares the θ the events were simulated
    /// at (infer's pulls, reweight's θ0, roc's θ0 and θ1), and a partial declaration is refused.
    @Test func inferReadsEventsAsTrainDoes() throws {
        let (tool, dir) = try Self.tinyModel()
        let events = try DataTable.read("\(dir)/events.npy")
        try #require(events.rows == 300 && events.columns == 4)
        try NpzArchive(members: [("junk", try NpyArray(shape: [5, 2], doubles: [Double](repeating: 1, count: 10))),
                                 ("events", try NpyArray(shape: [300, 4], doubles: events.values))])
            .write(toFile: "\(dir)/member.npz", compressed: false)
        try NpzArchive(members: [("x", try NpyArray(shape: [300, 4], doubles: events.values)),
                                 ("cx", try NpyArray(shape: [300], doubles: [Double](repeating: 9, count: 300))),
                                 ("weight", try NpyArray(shape: [300], doubles: [Double](repeating: 4, count: 300)))])
            .write(toFile: "\(dir)/named.npz", compressed: true)
        func infer(_ data: String, _ out: String) throws -> (ChildProcess.Outcome, String) {
            try ChildProcess.run(tool, ["infer", "\(dir)/model", "--data", data, "--output", "\(dir)/\(out)"], timeLimit: 300)
        }
        for (data, out) in [("\(dir)/events.npy", "plain"), ("\(dir)/member.npz#events", "member"), ("\(dir)/named.npz", "named")] {
            let (outcome, output) = try infer(data, out)
            #expect(outcome == .exited(0), "infer --data \(data): \(output)")
        }
        let decoder = JSONDecoder()
        let plain = try decoder.decode(WeightedRecord.self, from: Data(Self.read("\(dir)/plain/result.json").utf8))
        let member = try decoder.decode(WeightedRecord.self, from: Data(Self.read("\(dir)/member/result.json").utf8))
        let named = try decoder.decode(WeightedRecord.self, from: Data(Self.read("\(dir)/named/result.json").utf8))
        #expect(member.fit.errors == plain.fit.errors && member.weightedErrors == nil && member.weights == nil)
        // The weight column: a weighted fit (constant weights 4 shrink the Hesse errors), recorded.
        #expect(named.weights == "\(dir)/named.npz (column weight)" && named.weightedErrors != nil)
        for j in 0..<2 { #expect(named.fit.errors[j] < 0.75 * plain.fit.errors[j]) }

        // FILE@θ declares the θ the events were simulated at: infer records it with the pulls,
        // and fits exactly as without it; a declaration that misses a parameter is refused.
        let (declaredOutcome, declaredOutput) = try infer("\(dir)/events.npy@cx=0.5,cy=-0.3", "declared")
        #expect(declaredOutcome == .exited(0) && declaredOutput.contains("simulated at θ = (0.5000, -0.3000)"), "\(declaredOutput)")
        let declared = try decoder.decode(DeclaredRecord.self, from: Data(Self.read("\(dir)/declared/result.json").utf8))
        let plainValues = try decoder.decode(DeclaredRecord.self, from: Data(Self.read("\(dir)/plain/result.json").utf8))
        #expect(declared.simulatedTheta == [0.5, -0.3] && plainValues.simulatedTheta == nil && plainValues.pulls == nil)
        #expect(declared.fit.values == plainValues.fit.values && declared.fit.errors == plainValues.fit.errors)
        let pulls = try #require(declared.pulls)
        for j in 0..<2 { #expect(abs((pulls[j] ?? .nan) - (declared.fit.values[j] - [0.5, -0.3][j]) / declared.fit.errors[j]) < 1e-12) }
        let (outcome, output) = try infer("\(dir)/events.npy@cx=0.5", "fixed")
        #expect(outcome == .exited(2) && output.contains("give every parameter (missing cy)"), "\(output)")
        #expect(!CommandLineTests.exists("\(dir)/fixed"))
        // reweight takes θ0 from the declaration; a different --theta0 is refused.
        let reweight = ["reweight", "\(dir)/model", "--data", "\(dir)/events.npy@cx=0.5,cy=-0.3", "--theta", "0.4,-0.2", "--quiet"]
        let (reweightOutcome, reweightOutput) = try ChildProcess.run(tool, reweight + ["--output", "\(dir)/w_declared.npy"], timeLimit: 300)
        #expect(reweightOutcome == .exited(0), "\(reweightOutput)")
        let explicit = ["reweight", "\(dir)/model", "--data", "\(dir)/events.npy", "--theta0", "0.5,-0.3", "--theta", "0.4,-0.2", "--quiet", "--output", "\(dir)/w_explicit.npy"]
        #expect(try ChildProcess.run(tool, explicit, timeLimit: 300).0 == .exited(0))
        #expect(try DataTable.read("\(dir)/w_declared.npy").values == DataTable.read("\(dir)/w_explicit.npy").values)
        let (differs, differsOutput) = try ChildProcess.run(tool, reweight + ["--theta0", "0,0", "--output", "\(dir)/w_bad.npy"], timeLimit: 300)
        #expect(differs == .exited(2) && differsOutput.contains("--theta0 (0,0) differs from the θ --data declares"), "\(differsOutput)")
        // roc takes θ0 and θ1 from the background's and the signal's declarations.
        let (rocOutcome, rocOutput) = try ChildProcess.run(tool, ["roc", "\(dir)/model", "--signal", "\(dir)/events.npy@cx=0.5,cy=-0.3",
                                                                  "--background", "\(dir)/member.npz#events@cx=0,cy=0", "--output", "\(dir)/roc", "--quiet"], timeLimit: 300)
        #expect(rocOutcome == .exited(0), "\(rocOutput)")
        let roc = try decoder.decode(RocThetas.self, from: Data(Self.read("\(dir)/roc/roc.json").utf8))
        #expect(roc.theta0 == [0, 0] && roc.theta1 == [0.5, -0.3])
        let ratio = ["ratio", "\(dir)/model", "--data", "\(dir)/member.npz#events", "--theta0", "0,0", "--theta1", "0.5,-0.3",
                     "--output", "\(dir)/ratio.npy", "--quiet"]
        let (ratioOutcome, ratioOutput) = try ChildProcess.run(tool, ratio, timeLimit: 300)
        #expect(ratioOutcome == .exited(0), "\(ratioOutput)")
        #expect(try DataTable.read("\(dir)/ratio.npy").rows == 300)
    }

    /// The parts of result.json that the weighted fit's check reads.
    /// `result.json`'s fit and the declared θ with its pulls.
    struct DeclaredRecord: Decodable {
        struct Fit: Decodable { var values: [Double]; var errors: [Double] }
        var fit: Fit
        var simulatedTheta: [Double]?
        var pulls: [Double?]?
        enum CodingKeys: String, CodingKey { case fit, pulls, simulatedTheta = "simulated_theta" }
    }

    /// `roc.json`'s hypotheses.
    struct RocThetas: Decodable { var theta0: [Double]; var theta1: [Double] }

    struct WeightedRecord: Decodable {
        struct Fit: Decodable { var errors: [Double] }
        var fit: Fit
        var weightedErrors: WeightedCovariance?
        var weights: String?
        enum CodingKeys: String, CodingKey { case fit, weights, weightedErrors = "weighted_errors" }
    }

    @Test func inferBadInputExitsWithCodeTwoAndWritesNothing() throws {
        let (tool, dir) = try Self.tinyModel()
        try Self.write("x0,x1,x2,x3\n", to: "\(dir)/empty.csv")
        try Self.write("x0,x1,x2,x3\n200,210,0.5,0.1\nnan,300,0.1,0.2\n", to: "\(dir)/nan.csv")
        let base = ["infer", "\(dir)/model", "--output", "\(dir)/out"]
        let cases: [([String], String)] = [
            (base + ["--data", "\(dir)/empty.csv"], "empty.csv"),
            (base + ["--data", "\(dir)/nan.csv"], "nan"),
            (base + ["--data", "\(dir)/events.npy", "--fix", "cz=0.1"], "unknown parameter 'cz'"),
            (base + ["--data", "\(dir)/events.npy", "--scan", "cx,cq"], "unknown parameter 'cq'"),
            (base + ["--data", "\(dir)/events.npy", "--fix", "cx=5"], "outside the model's training range"),
            (base + ["--data", "\(dir)/events.npy", "--fix", "cx=abc"], "NAME=VALUE"),
            (base + ["--data", "\(dir)/events.npy", "--scan", "cx,cy", "--points", "2x9"], "--points"),
            (base + ["--data", "\(dir)/events.npy", "--confidence", "1.5"], "--confidence"),
            (base + ["--data", "\(dir)/events.npy", "--confidence", "0.95,-1sigma"], "'-1sigma'"),
            (base + ["--data", "\(dir)/events.npy", "--fix", "cy=0", "--scan", "cy"], "fixed"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "expected '\(message)' in: \(output)")
        }
        #expect(!CommandLineTests.exists("\(dir)/out"), "a failed command wrote output")
    }

    /// The parts of result.json that the extended fit's test reads.
    struct ExtendedResult: Decodable {
        struct Fit: Decodable {
            var values: [Double]
            var parameterNames: [String]
            enum CodingKeys: String, CodingKey { case values, parameterNames = "parameter_names" }
        }
        struct Extended: Decodable {
            var expectedEventsAtMLE: Double
            var observedEvents: Double
            enum CodingKeys: String, CodingKey { case expectedEventsAtMLE = "expected_events_at_mle", observedEvents = "observed_events" }
        }
        var fit: Fit
        var extended: Extended
    }

    @Test("train writes rate.json; infer --extended fits the normalisation against it (closed form for a flat rate)")
    func extendedFitUsesTheRateModelTrainWrites() throws {
        let (tool, dir) = try Self.tinyModel()
        // The toy has 100 events at each of its 49 points: σ_fid(θ) = 100 (a flat quadratic).
        let rate = try RateModel.load(from: "\(dir)/model/rate.json")
        #expect(rate.degree == 2 && rate.pointCount == 49 && rate.maxRelativeResidual < 1e-9)
        #expect(abs(try rate.rate([0.3, -1.1]) - 100) < 1e-9)
        // rate.json is bound to the model written with it.
        let digest = try #require(try DensityModel.recordedWeightsSHA256(in: "\(dir)/model"))
        struct Binding: Decodable { var modelWeightsSHA256: String; enum CodingKeys: String, CodingKey { case modelWeightsSHA256 = "model_weights_sha256" } }
        #expect(try JSONDecoder().decode(Binding.self, from: Data(Self.read("\(dir)/model/rate.json").utf8)).modelWeightsSHA256 == digest)
        #expect(try RateModel.load(modelDirectory: "\(dir)/model") == rate)
        // A model directory holding the rate.json of another run (as a train stopped between its
        // writes leaves it): `infer --extended` refuses it; `--rate` names a file explicitly.
        try makeDirectoryPath("\(dir)/stale")
        for file in ["model.json", "weights.safetensors"] { #expect(symlink("\(dir)/model/\(file)", "\(dir)/stale/\(file)") == 0) }
        try writeFileAtomically(Array(Self.read("\(dir)/model/rate.json").replacingOccurrences(of: digest, with: String(repeating: "0", count: 64)).utf8),
                                to: "\(dir)/stale/rate.json")
        #expect(throws: ModelFileError.self) { try RateModel.load(modelDirectory: "\(dir)/stale") }
        #expect(try RateModel.load(from: "\(dir)/stale/rate.json") == rate)
        // ν = norm × 6 × 100 against n = 300 observed, norm ~ N(1, 0.1²): the minimum of
        // 600 μ − 300 ln μ + ½((μ − 1)/0.1)² is the root of μ² + 5 μ − 3 = 0.
        let arguments = ["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--extended", "--luminosity", "6",
                         "--norm-uncertainty", "0.1", "--output", "\(dir)/extended", "--quiet"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 300)
        try #require(outcome == .exited(0), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
        let result = try JSONDecoder().decode(ExtendedResult.self, from: Data(Self.read("\(dir)/extended/result.json").utf8))
        #expect(result.fit.parameterNames == ["cx", "cy", "norm"])
        let mu = 0.5 * (37.0.squareRoot() - 5)
        #expect(abs(result.fit.values[2] - mu) < 1e-4, "norm \(result.fit.values[2]), expected \(mu)")
        #expect(abs(result.extended.expectedEventsAtMLE - 600 * result.fit.values[2]) < 1e-6 && result.extended.observedEvents == 300)

        // Bad settings: exit code 2, one error line, nothing written; an impossible rate degree stops train before training.
        let base = ["infer", "\(dir)/model", "--data", "\(dir)/events.npy", "--output", "\(dir)/bad"]
        let cases: [([String], String)] = [
            (base + ["--luminosity", "6"], "--luminosity needs --extended"),
            (base + ["--extended"], "--extended needs --luminosity"),
            (base + ["--extended", "--luminosity", "-1"], "--luminosity"),
            (base + ["--extended", "--luminosity", "6", "--norm-uncertainty", "0"], "--norm-uncertainty"),
            (base + ["--extended", "--luminosity", "6", "--rate", "\(dir)/missing.json"], "missing.json"),
            (["infer", "\(dir)/stale", "--data", "\(dir)/events.npy", "--output", "\(dir)/bad", "--extended", "--luminosity", "6"],
             "belongs to another training run"),
            (base + ["--constrain", "cx=0.5"], "NAME=MEAN,SIGMA"),
            (base + ["--constrain", "cz=0.5,0.1"], "unknown parameter 'cz'"),
            (["train", "--config", "\(dir)/config.yaml", "--data", "\(dir)/x.npy", "--theta", "\(dir)/theta.npy",
              "--output", "\(dir)/bad", "--rate-degree", "9"], "--rate-degree 9"),
        ]
        for (arguments, message) in cases {
            let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 120)
            #expect(outcome == .exited(2), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
            #expect(output.contains("gmm-gpu: error:") && output.contains(message), "expected '\(message)' in: \(output)")
        }
        #expect(!CommandLineTests.exists("\(dir)/bad"), "a failed command wrote output")
    }

    @Test func toyInferenceStudyAtTinySize() throws {
        let (tool, dir) = try Self.tinyModel()
        let arguments = ["study", "toy-inference", "--model", "\(dir)/model", "--events", "60", "--pseudo-datasets", "3",
                         "--scan-points", "7", "--output", "\(dir)/study", "--quiet"]
        let (outcome, output) = try ChildProcess.run(tool, arguments, timeLimit: 600)
        #expect(outcome == .exited(0), "gmm-gpu \(arguments.joined(separator: " ")): \(output)")
        for file in ["summary.txt", "nominal/result.json", "nominal/figure15.svg", "nominal/summary.txt"] {
            #expect(CommandLineTests.exists("\(dir)/study/\(file)"), "\(file) was not written")
        }
        #expect(output.contains("median |θ̂_model − θ̂_true| / σ_true") && output.contains("coverage pooled"))
        // Nine panels, each with a true point.
        #expect(Self.read("\(dir)/study/nominal/figure15.svg").ranges(of: "c_true = (").count >= 9)
    }
}
