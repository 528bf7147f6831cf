import ArgumentParser
import GMMKit

/// `gmm-gpu report`: the validation report of a trained model against data, as one HTML file.
struct ReportCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML validation report (loss curves, 1-D and 2-D marginals, pulls, latent mixture, θ dependence).")

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: ArgumentHelp("Event file, repeatable (concatenated): FILE[#DATASET][@NAME=VALUE,...] (.npy, .npz, .csv, .h5/.hdf5), columns as for `train`; events outside an interval are left out.", valueName: "source"))
    var data: [String] = []

    @Option(help: "θ per event, [N, p] (.npy/.csv).")
    var thetaFile: String?

    @Option(parsing: .unconditional, help: "One θ for every event, comma-separated (e.g. -0.5,0.2).")
    var theta: String?

    @Option(help: "Event weights, [N] (.npy/.csv); a CSV --data may instead hold a column named by --weight-column.")
    var weights: String?

    @Option(help: "Name of the weight column in the data file (used when present).")
    var weightColumn: String = "weight"

    @Option(help: "Output directory; the report is written to <output>/report.html.")
    var output: String

    @Option(help: "Bins of the 1-D marginals.")
    var bins: Int = 40

    @Option(help: "Bins per axis of the 2-D marginals.")
    var pairBins: Int = 24

    @Option(help: "Data events used for the figures; larger data are subsampled.")
    var maxEvents: Int = 200_000

    @Option(help: "θ of the latent mixture view, comma-separated (default: the configured reference θ).")
    var componentTheta: String?

    @Option(help: "Random seed for subsampling and model sampling.")
    var seed: UInt64 = 1

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let report = Reporter(quiet: quiet)
        let start = Stopwatch()
        let trained = try DensityModel.load(from: model)
        guard !data.isEmpty else { throw ValidationError("--data: give at least one event file") }
        let sources = try data.map { try eventSource($0, theta: theta, thetaFile: thetaFile, parameters: trained.config.parameters.names) }
        let events = try EventInput(sources: sources, thetaFile: thetaFile, weightsFile: weights, weightColumn: weightColumn,
                                    applySelection: true).read(for: trained.config).events
        printWarnings(trained.extrapolationWarnings(theta: events.theta))
        var options = ValidationReportOptions()
        options.bins = bins
        options.pairBins = pairBins
        options.maxEvents = maxEvents
        options.seed = seed
        if let componentTheta { options.componentTheta = try parseNumberList(componentTheta, option: "--component-theta") }
        if let values = options.componentTheta, values.count != trained.parameterCount {
            throw ValidationError("--component-theta: the model has \(trained.parameterCount) parameters, got \(values.count) values")
        }
        // Every option is checked before the output directory is created.
        do {
            try ValidationReport.check(options)
        } catch let ValidationReportError.invalidOption(name, expected, got) {
            let flag = ["bins": "--bins", "pairBins": "--pair-bins", "maxEvents": "--max-events"][name] ?? name
            throw ValidationError("\(flag): expected \(expected), got \(got)")
        }
        let device = try deviceOption.open()
        let validation = try ValidationReport.make(model: trained, events: events, options: options, device: device) { report.line($0) }
        let html = try ValidationReportHTML.render(validation, sources: [
            SummaryRow(name: "Model", value: model), SummaryRow(name: "Data", value: data.joined(separator: ", ")),
            SummaryRow(name: "Device", value: deviceOption.device), SummaryRow(name: "Seed", value: "\(seed)"),
        ])
        let path = output + "/report.html"
        try writeFilesAtomically([("report.html", Array(html.utf8))], into: output)
        report.line("wrote \(path) (\(html.utf8.count / 1024) KiB) in \(fixed(start.seconds, 1)) s")
    }
}
