import ArgumentParser
import FoundationEssentials
import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu study calibration`: toy-based calibration of a model's fits at a true θ.
struct CalibrationStudyCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "Toy-based calibration at a true θ: pseudo-datasets drawn from the model, each fitted as `infer` fits; the coverage of the Wilks regions, the test statistic's distribution, the MLE's bias and pulls.",
        discussion: "Checks whether Wilks' asymptotic thresholds hold for your analysis' sample size and parameters: with pseudo-data drawn from the model itself, the fraction of data sets whose t = −2Δln L(θ_true) lies below the threshold should be the confidence level, t should follow χ²_k (k free parameters) and the pulls (θ̂ − θ_true)/σ̂ should have mean 0 and width 1. Writes OUTPUT/calibration.json (settings, summary and every fit), test_statistics.npy [K] and mle.npy [K, p] (K: the fits that did not fail) and calibration.svg.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(parsing: .unconditional, help: "The true θ the pseudo-datasets are drawn at, comma-separated.")
    var theta: String

    @Option(help: "Events per pseudo-dataset.")
    var events = 400

    @Option(help: "Number of pseudo-datasets.")
    var pseudoDatasets = 200

    @Option(name: .customLong("fix"), help: "Hold a parameter fixed in every fit: NAME=VALUE (repeatable).")
    var fixes: [String] = []

    @Option(help: "Confidence levels of the regions whose coverage is measured: probabilities or Nsigma, comma-separated.")
    var confidence = "1sigma,0.95"

    @Option(help: "Random seed of the pseudo-datasets.")
    var seed: UInt64 = 1

    @Option(help: "Output directory: calibration.json, test_statistics.npy, mle.npy, calibration.svg.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard events >= 1 else { throw ValidationError("--events: expected at least 1, got \(events)") }
        guard pseudoDatasets >= 2 else { throw ValidationError("--pseudo-datasets: expected at least 2, got \(pseudoDatasets)") }
        let levels = try InferCommand.confidenceLevels(confidence)
        let trained = try DensityModel.load(from: model)
        let names = trained.config.parameters.names
        var settings = try InferCommand.fitParameters(trained, path: model)
        let truth = try parseTheta(theta, option: "--theta", parameters: names)
        try InferCommand.apply(fixes: fixes, to: &settings)
        let study = CalibrationStudy(trueTheta: truth, parameters: settings, events: events, pseudoDatasets: pseudoDatasets, confidenceLevels: levels, seed: seed)
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let start = Stopwatch()
        let progress = TenthsProgress(total: pseudoDatasets) { report.line("fitted \($0)/\(pseudoDatasets) — \(Int(start.seconds)) s") }
        let result = try study.run(trained, device: device) { step in
            switch step {
            case .drawing: report.line("drawing \(pseudoDatasets) pseudo-datasets of \(events) events at θ = (\(theta)) from the model")
            case let .fitting(free): report.line("fitting \(free.joined(separator: ", ")) to each (start: the best of θ_true and a grid over the training range)")
            case let .fitted(done, _): progress.update(done)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFilesAtomically([
            ("calibration.json", Array(try encoder.encode(CalibrationFile(model: model, study: study, result: result)))),
            ("test_statistics.npy", try DataTable.npyArray(result.testStatistics, columns: ["test_statistic"]).encoded()),
            ("mle.npy", try DataTable.npyArray(result.fits.flatMap(\.values), columns: names).encoded()),
            ("calibration.svg", Array(try result.figure().svg.utf8)),
        ], into: output)
        for line in Self.summary(result) { report.line(line) }
        report.line("wrote calibration.json, test_statistics.npy, mle.npy and calibration.svg to \(output) (\(Int(start.seconds)) s)")
    }

    /// The figures against their expectations, one line each.
    static func summary(_ r: CalibrationResult) -> [String] {
        let k = r.degreesOfFreedom, n = r.testStatistics.count
        var lines = zip(zip(r.confidenceLevels, r.thresholds), zip(r.coverage, r.coverageErrors)).map { level, coverage in
            "coverage of the \(formatPercent(level.0)) region (t ≤ \(fixed(level.1, 2))): \(fixed(coverage.0, 3)) ± \(fixed(coverage.1, 3)) (nominal \(fixed(level.0, 3)))"
        }
        lines.append("mean t = \(fixed(r.meanTestStatistic, 3)) (χ²_\(k): \(k)) over \(n) fits; \(r.convergedFits) converged, \(r.failedFits) failed")
        for (j, name) in r.parameterNames.enumerated() where r.fits.first?.free[j] ?? true {
            lines.append("\(name): bias \(fixed(r.bias[j], 4)) ± \(fixed(r.biasErrors[j], 4)), pull mean \(fixed(r.pullMean[j], 3)), pull width \(fixed(r.pullWidth[j], 3)) (expected 0 and 1)")
        }
        return lines
    }
}
