/// One subset's fit in a ``ClosureStudy``.
public struct ClosureFit: Codable, Sendable, Equatable {
    /// The subset's index within its sample.
    public var subset: Int
    /// The MLE θ̂, [p].
    public var values: [Double]
    /// Hesse errors, [p] (0 for fixed parameters).
    public var errors: [Double]
    /// The fit's status.
    public var status: FitStatus
    /// Whether the fit and every profile fit converged.
    public var converged: Bool
    /// t_j = −2Δln L of parameter j's profile at its true value, [p] (nil for fixed ones):
    /// the level-CL interval covers the truth when t_j ≤ the 1-D Wilks threshold.
    public var profileTestStatistics: [Double?]
    /// t = −2Δln L at the whole true θ (the free parameters' joint Wilks region).
    public var regionTestStatistic: Double
    /// MINOS interval [lower, upper] at the first confidence level, [p] (nil for fixed
    /// parameters, or without MINOS).
    public var intervals: [[Double]?]
    /// For an ensemble: the model term σ_model per parameter, [p] (nil otherwise).
    public var modelErrors: [Double]?

    /// t_j with the model term: the profile taken as a parabola of the Hesse width σ_j,
    /// widened in quadrature by σ_model,j: t_j · σ_j² / (σ_j² + σ_model,j²) (nil without a
    /// model term or for a fixed parameter).
    public func profileTestStatisticWithModelTerm(_ j: Int) -> Double? {
        guard let modelErrors, let t = profileTestStatistics[j] else { return nil }
        let s2 = errors[j] * errors[j], m2 = modelErrors[j] * modelErrors[j]
        return s2 + m2 > 0 ? t * s2 / (s2 + m2) : t
    }

    enum CodingKeys: String, CodingKey {
        case subset, values, errors, status, converged, intervals
        case modelErrors = "model_errors"
        case profileTestStatistics = "profile_test_statistics"
        case regionTestStatistic = "region_test_statistic"
    }
}

/// The figures of one method on one held-out sample of a ``ClosureStudy``.
public struct ClosureSummary: Codable, Sendable, Equatable {
    /// One free parameter's figures.
    public struct Parameter: Codable, Sendable, Equatable {
        /// The fraction of subsets whose interval at each level holds the true value, [L].
        public var coverage: [Double]
        /// The binomial error √(c(1 − c)/K) of each coverage at the nominal level c, [L].
        public var coverageErrors: [Double]
        /// mean(θ̂) − θ_true and its standard error.
        public var bias: Double
        public var biasError: Double
        /// The standard deviation of θ̂ over the subsets: the error the fits should report.
        public var scatter: Double
        /// The mean Hesse error the fits report.
        public var meanError: Double
        /// The mean MINOS half-width at the first level (nil without MINOS).
        public var meanHalfWidth: Double?
        /// ``scatter`` / ``meanError``: 1 when the reported errors are right, above 1 when they
        /// are too small (nil when no fit reported an error).
        public var scatterOverError: Double?
        /// The standard deviation of the pulls (θ̂ − θ_true)/σ̂.
        public var pullWidth: Double
        /// The mean MINOS width at the first level as a fraction of the fit range (nil without
        /// MINOS or for an unbounded range).
        public var meanWidthFraction: Double?
        /// With a model term (ensembles): the coverage of the intervals widened by it, [L], the
        /// mean model term, and ``scatter`` over the mean combined error √(σ² + σ_model²).
        public var coverageWithModelTerm: [Double]?
        public var meanModelError: Double?
        public var scatterOverTotalError: Double?
        /// The fraction of subsets whose MINOS interval at the first level spans at least 80% of
        /// the fit range (the null test's criterion; nil without MINOS or an unbounded range).
        public var wideIntervalFraction: Double?

        enum CodingKeys: String, CodingKey {
            case coverage, bias, scatter
            case coverageErrors = "coverage_errors"
            case biasError = "bias_error"
            case meanError = "mean_error"
            case meanHalfWidth = "mean_half_width"
            case scatterOverError = "scatter_over_error"
            case pullWidth = "pull_width"
            case meanWidthFraction = "mean_width_fraction"
            case wideIntervalFraction = "wide_interval_fraction"
            case coverageWithModelTerm = "coverage_with_model_term"
            case meanModelError = "mean_model_error"
            case scatterOverTotalError = "scatter_over_total_error"
        }
    }

    /// Per parameter, [p] (nil for fixed parameters).
    public var parameters: [Parameter?]
    /// The coverage of the free parameters' joint Wilks region at each level, [L].
    public var regionCoverage: [Double]
    /// Fits that counted, and subsets whose fit failed (left out).
    public var fitCount: Int
    public var failedFits: Int
    /// Fits that did not converge (counted; a physicist's fits would show the same).
    public var unconvergedFits: Int
    /// Every fit.
    public var fits: [ClosureFit]

