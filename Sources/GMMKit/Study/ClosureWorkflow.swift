/// Closure on held-out simulation as `gmm-gpu study closure` runs it: the model (or ensemble,
/// with its model term) fits disjoint subsets of held-out samples, beside an optional binned
/// template fit of one observable and an optional null model trained on θ-permuted events.
///
/// Configure it, then ``run(_:samples:training:device:progress:)`` returns a
/// ``ClosureOutcome``; nothing is printed or written (``ClosureFile`` is the `closure.json`
/// record of an outcome).
public struct ClosureWorkflow: Sendable {
    /// How the held-out events are cut and fitted.
    public var settings: ClosureStudy.Settings
    /// The fit's parameters in the model's order (bounds: the training range; fixed values).
    public var parameters: [FitParameter]
    /// The binned template fit compared with the model (nil: none).
    public var binned: BinnedComparison?
    /// The null test (nil: none).
    public var null: NullTest?

    /// A binned template fit of one observable, its templates built from the training events.
    public struct BinnedComparison: Sendable {
        /// The observable's name in the model's description.
        public var observable: String
        /// Quantile bins (≥ 2).
        public var bins: Int
        /// The degree of each bin's polynomial in θ (≥ 0).
        public var degree: Int

        /// A comparison; see the properties.
        public init(observable: String, bins: Int = 20, degree: Int = 2) {
            self.observable = observable
            self.bins = bins
            self.degree = degree
        }
    }

    /// Where the null test's model comes from.
    public enum NullTest: Sendable {
        /// Train a model of the same description on the training events with θ permuted
        /// across events (seeded by the study's seed), stopping after `timeLimit` seconds if set.
        case train(timeLimit: Double?)
        /// A null model trained before (the `null-model` of an earlier run).
        case model(DensityModel)
    }

    /// What the workflow reports while it runs (for progress lines).
    public enum Progress: Sendable {
        /// The binned templates were built: bins, degree and training events.
        case binnedTemplates(observable: String, bins: Int, degree: Int, events: Int)
        /// The null model's training starts on this many events.
        case nullTraining(events: Int)
        /// One epoch of the null model's training; seconds since it started.
        case nullEpoch(TrainingProgress, seconds: Double)
        /// The fits start: subsets in all, and the methods' names.
        case fitting(subsets: Int, methods: [String])
        /// Subsets done of the total; seconds since the fits started.
        case fitted(done: Int, total: Int, seconds: Double)
    }

    /// Whether ``null`` asks for a null model to be trained (on the training events).
    var trainsNullModel: Bool {
        if case .train = null { return true }
        return false
    }

    /// A workflow; see the properties.
    public init(settings: ClosureStudy.Settings = ClosureStudy.Settings(), parameters: [FitParameter],
                binned: BinnedComparison? = nil, null: NullTest? = nil) {
        self.settings = settings
        self.parameters = parameters
        self.binned = binned
        self.null = null
    }

    /// The held-out samples of `events` read from `label`, one per distinct θ point.
    ///
    /// - Throws: ``InferenceError`` when the events are weighted: closure fits unweighted
    ///   events, whose intervals are calibrated.
    public static func samples(from events: Events, label: String, parameterNames names: [String]) throws -> [ClosureStudy.Sample] {
        guard events.weights == nil else {
            throw InferenceError.invalidArgument(name: "held-out events \(label)", expected: "unweighted events (a weighted fit's MINOS intervals and Wilks regions are not calibrated)",
                                                 got: "weighted events")
        }
        return ClosureStudy.samples(from: events, label: label, parameterNames: names)
    }

