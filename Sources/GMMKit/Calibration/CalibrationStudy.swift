/// Toy-based calibration at a true θ as `gmm-gpu study calibration` runs it: pseudo-datasets
/// drawn from the model at θ_true, each fitted as `infer` fits (the better of θ_true and a start
/// grid over the fit range, then the minimiser), with the coverage of the Wilks regions, the test
/// statistic's distribution and the pulls (``CoverageCalibration``).
///
/// Configure it, then ``run(_:device:progress:)`` returns the ``CalibrationResult``; nothing is
/// printed or written (``CalibrationFile`` is the `calibration.json` record, and
/// ``CalibrationResult/figure()`` the plot).
public struct CalibrationStudy: Sendable {
    /// The θ the pseudo-datasets are drawn at, [p] in the model's parameter order.
    public var trueTheta: [Double]
    /// The fit's parameters in the model's order (bounds: the training range; fixed values).
    public var parameters: [FitParameter]
    /// Events per pseudo-dataset (≥ 1).
    public var events: Int
    /// Pseudo-datasets (≥ 2).
    public var pseudoDatasets: Int
    /// The levels whose coverage is measured, each in (0, 1).
    public var confidenceLevels: [Double]
    /// The seed of the pseudo-datasets.
    public var seed: UInt64

    /// What the study reports while it runs.
    public enum Progress: Sendable {
        /// The pseudo-datasets are being drawn.
        case drawing
        /// The fits start: the free parameters' names.
        case fitting(parameters: [String])
        /// Pseudo-datasets fitted of the total.
        case fitted(done: Int, total: Int)
    }

    /// A study; see the properties.
    public init(trueTheta: [Double], parameters: [FitParameter], events: Int = 400, pseudoDatasets: Int = 200,
                confidenceLevels: [Double] = [Wilks.oneSigma, 0.95], seed: UInt64 = 1) {
        self.trueTheta = trueTheta
        self.parameters = parameters
        self.events = events
        self.pseudoDatasets = pseudoDatasets
        self.confidenceLevels = confidenceLevels
        self.seed = seed
    }

    /// Draws the pseudo-datasets from `model` and fits each.
    ///
    /// - Throws: ``InferenceError`` for events < 1, fewer than 2 pseudo-datasets, a true θ of
    ///   the wrong length or outside a free parameter's fit range, no free parameter; sampling
    ///   errors of the model.
    public func run(_ model: DensityModel, device: Device, progress: ((Progress) -> Void)? = nil) throws -> CalibrationResult {
        guard events >= 1 else { throw InferenceError.invalidArgument(name: "events", expected: "at least 1", got: "\(events)") }
        guard pseudoDatasets >= 2 else { throw InferenceError.invalidArgument(name: "pseudo-datasets", expected: "at least 2", got: "\(pseudoDatasets)") }
        guard trueTheta.count == parameters.count else {
            throw InferenceError.shapeMismatch(field: "true θ", expected: "\(parameters.count) values (\(parameters.map(\.name).joined(separator: ", ")))", got: "\(trueTheta.count)")
        }
        for (parameter, value) in zip(parameters, trueTheta) where !(parameter.lower...parameter.upper).contains(value) {
            throw InferenceError.invalidArgument(name: "true θ", expected: "\(parameter.name) inside the fit range [\(parameter.lower), \(parameter.upper)], where the fits run",
                                                 got: "\(parameter.name) = \(value), outside the model's training range")
        }
        let free = parameters.filter(\.isFree)
        guard !free.isEmpty else { throw InferenceError.noFreeParameter(detail: "every parameter is fixed; leave at least one free to fit") }
        progress?(.drawing)
        let datasets = try PseudoDatasets.model(model, theta: trueTheta, events: events, count: pseudoDatasets, seed: seed, device: device)
        progress?(.fitting(parameters: free.map(\.name)))
        let calibration = CoverageCalibration(trueTheta: trueTheta, fit: MaximumLikelihoodFit(parameters: parameters), confidenceLevels: confidenceLevels,
                                              gridStartPoints: MaximumLikelihoodFit.startGridPointsPerAxis(freeParameters: free.count))
        return try calibration.run(datasets: datasets, likelihood: { try ModelLikelihood(model: model, data: $0, device: device, space: .latent) },
                                   progress: { [pseudoDatasets] done in progress?(.fitted(done: done, total: pseudoDatasets)) })
    }
}
