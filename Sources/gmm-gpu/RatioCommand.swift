import ArgumentParser
import GMMKit

/// `gmm-gpu ratio`: the per-event log-likelihood ratio of two hypotheses under a trained model.
struct RatioCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratio",
        abstract: "Write the per-event log-likelihood ratio log p(x|θ1)/p(x|θ0): the optimal score for telling events at θ1 from events at θ0.",
        discussion: "Both hypotheses are evaluated in one batched pass; the latent map's Jacobian cancels in the ratio. `gmm-gpu roc` gives the ROC curve and AUC of this score.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: ArgumentHelp("Event file: the model's observables (weights are not used).", discussion: observedEventsDiscussion, valueName: "file"))
    var data: String

    @Option(parsing: .unconditional, help: "The null hypothesis θ0, comma-separated (e.g. 0,0).")
    var theta0: String

    @Option(parsing: .unconditional, help: "The alternative θ1, comma-separated (e.g. 0.8,-0.8).")
    var theta1: String

    @Option(help: "Output file for the ratios, [N] (.npy, .npz, .h5 or .csv; column log_ratio).")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let trained = try DensityModel.load(from: model)
        let names = trained.config.parameters.names
        let (t0, t1) = (try parseTheta(theta0, option: "--theta0", parameters: names), try parseTheta(theta1, option: "--theta1", parameters: names))
        let events = try ObservedEvents(data: data, model: trained)
        printWarnings(trained.extrapolationWarnings(theta: t0) + trained.extrapolationWarnings(theta: t1))
        let device = try deviceOption.open()
        let ratio = try LikelihoodRatio.evaluate(model: trained, events: events.x, theta0: t0, theta1: t1, device: device)
        try DataTable.write(ratio.logRatios, columns: ["log_ratio"], to: output)
        let mean = ratio.logRatios.reduce(0, +) / Double(ratio.logRatios.count)
        Reporter(quiet: quiet).line("wrote \(ratio.logRatios.count) log-likelihood ratios log p(x|θ1)/p(x|θ0) to \(output); their sum \(fixed(mean * Double(ratio.logRatios.count), 4)) "
            + "(> 0 favours θ1), mean \(fixed(mean, 4)) per event"
            + (events.simulatedTheta.map { "; the events were simulated at θ = (\($0.map { fixed($0, 4) }.joined(separator: ", "))), as --data declares" } ?? ""))
    }
}
