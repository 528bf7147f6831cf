import GMMCompute

/// The inference test of Section 6 / Figure 15: at each true point of the Appendix-A toy,
/// pseudo-datasets drawn from the exact sampler are fitted with the true data-space density and
/// with a trained model (latent space), and the two are compared: MLEs, the 68% / 95% Wilks
/// regions of one data set per point (profile scans on a shared grid), and over all data sets
/// the coverage of those regions.
///
/// Configure it, then ``run(model:device:progress:pointDone:)`` returns a ``ToyInferenceStudyResult``.
public struct ToyInferenceStudy: Sendable {
    /// The study's sizes and settings.
    public struct Settings: Codable, Sendable, Equatable {
        /// Events per pseudo-dataset (the paper: 400).
        public var events = 400
        /// Pseudo-datasets per true point for the coverage and MLE figures (the target: ≥ 500).
        public var pseudoDatasets = 500
        /// Of those, how many per point get 2-D scans, regions and IoU (the first ones).
        public var scannedDatasets = 1
        /// Grid points per axis of each 2-D scan.
        public var scanPoints = 41
        /// The scan's margin in Hesse errors (the larger of truth's and model's) beyond the
        /// true density's and the model's MLEs: the window spans both, so an offset model region
        /// is not cut at the edge.
        public var scanHalfWidth = 3.5
        /// The confidence levels of the regions: 1σ (0.6827, thresholds 2.30 in 2-D) and 0.95.
        public var confidenceLevels = [Wilks.oneSigma, 0.95]
        /// Both parameters are fitted inside [−bound, bound] (the training grid's range).
        public var bound = 1.5
        /// The seed of the pseudo-datasets (point j uses seed + j).
        public var seed: UInt64 = 2022

        /// The defaults (the paper's sizes).
        public init() {}

        /// Checks every setting.
        public func validate() throws {
            guard events >= 2 else { throw InferenceError.invalidArgument(name: "events", expected: "at least 2 events per pseudo-dataset", got: "\(events)") }
            guard pseudoDatasets >= 1 else { throw InferenceError.invalidArgument(name: "pseudo-datasets", expected: "at least 1", got: "\(pseudoDatasets)") }
            guard scannedDatasets >= 0, scannedDatasets <= pseudoDatasets else {
                throw InferenceError.invalidArgument(name: "scanned-datasets", expected: "between 0 and pseudo-datasets (\(pseudoDatasets))", got: "\(scannedDatasets)")
            }
            guard scanPoints >= 5 else { throw InferenceError.invalidArgument(name: "scan-points", expected: "at least 5", got: "\(scanPoints)") }
            guard scanHalfWidth.isFinite, scanHalfWidth > 0 else { throw InferenceError.invalidArgument(name: "scanHalfWidth", expected: "> 0", got: "\(scanHalfWidth)") }
            guard !confidenceLevels.isEmpty else { throw InferenceError.empty(field: "confidence levels") }
            for level in confidenceLevels { _ = try Wilks.threshold(confidenceLevel: level, degreesOfFreedom: 2) }
            guard bound > 0, ToyModel.isInDomain(cx: bound, cy: bound) else {
                throw InferenceError.invalidArgument(name: "bound", expected: "> 0 with (bound, bound) in the toy's domain", got: "\(bound)")
            }
        }

        enum CodingKeys: String, CodingKey {
            case events, seed, bound
            case pseudoDatasets = "pseudo_datasets"
            case scannedDatasets = "scanned_datasets"
            case scanPoints = "scan_points"
            case scanHalfWidth = "scan_half_width"
            case confidenceLevels = "confidence_levels"
        }
    }

    /// The sizes and settings.
    public var settings: Settings
    /// The true points (default: the paper's 9, cx, cy ∈ {−0.8, 0, 0.8}).
    public var truePoints: [ToyModel.Parameter]

    /// A study with `settings` at `truePoints`.
    public init(settings: Settings = Settings(), truePoints: [ToyModel.Parameter] = ToyModel.inferenceTestPoints) {
        self.settings = settings
        self.truePoints = truePoints
    }

    /// The fit both likelihoods use: cx, cy free in [−bound, bound].
    var fit: MaximumLikelihoodFit {
        MaximumLikelihoodFit(parameters: ["cx", "cy"].map { FitParameter(name: $0, lower: -settings.bound, upper: settings.bound) })
    }

    /// Runs the study with `model` (a model of the toy: observables x0…x3, parameters cx, cy).
    ///
    /// - Parameters:
    ///   - model: the trained model of the toy.
    ///   - device: where the model is evaluated.
    ///   - progress: told what is being done (one line per step).
    ///   - pointDone: given each point's result as it is finished.
    /// - Throws: ``InferenceError`` for bad settings, no true points or a model of other
    ///   observables/parameters.
    public func run(model: DensityModel, device: Device, progress: (String) -> Void = { _ in },
                    pointDone: (ToyInferencePointResult) -> Void = { _ in }) throws -> ToyInferenceStudyResult {
        try settings.validate()
        guard !truePoints.isEmpty else { throw InferenceError.empty(field: "true points") }
        guard model.config.parameters.names == ["cx", "cy"], model.config.observables.map(\.name) == ToyModel.observables.map(\.name) else {
            throw InferenceError.invalidArgument(name: "model", expected: "a model of the Appendix-A toy (observables x0, x1, x2, x3; parameters cx, cy)",
                                                 got: "observables \(model.config.observables.map(\.name)), parameters \(model.config.parameters.names)")
        }
        var points: [ToyInferencePointResult] = []
        for (j, point) in truePoints.enumerated() {
            points.append(try runPoint(point, index: j, model: model, device: device, progress: progress))
            pointDone(points[points.count - 1])
        }
        return ToyInferenceStudyResult(settings: settings, points: points)
    }

