import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu roc`: the ROC curve and AUC of the likelihood ratio as a classifier of events at θ1
/// against events at θ0.
struct RocCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "roc",
        abstract: "The ROC curve and AUC of log p(x|θ1)/p(x|θ0) as a score for events at θ1 (signal) against events at θ0 (background).",
        discussion: "Events come from --signal and --background files (with optional weights), or are drawn from the model itself with --events N (the separation the model predicts). Writes OUTPUT/roc.json (AUC with its DeLong standard error, effective counts, the curve) and OUTPUT/roc.svg.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(parsing: .unconditional, help: "The background hypothesis θ0, comma-separated (e.g. 0,0; default: the θ --background declares as FILE@NAME=VALUE,…).")
    var theta0: String?

    @Option(parsing: .unconditional, help: "The signal hypothesis θ1, comma-separated (e.g. 0.8,-0.8; default: the θ --signal declares).")
    var theta1: String?

    @Option(help: ArgumentHelp("Events at θ1: the model's observables.", discussion: observedEventsDiscussion, valueName: "file"))
    var signal: String?

    @Option(help: ArgumentHelp("Events at θ0, read as --signal.", valueName: "file"))
    var background: String?

    @Option(help: ArgumentHelp("Weights of the signal events, [N_s].", valueName: "file"))
    var signalWeights: String?

    @Option(help: ArgumentHelp("Weights of the background events, [N_b].", valueName: "file"))
    var backgroundWeights: String?

    @Option(help: "Instead of files: draw this many events at each hypothesis from the model.")
    var events: Int?

    @Option(help: "Random seed for --events (θ0's events use it, θ1's the next).")
    var seed: UInt64 = 1

    @Option(help: "The most corners of the curve written to roc.json and drawn (evenly spaced in rank; the AUC uses all).")
    var maxPoints = 1000

    @Option(help: "Output directory: roc.json and roc.svg.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard maxPoints >= 2 else { throw ValidationError("--max-points: expected at least 2, got \(maxPoints)") }
        let fromFiles = signal != nil || background != nil
        guard fromFiles != (events != nil) else {
            throw ValidationError("give either --signal FILE and --background FILE, or --events N (events drawn from the model), not \(fromFiles ? "both" : "neither")")
        }
        if !fromFiles, signalWeights != nil || backgroundWeights != nil {
            throw ValidationError("--signal-weights and --background-weights weight the events of --signal and --background files; --events draws unweighted events")
        }
        let trained = try DensityModel.load(from: model)
        let names = trained.config.parameters.names
        let device: Device
        let signalEvents: ObservedEvents, backgroundEvents: ObservedEvents
        let t0: [Double], t1: [Double]
        if let events {
            guard let theta0, let theta1 else { throw ValidationError("--events draws at --theta0 and --theta1: give both") }
            (t0, t1) = (try parseTheta(theta0, option: "--theta0", parameters: names), try parseTheta(theta1, option: "--theta1", parameters: names))
            guard events >= 1 else { throw ValidationError("--events: expected at least 1, got \(events)") }
            try checkMemory(count: events, bytesPerItem: 2 * 24 * trained.config.observables.count + 64, option: "--events",
                            advice: "draw fewer events (the AUC's error falls as 1/√N; 10⁶ per hypothesis is plenty)")
            device = try deviceOption.open()
            backgroundEvents = ObservedEvents(x: try trained.sample(count: events, theta: t0, seed: seed, device: device), count: events)
            signalEvents = ObservedEvents(x: try trained.sample(count: events, theta: t1, seed: seed &+ 1, device: device), count: events)
        } else {
            guard let signal, let background else {
                throw ValidationError("--signal and --background go together: give both files (or --events N instead)")
            }
            signalEvents = try ObservedEvents(data: signal, weights: signalWeights, model: trained, option: "--signal")
            backgroundEvents = try ObservedEvents(data: background, weights: backgroundWeights, model: trained, option: "--background")
            t0 = try backgroundEvents.theta(theta0, option: "--theta0", dataOption: "--background", parameters: names)
            t1 = try signalEvents.theta(theta1, option: "--theta1", dataOption: "--signal", parameters: names)
            device = try deviceOption.open()
        }
        printWarnings(trained.extrapolationWarnings(theta: t0) + trained.extrapolationWarnings(theta: t1))
        let curve = try LikelihoodRatio.rocCurve(model: trained, theta0: t0, theta1: t1,
                                                 background: backgroundEvents.x, backgroundWeights: backgroundEvents.weights,
                                                 signal: signalEvents.x, signalWeights: signalEvents.weights, device: device)
        let points = curve.thinned(to: maxPoints)
        let record = RocFile(model: model, theta0: t0, theta1: t1, signal: signal, background: background,
                             eventsPerHypothesis: events, seed: events == nil ? nil : seed, curve: curve, points: points)
        let figure = try curve.figure(points: points, theta0: t0, theta1: t1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFilesAtomically([("roc.json", Array(try encoder.encode(record))), ("roc.svg", Array(figure.svg.utf8))], into: output)
        Reporter(quiet: quiet).line("AUC = \(fixed(curve.auc, 4)) ± \(fixed(curve.aucStandardError, 4)) (\(signalEvents.count) signal events at θ1, "
            + "\(backgroundEvents.count) background events at θ0; effective \(fixed(curve.signalEffectiveCount, 1)) / \(fixed(curve.backgroundEffectiveCount, 1))); "
            + "wrote roc.json and roc.svg to \(output)")
    }
}
