/// What a ``ParameterInference`` found: the fit, its intervals and, where asked, the model
/// term, the weight-corrected errors, the Poisson term's figures and the profile scan.
public struct InferenceOutcome: Sendable {
    /// The number of events fitted.
    public var events: Int
    /// The confidence levels of ``minos`` and the scan's regions.
    public var confidenceLevels: [Double]
    /// The MLE with Hesse errors.
    public var fit: FitResult
    /// MINOS intervals per confidence level (in ``confidenceLevels`` order), per free parameter.
    public var minos: [[ProfileInterval]]
    /// With weighted events: the covariance corrected for the weights.
    public var weightedErrors: WeightedCovariance?
    /// With the extended likelihood: the observed and expected numbers of events.
    public var extended: Extended?
    /// For an ensemble of several members: their fits, spread and the widened intervals.
    public var modelTerm: ModelTerm?
    /// The profile scan, when one was asked for.
    public var scan: Scan?

    /// An outcome; see the type's documentation.
    public init(events: Int, confidenceLevels: [Double], fit: FitResult, minos: [[ProfileInterval]], weightedErrors: WeightedCovariance? = nil,
                extended: Extended? = nil, modelTerm: ModelTerm? = nil, scan: Scan? = nil) {
        self.events = events
        self.confidenceLevels = confidenceLevels
        self.fit = fit
        self.minos = minos
        self.weightedErrors = weightedErrors
        self.extended = extended
        self.modelTerm = modelTerm
        self.scan = scan
    }

    /// The intervals to quote: with the model term where there is one, else MINOS.
    public var quotedIntervals: [[ProfileInterval]] { modelTerm?.intervals ?? minos }

    /// The model term of an ensemble's fit.
    public struct ModelTerm: Codable, Sendable {
        /// The number of members.
        public var members: Int
        /// Whether members 1… trained on bootstrap resamples.
        public var bootstrap: Bool
        /// The members' MLEs and their spread.
        public var uncertainty: ModelUncertainty
        /// MINOS intervals with the model term added in quadrature, per level, per free parameter.
        public var intervals: [[ProfileInterval]]

        /// A model term; see the type's documentation.
        public init(members: Int, bootstrap: Bool, uncertainty: ModelUncertainty, intervals: [[ProfileInterval]]) {
            self.members = members
            self.bootstrap = bootstrap
            self.uncertainty = uncertainty
            self.intervals = intervals
        }
    }

    /// The extended likelihood's numbers of events.
    public struct Extended: Sendable {
        /// The observed number: the event count, or the total weight.
        public var observedEvents: Double
        /// norm × L × σ_fid(θ) at the MLE.
        public var expectedEventsAtMLE: Double
    }

    /// A profile scan with its confidence regions.
    public enum Scan: Sendable {
        /// A 1-D scan with, per confidence level, its threshold and interval.
        case oneDimensional(Scan1D, bounds: [Bound])
        /// A 2-D scan with its region per confidence level.
        case twoDimensional(Scan2D, regions: [ConfidenceRegion])

        /// A 1-D scan's region at one level: −2Δln L ≤ `threshold` on `interval` (nil when the
        /// scan does not cross the threshold on both sides).
        public struct Bound: Sendable {
            /// The confidence level.
            public var confidenceLevel: Double
            /// The 1-D Wilks threshold of −2Δln L.
            public var threshold: Double
            /// The interval, where the scan crosses the threshold on both sides.
            public var interval: (lower: Double, upper: Double)?
        }
    }
}
