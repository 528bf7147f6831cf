import ArgumentParser
import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu train`: fits a model to events and writes the model directory.
struct TrainCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a density model p(x|θ) on events and write the model directory.")

    @Option(help: "Model description (.yaml or .json).")
    var config: String

    @Option(help: ArgumentHelp(
        "Event file, repeatable: FILE[#DATASET][@NAME=VALUE,...] (.npy, .npz, .csv, .h5/.hdf5); default: the config's data section.",
        discussion: "Columns are matched by name (CSV header, .npz member, HDF5 dataset or compound field); a bare [N, D] array holds the observables in config order, then θ, then optionally the weight. #DATASET picks an HDF5 dataset or group or an .npz member; @cx=0.2,cy=-0.5 fixes θ for every event of the file. Events outside an observable's interval are rejected (the selection). Files given here replace the config's data section.",
        valueName: "source"))
    var data: [String] = []

    @Option(help: "θ per event, [N, p] (.npy/.csv), for a single --data file without θ columns.")
    var theta: String?

    @Option(help: "Event weights, [N] (.npy/.csv), for a single --data file; otherwise a column named by --weight-column.")
    var weights: String?

    @Option(help: "Name of the weight column in the data files (used when present).")
    var weightColumn: String = "weight"

    @Option(help: "Output model directory.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Random seed (overrides training.seed of the config).")
    var seed: UInt64?

    @Option(help: "Stop after this many epochs (overrides training.max_epochs).")
    var maxEpochs: Int?

    @Option(help: "Stop after this many seconds of training, keeping the best state.")
    var timeLimit: Double?

    @Option(help: ArgumentHelp(
        "Degree of the rate model σ_fid(θ) written as rate.json (for `infer --extended`); default 2 where the θ points determine it.",
        discussion: "A polynomial in θ fitted by least squares to the total weight of the selected events at each θ point (quadratic is exact for dimension-6 couplings). Without this option a rate model that cannot be fitted (too few θ points, θ varying event by event) is skipped with a note; with it, that is an error."))
    var rateDegree: Int?

    @Option(help: ArgumentHelp(
        "Train an ensemble of this many models (seeds seed, seed+1, …) into the output directory.",
        discussion: "The ensemble's density is the mean of its members' densities; the spread of the members is the model's own uncertainty, which `infer` reports as a model term and adds to its intervals. The directory then holds ensemble.json and one model directory per member (members/0, …); member 0 is the model a plain `train` gives."))
    var ensemble: Int?

    @Flag(help: "With --ensemble: train members 1, 2, … on bootstrap resamples of the events (each θ point's events drawn with replacement), so that their spread includes the training sample's statistical uncertainty.")
    var bootstrap = false

    @Flag(help: "Continue an interrupted run from the checkpoint in the output directory.")
    var resume = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        var modelConfig = try ModelConfig.load(path: config)
        if let seed { modelConfig.training.seed = seed }
        if let maxEpochs {
            guard maxEpochs >= 1 else { throw ValidationError("--max-epochs must be at least 1, got \(maxEpochs)") }
            modelConfig.training.maxEpochs = maxEpochs
        }
        if let ensemble, ensemble < 1 { throw ValidationError("--ensemble: expected at least 1 member, got \(ensemble)") }
        if bootstrap && ensemble == nil { throw ValidationError("--bootstrap needs --ensemble K (the members to train on resamples)") }
        let folder = config.contains("/") ? String(config[..<(config.lastIndex(of: "/") ?? config.endIndex)]) : ""
        let sources = data.isEmpty ? modelConfig.data.map { $0.source(relativeTo: folder) } : try data.map(EventSource.init(parsing:))
        guard !sources.isEmpty else {
            throw ValidationError("no event files: give --data FILE (repeatable) or list them in the config's data section")
        }
        let input = EventInput(sources: sources, thetaFile: theta, weightsFile: weights,
                               weightColumn: weightColumn, applySelection: true)
        let loaded = try input.read(for: modelConfig)
        let events = loaded.events
        let device = try deviceOption.open()
        let report = Reporter(quiet: quiet)
        for line in selectionLines(loaded.selection) { report.line(line) }
        let rate = try fitRate(events, names: modelConfig.parameters.names, report: report)
        report.line("training on \(events.count) events, \(modelConfig.observables.count) observables, \(modelConfig.parameters.count) parameters — device \(device.name): \(device.summary)")
        printWarnings(DensityModel.weightWarnings(events))
        let model = try DensityModel(config: modelConfig).prepared(on: events)
        report.line("\(model.trainableParameterCount) trainable parameters, \(fixed(model.forwardFlopsPerEvent / 1e6, 3)) MFLOP per event forward")
        try lockOutputDirectory(output)
        if resume, !TrainingOptions.hasCheckpoint(in: output) {
            report.line("--resume: no checkpoint in \(output) to continue; starting fresh")
        }
        let options = TrainingOptions(checkpointDirectory: output, resume: resume, timeLimit: timeLimit)
        func line(_ progress: TrainingProgress, member: String) {
            let e = progress.epoch
            report.line("\(member)epoch \(e.epoch)/\(progress.maxEpochs)  train \(fixed(e.trainingLoss, 5))  validation \(fixed(e.validationLoss, 5))  lr \(e.learningRate)  \(fixed(e.seconds, 1)) s\(progress.isBest ? "  *" : "")")
        }
        if let ensemble {
            report.line("an ensemble of \(ensemble) members\(bootstrap ? ", members 1… on bootstrap resamples of each θ point's events" : "")")
            let trained = try DensityEnsemble.fit(events, config: modelConfig, count: ensemble, bootstrap: bootstrap, device: device, options: options) { k, progress in
                line(progress, member: "member \(k): ")
            }
            try trained.save(to: output)
            // A plain model or rate model of an earlier run in this directory is not this ensemble.
            for stale in [DensityModel.descriptionFileName, DensityModel.weightsFileName, RateModel.fileName] { unlink("\(output)/\(stale)") }
            if rate != nil { report.line("no rate model for an ensemble (infer --extended reads one model)") }
            report.line("stopped: " + trained.members.enumerated().map { "member \($0) \($1.history.stopReason), best epoch \($1.history.bestEpoch)" }.joined(separator: "; ")
                + "; ensemble written to \(output)")
            return
        }
        let trained = try model.fit(events, device: device, options: options) { line($0, member: "") }
        let weightsDigest = try trained.save(to: output)
        unlink("\(output)/\(DensityEnsemble.descriptionFileName)")  // an ensemble of an earlier run in this directory
        let ratePath = "\(output)/\(RateModel.fileName)"
        if let rate {
            // Bound to the model just written: a rate.json left by an earlier run (this run
            // stopped between the two writes) is refused by `infer --extended`.
            try rate.save(to: ratePath, modelWeightsSHA256: weightsDigest)
        } else {
            unlink(ratePath)  // a rate model of an earlier run in this directory does not describe these events
        }
        report.line("stopped: \(trained.history.stopReason); best epoch \(trained.history.bestEpoch); model written to \(output)")
    }

    /// The rate model of the selected events (nil, with a note, where none can be fitted and no
    /// degree was asked for).
    func fitRate(_ events: Events, names: [String], report: Reporter) throws -> RateModel? {
        guard !names.isEmpty else {
            if rateDegree != nil { throw ValidationError("--rate-degree: the config has no parameters θ, so there is no rate model σ_fid(θ) to fit") }
            return nil
        }
        do {
            let rate = try RateModel.fit(events: events, degree: rateDegree ?? 2, parameterNames: names)
            report.line("rate model σ_fid(θ): degree \(rate.degree) over \(rate.pointCount) θ points, largest relative residual \(fixed(rate.maxRelativeResidual, 4)) (rate.json)")
            return rate
        } catch let error as InferenceError where rateDegree == nil {
            report.line("no rate model (rate.json, for infer --extended): \(error)")
            return nil
        } catch let error as InferenceError {
            throw ValidationError("--rate-degree \(rateDegree ?? 2): \(error)")
        }
    }
}
