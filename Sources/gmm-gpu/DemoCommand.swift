import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu demo`: the main job on its built-in default — the Appendix-A toy end to end, from
/// simulated events to a trained model, its validation report and confidence regions.
struct DemoCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the Appendix-A toy end to end: generate, train, KL to the truth, the validation report, the Figure-15 inference study, samples (about 10 minutes on 2 cores).")

    @Option(help: "Output directory.")
    var output: String = "demo-output"

    @Flag(help: "The paper's full size: 50000 events per θ point, no training time limit, 500 pseudo-datasets per true point.")
    var full = false

    @Option(help: "Training time limit in seconds (default: 300; none with --full).")
    var timeLimit: Double?

    @Option(help: "Pseudo-datasets of 400 events per true point in the inference study (default: 50; 500 with --full).")
    var pseudoDatasets: Int?

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the summary.")
    var quiet = false

    func execute() throws {
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let eventsPerPoint = full ? 50_000 : 5_000
        let limit = timeLimit ?? (full ? nil : 300)
        var studySettings = ToyInferenceStudy.Settings()
        studySettings.pseudoDatasets = pseudoDatasets ?? (full ? 500 : 50)
        studySettings.scanPoints = full ? 41 : 21
        try studySettings.validate()
        try makeDirectoryPath(output)
        report.line("[1/6] generating the Appendix-A toy: \(eventsPerPoint) events at each of 49 θ points")
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: ToyModel.trainingGrid, seed: 1)
        try DataTable.write(data.x, columns: ToyModel.observables.map(\.name), to: "\(output)/toy-x.npy")
        try DataTable.write(data.theta, columns: ["cx", "cy"], to: "\(output)/toy-theta.npy")
        try writeFileAtomically(Array(ToyModel.configYAML.utf8), to: "\(output)/config.yaml")
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)

        report.line("[2/6] training on \(device.name) (\(device.summary))\(limit.map { ", at most \(Int($0)) s" } ?? "")")
        let start = Stopwatch()
        let model = try DensityModel(config: try ToyModel.config()).fit(events, device: device, options: TrainingOptions(timeLimit: limit)) { p in
            report.line("      epoch \(p.epoch.epoch)  train \(fixed(p.epoch.trainingLoss, 5))  validation \(fixed(p.epoch.validationLoss, 5))  lr \(p.epoch.learningRate)  \(fixed(p.epoch.seconds, 1)) s\(p.isBest ? "  *" : "")")
        }
        let trainingSeconds = start.seconds
        try model.save(to: "\(output)/model")

        report.line("[3/6] KL(p_true ‖ p_model) on 20000 fresh events per θ")
        let points = try ToyAccuracy.evaluate(model, events: 20_000, device: device)
        let meanKL = points.map(\.kl).reduce(0, +) / Double(points.count)

        report.line("[4/6] validation report")
        var reportOptions = ValidationReportOptions()
        reportOptions.maxEvents = full ? 200_000 : 50_000
        let validation = try ValidationReport.make(model: model, events: events, options: reportOptions, device: device) { report.line("      \($0)") }
        let html = try ValidationReportHTML.render(validation, sources: [
            SummaryRow(name: "Model", value: "\(output)/model"), SummaryRow(name: "Data", value: "\(output)/toy-x.npy, toy-theta.npy"),
            SummaryRow(name: "Device", value: device.name),
        ])
        try makeDirectoryPath("\(output)/report")
        try writeFileAtomically(Array(html.utf8), to: "\(output)/report/report.html")

        report.line("[5/6] Figure-15 inference study: 9 true points × \(studySettings.pseudoDatasets) pseudo-datasets of \(studySettings.events) events")
        let studyStart = Stopwatch()
        let study = try ToyInferenceStudy(settings: studySettings).run(model: model, device: device, progress: { report.line("      \($0)") })
        let studySeconds = studyStart.seconds
        try makeDirectoryPath("\(output)/study")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(try encoder.encode(study), to: "\(output)/study/result.json")
        let figure = try ToyInferenceFigure.make(study, trainingPoints: ToyModel.trainingGrid, title: "Figure 15(a): the demo model against the true density")
        try writeFileAtomically(Array(figure.svg.utf8), to: "\(output)/study/figure15.svg")

        report.line("[6/6] sampling 100000 events at θ = (0, 0)")
        let samples = try model.sample(count: 100_000, theta: [0, 0], seed: 1, device: device)
        try DataTable.write(samples, columns: ToyModel.observables.map(\.name), to: "\(output)/samples-theta-0-0.npy")

        var summary = "gmm-gpu demo: Appendix-A toy, \(events.count) events, device \(device.name)\n"
        summary += "trained \(model.history.epochs.count) epochs in \(fixed(trainingSeconds, 0)) s (\(model.history.stopReason)); best validation loss \(fixed(model.history.epochs[max(0, model.history.bestEpoch - 1)].validationLoss, 4)) nats/event\n"
        summary += "KL(p_true ‖ p_model), nats/event:\n"
        for p in points { summary += "  θ = (\(fixed(p.cx, 1)), \(fixed(p.cy, 1)))  \(fixed(p.kl, 4)) ± \(fixed(p.standardError, 4))\n" }
        summary += "  mean \(fixed(meanKL, 4))\n"
        summary += "inference study (\(fixed(studySeconds, 0)) s; targets of the full study in brackets):\n"
        summary += ToyInferenceStudyCommand.table(study).split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"
        summary += "outputs in \(output)/: config.yaml, toy-x.npy, toy-theta.npy, model/ (weights.safetensors, model.json), "
            + "report/report.html, study/ (result.json, figure15.svg), samples-theta-0-0.npy, summary.txt\n"
        try writeFileAtomically(Array(summary.utf8), to: "\(output)/summary.txt")
        print(summary, terminator: "")
    }
}
