/// A complete inference of θ from observed events, as `gmm-gpu infer` runs it: the MLE from a
/// grid start with Hesse errors, MINOS intervals at each confidence level, for an ensemble the
/// model term from its members, for weighted events the weight-corrected covariance, with the
/// extended likelihood's Poisson term when asked, and an optional 1-D or 2-D profile scan with
/// its Wilks regions.
///
/// Configure it, then ``run(_:data:weights:device:progress:)`` returns an ``InferenceOutcome``;
/// nothing is printed or written (``InferResult`` is the `result.json` record of an outcome).
public struct ParameterInference: Sendable {
    /// The fit's parameters in order: the model's θ (bounds, fixed values, constraints), then the
    /// extended likelihood's normalisation when ``extended`` is set.
    public var parameters: [FitParameter]
    /// The confidence levels of the MINOS intervals and scan regions, e.g. [0.6827, 0.95].
    public var confidenceLevels: [Double]
    /// The space the likelihood is evaluated in.
    public var space: LikelihoodSpace
    /// The extended likelihood's Poisson term (nil: the shape alone).
    public var extended: ExtendedTerm?
    /// The profile scan (nil: none).
    public var scan: ScanRequest?

    /// The Poisson term of the extended likelihood (Eq. 11): expected events norm × L × σ_fid(θ).
    public struct ExtendedTerm: Sendable {
        /// The rate model σ_fid(θ).
        public var rate: RateModel
        /// The integrated luminosity L, in the inverse units of the rate.
        public var luminosity: Double
        /// The name of the normalisation among ``ParameterInference/parameters`` (its last).
        public var normalisationName: String

        /// A Poisson term; see the type's documentation.
        public init(rate: RateModel, luminosity: Double, normalisationName: String) {
            self.rate = rate
            self.luminosity = luminosity
            self.normalisationName = normalisationName
        }
    }

    /// A profile scan around the MLE.
    public struct ScanRequest: Sendable {
        /// One or two free parameters, in axis order (x, then y).
        public var parameters: [String]
        /// Points per axis, [parameters.count], each ≥ 3.
        public var points: [Int]
        /// The half-width of each axis in Hesse errors around the MLE (clipped to the bounds).
        public var width: Double

        /// A scan; see the type's documentation.
        public init(parameters: [String], points: [Int], width: Double) {
            self.parameters = parameters
            self.points = points
            self.width = width
        }
    }

    /// What the inference reports while it runs (for progress lines).
    public enum Progress: Sendable {
        /// The fit starts: the number of events.
        case fitting(events: Int)
        /// The MLE was found.
        case found(FitResult, seconds: Double)
        /// One MINOS interval at a confidence level.
        case interval(ProfileInterval, confidenceLevel: Double, seconds: Double)
        /// The scan starts.
        case scanning
        /// Scan points done of the total.
        case scanned(done: Int, total: Int, seconds: Double)
    }

    /// An inference; see the type's documentation.
    public init(parameters: [FitParameter], confidenceLevels: [Double] = [Wilks.oneSigma], space: LikelihoodSpace = .latent,
                extended: ExtendedTerm? = nil, scan: ScanRequest? = nil) {
        self.parameters = parameters
        self.confidenceLevels = confidenceLevels
        self.space = space
        self.extended = extended
        self.scan = scan
    }

    /// The model's parameters, each free inside the θ range the model was trained on (where
    /// the fit runs).
    /// - Throws: ``InferenceError/invalidArgument(name:expected:got:)`` for a model without parameters.
    public static func parameters(of model: DensityModel) throws -> [FitParameter] {
        let names = model.config.parameters.names
        guard !names.isEmpty else {
            throw InferenceError.invalidArgument(name: "model", expected: "a model with parameters θ to fit", got: "a model without parameters")
        }
        return model.trainingThetaRanges.enumerated().map { j, range in FitParameter(name: names[j], lower: range.lowerBound, upper: range.upperBound) }
    }

    /// Fits `ensemble` (one model is an ensemble of one) to the events `x` [N, d] with optional
    /// `weights` [N] on `device`.
    ///
    /// - Throws: ``InferenceError`` for parameters that do not match the model, an extended
    ///   term for an ensemble of several members, a scan of an unknown or fixed parameter; what
    ///   the likelihoods and the fit throw for bad events.
    public func run(_ ensemble: DensityEnsemble, data x: [Double], weights: [Double]? = nil, device: Device,
                    progress: (Progress) -> Void = { _ in }) throws -> InferenceOutcome {
        // The fit's progress hooks are optional closures (escaping in type only): none outlives the call.
        try withoutActuallyEscaping(progress) { progress in
            try run(ensemble, x: x, weights: weights, device: device, progress: progress)
        }
    }