    /// One true point: data sets, fits, calibrations, scans.
    func runPoint(_ point: ToyModel.Parameter, index j: Int, model: DensityModel, device: Device,
                  progress: (String) -> Void) throws -> ToyInferencePointResult {
        let truth = [point.cx, point.cy]
        let datasets = try PseudoDatasets.toy(cx: point.cx, cy: point.cy, events: settings.events, count: settings.pseudoDatasets,
                                              seed: settings.seed &+ UInt64(j))
        progress("θ_true = (\(point.cx), \(point.cy)): fitting \(datasets.count) pseudo-datasets with the true density")
        let truthCalibration = try CoverageCalibration(trueTheta: truth, fit: fit, confidenceLevels: settings.confidenceLevels, concurrent: true,
                                                     gridStartPoints: 13)
            .run(datasets: datasets) { try ExactToyLikelihood(data: $0) }
        // The true density's fits start from the best of θ_true and a 13 × 13 grid (its |cx|, |cy|
        // terms can make a mirrored second minimum); the model's from the true density's MLE.
        var starts = [[Double]](repeating: truth, count: datasets.count)
        for f in truthCalibration.fits { starts[f.dataset] = f.values }
        progress("θ_true = (\(point.cx), \(point.cy)): fitting \(datasets.count) pseudo-datasets with the model")
        let modelCalibration = try CoverageCalibration(trueTheta: truth, fit: fit, confidenceLevels: settings.confidenceLevels)
            .run(datasets: datasets, likelihood: { try ModelLikelihood(model: model, data: $0, device: device, space: .latent) }, starts: starts)
        // |θ̂_model − θ̂_true| / σ_true per parameter, for data sets where both fits counted.
        var truthFits: [Int: PseudoFit] = [:]
        for f in truthCalibration.fits { truthFits[f.dataset] = f }
        var distances: [Double] = []
        for m in modelCalibration.fits {
            guard let t = truthFits[m.dataset] else { continue }
            for i in 0..<2 where t.errors[i] > 0 { distances.append(Swift.abs(m.values[i] - t.values[i]) / t.errors[i]) }
        }
        var scans: [ToyInferenceScan] = []
        for k in 0..<settings.scannedDatasets {
            progress("θ_true = (\(point.cx), \(point.cy)): 2-D scans of pseudo-dataset \(k) (\(settings.scanPoints)² points)")
            scans.append(try scan(datasets[k], dataset: k, start: starts[k], model: model, device: device))
        }
        return ToyInferencePointResult(trueTheta: truth, truthCalibration: truthCalibration.withoutFits(),
                                       modelCalibration: modelCalibration.withoutFits(), mleDistances: distances, scans: scans)
    }

    /// Fits and 2-D scans of one data set under both densities, on one grid.
    func scan(_ data: [Double], dataset: Int, start: [Double], model: DensityModel, device: Device) throws -> ToyInferenceScan {
        let truthNLL = try ExactToyLikelihood(data: data)
        let modelNLL = try ModelLikelihood(model: model, data: data, device: device, space: .latent)
        let truthFit = try fit.fit(truthNLL, start: start)
        let modelFit = try fit.fit(modelNLL, start: truthFit.values)
        let axes = (0..<2).map { i -> [Double] in
            let width = settings.scanHalfWidth * max(truthFit.errors[i], modelFit.errors[i], 1e-3)
            let lo = max(-settings.bound, min(truthFit.values[i], modelFit.values[i]) - width)
            let hi = min(settings.bound, max(truthFit.values[i], modelFit.values[i]) + width)
            let n = settings.scanPoints
            // The last point is hi exactly: lo + (hi − lo)·1 can round past a bound.
            return (0..<n).map { $0 == n - 1 ? hi : lo + (hi - lo) * Double($0) / Double(n - 1) }
        }
        let truthScan = try fit.scan(truthNLL, x: "cx", xValues: axes[0], y: "cy", yValues: axes[1], result: truthFit)
        let modelScan = try fit.scan(modelNLL, x: "cx", xValues: axes[0], y: "cy", yValues: axes[1], result: modelFit)
        let truthRegions = try settings.confidenceLevels.map { try truthScan.region(confidenceLevel: $0) }
        let modelRegions = try settings.confidenceLevels.map { try modelScan.region(confidenceLevel: $0) }
        return ToyInferenceScan(dataset: dataset, truthFit: truthFit, modelFit: modelFit, truthScan: truthScan, modelScan: modelScan,
                                truthContours: truthRegions.map(\.contours), modelContours: modelRegions.map(\.contours),
                                intersectionOverUnion: zip(truthRegions, modelRegions).map { RegionOverlap.intersectionOverUnion($0, $1) })
    }
}

extension CalibrationResult {
    /// The summary without the per-data-set fits (for compact JSON).
    func withoutFits() -> CalibrationResult {
        var copy = self
        copy.fits = []
        return copy
    }
}
