/// The training record as curves: loss per epoch on the training and validation splits.
public struct LossCurves: Sendable, Equatable {
    /// Epoch numbers, [E].
    public var epochs: [Double]
    /// Mean negative log-likelihood per event (latent space, nats) on the training split, [E].
    public var training: [Double]
    /// The same on the validation split, [E].
    public var validation: [Double]
    /// The epoch whose weights the model keeps (0 if never trained).
    public var bestEpoch: Int
}

/// One observable's 1-D marginal of the data against model samples (Figure 4 of the paper):
/// densities normalised to unit area, and their ratio to the data.
public struct MarginalComparison: Sendable, Equatable {
    /// The observable's name and unit (nil if none is configured).
    public var observable: String
    /// The configured unit, or nil.
    public var unit: String?
    /// Bin edges, [B + 1].
    public var edges: [Double]
    /// Data density and its statistical error, [B].
    public var data: [Double], dataErrors: [Double]
    /// Model-sample density and its statistical error, [B].
    public var model: [Double], modelErrors: [Double]
    /// model / data per bin and its error from the model samples, [B] (NaN where data are empty).
    public var ratio: [Double], ratioErrors: [Double]
    /// The data's relative error per bin: the band around a ratio of 1, [B].
    public var dataRelativeErrors: [Double]
    /// Σ (model − data)² / (σ_model² + σ_data²) over bins with entries, and its degrees of
    /// freedom (those bins minus one for the normalisation).
    public var chiSquare: Double, degreesOfFreedom: Int
}

/// A pair of observables' 2-D marginal of the data and of model samples, and the pull map of
/// Eq. (10) (Figures 5–7).
public struct PairComparison: Sendable, Equatable {
    /// The observables on the x and y axes (indices in config order).
    public var xIndex: Int, yIndex: Int
    /// Bin edges, [nx + 1] and [ny + 1].
    public var xEdges: [Double], yEdges: [Double]
    /// Fraction of the events in each bin, [ny · nx] (y rows).
    public var data: [Double], model: [Double]
    /// (r − 1) / Δr with r = p_model / p_data, [ny · nx]: NaN where both are empty, +∞ where
    /// only the model has entries.
    public var pulls: [Double]
}

/// The first observable's latent density at one θ: the data and the model's mixture with its
/// Gaussian components (Figure 2).
public struct LatentComponentsView: Sendable, Equatable {
    /// The first observable's name.
    public var observable: String
    /// The θ the mixture is evaluated at, [p].
    public var theta: [Double]
    /// The θ of the data shown (the data point nearest `theta`), [p]; nil without data.
    public var dataTheta: [Double]?
    /// Latent bin edges, [B + 1], and the data density in them with errors, [B].
    public var edges: [Double]
    /// Data density per latent bin and its statistical error, [B].
    public var data: [Double], dataErrors: [Double]
    /// The model's mean density per bin (its probability over the bin width), [B].
    public var modelBinDensity: [Double]
    /// Points at which the curves are drawn, [K]; the mixture density there, [K]; and each
    /// component's weighted density, [G][K].
    public var grid: [Double], total: [Double], components: [[Double]]
    /// The mixture itself.
    public var mixture: LatentMixture
}

/// How each marginal changes with θ relative to the reference θ, for data and for the model
/// by importance sampling (Figures 10–13).
public struct ThetaScan: Sendable, Equatable {
    /// One θ point of the scan and each observable's ratio p(x|θ) / p(x|θ_ref).
    public struct Point: Sendable, Equatable {
        /// θ, [p].
        public var theta: [Double]
        /// Per observable: data ratio and error, model ratio and error, [B] each.
        public var dataRatio: [[Double]], dataErrors: [[Double]]
        /// Per observable: model ratio by importance sampling and its error, [B] each.
        public var modelRatio: [[Double]], modelErrors: [[Double]]
    }

    /// The parameters' names, [p].
    public var parameterNames: [String]
    /// The reference θ used (the data point nearest the configured reference), [p].
    public var reference: [Double]
    /// Per observable, bin edges [B + 1].
    public var edges: [[Double]]
    /// The θ points shown, sorted by θ.
    public var points: [Point]
    /// Model events drawn at the reference θ and reweighted to each θ.
    public var modelSamples: Int
}

/// One line of the report's table of summary figures.
public struct SummaryRow: Sendable, Equatable {
    /// What the figure is.
    public var name: String
    /// Its value, with unit.
    public var value: String

    /// A row of the summary table.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
