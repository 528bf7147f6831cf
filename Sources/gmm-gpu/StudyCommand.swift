import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu study`: studies of the method recorded in docs/BENCHMARKS.md.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Studies of inference with a trained model: closure on held-out simulation, toy-based calibration, the Figure-15 toy study.",
        subcommands: [ToyInferenceStudyCommand.self, CalibrationStudyCommand.self, ClosureStudyCommand.self])
}

/// `gmm-gpu study toy-inference`: Figure 15 and its figures of merit.
struct ToyInferenceStudyCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy-inference",
        abstract: "Figure 15: fits of the Appendix-A toy's 9 true points with the true density and a trained model — MLEs, 68%/95% regions, their IoU, and coverage over pseudo-datasets.",
        discussion: """
            Without --model, trains a model on the 7×7 toy grid first (--events-per-point, --time-limit). Writes
            OUT/nominal/{result.json, figure15.svg, summary.txt} (and OUT/extra-points/… with --extra-points, trained with the
            extra points at cx, cy = ±0.2 of Figure 15(b)), and OUT/summary.txt.
            """)

    @Option(help: "A trained toy model (default: train one).")
    var model: String?

    @Option(help: "With --extra-points: a model trained on the 9×9 grid with the ±0.2 points (default: train one).")
    var extraModel: String?

    @Flag(help: "Also run with a model trained with the extra points at ±0.2 (Figure 15(b)).")
    var extraPoints = false

    @Flag(help: "Run only the extra-points model (Figure 15(b)), not the nominal one.")
    var extraPointsOnly = false

    @Option(help: "Events per pseudo-dataset.")
    var events: Int = 400

    @Option(help: "Pseudo-datasets per true point (coverage and MLE figures).")
    var pseudoDatasets: Int = 500

    @Option(help: "Pseudo-datasets per true point that get 2-D scans and region IoU.")
    var scannedDatasets: Int = 1

    @Option(help: "Scan grid points per axis.")
    var scanPoints: Int = 41

    @Option(help: "Seed of the pseudo-datasets.")
    var seed: UInt64 = 2022

    @Option(help: "Training events per θ point when a model is trained here.")
    var eventsPerPoint: Int = 10_000

    @Option(help: "Training time limit in seconds when a model is trained here.")
    var timeLimit: Double = 900

    @Option(help: "Training epoch limit when a model is trained here.")
    var maxEpochs: Int?

    @Option(help: "Output directory.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the result tables.")
    var quiet = false

    func execute() throws {
        var settings = ToyInferenceStudy.Settings()
        settings.events = events
        settings.pseudoDatasets = pseudoDatasets
        settings.scannedDatasets = scannedDatasets
        settings.scanPoints = scanPoints
        settings.seed = seed
        try settings.validate()
        guard extraModel == nil || extraPoints || extraPointsOnly else { throw ValidationError("--extra-model needs --extra-points") }
        guard !(extraPointsOnly && model != nil) else { throw ValidationError("--model is the nominal model; with --extra-points-only give --extra-model") }
        guard eventsPerPoint >= 1 else { throw ValidationError("--events-per-point must be at least 1, got \(eventsPerPoint)") }
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        var runs: [(name: String, grid: [ToyModel.Parameter], path: String?, title: String)] = []
        if !extraPointsOnly {
            runs.append(("nominal", ToyModel.trainingGrid, model, "Figure 15(a): model trained at the nominal points"))
        }
        if extraPoints || extraPointsOnly {
            runs.append(("extra-points", ToyModel.extendedTrainingGrid, extraModel, "Figure 15(b): model trained with the extra points at ±0.2"))
        }
        // Load given models first: a bad path fails before any long work.
        let given = try runs.map { run in try run.path.map { try DensityModel.load(from: $0) } }
        try makeDirectoryPath(output)
        var summary = ""
        for (k, run) in runs.enumerated() {
            let directory = "\(output)/\(run.name)"
            try makeDirectoryPath(directory)
            let trained = try given[k] ?? train(grid: run.grid, directory: directory, device: device, report: report)
            report.line("[\(run.name)] study: \(ToyModel.inferenceTestPoints.count) true points × \(pseudoDatasets) pseudo-datasets of \(events) events")
            let start = Stopwatch()
            let result = try ToyInferenceStudy(settings: settings).run(model: trained, device: device, progress: { report.line("[\(run.name)] \($0)") }) { p in
                report.line("[\(run.name)] done (\(fixed(p.trueTheta[0], 1)), \(fixed(p.trueTheta[1], 1))): coverage truth \(p.truthCalibration.coverage.map { fixed($0, 3) }.joined(separator: "/")), "
                    + "model \(p.modelCalibration.coverage.map { fixed($0, 3) }.joined(separator: "/")), median |Δθ̂|/σ \(fixed(p.medianMLEDistance, 3))"
                    + (p.scans.first.map { ", IoU \($0.intersectionOverUnion.map { fixed($0, 3) }.joined(separator: "/"))" } ?? "")
                    + " — \(Int(start.seconds)) s so far")
            }
            let seconds = start.seconds
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeFileAtomically(try encoder.encode(result), to: "\(directory)/result.json")
            let figure = try ToyInferenceFigure.make(result, trainingPoints: run.grid, title: run.title)
            try writeFileAtomically(Array(figure.svg.utf8), to: "\(directory)/figure15.svg")
            let text = "\(run.title) — \(fixed(seconds, 0)) s on \(device.name)\n\(Self.table(result))\n"
            try writeFileAtomically(Array(text.utf8), to: "\(directory)/summary.txt")
            print(text)
            summary += text + "\n"
        }
        try writeFileAtomically(Array(summary.utf8), to: "\(output)/summary.txt")
    }

    /// Trains a Table-5 model on `grid` and saves it to `directory`/model.
    func train(grid: [ToyModel.Parameter], directory: String, device: Device, report: Reporter) throws -> DensityModel {
        var config = try ToyModel.config()
        if let maxEpochs {
            guard maxEpochs >= 1 else { throw ValidationError("--max-epochs must be at least 1, got \(maxEpochs)") }
            config.training.maxEpochs = maxEpochs
        }
        report.line("training a toy model: \(eventsPerPoint) events at each of \(grid.count) θ points, at most \(Int(timeLimit)) s")
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: grid, seed: 1)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        let model = try DensityModel(config: config).fit(events, device: device, options: TrainingOptions(timeLimit: timeLimit)) { p in
            report.line("  epoch \(p.epoch.epoch)  train \(fixed(p.epoch.trainingLoss, 5))  validation \(fixed(p.epoch.validationLoss, 5))  \(fixed(p.epoch.seconds, 1)) s\(p.isBest ? "  *" : "")")
        }
        try model.save(to: "\(directory)/model")
        return model
    }

    /// The per-point figures and the summary against the targets.
    static func table(_ result: ToyInferenceStudyResult) -> String {
        let levels = result.settings.confidenceLevels.map(formatPercent).joined(separator: "/")
        var lines = ["    cx     cy  coverage truth \(levels)  coverage model \(levels)  median |Δθ̂|/σ  IoU \(levels)"]
        for p in result.points {
            let iou = p.scans.isEmpty ? "—" : result.settings.confidenceLevels.indices.map { l in
                fixed(p.scans.map { $0.intersectionOverUnion[l] }.reduce(0, +) / Double(p.scans.count), 3)
            }.joined(separator: "/")
            lines.append(fixed(p.trueTheta[0], 1).padded(6, left: true) + " " + fixed(p.trueTheta[1], 1).padded(6, left: true)
                + p.truthCalibration.coverage.map { fixed($0, 3) }.joined(separator: "/").padded(24, left: true)
                + p.modelCalibration.coverage.map { fixed($0, 3) }.joined(separator: "/").padded(24, left: true)
                + fixed(p.medianMLEDistance, 3).padded(16, left: true) + "  " + iou)
        }
        let s = result.summary
        func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "NOT met" } ?? "not measured" }
        lines.append("median |θ̂_model − θ̂_true| / σ_true = \(s.medianMLEDistance.map { fixed($0, 3) } ?? "—") (target ≤ \(ToyInferenceStudyResult.mleTarget)): \(verdict(s.mleTargetMet))")
        let scanned = result.points.reduce(0) { $0 + $1.scans.count }
        for (l, level) in result.settings.confidenceLevels.enumerated() {
            let name = formatPercent(level)
            lines.append("\(name): mean IoU " + (s.meanIntersectionOverUnion[l].map { "\(fixed($0, 3)) over \(scanned) scanned data sets" } ?? "— (no data set scanned)")
                + " (target ≥ \(ToyInferenceStudyResult.iouTarget(confidenceLevel: level))): \(verdict(s.iouTargetsMet[l]))")
            lines.append("\(name): coverage pooled over the points: truth \(fixed(s.truthCoverage[l], 3)), model \(fixed(s.modelCoverage[l], 3)) "
                + "(± \(fixed(s.pooledCoverageErrors[l], 3)) binomial; target |model − truth| ≤ 0.03): \(s.coverageTargetsMet[l] ? "met" : "NOT met"); "
                + "largest per-point difference \(fixed(s.maxCoverageDifference[l], 3))")
        }
        return lines.joined(separator: "\n")
    }
}