    /// Runs the study: checks the samples, builds the binned templates and the null model,
    /// then fits every subset with every method.
    ///
    /// - Parameters:
    ///   - ensemble: the model; with more than one member its mean density is fitted and each
    ///     subset gets the model term from the members.
    ///   - samples: the held-out samples (``samples(from:label:parameterNames:)``).
    ///   - training: the model's training events, needed by ``binned`` and by a null model to train.
    ///   - device: where the likelihoods and the null model's training run.
    ///   - progress: called with each ``Progress`` step; nil for silence.
    /// - Throws: ``InferenceError`` for bad settings, a sample smaller than one subset, a true θ
    ///   outside the fit range, an unknown binned observable, missing training events, or a null
    ///   model of another description; training errors of the null model.
    public func run(_ ensemble: DensityEnsemble, samples: [ClosureStudy.Sample], training: Events?, device: Device,
                    progress: ((Progress) -> Void)? = nil) throws -> ClosureOutcome {
        let config = ensemble.members[0].config
        let names = config.parameters.names
        let study = ClosureStudy(settings: settings, fit: MaximumLikelihoodFit(parameters: parameters))
        // Everything that can be refused is checked before the null model's long training.
        let binnedIndex = try binned.map { comparison -> Int in
            guard let i = config.observables.firstIndex(where: { $0.name == comparison.observable }) else {
                throw InferenceError.invalidArgument(name: "binned observable", expected: "one of the model's observables (\(config.observables.map(\.name).joined(separator: ", ")))",
                                                     got: "no observable '\(comparison.observable)'")
            }
            return i
        }
        if let null, case .model(let model) = null,
           model.config.observables != config.observables || model.config.parameters.names != names {
            throw InferenceError.invalidArgument(name: "null model", expected: "a model of this model's description (the same observables and parameters)",
                                                 got: "its observables or parameters differ from the model's")
        }
        if binned != nil || trainsNullModel, training == nil {
            throw InferenceError.empty(field: binned != nil ? "training events for the binned templates" : "training events for the null model")
        }
        try study.validate(samples: samples)

        var methods = [ensemble.count == 1
            ? ClosureStudy.Method(name: "model") { [member = ensemble.members[0]] in try ModelLikelihood(model: member, data: $0, device: device, space: .latent) }
            : ClosureStudy.Method(name: "ensemble", likelihood: { try EnsembleLikelihood(ensemble: ensemble, data: $0, device: device, space: .latent) },
                                  members: { ($0 as? EnsembleLikelihood)?.members ?? [] })]
        if let binned, let binnedIndex, let training {
            let observable = config.observables[binnedIndex]
            let templates = try BinnedTemplates.fit(events: training, observable: binnedIndex, name: binned.observable, parameterNames: names,
                                                    bins: binned.bins, degree: binned.degree, integer: observable.kind == .integer)
            progress?(.binnedTemplates(observable: binned.observable, bins: templates.binCount, degree: binned.degree, events: training.count))
            let d = config.observables.count
            methods.append(ClosureStudy.Method(name: "binned \(binned.observable)") { x in
                try BinnedTemplateLikelihood(templates: templates, values: stride(from: binnedIndex, to: x.count, by: d).map { x[$0] })
            })
        }
        var nullModel: DensityModel?, trainedNull = false
        switch null {
        case nil:
            break
        case .model(let model):
            nullModel = model
        case .train(let timeLimit):
            guard let training else { break }
            let permuted = ClosureStudy.permutingTheta(training, seed: settings.seed)
            progress?(.nullTraining(events: training.count))
            let start = Stopwatch()
            nullModel = try DensityModel(config: config).fit(permuted, device: device, options: TrainingOptions(timeLimit: timeLimit)) { p in
                progress?(.nullEpoch(p, seconds: start.seconds))
            }
            trainedNull = true
        }
        if let nullModel {
            methods.append(ClosureStudy.Method(name: "null model") { try ModelLikelihood(model: nullModel, data: $0, device: device, space: .latent) })
        }
        let total = samples.reduce(0) { $0 + study.subsetCount(count: $1.count) }
        progress?(.fitting(subsets: total, methods: methods.map(\.name)))
        let start = Stopwatch()
        let result = try study.run(samples: samples, methods: methods) { done, total in
            progress?(.fitted(done: done, total: total, seconds: start.seconds))
        }
        return ClosureOutcome(result: result, trainedNullModel: trainedNull ? nullModel : nil, fitSeconds: start.seconds)
    }
}

/// What ``ClosureWorkflow/run(_:samples:training:device:progress:)`` returns.
public struct ClosureOutcome: Sendable {
    /// The study's figures and fits.
    public var result: ClosureResult
    /// The null model the workflow trained (nil when none was trained), for saving.
    public var trainedNullModel: DensityModel?
    /// The seconds the fits took.
    public var fitSeconds: Double
}
