/// `result.json` of `gmm-gpu infer` (format `gmm-gpu-infer`, version 1): an
/// ``InferenceOutcome`` with what it was computed from.
public struct InferResult: Codable, Sendable {
    /// `"gmm-gpu-infer"`.
    public var format = "gmm-gpu-infer"
    /// 1.
    public var formatVersion = 1
    /// The model directory.
    public var model: String
    /// The event file.
    public var data: String
    /// Where the weights came from (a file, or the data file's weight column), nil without.
    public var weights: String?
    /// `latent` or `data`.
    public var space: String
    /// The number of events.
    public var events: Int
    /// The confidence levels of ``minos``.
    public var confidenceLevels: [Double]
    /// The MLE with Hesse errors.
    public var fit: FitResult
    /// MINOS intervals per confidence level (in `confidenceLevels` order), per free parameter.
    public var minos: [[ProfileInterval]]
    /// With weighted events: the covariance corrected for the weights.
    public var weightedErrors: WeightedCovariance?
    /// The Poisson term of the extended likelihood (absent without it).
    public var extended: Extended?
    /// For an ensemble: the members' fits, their spread and the MINOS intervals widened by it
    /// (absent for one model).
    public var modelTerm: InferenceOutcome.ModelTerm?
    /// The θ the events were simulated at, when the data declare it (`FILE@NAME=VALUE,…`;
    /// held-out simulation): [p], the fit's θ order.
    public var simulatedTheta: [Double]?
    /// With ``simulatedTheta``: per fit parameter (θ, then the normalisation of the extended
    /// likelihood), (MLE − simulated θ) / Hesse error for the free parameters of θ, nil otherwise.
    public var pulls: [Double?]?

    /// The settings and outcome of the extended likelihood's Poisson term.
    public struct Extended: Codable, Sendable {
        /// The rate model's file.
        public var rate: String
        /// The integrated luminosity.
        public var luminosity: Double
        /// The observed number of events (or total weight).
        public var observedEvents: Double
        /// The normalisation's relative constraint, nil when free.
        public var normUncertainty: Double?
        /// norm × L × σ_fid(θ) at the MLE.
        public var expectedEventsAtMLE: Double?

        /// A record; see the type's documentation.
        public init(rate: String, luminosity: Double, observedEvents: Double, normUncertainty: Double?, expectedEventsAtMLE: Double?) {
            self.rate = rate
            self.luminosity = luminosity
            self.observedEvents = observedEvents
            self.normUncertainty = normUncertainty
            self.expectedEventsAtMLE = expectedEventsAtMLE
        }

        enum CodingKeys: String, CodingKey {
            case rate, luminosity
            case observedEvents = "observed_events"
            case normUncertainty = "norm_uncertainty"
            case expectedEventsAtMLE = "expected_events_at_mle"
        }
    }

    /// The record of `outcome`, fitted with `model` to `data` (weights from `weights`) in `space`;
    /// `extended` gives the Poisson term's rate file, luminosity and constraint when there was one.
    public init(outcome: InferenceOutcome, model: String, data: String, weights: String?, space: LikelihoodSpace,
                extended: (rate: String, luminosity: Double, normUncertainty: Double?)? = nil, simulatedTheta: [Double]? = nil) {
        self.model = model
        self.data = data
        self.weights = weights
        self.space = space.rawValue
        events = outcome.events
        confidenceLevels = outcome.confidenceLevels
        fit = outcome.fit
        minos = outcome.minos
        weightedErrors = outcome.weightedErrors
        modelTerm = outcome.modelTerm
        self.simulatedTheta = simulatedTheta
        pulls = simulatedTheta.map { truth in
            outcome.fit.values.indices.map { j in
                j < truth.count && outcome.fit.free[j] && outcome.fit.errors[j] > 0 ? (outcome.fit.values[j] - truth[j]) / outcome.fit.errors[j] : nil
            }
        }
        self.extended = extended.map {
            Extended(rate: $0.rate, luminosity: $0.luminosity, observedEvents: outcome.extended?.observedEvents ?? Double(outcome.events),
                     normUncertainty: $0.normUncertainty, expectedEventsAtMLE: outcome.extended?.expectedEventsAtMLE)
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, model, data, weights, space, events, fit, minos, extended, pulls
        case simulatedTheta = "simulated_theta"
        case weightedErrors = "weighted_errors"
        case modelTerm = "model_term"
        case formatVersion = "format_version"
        case confidenceLevels = "confidence_levels"
    }
}

/// `scan.json` of `gmm-gpu infer`: the axes of `scan.npy`.
public struct ScanAxes: Codable, Sendable {
    /// The scanned parameters, x then y.
    public var parameters: [String]
    /// The axes' values, one list per parameter.
    public var axes: [[Double]]
    /// The best point of the scan (or the MLE).
    public var bestFit: [Double]
    /// The minimum −ln L of the scan and the fit.
    public var minimumNLL: Double
    /// Whether every profile fit converged.
    public var allConverged: Bool
    /// What `scan.npy` holds, in words.
    public var values: String

    enum CodingKeys: String, CodingKey {
        case parameters, axes, values
        case bestFit = "best_fit"
        case minimumNLL = "minimum_nll"
        case allConverged = "all_converged"
    }
}

/// One entry of `contours.json`: a 2-D region's boundary or a 1-D interval.
public struct RegionContours: Codable, Sendable {
    /// The confidence level.
    public var confidenceLevel: Double
    /// The Wilks threshold of −2Δln L.
    public var threshold: Double
    /// A 2-D region's boundary polylines of [x, y] points (empty in 1-D).
    public var contours: [[[Double]]]
    /// A 1-D interval [lower, upper] (nil in 2-D, or where the scan does not cross).
    public var interval: [Double]?

    enum CodingKeys: String, CodingKey {
        case threshold, contours, interval
        case confidenceLevel = "confidence_level"
    }
}

extension InferenceOutcome.Scan {
    /// The scan as `gmm-gpu infer` writes it: −2Δln L (`scan.npy`: [ny, nx] in 2-D, [n] in 1-D),
    /// its axes (`scan.json`) and its regions (`contours.json`).
    /// - Throws: `NpyError` only for an impossible shape (never for a scan's own).
    public func records() throws -> (values: NpyArray, axes: ScanAxes, regions: [RegionContours]) {
        switch self {
        case let .twoDimensional(scan, regions):
            let names = [scan.xParameter, scan.yParameter]
            return (try NpyArray(shape: [scan.y.count, scan.x.count], doubles: scan.deltaTwoNLL.flatMap { $0 }),
                    ScanAxes(parameters: names, axes: [scan.x, scan.y], bestFit: scan.bestFit, minimumNLL: scan.minimumNLL,
                             allConverged: scan.allConverged, values: "scan.npy: −2Δln L, [\(scan.y.count), \(scan.x.count)], row j at \(names[1]) = y[j]"),
                    regions.map { RegionContours(confidenceLevel: $0.confidenceLevel, threshold: $0.threshold, contours: $0.contours, interval: nil) })
        case let .oneDimensional(scan, bounds):
            return (try NpyArray(shape: [scan.values.count], doubles: scan.deltaTwoNLL),
                    ScanAxes(parameters: [scan.parameter], axes: [scan.values], bestFit: [scan.bestFit], minimumNLL: scan.minimumNLL,
                             allConverged: scan.allConverged, values: "scan.npy: −2Δln L, [\(scan.values.count)]"),
                    bounds.map { RegionContours(confidenceLevel: $0.confidenceLevel, threshold: $0.threshold, contours: [], interval: $0.interval.map { [$0.lower, $0.upper] }) })
        }
    }
}
