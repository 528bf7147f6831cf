import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu bench`: the benchmarks recorded in docs/BENCHMARKS.md.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: toy-model accuracy (KL to the truth), compute throughput, inference speed and event-file loading.",
        subcommands: [ToyBenchCommand.self, ThroughputBenchCommand.self, InferenceBenchCommand.self, WeightedBenchCommand.self, EventReadBenchCommand.self])
}

/// `gmm-gpu bench toy`: trains on the Appendix-A toy and reports KL(p_true ‖ p_model).
struct ToyBenchCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        abstract: "Train on the Appendix-A toy (49 θ points) and report KL(p_true‖p_model) in nats/event at five θ.")

    @Option(help: "Training events per θ point (the paper: 50000).")
    var eventsPerPoint: Int = 50_000

    @Option(help: "Fresh events per θ point for the KL estimate.")
    var testEvents: Int = 50_000

    @Option(help: "Model description (default: the toy's Table-5 config).")
    var config: String?

    @Option(help: "Stop training after this many epochs.")
    var maxEpochs: Int?

    @Option(help: "Stop training after this many seconds (best state kept).")
    var timeLimit: Double?

    @Option(help: "Write the trained model and result.json here.")
    var output: String?

    @Option(help: "Seed of the training data.")
    var seed: UInt64 = 1

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the result table.")
    var quiet = false

    func execute() throws {
        var modelConfig = try config.map { try ModelConfig.load(path: $0) } ?? ToyModel.config()
        if let maxEpochs { modelConfig.training.maxEpochs = maxEpochs }
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: ToyModel.trainingGrid, seed: seed)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        report.line("toy: \(events.count) events (\(eventsPerPoint) per θ point), device \(device.name): \(device.summary)")
        let start = Stopwatch()
        let model = try DensityModel(config: modelConfig).fit(events, device: device, options: TrainingOptions(timeLimit: timeLimit)) { p in
            report.line("epoch \(p.epoch.epoch)  train \(fixed(p.epoch.trainingLoss, 5))  validation \(fixed(p.epoch.validationLoss, 5))  lr \(p.epoch.learningRate)  \(fixed(p.epoch.seconds, 1)) s\(p.isBest ? "  *" : "")")
        }
        let seconds = start.seconds
        let points = try ToyAccuracy.evaluate(model, events: testEvents, device: device)
        print("trained \(model.history.epochs.count) epochs in \(fixed(seconds, 1)) s (best epoch \(model.history.bestEpoch); \(model.history.stopReason))")
        print("   cx     cy    KL [nats/event]")
        for p in points { print("\(fixed(p.cx, 2).padded(6, left: true)) \(fixed(p.cy, 2).padded(6, left: true))   \(fixed(p.kl, 4)) ± \(fixed(p.standardError, 4))") }
        let mean = points.map(\.kl).reduce(0, +) / Double(points.count)
        print("mean KL \(fixed(mean, 4)) nats/event")
        if let output {
            try model.save(to: output)
            let result = ToyBenchResult(eventsPerPoint: eventsPerPoint, trainingSeconds: seconds, epochs: model.history.epochs.count,
                                        device: device.name, points: points, meanKL: mean)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeFileAtomically(try encoder.encode(result), to: "\(output)/result.json")
        }
    }
}

/// The JSON record of a toy benchmark run.
struct ToyBenchResult: Codable {
    var eventsPerPoint: Int
    var trainingSeconds: Double
    var epochs: Int
    var device: String
    var points: [ToyAccuracy.Point]
    var meanKL: Double
}
