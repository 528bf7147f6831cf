import ArgumentParser
import GMMKit

/// `gmm-gpu logprob`: log-densities of events under a trained model.
struct LogProbCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprob",
        abstract: "Write log p(x|θ) (data space, Jacobian included) or log p(u|θ) (--latent) for each event.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: ArgumentHelp("Event file: FILE[#DATASET][@NAME=VALUE,...] (.npy, .npz, .csv, .h5/.hdf5), columns as for `train`.", valueName: "source"))
    var data: String

    @Option(parsing: .unconditional, help: "One θ for every event, comma-separated (e.g. -0.5,0.2).")
    var theta: String?

    @Option(help: "θ per event, [N, p] (.npy/.csv).")
    var thetaFile: String?

    @Option(help: "Output file for the log-densities, [N] (.npy, .npz, .h5 or .csv; column log_prob).")
    var output: String

    @Flag(help: "Evaluate the latent density log p(u|θ) of already projected values instead.")
    var latent = false

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let trained = try DensityModel.load(from: model)
        let source = try eventSource(data, theta: theta, thetaFile: thetaFile, parameters: trained.config.parameters.names)
        // Every event is evaluated: no selection (values outside an interval get the model's answer for them).
        let events = try EventInput(sources: [source], thetaFile: thetaFile, applySelection: false).read(for: trained.config).events
        printWarnings(trained.extrapolationWarnings(theta: events.theta))
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        // Progress in tenths, for runs of more than one pass (as `sample`).
        let n = events.count
        let progress = TenthsProgress(total: n > DensityModel.evaluationChunk(on: device) ? n : 0) { report.line("evaluated \($0)/\(n)") }
        let values = latent ? try trained.logProbLatent(events.x, theta: events.theta, device: device, progress: progress.update)
            : try trained.logProb(events.x, theta: events.theta, device: device, progress: progress.update)
        try DataTable.write(values, columns: [latent ? "log_prob_latent" : "log_prob"], to: output)
        report.line("wrote \(values.count) log-densities to \(output)")
    }
}
