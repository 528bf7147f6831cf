import ArgumentParser
import GMMKit

/// `gmm-gpu sample`: events drawn from a trained model.
struct SampleCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw events x ~ p(x|θ) from a trained model.")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(parsing: .unconditional, help: "θ, comma-separated (e.g. -0.5,0.2); empty for an unconditional model.")
    var theta: String = ""

    @Option(name: .short, help: "Number of events.")
    var n: Int

    @Option(help: "Output file, [n, d] (.npy, or .npz, .h5 or .csv with the observables' names).")
    var output: String

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard n >= 1 else { throw ValidationError("-n must be at least 1, got \(n)") }
        try checkReplaceableOutput(output)
        // An ensemble draws each event from a member picked at random (its mean density).
        let trained = try DensityEnsemble.load(from: model)
        // The samples in double precision, their float copy on the device and the file's copy.
        try checkMemory(count: n, bytesPerItem: 24 * trained.config.observables.count, option: "-n",
                        advice: "draw fewer events per run (several runs with different --seed values are independent samples)")
        let thetaValues = try parseNumberList(theta, option: "--theta")
        printWarnings(trained.members[0].extrapolationWarnings(theta: thetaValues))
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        // Progress in tenths, for runs of more than one pass.
        let progress = TenthsProgress(total: n > DensityModel.evaluationChunk(on: device) ? n : 0) { report.line("sampled \($0)/\(n)") }
        let samples = try trained.sample(count: n, theta: thetaValues, seed: seed, device: device, progress: progress.update)
        try DataTable.write(samples, columns: trained.config.observables.map(\.name), to: output)
        report.line("wrote \(n) events to \(output)")
    }
}
