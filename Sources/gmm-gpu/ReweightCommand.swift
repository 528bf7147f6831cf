import ArgumentParser
import GMMKit

/// `gmm-gpu reweight`: importance weights that take events drawn at θ0 to other θ (Section 5).
struct ReweightCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "reweight",
        abstract: "Weight events drawn at θ0 into samples at other θ: w_i = p(x_i|θ)/p(x_i|θ0) (times the events' own weights), the importance sampling of the paper's Section 5.",
        discussion: "One pass evaluates every target. For each target it prints the mean weight (≈ 1 where p(x|θ0) covers p(x|θ)) and Kish's effective sample size (Σw)²/Σw², and warns when the proposal covers the target poorly.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: ArgumentHelp("Events drawn at θ0: the model's observables.", discussion: observedEventsDiscussion, valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("The events' own weights, [N] (multiplied in); replaces a weight column of the data file.", valueName: "file"))
    var weights: String?

    @Option(parsing: .unconditional, help: "The θ0 the events were drawn at, comma-separated (default: the θ --data declares as FILE@NAME=VALUE,…).")
    var theta0: String?

    @Option(parsing: .unconditionalSingleValue, help: "A target θ, comma-separated; repeat for several (one column each).")
    var theta: [String] = []

    @Option(help: "Output file for the weights: [N] for one target, [N, K] for K (.npy, .npz, .h5 or .csv; columns weight or weight_0, weight_1, …).")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard !theta.isEmpty else { throw ValidationError("--theta: give at least one target θ (e.g. --theta 0.8,-0.8)") }
        let trained = try DensityModel.load(from: model)
        let names = trained.config.parameters.names
        let events = try ObservedEvents(data: data, weights: weights, model: trained)
        let proposal = try events.theta(theta0, option: "--theta0", dataOption: "--data", parameters: names)
        let targets = try theta.map { try parseTheta($0, option: "--theta", parameters: names) }
        printWarnings(([proposal] + targets).flatMap { trained.extrapolationWarnings(theta: $0) })
        let device = try deviceOption.open()
        let results = try trained.importanceWeights(events: events.x, eventWeights: events.weights, theta0: proposal, targets: targets, device: device)
        let n = events.count, k = results.count
        let report = Reporter(quiet: quiet)
        let ownMean = events.weights.map { $0.reduce(0, +) / Double(n) } ?? 1
        var warnings: [String] = []
        for (target, result) in zip(theta, results) {
            let mean = result.relativeMeanWeight(ownMeanWeight: ownMean)
            report.line("θ = (\(target)): mean weight \(fixed(mean, 4)) (relative to the events' own), effective sample size \(fixed(result.effectiveSampleSize, 1)) of \(n)")
            if result.coversPoorly(ownMeanWeight: ownMean) {
                warnings.append("θ = (\(target)): the events at θ0 cover this target poorly (mean weight \(fixed(mean, 3)), effective sample size "
                    + "\(fixed(result.effectiveSampleSize, 1)) of \(n)); its weighted sample has large variance or misses part of p(x|θ)")
            }
        }
        printWarnings(warnings)
        try DataTable.write(ImportanceWeights.table(results), columns: k == 1 ? ["weight"] : (0..<k).map { "weight_\($0)" }, to: output)
        report.line("wrote \(n) × \(k) weights to \(output)")
    }
}
