import ArgumentParser
import FoundationEssentials
import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// `gmm-gpu infer`: a maximum-likelihood fit of a trained model's θ to data, with MINOS
/// intervals, an optional 1-D or 2-D profile scan, its confidence regions and a plot.
struct InferCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Fit θ to data with a trained model: MLE, Hesse errors, MINOS intervals, and an optional 1-D/2-D profile scan with Wilks regions and a plot.",
        discussion: """
            Writes OUT_DIR/result.json (MLE, errors, covariance, status, MINOS intervals per confidence level) and, with --scan,
            scan.npy (−2Δln L, [ny, nx] or [n]) with scan.json (axes, best fit), contours.json (the regions' boundaries or the
            intervals) and scan.svg. θ is fitted inside the range of the model's training θ.
            """)

    @Argument(help: "Model directory written by `gmm-gpu train`.")
    var model: String

    @Option(help: ArgumentHelp("Event file to fit: the model's observables.", discussion: observedEventsDiscussion, valueName: "file"))
    var data: String

    @Option(help: "Event weights, [N] (.npy/.csv); replaces a weight column of the data file.")
    var weights: String?

    @Option(name: .customLong("fix"), help: "Hold a parameter fixed: NAME=VALUE (repeatable).")
    var fixes: [String] = []

    @Option(help: "Scan one or two parameters, comma-separated (e.g. cx,cy).")
    var scan: String?

    @Option(help: "Scan points: N for a 1-D scan, NXxNY for a 2-D one (e.g. 50x50).")
    var points: String = "41x41"

    @Option(parsing: .unconditional, help: "Scan half-width in Hesse errors around the MLE (clipped to the fit range).")
    var scanWidth: Double = 4

    @Option(help: "Confidence levels, comma-separated: probabilities in (0, 1) or numbers of standard deviations (1sigma = 0.6827: −2Δln L thresholds 1.00 in 1-D, 2.30 in 2-D).")
    var confidence: String = "1sigma,0.95"

    @Option(name: .customLong("constrain"), help: "Gaussian constraint on a parameter known from elsewhere: NAME=MEAN,SIGMA (repeatable), e.g. a nuisance parameter.")
    var constraints: [String] = []

    @Flag(help: ArgumentHelp(
        "Extended likelihood (the paper's Eq. 11): add a Poisson term for the number of events.",
        discussion: "The expected number is norm × L × σ_fid(θ), with σ_fid(θ) the rate model that `train` writes as MODEL_DIR/rate.json (in the units of the training weights) and L the --luminosity; norm is a normalisation fitted with θ (profiled in closed form in scans), free or constrained by --norm-uncertainty. The observed number is the event count, or the total weight with --weights."))
    var extended = false

    @Option(parsing: .unconditional, help: "With --extended: the luminosity L, so that norm × L × σ_fid(θ) is the expected number of events.")
    var luminosity: Double?

    @Option(parsing: .unconditional, help: "With --extended: the relative uncertainty of the normalisation (e.g. 0.02 for a 2% luminosity uncertainty), a Gaussian constraint on norm around 1; without it norm is free.")
    var normUncertainty: Double?

    @Option(help: "With --extended: the rate model file (default: MODEL_DIR/rate.json).")
    var rate: String?

    @Option(help: "Likelihood space: latent (the paper's choice) or data (Jacobian included; same fit, other NLL offset).")
    var space: String = "latent"

    @Option(help: "Output directory.")
    var output: String

    @OptionGroup var deviceOption: DeviceOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func execute() throws {
        let report = Reporter(quiet: quiet)
        let ensemble = try DensityEnsemble.load(from: model)
        let trained = ensemble.members[0]
        if extended, ensemble.count > 1 {
            throw ValidationError("--extended: \(model) is an ensemble of \(ensemble.count) members; the extended likelihood reads one model and its rate.json: give one member (\(model)/members/0 …)")
        }
        let names = trained.config.parameters.names
        var settings = try Self.fitParameters(trained, path: model)
        guard let likelihoodSpace = LikelihoodSpace(rawValue: space) else {
            throw ValidationError("--space: expected 'latent' or 'data', got '\(space)'")
        }
        let levels = try Self.confidenceLevels(confidence)
        guard scanWidth.isFinite, scanWidth > 0 else { throw ValidationError("--scan-width: expected a number > 0, got \(scanWidth)") }
        let extension_ = try extendedSettings()
        let observed = try ObservedEvents(data: data, weights: weights, model: trained)
        let (x, eventWeights) = (observed.x, observed.weights)
        if observed.weightColumnUsed { report.line("weights: the weight column of \(data)") }
        if let extension_ {
            guard !names.contains(extension_.normalisation.name) else {
                throw ValidationError("--extended: the model has a parameter named '\(extension_.normalisation.name)', the name of the fitted normalisation; rename that parameter in the config")
            }
            settings.append(extension_.normalisation)
        }
        let fitNames = settings.map(\.name)
        for text in constraints {
            let assignment = Self.assignment(text)
            let numbers = assignment?.value.split(separator: ",").map { Double($0.trimmingCharacters(in: " ")) } ?? []
            guard let name = assignment?.name, numbers.count == 2, let mean = numbers[0], let width = numbers[1], mean.isFinite, width.isFinite, width > 0 else {
                throw ValidationError("--constrain: expected NAME=MEAN,SIGMA with finite numbers and SIGMA > 0 (e.g. tune=0.5,0.1), got '\(text)'")
            }
            guard let j = fitNames.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: fitNames) }
            settings[j].constraint = GaussianConstraint(mean: mean, width: width)
        }
        try Self.apply(fixes: fixes, to: &settings)
        let scanNames = try scan.map { text -> [String] in
            let list = text.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }
            guard (1...2).contains(list.count), Set(list).count == list.count else {
                throw ValidationError("--scan: expected one or two different parameter names (e.g. cx,cy), got '\(text)'")
            }
            for name in list {
                guard let j = fitNames.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: fitNames) }
                guard settings[j].isFree else { throw ValidationError("--scan \(name): '\(name)' is fixed by --fix; scan free parameters only") }
            }
            return list
        } ?? []
        let gridSizes = try scanNames.isEmpty ? [] : parsePoints(points, dimensions: scanNames.count)

        var extendedTerm: ParameterInference.ExtendedTerm?
        var ratePath: String?
        if let extension_ {
            let path = rate ?? "\(model)/\(RateModel.fileName)"
            guard rate != nil || access(path, F_OK) == 0 else {
                throw ValidationError("--extended: the model has no rate model (\(path)); retrain it with `gmm-gpu train` (which writes rate.json where its θ points determine one) or give --rate FILE")
            }
            let rateModel = try rate.map { try RateModel.load(from: $0) } ?? RateModel.load(modelDirectory: model)
            extendedTerm = .init(rate: rateModel, luminosity: extension_.luminosity, normalisationName: extension_.normalisation.name)
            ratePath = path
        }
        let inference = ParameterInference(parameters: settings, confidenceLevels: levels, space: likelihoodSpace, extended: extendedTerm,
                                           scan: scanNames.isEmpty ? nil : .init(parameters: scanNames, points: gridSizes, width: scanWidth))
        let device = try deviceOption.open()
        let outcome = try inference.run(ensemble, data: x, weights: eventWeights, device: device) { event in
            switch event {
            case let .fitting(events):
                report.line("fitting \(fitNames.joined(separator: ", ")) to \(events) events (\(likelihoodSpace.rawValue) space\(extension_ == nil ? "" : ", extended")"
                    + ", device \(device.name))")
            case let .found(result, seconds):
                report.line("MLE found: \(result.status.rawValue), \(result.evaluations) evaluations, \(fixed(seconds, 1)) s"
                    + (result.free.contains(true) ? "; MINOS intervals next" : ""))
            case let .interval(interval, level, seconds):
                report.line("  MINOS \(interval.parameter) \(formatPercent(level)): [\(fixed(interval.lower, 4)), \(fixed(interval.upper, 4))]"
                    + "\(interval.valid ? "" : " (not valid)") — \(fixed(seconds, 1)) s")
            case .scanning:
                report.line("scanning \(scanNames.joined(separator: " × ")) on \(gridSizes.map(String.init).joined(separator: "×")) points")
            case let .scanned(done, total, seconds):
                report.line("  scanned \(done)/\(total) points — \(fixed(seconds, 1)) s")
            }
        }
        let result = outcome.fit
        if let term = outcome.modelTerm {
            report.line("ensemble of \(term.members) members\(term.bootstrap ? " (bootstrap)" : ""): model term "
                + fitNames.indices.filter { result.free[$0] }.map { "\(fitNames[$0]) ± \(fixed(term.uncertainty.errors[$0], 4))" }.joined(separator: ", "))
        }
        if let extended = outcome.extended {
            report.line("expected events at the MLE \(fixed(extended.expectedEventsAtMLE, 1)), observed \(fixed(extended.observedEvents, 1))")
        }
        if let corrected = outcome.weightedErrors {
            printWarnings(["weighted events (effective number \(fixed(corrected.effectiveEvents, 1)) of \(outcome.events)): "
                           + "the errors corrected for the weights are 'weighted_errors' in result.json (shown as 'weights: ±'); the Hesse errors, "
                           + "MINOS intervals and scan regions treat the weighted NLL as an unweighted one"])
        }
        for (j, name) in fitNames.enumerated() {
            let minos = outcome.quotedIntervals.first?.first { $0.parameter == name }
            report.line("  \(name) = \(fixed(result.values[j], 4)) ± \(fixed(result.errors[j], 4))"
                + (outcome.weightedErrors.map { result.free[j] ? " (weights: ± \(fixed($0.errors[j], 4)))" : "" } ?? "")
                + (outcome.modelTerm.map { result.free[j] ? " (model: ± \(fixed($0.uncertainty.errors[j], 4)))" : "" } ?? "")
                + (minos.map { "  MINOS\(outcome.modelTerm == nil ? "" : " with the model term") \(formatPercent(levels[0])): [\(fixed($0.lower, 4)), \(fixed($0.upper, 4))]" } ?? (result.free[j] ? "" : "  (fixed)")))
        }
        report.line("status \(result.status.rawValue), −ln L = \(fixed(result.minimumNLL, 4)), \(result.evaluations) evaluations")
        if let truth = observed.simulatedTheta {
            report.line("simulated at θ = (\(truth.map { fixed($0, 4) }.joined(separator: ", "))), as --data declares: pulls (MLE − θ) / σ "
                + zip(fitNames, truth).enumerated().filter { result.free[$0.offset] && result.errors[$0.offset] > 0 }
                    .map { "\($0.element.0) \(fixed((result.values[$0.offset] - $0.element.1) / result.errors[$0.offset], 2))" }.joined(separator: ", "))
        }

        // Everything is computed before anything is written.
        var files: [(String, [UInt8])] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let record = InferResult(outcome: outcome, model: model, data: data,
                                 weights: weights ?? (observed.weightColumnUsed ? "\(data) (column weight)" : nil), space: likelihoodSpace,
                                 extended: extension_.map { (ratePath ?? "", $0.luminosity, normUncertainty) }, simulatedTheta: observed.simulatedTheta)
        files.append(("result.json", Array(try encoder.encode(record))))
        if let scan = outcome.scan {
            let (values, axes, regions) = try scan.records()
            files.append(("scan.npy", values.encoded()))
            files.append(("scan.json", Array(try encoder.encode(axes))))
            files.append(("contours.json", Array(try encoder.encode(regions))))
            files.append(("scan.svg", Array(try scan.figure(confidenceLevels: levels).svg.utf8)))
        }
        try writeFilesAtomically(files.map { (name: $0.0, bytes: $0.1) }, into: output)
        report.line("wrote \(files.map(\.0).joined(separator: ", ")) to \(output)")
    }

    /// The luminosity and the normalisation parameter of `--extended` (nil without it), checked.
    func extendedSettings() throws -> (luminosity: Double, normalisation: FitParameter)? {
        guard extended else {
            for (given, option) in [(luminosity != nil, "--luminosity"), (normUncertainty != nil, "--norm-uncertainty"), (rate != nil, "--rate")] where given {
                throw ValidationError("\(option) needs --extended (the extended likelihood with a Poisson term for the number of events)")
            }
            return nil
        }
        guard let luminosity else {
            throw ValidationError("--extended needs --luminosity L (expected events = norm × L × σ_fid(θ), σ_fid in the units of the training weights)")
        }
        guard luminosity.isFinite, luminosity > 0 else { throw ValidationError("--luminosity: expected a finite number > 0, got \(luminosity)") }
        if let normUncertainty, !(normUncertainty.isFinite && normUncertainty > 0) {
            throw ValidationError("--norm-uncertainty: expected a finite relative uncertainty > 0 (e.g. 0.02), got \(normUncertainty)")
        }
        // Bounded just above 0, where ν = 0 would make the Poisson term infinite.
        let norm = FitParameter(name: "norm", lower: 1e-9, upper: .infinity, start: 1,
                                constraint: normUncertainty.map { GaussianConstraint(mean: 1, width: $0) })
        return (luminosity, norm)
    }

    /// "NAME=VALUE" → (NAME, VALUE), each trimmed of spaces; nil without "=".
    static func assignment(_ text: String) -> (name: String, value: String)? {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// The model's parameters, each free inside the θ range the model was trained on (where
    /// `infer` fits): ``ParameterInference/parameters(of:)``.
    /// - Throws: a `ValidationError` for a model without parameters (`path` names it).
    static func fitParameters(_ model: DensityModel, path: String) throws -> [FitParameter] {
        guard !model.config.parameters.names.isEmpty else { throw ValidationError("the model at \(path) has no parameters θ to fit") }
        return try ParameterInference.parameters(of: model)
    }

    /// `--fix NAME=VALUE` options applied to the fit's `settings` (each value inside its bounds).
    static func apply(fixes: [String], to settings: inout [FitParameter]) throws {
        let names = settings.map(\.name)
        for fix in fixes {
            guard let (name, text) = assignment(fix), let value = Double(text), value.isFinite else {
                throw ValidationError("--fix: expected NAME=VALUE with a finite number (e.g. cx=0.5), got '\(fix)'")
            }
            guard let j = names.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: names) }
            guard value >= settings[j].lower, value <= settings[j].upper else {
                throw ValidationError("--fix \(name)=\(value): outside the model's training range [\(settings[j].lower), \(settings[j].upper)] for '\(name)'; fix it inside")
            }
            settings[j].fixedValue = value
        }
    }

    /// `--confidence 1sigma,0.95` → [0.6827, 0.95].
    static func confidenceLevels(_ text: String) throws -> [Double] {
        let levels = try text.split(separator: ",").map { try Wilks.confidenceLevel(parsing: String($0), name: "--confidence") }
        guard !levels.isEmpty else { throw ValidationError("--confidence: expected levels such as 1sigma,0.95, got '\(text)'") }
        return levels
    }

    /// "50x50" → [50, 50] (or "50" → [50] for one dimension), each at least 3.
    func parsePoints(_ text: String, dimensions: Int) throws -> [Int] {
        let parts = text.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: " ")) }
        var sizes = parts.compactMap { $0 }
        if sizes.count == 1, parts.count == 1, dimensions == 2 { sizes = [sizes[0], sizes[0]] }
        guard parts.allSatisfy({ $0 != nil }), sizes.count == dimensions, sizes.allSatisfy({ $0 >= 3 && $0 <= 1000 }) else {
            throw ValidationError("--points: expected \(dimensions == 2 ? "NXxNY (e.g. 50x50)" : "N (e.g. 50)") with 3 to 1000 points per axis for the \(dimensions)-D scan, got '\(text)'")
        }
        return sizes
    }
}
