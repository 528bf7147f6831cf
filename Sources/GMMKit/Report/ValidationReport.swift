/// Settings of a validation report.
public struct ValidationReportOptions: Sendable, Equatable {
    /// Bins of the 1-D marginals and of the latent view.
    public var bins: Int = 40
    /// Bins per axis of the 2-D marginals.
    public var pairBins: Int = 24
    /// Data events used for the figures and figures of merit; larger data are subsampled (seeded).
    public var maxEvents: Int = 200_000
    /// Model events drawn per data event for the marginals, within the bounds below.
    public var samplesPerEvent: Double = 2
    /// The fewest model events drawn for the marginals.
    public var minModelSamples: Int = 10_000
    /// The most model events drawn for the marginals.
    public var maxModelSamples: Int = 200_000
    /// At most this many θ points are shown in the θ scan: a sub-grid through the reference θ
    /// when the points form a full grid, else points spread over the sorted ones.
    public var maxThetaPoints: Int = 25
    /// At most this many θ points (the most populated) are sampled for the marginals.
    public var maxSampledThetaPoints: Int = 200
    /// The θ of the latent view; nil: the configured reference θ.
    public var componentTheta: [Double]?
    /// Seed for subsampling and model sampling (same seed, same report on the cpu device).
    public var seed: UInt64 = 1

    /// The defaults.
    public init() {}
}

/// The figures and figures of merit that validate a trained model against data, as plain data
/// (``ValidationReportHTML`` renders them): the loss curves, 1-D and 2-D marginals with the pull
/// map of Eq. (10), the latent view with the first observable's mixture components, and for
/// conditional models the θ dependence of each marginal relative to the reference θ.
public struct ValidationReport: Sendable {
    /// Observable names and units (unit nil when the config gives none), [d].
    public var observables: [String]
    /// The observables' units from the config (nil: none), [d].
    public var units: [String?]
    /// Parameter names, [p].
    public var parameters: [String]
    /// The training record (Training section).
    public var loss: LossCurves
    /// 1-D marginals, one per observable (Figure 4).
    public var marginals: [MarginalComparison]
    /// 2-D marginals and pulls, one per pair i < j (Figures 5–7).
    public var pairs: [PairComparison]
    /// The latent view (Figure 2); nil when the first observable is an integer one.
    public var latent: LatentComponentsView?
    /// The θ dependence (Figures 10–13); nil without parameters or with one θ point.
    public var thetaScan: ThetaScan?
    /// The table of summary figures.
    public var summary: [SummaryRow]
    /// Things the reader should know (subsampling, θ points left out, events outside the model).
    public var notes: [String]
}

/// Why a report could not be made.
public enum ValidationReportError: Error, CustomStringConvertible, Equatable {
    case noEvents
    case invalidOption(name: String, expected: String, got: String)

    /// The message, naming what to fix.
    public var description: String {
        switch self {
        case .noEvents: return "data: no events; the report needs at least one event"
        case let .invalidOption(name, expected, got): return "report option \(name): expected \(expected), got \(got)"
        }
    }
}
