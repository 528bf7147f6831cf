import ArgumentParser
import GMMKit

/// The model the inference benchmarks run on: a given model directory, or the Table-5 toy
/// model trained here.
struct BenchModelOptions: ParsableArguments {
    @Option(help: "A trained toy model directory (default: train one here on --events-per-point events per θ point).")
    var model: String?

    @Option(help: "Training events per θ point when no --model is given.")
    var eventsPerPoint: Int = 2000

    @Option(help: "Training epochs when no --model is given.")
    var maxEpochs: Int = 3

    /// The model at --model, or the toy model trained on --events-per-point events per point of
    /// the 7 × 7 grid for --max-epochs epochs.
    func loadOrTrain(device: Device, report: Reporter) throws -> DensityModel {
        if let model {
            report.line("model \(model)")
            return try DensityModel.load(from: model)
        }
        var config = try ToyModel.config()
        config.training.maxEpochs = maxEpochs
        let data = try ToyModel().makeDataset(eventsPerPoint: eventsPerPoint, grid: ToyModel.trainingGrid, seed: 1)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        report.line("training the Table-5 toy model: \(events.count) events, \(maxEpochs) epochs")
        return try DensityModel(config: config).fit(events, device: device) { p in
            report.line("epoch \(p.epoch.epoch)  validation \(fixed(p.epoch.validationLoss, 5))  \(fixed(p.epoch.seconds, 1)) s")
        }
    }
}