    private func run(_ ensemble: DensityEnsemble, x: [Double], weights: [Double]?, device: Device,
                     progress: @escaping (Progress) -> Void) throws -> InferenceOutcome {
        let model = ensemble.members[0]
        let names = parameters.map(\.name)
        let thetaNames = model.config.parameters.names
        let expectedNames = thetaNames + (extended.map { [$0.normalisationName] } ?? [])
        guard names == expectedNames else {
            throw InferenceError.invalidArgument(name: "parameters", expected: "\(expectedNames) (the model's θ\(extended == nil ? "" : ", then the normalisation"))", got: "\(names)")
        }
        if extended != nil, ensemble.count > 1 {
            throw InferenceError.invalidArgument(name: "extended", expected: "one model (the extended likelihood reads one model and its rate)", got: "an ensemble of \(ensemble.count) members")
        }
        if let scan {
            guard (1...2).contains(scan.parameters.count), Set(scan.parameters).count == scan.parameters.count,
                  scan.points.count == scan.parameters.count, scan.points.allSatisfy({ $0 >= 3 }), scan.width.isFinite, scan.width > 0 else {
                throw InferenceError.invalidArgument(name: "scan", expected: "one or two different parameters, ≥ 3 points per axis and a width > 0",
                                                     got: "\(scan.parameters), \(scan.points) points, width \(scan.width)")
            }
            for name in scan.parameters {
                guard let j = names.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: names) }
                guard parameters[j].isFree else {
                    throw InferenceError.invalidArgument(name: "scan", expected: "free parameters", got: "'\(name)', which is fixed")
                }
            }
        }
        let eventCount = x.count / model.observableCount
        let shape: EventScoring
        let members: [ModelLikelihood]
        if ensemble.count > 1 {
            let combined = try EnsembleLikelihood(ensemble: ensemble, data: x, weights: weights, device: device, space: space)
            (shape, members) = (combined, combined.members)
        } else {
            (shape, members) = (try ModelLikelihood(model: model, data: x, weights: weights, device: device, space: space), [])
        }
        var nll: NegativeLogLikelihood = shape
        var observedEvents: Double?
        if let extended, let single = shape as? ModelLikelihood {
            let observed = weights.map { $0.reduce(0, +) } ?? Double(eventCount)
            nll = try ExtendedLikelihood(shape: single, rate: extended.rate, luminosity: extended.luminosity, observedEvents: observed,
                                         normalisationName: extended.normalisationName)
            observedEvents = observed
        }
        let fit = MaximumLikelihoodFit(parameters: parameters)
        progress(.fitting(events: eventCount))
        let start = Stopwatch()
        let result = try fit.fitFromGrid(nll)
        progress(.found(result, seconds: start.seconds))
        var intervals: [[ProfileInterval]] = []
        for level in confidenceLevels {
            intervals.append(result.free.contains(true) ? try fit.minos(nll, result: result, confidenceLevel: level) { interval in
                progress(.interval(interval, confidenceLevel: level, seconds: start.seconds))
            } : [])
        }
        // An ensemble: every member fitted to the same events, their spread the model term.
        var modelTerm: InferenceOutcome.ModelTerm?
        if !members.isEmpty, result.free.contains(true) {
            let uncertainty = try fit.modelUncertainty(members, result: result)
            let widened = intervals.map { level in
                level.map { interval -> ProfileInterval in
                    let j = names.firstIndex(of: interval.parameter) ?? 0
                    return uncertainty.including(interval, index: j, lower: parameters[j].lower, upper: parameters[j].upper)
                }
            }
            modelTerm = .init(members: ensemble.count, bootstrap: ensemble.bootstrap, uncertainty: uncertainty, intervals: widened)
        }
        var extendedOutcome: InferenceOutcome.Extended?
        if let term = nll as? ExtendedLikelihood, let observedEvents {
            extendedOutcome = .init(observedEvents: observedEvents, expectedEventsAtMLE: try term.expectedEvents(result.values))
        }
        // Weighted events: the Hesse errors of the weighted NLL are wrong (constant weights c
        // scale them by 1/√c); the sandwich covariance is not.
        var weighted: WeightedCovariance?
        if weights != nil, result.free.contains(true), let scoring = nll as? EventScoring {
            weighted = try fit.weightedCovariance(scoring, result: result)
        }
        var outcome = InferenceOutcome(events: eventCount, confidenceLevels: confidenceLevels, fit: result, minos: intervals,
                                       weightedErrors: weighted, extended: extendedOutcome, modelTerm: modelTerm)
        if let scan {
            outcome.scan = try runScan(scan, fit: fit, nll: nll, result: result, progress: progress)
        }
        return outcome
    }

    /// The profile scan of `request` around `result`, with its regions at every level.
    private func runScan(_ request: ScanRequest, fit: MaximumLikelihoodFit, nll: NegativeLogLikelihood, result: FitResult,
                         progress: @escaping (Progress) -> Void) throws -> InferenceOutcome.Scan {
        let names = parameters.map(\.name)
        let axes = request.parameters.enumerated().map { k, name -> [Double] in
            let j = names.firstIndex(of: name) ?? 0
            let half = request.width * max(result.errors[j], 1e-6 * max(1, abs(result.values[j])))
            let lo = max(parameters[j].lower, result.values[j] - half), hi = min(parameters[j].upper, result.values[j] + half)
            let n = request.points[k]
            return (0..<n).map { n == 1 ? result.values[j] : lo + (hi - lo) * Double($0) / Double(n - 1) }
        }
        progress(.scanning)
        let start = Stopwatch()
        let told = { (done: Int, total: Int) in progress(.scanned(done: done, total: total, seconds: start.seconds)) }
        if request.parameters.count == 2 {
            let scan = try fit.scan(nll, x: request.parameters[0], xValues: axes[0], y: request.parameters[1], yValues: axes[1],
                                    result: result, progress: told)
            return .twoDimensional(scan, regions: try confidenceLevels.map { try scan.region(confidenceLevel: $0) })
        }
        let scan = try fit.scan(nll, parameter: request.parameters[0], values: axes[0], result: result, progress: told)
        let bounds = try confidenceLevels.map { level in
            InferenceOutcome.Scan.Bound(confidenceLevel: level, threshold: try Wilks.threshold(confidenceLevel: level, degreesOfFreedom: 1),
                                        interval: try? scan.interval(confidenceLevel: level))
        }
        return .oneDimensional(scan, bounds: bounds)
    }
}
