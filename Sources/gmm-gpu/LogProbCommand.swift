import ArgumentParser
import GMMKit

/// `gmm-gpu logprob`: log-densities of events under a trained model.
struct LogProbCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprob",
        abstract: "Write log p(x|θ) (data space, Jacobian included) or log p(u|θ) (--latent) for each event.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: "Events, [N, d] (.npy) or a .csv naming the observables.")
    var data: String

    @Option(help: "One θ for every event, comma-separated (e.g. 0.2,-0.5).")
    var theta: String?

    @Option(help: "θ per event, [N, p] (.npy/.csv).")
    var thetaFile: String?

    @Option(help: "Output file for the log-densities, [N] (.npy or .csv).")
    var output: String

    @Flag(help: "Evaluate the latent density log p(u|θ) of already projected values instead.")
    var latent = false

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let trained = try DensityModel.load(from: model)
        let table = try DataTable.read(data)
        let x = try table.selecting(trained.config.observables.map(\.name))
        var thetaValues: [Double]
        switch (theta, thetaFile) {
        case let (text?, nil): thetaValues = try parseNumberList(text, option: "--theta")
        case let (nil, file?): thetaValues = try DataTable.read(file).selecting(trained.config.parameters.names)
        case (nil, nil):
            guard trained.parameterCount == 0 else { throw ValidationError("give --theta or --theta-file: the model has parameters \(trained.config.parameters.names.joined(separator: ", "))") }
            thetaValues = []
        default: throw ValidationError("give either --theta or --theta-file, not both")
        }
        let device = try deviceOption.open()
        let values = latent ? try trained.logProbLatent(x, theta: thetaValues, device: device) : try trained.logProb(x, theta: thetaValues, device: device)
        try DataTable.write(values, columns: [latent ? "log_prob_latent" : "log_prob"], to: output)
        Reporter(quiet: quiet).line("wrote \(values.count) log-densities to \(output)")
    }
}
