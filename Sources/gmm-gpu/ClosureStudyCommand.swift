import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu study closure`: closure of a model's intervals on held-out simulated events.
struct ClosureStudyCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "closure",
        abstract: "Closure on held-out simulation: fit disjoint subsets of events simulated at θ values the model did not train on; coverage, bias, MLE scatter against the reported errors — beside a binned template fit and the θ-permuted null test.",
        discussion: """
            Run it (and its --null test) before trusting an interval: pseudo-data drawn from the model (`study calibration`) cannot \
            show a model that is self-consistent but wrong; simulated events can. Each --data file (FILE[#DATASET][@NAME=VALUE,...]) \
            holds events at one true θ, or several (one sample per θ point); the observables' intervals select them as `train` does. \
            Every subset is fitted as `infer` fits it (start grid, minimiser, Hesse, MINOS at the first --confidence level) and the \
            profile −2Δln L at the true value decides whether each level's interval covers it. --binned NAME fits the same subsets \
            with per-bin polynomial templates of observable NAME built from --training-data; --null trains a model of the same \
            description on the --training-data with θ permuted across events (no information about θ left: its intervals should \
            span the training range) and fits the subsets with it. Writes OUTPUT/closure.json (settings, every fit, the summaries) \
            and OUTPUT/summary.txt (the tables printed).
            """)

    @Argument(help: "Model (or ensemble) directory written by `gmm-gpu train`; an ensemble's intervals are measured with and without its model term.")
    var model: String

    @Option(help: ArgumentHelp("Held-out events, repeatable: FILE[#DATASET][@NAME=VALUE,...].", valueName: "source"))
    var data: [String] = []

    @Option(help: "Events per subset.")
    var events = 500

    @Option(help: "At most this many subsets per held-out sample (default: every whole subset).")
    var maxSubsets: Int?

    @Option(help: "Confidence levels: probabilities or Nsigma, comma-separated (MINOS widths at the first).")
    var confidence = "1sigma,0.95"

    @Option(help: "Seed of the shuffle before the events are cut into subsets.")
    var seed: UInt64 = 1

    @Option(name: .customLong("fix"), help: "Hold a parameter fixed in every fit: NAME=VALUE (repeatable).")
    var fixes: [String] = []

    @Flag(help: "Skip MINOS (faster; coverage is still measured, interval widths are not).")
    var noMinos = false

    @Option(help: "Also fit a binned template fit of this observable (needs --training-data).")
    var binned: String?

    @Option(help: "Bins of the --binned templates (quantiles of the training events).")
    var bins = 20

    @Option(help: "Degree of each bin's polynomial in θ for --binned.")
    var binnedDegree = 2

    @Option(help: ArgumentHelp("The model's training events, repeatable, for --binned and --null: FILE[#DATASET][@NAME=VALUE,...].", valueName: "source"))
    var trainingData: [String] = []

    @Flag(help: "The null test: train a model on --training-data with θ permuted across events, and fit the subsets with it too.")
    var null = false

    @Option(help: "A null-test model trained before (OUTPUT/null-model of an earlier run) instead of training one.")
    var nullModel: String?

    @Option(help: "With --null: stop its training after this many seconds (keeping the best state).")
    var nullTimeLimit: Double?

    @Option(help: "Output directory: closure.json, summary.txt (and null-model/ with --null).")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        guard !data.isEmpty else { throw ValidationError("--data: give at least one file of held-out events (FILE[#DATASET][@NAME=VALUE,...])") }
        guard events >= 1 else { throw ValidationError("--events: expected at least 1, got \(events)") }
        if let maxSubsets, maxSubsets < 1 { throw ValidationError("--max-subsets: expected at least 1, got \(maxSubsets)") }
        guard bins >= 2 else { throw ValidationError("--bins: expected at least 2, got \(bins)") }
        guard binnedDegree >= 0 else { throw ValidationError("--binned-degree: expected at least 0, got \(binnedDegree)") }
        if (binned != nil || (null && nullModel == nil)) && trainingData.isEmpty {
            throw ValidationError("\(binned != nil ? "--binned" : "--null") needs the model's training events: give --training-data FILE (repeatable)")
        }
        if nullModel != nil && !null { throw ValidationError("--null-model needs --null") }
        if let nullTimeLimit, !(nullTimeLimit > 0) { throw ValidationError("--null-time-limit: expected a number of seconds > 0, got \(nullTimeLimit)") }
        let levels = try InferCommand.confidenceLevels(confidence)
        let ensemble = try DensityEnsemble.load(from: model)
        let config = ensemble.config
        var settings = try InferCommand.fitParameters(ensemble.members[0], path: model)
        try InferCommand.apply(fixes: fixes, to: &settings)
        guard settings.contains(where: \.isFree) else { throw ValidationError("--fix: every parameter is fixed; leave at least one free to fit") }
        let report = Reporter(quiet: quiet)
        var samples: [ClosureStudy.Sample] = []
        for text in data {
            let loaded = try EventInput(sources: [try EventSource(parsing: text)], applySelection: true).read(for: config)
            let found = try ClosureWorkflow.samples(from: loaded.events, label: text, parameterNames: config.parameters.names)
            for sample in found {
                report.line("held-out \(sample.label): \(sample.count) events after the selection (\(fixed(100 * loaded.selection.efficiency, 1))%) at θ = (\(sample.trueTheta.map { fixed($0, 4) }.joined(separator: ", ")))")
            }
            samples += found
        }
        var nullTest: ClosureWorkflow.NullTest?
        if null { nullTest = try nullModel.map { .model(try DensityModel.load(from: $0)) } ?? .train(timeLimit: nullTimeLimit) }
        let workflow = ClosureWorkflow(settings: ClosureStudy.Settings(events: events, maxSubsets: maxSubsets, confidenceLevels: levels, seed: seed, minos: !noMinos),
                                       parameters: settings, binned: binned.map { .init(observable: $0, bins: bins, degree: binnedDegree) },
                                       null: nullTest)
        let device = try deviceOption.open()
        let training = trainingData.isEmpty ? nil
            : try EventInput(sources: try trainingData.map(EventSource.init(parsing:)), applySelection: true).read(for: config).events
        var progress: TenthsProgress?, elapsed = 0.0
        let outcome = try workflow.run(ensemble, samples: samples, training: training, device: device) { step in
            switch step {
            case let .binnedTemplates(observable, bins, degree, events):
                report.line("binned templates of \(observable): \(bins) bins, a degree-\(degree) polynomial in θ per bin, from \(events) training events")
            case let .nullTraining(events):
                report.line("null test: training a model of the same description on the \(events) training events with θ permuted across events")
            case let .nullEpoch(p, seconds):
                report.line("  null epoch \(p.epoch.epoch)  train \(fixed(p.epoch.trainingLoss, 5))  validation \(fixed(p.epoch.validationLoss, 5))  \(fixed(seconds, 0)) s\(p.isBest ? "  *" : "")")
            case let .fitting(total, methods):
                report.line("fitting \(total) subsets of \(events) events with \(methods.joined(separator: ", "))")
                progress = TenthsProgress(total: total) { report.line("  \($0)/\(total) subsets — \(Int(elapsed)) s") }
            case let .fitted(done, _, seconds):
                elapsed = seconds
                progress?.update(done)
            }
        }
        let result = outcome.result
        let lines = Self.table(result)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let nullDirectory = outcome.trainedNullModel == nil ? nil : "\(output)/null-model"
        let file = ClosureFile(model: model, data: data, trainingData: trainingData, binned: workflow.binned, nullModel: nullModel ?? nullDirectory, result: result)
        // The null model first: its training is the study's longest step, kept even if the
        // closure files cannot be written.
        if let trained = outcome.trainedNullModel, let nullDirectory { _ = try trained.save(to: nullDirectory) }
        try writeFilesAtomically([("closure.json", Array(try encoder.encode(file))), ("summary.txt", Array((lines.joined(separator: "\n") + "\n").utf8))],
                                 into: output)
        for line in lines { report.line(line) }
        report.line("wrote closure.json and summary.txt\(nullDirectory == nil ? "" : " and null-model/") to \(output) (\(Int(outcome.fitSeconds)) s of fits)")
    }

    /// The tables: per method, sample and free parameter, the coverage at each level, the
    /// bias, the scatter against the reported errors; the width ratios to the model.
    static func table(_ r: ClosureResult) -> [String] {
        let levels = r.settings.confidenceLevels
        let levelNames = levels.map(formatPercent).joined(separator: "/")
        var lines = ["closure: \(r.settings.events) events per subset; coverage of the profile-likelihood intervals at \(levelNames) (nominal \(levels.map { fixed($0, 3) }.joined(separator: "/")))"]
        lines.append("method".padded(16) + "sample".padded(34) + "param".padded(9) + "fits".padded(6, left: true) + "  coverage ± binomial".padded(30)
            + "bias".padded(11, left: true) + "scatter".padded(10, left: true) + "Hesse".padded(10, left: true) + "MINOS ½w".padded(10, left: true)
            + "scat/err".padded(9, left: true) + "pull σ".padded(8, left: true) + "w/range".padded(8, left: true) + "≥80%".padded(6, left: true))
        for method in r.methods {
            for (s, summary) in method.samples.enumerated() {
                for (j, name) in r.parameterNames.enumerated() {
                    guard let p = summary.parameters[j] else { continue }
                    let coverage = zip(p.coverage, p.coverageErrors).map { "\(fixed($0, 3))±\(fixed($1, 3))" }.joined(separator: " ")
                    let label = r.samples[s].label
                    lines.append(method.name.padded(16) + String(label.suffix(33)).padded(34) + name.padded(9) + "\(summary.fitCount)".padded(6, left: true) + "  " + coverage.padded(28)
                        + fixed(p.bias, 5).padded(11, left: true) + fixed(p.scatter, 5).padded(10, left: true) + fixed(p.meanError, 5).padded(10, left: true)
                        + (p.meanHalfWidth.map { fixed($0, 5) } ?? "—").padded(10, left: true) + (p.scatterOverError.map { fixed($0, 2) } ?? "—").padded(9, left: true)
                        + fixed(p.pullWidth, 2).padded(8, left: true) + (p.meanWidthFraction.map { fixed($0, 3) } ?? "—").padded(8, left: true)
                        + (p.wideIntervalFraction.map { fixed($0, 2) } ?? "—").padded(6, left: true))
                }
                for (j, name) in r.parameterNames.enumerated() {
                    guard let p = summary.parameters[j], let widened = p.coverageWithModelTerm else { continue }
                    lines.append("".padded(16) + "\(name) with the model term (mean ± \(fixed(p.meanModelError ?? 0, 5))): coverage "
                        + widened.map { fixed($0, 3) }.joined(separator: "/") + ", scatter / √(σ² + σ_model²) \((p.scatterOverTotalError).map { fixed($0, 2) } ?? "—")")
                }
                lines.append("".padded(16) + "joint region of the free parameters: coverage \(summary.regionCoverage.map { fixed($0, 3) }.joined(separator: "/"))"
                    + "; \(summary.unconvergedFits) fits not converged, \(summary.failedFits) failed")
            }
        }
        for m in r.methods.indices.dropFirst() {
            for s in r.samples.indices {
                let ratios = r.parameterNames.indices.compactMap { j in r.widthRatio(method: m, parameter: j, sample: s).map { "\(r.parameterNames[j]) \(fixed($0, 3))" } }
                if !ratios.isEmpty { lines.append("interval width, model / \(r.methods[m].name), \(r.samples[s].label): " + ratios.joined(separator: ", ")) }
            }
        }
        return lines
    }
}