    /// Summarises `fits` of one sample at `trueTheta`.
    ///
    /// - Parameter ranges: each parameter's fit range (lower, upper), [p].
    init(fits: [ClosureFit], failedFits: Int, trueTheta: [Double], levels: [Double], ranges: [(Double, Double)]) {
        let k = Double(fits.count)
        let free = fits.first.map { $0.profileTestStatistics.map { $0 != nil } } ?? trueTheta.map { _ in false }
        let freeCount = max(1, free.filter { $0 }.count)
        let oneD = levels.map { (try? Wilks.threshold(confidenceLevel: $0, degreesOfFreedom: 1)) ?? .nan }
        let joint = levels.map { (try? Wilks.threshold(confidenceLevel: $0, degreesOfFreedom: freeCount)) ?? .nan }
        parameters = trueTheta.indices.map { j in
            guard free[j], !fits.isEmpty else { return nil }
            let t = fits.map { $0.profileTestStatistics[j] ?? .infinity }
            let values = fits.map { $0.values[j] }
            let (mean, scatter) = CalibrationResult.meanAndDeviation(values)
            let meanError = fits.reduce(0) { $0 + $1.errors[j] } / k
            let pulls = fits.compactMap { $0.errors[j] > 0 ? ($0.values[j] - trueTheta[j]) / $0.errors[j] : nil }
            let widths = fits.compactMap { $0.intervals[j].map { $0[1] - $0[0] } }
            let span = ranges[j].1 - ranges[j].0
            let bounded = span.isFinite && span > 0 && widths.count == fits.count
            let widened = fits.compactMap { $0.profileTestStatisticWithModelTerm(j) }
            let withTerm = widened.count == fits.count
            let meanModel = withTerm ? fits.reduce(0) { $0 + ($1.modelErrors?[j] ?? 0) } / k : nil
            let meanTotal = withTerm ? fits.reduce(0) { $0 + ($1.errors[j] * $1.errors[j] + ($1.modelErrors?[j] ?? 0) * ($1.modelErrors?[j] ?? 0)).squareRoot() } / k : nil
            return Parameter(
                coverage: oneD.map { threshold in Double(t.filter { $0 <= threshold }.count) / k },
                coverageErrors: levels.map { ($0 * (1 - $0) / k).squareRoot() },
                bias: mean - trueTheta[j], biasError: scatter / k.squareRoot(), scatter: scatter, meanError: meanError,
                meanHalfWidth: widths.count == fits.count ? widths.reduce(0, +) / (2 * k) : nil,
                scatterOverError: meanError > 0 ? scatter / meanError : nil,
                pullWidth: CalibrationResult.meanAndDeviation(pulls).1,
                meanWidthFraction: bounded ? widths.reduce(0, +) / (k * span) : nil,
                coverageWithModelTerm: withTerm ? oneD.map { threshold in Double(widened.filter { $0 <= threshold }.count) / k } : nil,
                meanModelError: meanModel, scatterOverTotalError: meanTotal.flatMap { $0 > 0 ? scatter / $0 : nil },
                wideIntervalFraction: bounded ? Double(widths.filter { $0 >= 0.8 * span }.count) / k : nil)
        }
        regionCoverage = joint.map { threshold in fits.isEmpty ? 0 : Double(fits.filter { $0.regionTestStatistic <= threshold }.count) / k }
        fitCount = fits.count
        self.failedFits = failedFits
        unconvergedFits = fits.filter { !$0.converged }.count
        self.fits = fits
    }

    enum CodingKeys: String, CodingKey {
        case parameters, fits
        case regionCoverage = "region_coverage"
        case fitCount = "fit_count"
        case failedFits = "failed_fits"
        case unconvergedFits = "unconverged_fits"
    }
}

/// The result of a ``ClosureStudy``: per method and held-out sample, the coverage, bias and
/// error figures; and, for methods after the first, the ratio of their interval widths to the
/// first's.
public struct ClosureResult: Codable, Sendable, Equatable {
    /// A held-out sample: its label, true θ and number of events (after the selection).
    public struct SampleInfo: Codable, Sendable, Equatable {
        public var label: String
        public var trueTheta: [Double]
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case label, events
            case trueTheta = "true_theta"
        }
    }

    /// One method's summaries, one per sample.
    public struct MethodResult: Codable, Sendable, Equatable {
        public var name: String
        public var samples: [ClosureSummary]
    }

    /// The settings the study ran with.
    public var settings: ClosureStudy.Settings
    /// The fit's parameter names and which were free, [p].
    public var parameterNames: [String]
    public var free: [Bool]
    /// The held-out samples.
    public var samples: [SampleInfo]
    /// The methods, the study's subject first.
    public var methods: [MethodResult]

    /// The mean MINOS width of method 0 (the subject) over that of method `m` for parameter
    /// `j` on sample `s` (below 1: the subject's intervals are smaller); nil where either has
    /// no widths.
    public func widthRatio(method m: Int, parameter j: Int, sample s: Int) -> Double? {
        guard let a = methods[0].samples[s].parameters[j]?.meanHalfWidth, let b = methods[m].samples[s].parameters[j]?.meanHalfWidth, b > 0 else { return nil }
        return a / b
    }

    enum CodingKeys: String, CodingKey {
        case settings, free, samples, methods
        case parameterNames = "parameter_names"
    }
}
