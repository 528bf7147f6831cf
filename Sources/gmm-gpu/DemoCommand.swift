import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu demo`: the main job on its built-in default — the Appendix-A toy end to end.
struct DemoCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the Appendix-A toy end to end: generate, train, KL to the truth, throughput, samples (about 10 minutes on 2 cores).")

    @Option(help: "Output directory.")
    var output: String = "demo-output"

    @Flag(help: "The paper's full size (50000 events per θ point, no time limit).")
    var full = false

    @Option(help: "Training time limit in seconds (default: 360; none with --full).")
    var timeLimit: Double?

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the summary.")
    var quiet = false

    func execute() throws {
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let eventsPerPoint = full ? 50_000 : 5_000
        let limit = timeLimit ?? (full ? nil : 360)
        try makeDirectoryPath(output)
        report.line("[1/5] generating the Appendix-A toy: \(eventsPerPoint) events at each of 49 θ points")
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: ToyModel.trainingGrid, seed: 1)
        try DataTable.write(data.x, columns: ToyModel.observables.map(\.name), to: "\(output)/toy-x.npy")
        try DataTable.write(data.theta, columns: ["cx", "cy"], to: "\(output)/toy-theta.npy")
        try writeFileAtomically(Array(ToyModel.configYAML.utf8), to: "\(output)/config.yaml")
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)

        report.line("[2/5] training on \(device.name) (\(device.summary))\(limit.map { ", at most \(Int($0)) s" } ?? "")")
        let start = monotonicSeconds()
        let model = try DensityModel(config: try ToyModel.config()).fit(events, device: device, options: TrainingOptions(timeLimit: limit)) { p in
            report.line("      epoch \(p.epoch.epoch)  train \(fixed(p.epoch.trainingLoss, 5))  validation \(fixed(p.epoch.validationLoss, 5))  \(fixed(p.epoch.seconds, 1)) s\(p.isBest ? "  *" : "")")
        }
        let trainingSeconds = monotonicSeconds() - start
        try model.save(to: "\(output)/model")

        report.line("[3/5] KL(p_true ‖ p_model) on 20000 fresh events per θ")
        let points = try ToyAccuracy.evaluate(model, events: 20_000, device: device)
        let meanKL = points.map(\.kl).reduce(0, +) / Double(points.count)

        report.line("[4/5] throughput")
        let bench = ThroughputBenchmark(device: device, minimumSeconds: 0.5)
        let peak = max(try bench.sgemmRate(m: 2048, n: 2048, k: 2048), try bench.sgemmRate(m: 4096, n: 160, k: 160))
        let throughput = try bench.model(model, trainingEvents: 20_000, evaluationEvents: 50_000, peak: peak)

        report.line("[5/5] sampling 100000 events at θ = (0, 0)")
        let samples = try model.sample(count: 100_000, theta: [0, 0], seed: 1, device: device)
        try DataTable.write(samples, columns: ToyModel.observables.map(\.name), to: "\(output)/samples-theta-0-0.npy")

        var summary = "gmm-gpu demo: Appendix-A toy, \(events.count) events, device \(device.name)\n"
        summary += "trained \(model.history.epochs.count) epochs in \(fixed(trainingSeconds, 0)) s (\(model.history.stopReason)); best validation loss \(fixed(model.history.epochs[max(0, model.history.bestEpoch - 1)].validationLoss, 4)) nats/event\n"
        summary += "KL(p_true ‖ p_model), nats/event:\n"
        for p in points { summary += "  θ = (\(fixed(p.cx, 1)), \(fixed(p.cy, 1)))  \(fixed(p.kl, 4)) ± \(fixed(p.standardError, 4))\n" }
        summary += "  mean \(fixed(meanKL, 4))\n"
        summary += "sgemm peak \(fixed(peak, 1)) GFLOP/s\n"
        for m in throughput { summary += "  \(m)\n" }
        summary += "outputs in \(output)/: config.yaml, toy-x.npy, toy-theta.npy, model/ (weights.safetensors, model.json), samples-theta-0-0.npy, summary.txt\n"
        try writeFileAtomically(Array(summary.utf8), to: "\(output)/summary.txt")
        print(summary, terminator: "")
    }
}
