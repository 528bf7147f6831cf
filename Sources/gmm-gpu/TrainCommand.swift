import ArgumentParser
import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu train`: fits a model to events and writes the model directory.
struct TrainCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a density model p(x|θ) on events and write the model directory.")

    @Option(help: "Model description (.yaml or .json).")
    var config: String

    @Option(help: "Events, [N, d] in config order (.npy) or a .csv whose header names the observables (and may hold θ and weight columns).")
    var data: String

    @Option(help: "θ per event, [N, p] (.npy/.csv); omit when --data is a CSV with the parameter columns, or for an unconditional model.")
    var theta: String?

    @Option(help: "Event weights, [N] (.npy/.csv); a CSV --data may instead hold a column named by --weight-column.")
    var weights: String?

    @Option(help: "Name of the weight column in a CSV --data file.")
    var weightColumn: String = "weight"

    @Option(help: "Output model directory.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Random seed (overrides training.seed of the config).")
    var seed: UInt64?

    @Option(help: "Stop after this many epochs (overrides training.max_epochs).")
    var maxEpochs: Int?

    @Option(help: "Stop after this many seconds of training, keeping the best state.")
    var timeLimit: Double?

    @Flag(help: "Continue an interrupted run from the checkpoint in the output directory.")
    var resume = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        var modelConfig = try ModelConfig.load(path: config)
        if let seed { modelConfig.training.seed = seed }
        if let maxEpochs {
            guard maxEpochs >= 1 else { throw ValidationError("--max-epochs must be at least 1, got \(maxEpochs)") }
            modelConfig.training.maxEpochs = maxEpochs
        }
        let events = try EventFiles(data: data, theta: theta, weights: weights, weightColumn: weightColumn).load(for: modelConfig)
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        report.line("training on \(events.count) events, \(modelConfig.observables.count) observables, \(modelConfig.parameters.count) parameters — device \(device.name): \(device.summary)")
        for warning in DensityModel.weightWarnings(events) { fputs("gmm-gpu: warning: \(warning)\n", stderr) }
        let model = try DensityModel(config: modelConfig).prepared(on: events)
        report.line("\(model.trainableParameterCount) trainable parameters, \(fixed(model.forwardFlopsPerEvent / 1e6, 3)) MFLOP per event forward")
        let trained = try model.fit(events, device: device, options: TrainingOptions(checkpointDirectory: output, resume: resume, timeLimit: timeLimit)) { progress in
            let e = progress.epoch
            report.line("epoch \(e.epoch)/\(progress.maxEpochs)  train \(fixed(e.trainingLoss, 5))  validation \(fixed(e.validationLoss, 5))  lr \(e.learningRate)  \(fixed(e.seconds, 1)) s\(progress.isBest ? "  *" : "")")
        }
        try trained.save(to: output)
        report.line("stopped: \(trained.history.stopReason); best epoch \(trained.history.bestEpoch); model written to \(output)")
    }
}

/// The files a command reads events from, and how their columns map onto a config.
struct EventFiles {
    var data: String
    var theta: String?
    var weights: String?
    var weightColumn: String = "weight"
    /// One θ for every event (`--theta a,b`), instead of a θ file or columns.
    var fixedTheta: [Double]? = nil

    /// The events, with columns matched to `config` (by header name for CSV files).
    func load(for config: ModelConfig) throws -> Events {
        let table = try DataTable.read(data)
        let names = config.observables.map(\.name)
        let x = try table.selecting(names)
        let n = table.rows
        var thetaValues: [Double] = []
        let p = config.parameters.count
        if let fixedTheta {
            guard fixedTheta.count == p else {
                throw ValidationError("--theta: the model has \(p) parameters (\(config.parameters.names.joined(separator: ", "))), got \(fixedTheta.count) values")
            }
            thetaValues = (0..<n).flatMap { _ in fixedTheta }
        } else if let theta {
            let thetaTable = try DataTable.read(theta)
            guard thetaTable.rows == n else {
                throw DataTableError.shape(path: theta, expected: "\(n) rows (one per event of \(data))", got: "\(thetaTable.rows) rows")
            }
            thetaValues = try thetaTable.selecting(config.parameters.names)
        } else if p > 0 {
            guard table.columnNames != nil else {
                throw ValidationError("--theta is required: the model has parameters \(config.parameters.names.joined(separator: ", ")) and \(data) has no header naming them")
            }
            thetaValues = try table.selecting(config.parameters.names)
        }
        var weightValues: [Double]?
        if let weights {
            let weightTable = try DataTable.read(weights)
            guard weightTable.rows == n, weightTable.columns == 1 else {
                throw DataTableError.shape(path: weights, expected: "[\(n)] (one weight per event)", got: "[\(weightTable.rows), \(weightTable.columns)]")
            }
            weightValues = weightTable.values
        } else if let header = table.columnNames, header.contains(weightColumn) {
            weightValues = try table.selecting([weightColumn])
        }
        return try Events(x: x, theta: thetaValues, weights: weightValues, observables: names.count, parameters: p)
    }
}
