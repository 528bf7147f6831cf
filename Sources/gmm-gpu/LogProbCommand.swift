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

    @Option(help: "For an ensemble: also write each member's log p(x|θ), [N, K] (columns member_0, …), and print their mean per-event spread.")
    var members: String?

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let ensemble = try DensityEnsemble.load(from: model)
        let trained = ensemble.members[0]
        if latent, ensemble.count > 1 {
            throw ValidationError("--latent: \(model) is an ensemble of \(ensemble.count) members, each with its own latent space; evaluate one member (\(model)/members/0 …) or drop --latent")
        }
        if members != nil, latent { throw ValidationError("--members needs the data space; drop --latent") }
        let source = try eventSource(data, theta: theta, thetaFile: thetaFile, parameters: trained.config.parameters.names)
        // Every event is evaluated: no selection (values outside an interval get the model's answer for them).
        let events = try EventInput(sources: [source], thetaFile: thetaFile, applySelection: false).read(for: trained.config).events
        printWarnings(trained.extrapolationWarnings(theta: events.theta))
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        // Progress in tenths, for runs of more than one pass (as `sample`).
        let n = events.count
        let progress = TenthsProgress(total: n > DensityModel.evaluationChunk(on: device) ? n : 0) { report.line("evaluated \($0)/\(n)") }
        let values: [Double]
        if let members {
            let each = try ensemble.memberLogProbs(events.x, theta: events.theta, device: device)
            values = DensityEnsemble.logMeanExp(each)
            var table = [Double](repeating: 0, count: n * each.count)
            for (k, column) in each.enumerated() { for i in 0..<n { table[i * each.count + k] = column[i] } }
            try DataTable.write(table, columns: (0..<each.count).map { "member_\($0)" }, to: members)
            let spread = DensityEnsemble.memberSpread(each).filter(\.isFinite)
            report.line("members: \(each.count); mean per-event spread of log p over the members \(fixed(spread.reduce(0, +) / Double(max(1, spread.count)), 5)) (written to \(members))")
        } else {
            values = latent ? try trained.logProbLatent(events.x, theta: events.theta, device: device, progress: progress.update)
                : try ensemble.logProb(events.x, theta: events.theta, device: device, progress: progress.update)
        }
        try DataTable.write(values, columns: [latent ? "log_prob_latent" : "log_prob"], to: output)
        report.line("wrote \(values.count) log-densities to \(output)")
    }
}
