import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu bench inference`: the speed of a full MLE with Hesse errors and of a 2-D profile scan.
struct InferenceBenchCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Time an MLE with Hesse errors and a 2-D profile scan (normalisation profiled) on a toy pseudo-dataset with a Table-5 toy model.")

    @OptionGroup var toyModel: BenchModelOptions

    @Option(help: "Events in the pseudo-dataset.")
    var events: Int = 400

    @Option(help: "Scan points per axis (the scan is points × points over [-1.5, 1.5]²).")
    var scanPoints: Int = 50

    @Option(help: "True θ of the pseudo-dataset, as cx,cy.")
    var truth: String = "0.8,-0.8"

    @Option(help: "Repeat the timed fit and scan this many times (the best time is reported with every run's).")
    var repeats: Int = 3

    @Option(help: "Write result.json here.")
    var output: String?

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print only the timings.")
    var quiet = false

    func execute() throws {
        let theta = try parseNumberList(truth, option: "--truth")
        guard theta.count == 2 else { throw ValidationError("--truth: expected two numbers cx,cy, got \(theta.count)") }
        guard events > 0, scanPoints >= 2, repeats >= 1 else { throw ValidationError("--events, --scan-points (≥ 2) and --repeats must be positive") }
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        let trained = try toyModel.loadOrTrain(device: device, report: report)
        let perPoint = toyModel.eventsPerPoint
        // The toy's rate is flat in θ (the paper: the same expected number of events at every θ):
        // the total weight at each training point is the events per point.
        let grid = ToyModel.trainingGrid.map { [$0.cx, $0.cy] }
        let rate = try RateModel.fit(points: grid, totals: grid.map { _ in Double(perPoint) }, degree: 2, parameterNames: trained.config.parameters.names)
        let bench = InferenceBenchmark(model: trained, rate: rate, device: device)
        var results: [InferenceBenchmark.Result] = []
        for run in 1...repeats {
            let result = try bench.run(events: events, truth: theta, scanPoints: scanPoints)
            results.append(result)
            report.line("run \(run): fit \(fixed(result.fitSeconds, 3)) s, scan \(fixed(result.scanSeconds, 3)) s")
        }
        guard let best = results.min(by: { $0.fitSeconds < $1.fitSeconds }), let last = results.last else { return }
        let bestScan = results.map(\.scanSeconds).min() ?? last.scanSeconds
        print("device \(device.name): \(device.summary)")
        print("pseudo-dataset: \(events) toy events at (\(theta[0]), \(theta[1])); latent-space model likelihood, extended, norm ~ N(1, 0.05)")
        print("likelihood setup            \(fixed(last.setupSeconds * 1000, 1)) ms")
        print("one NLL value               \(fixed(last.valueSeconds * 1000, 2)) ms")
        print("one NLL value + θ-gradient  \(fixed(last.gradientSeconds * 1000, 2)) ms")
        let f = best.fit
        print("MLE + Hesse                 \(fixed(best.fitSeconds, 3)) s (best of \(repeats): \(results.map { fixed($0.fitSeconds, 3) }.joined(separator: ", "))); "
              + "\(f.evaluations) evaluations, \(f.iterations) iterations, status \(f.status.rawValue)")
        for (k, name) in f.parameterNames.enumerated() { print("  \(name.padded(6)) \(fixed(f.values[k], 4)) ± \(fixed(f.errors[k], 4))") }
        print("\(scanPoints)×\(scanPoints) profile scan      \(fixed(bestScan, 3)) s (best of \(repeats): \(results.map { fixed($0.scanSeconds, 3) }.joined(separator: ", "))); "
              + "\(fixed(Double(scanPoints * scanPoints * events) / bestScan / 1000, 1))k (θ, event) rows/s")
        print("68% / 95% regions cover \(fixed(100 * last.regionAreaFractions[0], 1))% / \(fixed(100 * last.regionAreaFractions[1], 1))% of [-1.5, 1.5]²")
        if let output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeFileAtomically(try encoder.encode(results), to: "\(output)/result.json")
        }
    }
}
