import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu bench weighted`: the errors of fits to importance-weighted events against the
/// spread of the estimates over pseudo-experiments.
struct WeightedBenchCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "weighted",
        abstract: "Fits to importance-weighted pseudo-datasets (drawn at θ0, weighted to θ_true): the spread of the MLE against the Hesse and the weight-corrected errors.")

    @OptionGroup var toyModel: BenchModelOptions

    @Option(help: "Events per pseudo-dataset.")
    var events: Int = 400

    @Option(help: "Pseudo-datasets.")
    var pseudoDatasets: Int = 200

    @Option(help: "θ0 where events are drawn, as cx,cy.")
    var proposal: String = "0.5,-0.5"

    @Option(help: "θ_true they are weighted to, as cx,cy.")
    var truth: String = "0.8,-0.8"

    @Option(help: "Seed of the pseudo-datasets.")
    var seed: UInt64 = 1

    @Option(help: "Write result.json here.")
    var output: String?

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the results.")
    var quiet = false

    func execute() throws {
        let proposalTheta = try parseNumberList(proposal, option: "--proposal")
        let trueTheta = try parseNumberList(truth, option: "--truth")
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let trained = try toyModel.loadOrTrain(device: device, report: report)
        let names = trained.config.parameters.names
        let fit = MaximumLikelihoodFit(parameters: names.map { FitParameter(name: $0, lower: -1.5, upper: 1.5) })
        let started = Stopwatch()
        let result = try WeightedFitCalibration(model: trained, fit: fit).run(
            events: events, pseudoDatasets: pseudoDatasets, proposalTheta: proposalTheta, trueTheta: trueTheta, seed: seed, device: device
        ) { k in if k % 20 == 0 || k == pseudoDatasets { report.line("pseudo-dataset \(k)/\(pseudoDatasets)  \(fixed(started.seconds, 1)) s") } }
        print("\(result.pseudoDatasets) converged fits of \(events) events drawn at (\(proposal)) and weighted to (\(truth)); mean effective events \(fixed(result.meanEffectiveEvents, 1))")
        print("param   spread of θ̂   bias      mean Hesse error  mean weighted error  pull width (central) Hesse  weighted")
        for (j, name) in names.enumerated() {
            print("\(name.padded(6))  \(fixed(result.spread[j], 4).padded(12))  \(fixed(result.bias[j], 4).padded(8))  "
                  + "\(fixed(result.meanHesseError[j], 4).padded(16))  \(fixed(result.meanWeightedError[j], 4).padded(19))  "
                  + "\(fixed(result.hessePullWidth[j], 3)) (\(fixed(result.hessePullCentralWidth[j], 3)))".padded(26)
                  + "  \(fixed(result.weightedPullWidth[j], 3)) (\(fixed(result.weightedPullCentralWidth[j], 3)))")
        }
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try makeDirectoryPath(output)
            try writeFileAtomically(try encoder.encode(result), to: "\(output)/result.json")
        }
    }
}
