import GMMCompute

/// The speed of inference with a model of the Appendix-A toy: a pseudo-dataset sampled from
/// the true toy density, the latent-space model likelihood extended with a Poisson term
/// (Eq. 11; the toy's rate, fitted to the training totals, is flat in θ as the paper assumes)
/// and a normalisation nuisance with a Gaussian constraint; then a full MLE with Hesse errors
/// (started from a coarse grid, as `gmm-gpu infer` fits: ``MaximumLikelihoodFit/fitFromGrid(_:)``)
/// and a 2-D profile scan of (cx, cy) with the normalisation profiled.
public struct InferenceBenchmark {
    /// The timings and results of one run.
    public struct Result: Codable, Sendable {
        /// Events in the pseudo-dataset.
        public var events: Int
        /// The θ they were sampled at.
        public var truth: [Double]
        /// Seconds to build the likelihood (projection and encoding of the events).
        public var setupSeconds: Double
        /// Seconds of one NLL value, and of one value with its θ-gradient.
        public var valueSeconds: Double
        public var gradientSeconds: Double
        /// Seconds of the fit (minimisation and Hesse).
        public var fitSeconds: Double
        /// The fit.
        public var fit: FitResult
        /// Seconds of the scan, its grid size per axis, and (θ, event) rows per second in it.
        public var scanSeconds: Double
        public var scanPoints: Int
        public var scanRowsPerSecond: Double
        /// The area fractions of the 68% and 95% regions inside the scanned square.
        public var regionAreaFractions: [Double]

        enum CodingKeys: String, CodingKey {
            case events, truth, fit
            case setupSeconds = "setup_seconds"
            case valueSeconds = "value_seconds"
            case gradientSeconds = "gradient_seconds"
            case fitSeconds = "fit_seconds"
            case scanSeconds = "scan_seconds"
            case scanPoints = "scan_points"
            case scanRowsPerSecond = "scan_rows_per_second"
            case regionAreaFractions = "region_area_fractions"
        }
    }

    /// The trained toy model (parameters cx, cy).
    public var model: DensityModel
    /// Its rate model σ_fid(cx, cy).
    public var rate: RateModel
    public var device: Device

    /// A benchmark of `model` with `rate` on `device`.
    public init(model: DensityModel, rate: RateModel, device: Device) {
        self.model = model
        self.rate = rate
        self.device = device
    }

    /// Runs it: `events` toy events at `truth` (seeded), luminosity set so that the nominal
    /// expectation at `truth` is `events`, the normalisation constrained to 1 ± `normalisationWidth`,
    /// and a `scanPoints` × `scanPoints` scan over [−1.5, 1.5]².
    public func run(events: Int = 400, truth: [Double] = [0.8, -0.8], scanPoints: Int = 50, normalisationWidth: Double = 0.05,
                    seed: UInt64 = 2024) throws -> Result {
        guard model.parameterCount == 2 else {
            throw InferenceError.invalidArgument(name: "model", expected: "a model of the toy's two parameters (cx, cy)", got: "\(model.parameterCount) parameters")
        }
        var rng = SeededGenerator(seed: seed)
        let x = try ToyModel().sample(n: events, cx: truth[0], cy: truth[1], rng: &rng)
        var start = Stopwatch()
        let shape = try ModelLikelihood(model: model, data: x, device: device, space: .latent)
        let luminosity = Double(events) / (try rate.rate(truth))
        let nll = try ExtendedLikelihood(shape: shape, rate: rate, luminosity: luminosity, observedEvents: Double(events))
        let setup = start.seconds
        let names = nll.parameterNames
        let fit = MaximumLikelihoodFit(parameters: [
            FitParameter(name: names[0], lower: -1.5, upper: 1.5), FitParameter(name: names[1], lower: -1.5, upper: 1.5),
            FitParameter(name: names[2], lower: 0.5, upper: 1.5, constraint: GaussianConstraint(mean: 1, width: normalisationWidth)),
        ])
        _ = try nll.value([0, 0, 1])  // warm-up: allocates the device workspaces
        _ = try nll.valueAndGradient([0, 0, 1])
        start = Stopwatch()
        _ = try nll.value([0.1, 0.1, 1])
        let valueSeconds = start.seconds
        start = Stopwatch()
        _ = try nll.valueAndGradient([0.1, 0.1, 1])
        let gradientSeconds = start.seconds
        start = Stopwatch()
        let result = try fit.fitFromGrid(nll)  // as `gmm-gpu infer` fits: from the best point of a start grid
        let fitSeconds = start.seconds
        let axis = (0..<scanPoints).map { -1.5 + 3 * Double($0) / Double(max(1, scanPoints - 1)) }
        start = Stopwatch()
        let scan = try fit.scan(nll, x: names[0], xValues: axis, y: names[1], yValues: axis, result: result)
        let scanSeconds = start.seconds
        let areas = try [Wilks.oneSigma, 0.95].map { try scan.region(confidenceLevel: $0).areaFraction() }
        return Result(events: events, truth: truth, setupSeconds: setup, valueSeconds: valueSeconds, gradientSeconds: gradientSeconds,
                      fitSeconds: fitSeconds, fit: result, scanSeconds: scanSeconds, scanPoints: scanPoints,
                      scanRowsPerSecond: Double(scanPoints * scanPoints * events) / scanSeconds, regionAreaFractions: areas)
    }
}
