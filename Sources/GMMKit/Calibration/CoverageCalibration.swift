import GMMCompute

/// Toy-based calibration of a likelihood fit at a true θ: every pseudo-dataset is fitted, and
/// the test statistic t = −2Δln L(θ_true) = 2(NLL(θ_true) − NLL(θ̂)) gives the empirical
/// coverage of the Wilks regions (t ≤ χ²_k quantile, k free parameters); the MLEs give the
/// bias and the pulls (θ̂ − θ_true)/σ̂_Hesse.
///
/// Configure it, then ``run(datasets:likelihood:starts:progress:)`` returns a ``CalibrationResult``.
public struct CoverageCalibration: Sendable {
    /// The true θ the pseudo-datasets were drawn at, `[p]` in the likelihood's order.
    public var trueTheta: [Double]
    /// The fit applied to every pseudo-dataset (its free parameters are the region's dimensions).
    public var fit: MaximumLikelihoodFit
    /// The confidence levels whose coverage is measured, each in (0, 1).
    public var confidenceLevels: [Double]
    /// Fit the data sets on all cores at once. Only for likelihoods that are safe to build and
    /// evaluate concurrently (``ExactToyLikelihood``); a ``ModelLikelihood`` already spreads each
    /// evaluation over the device, so leave it false.
    public var concurrent: Bool
    /// When set, each fit starts from the best point of a grid with this many values per
    /// parameter (``MaximumLikelihoodFit/gridStart(_:pointsPerAxis:fallbackHalfWidth:)``),
    /// compared with the given start: guards against a second, local minimum.
    public var gridStartPoints: Int?

    /// A calibration at `trueTheta`.
    public init(trueTheta: [Double], fit: MaximumLikelihoodFit, confidenceLevels: [Double] = [Wilks.oneSigma, 0.95], concurrent: Bool = false,
                gridStartPoints: Int? = nil) {
        self.trueTheta = trueTheta
        self.fit = fit
        self.confidenceLevels = confidenceLevels
        self.concurrent = concurrent
        self.gridStartPoints = gridStartPoints
    }

    /// Fits every data set and summarises.
    ///
    /// - Parameters:
    ///   - datasets: K pseudo-datasets (e.g. from ``PseudoDatasets``), each `[N_k, d]`.
    ///   - likelihood: builds the NLL of one data set.
    ///   - starts: optional start points, `[K][p]` (default: the true θ, a good start).
    ///   - progress: told the number of data sets fitted so far after each fit (not called when
    ///     ``concurrent``).
    /// - Returns: the per-data-set fits and their summary. A fit that throws is counted in
    ///   ``CalibrationResult/failedFits`` and left out of the statistics.
    /// - Throws: ``InferenceError`` for bad settings (checked on the first data set) or levels.
    public func run(datasets: [[Double]], likelihood: @escaping ([Double]) throws -> NegativeLogLikelihood,
                    starts: [[Double]]? = nil, progress: ((Int) -> Void)? = nil) throws -> CalibrationResult {
        for level in confidenceLevels { _ = try Wilks.threshold(confidenceLevel: level, degreesOfFreedom: 1) }
        if let starts, starts.count != datasets.count {
            throw InferenceError.shapeMismatch(field: "starts", expected: "\(datasets.count) start points (one per data set)", got: "\(starts.count)")
        }
        guard !datasets.isEmpty else { throw InferenceError.empty(field: "datasets") }
        // The first data set alone and on this thread: bad settings throw here, once.
        let first = try fitOne(datasets[0], index: 0, likelihood: likelihood, start: starts?[0] ?? trueTheta)
        var outcomes = [Result<PseudoFit, Error>](repeating: .success(first), count: datasets.count)
        let body = { (k: Int) -> Result<PseudoFit, Error> in
            Result { try self.fitOne(datasets[k], index: k, likelihood: likelihood, start: starts?[k] ?? self.trueTheta) }
        }
        if concurrent {
            outcomes.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                parallelFor(datasets.count - 1, minimumPerChunk: 1) { range in
                    for k in range { base[k + 1] = body(k + 1) }
                }
            }
        } else {
            for k in 1..<datasets.count {
                outcomes[k] = body(k)
                progress?(k + 1)
            }
        }
        let fits = outcomes.compactMap { try? $0.get() }
        return try CalibrationResult(trueTheta: trueTheta, parameterNames: first.parameterNames, free: first.free,
                                     confidenceLevels: confidenceLevels, fits: fits, failedFits: datasets.count - fits.count)
    }

    /// One data set's fit and t at the true θ.
    func fitOne(_ data: [Double], index: Int, likelihood: ([Double]) throws -> NegativeLogLikelihood, start: [Double]) throws -> PseudoFit {
        let nll = try likelihood(data)
        var start = start
        if let gridStartPoints {
            let candidate = try fit.gridStart(nll, pointsPerAxis: gridStartPoints)
            if try nll.value(candidate) < nll.value(start) { start = candidate }
        }
        let result = try fit.fit(nll, start: start)
        // NLL at θ_true with the fixed parameters at their fixed values (the hypothesis tested).
        var truth = trueTheta
        for (i, free) in result.free.enumerated() where !free { truth[i] = result.values[i] }
        let atTruth = try nll.value(truth)
        // A fit that stopped above θ_true's NLL has not found the minimum: θ_true is the better one.
        let minimum = min(result.minimumNLL, atTruth)
        return PseudoFit(dataset: index, parameterNames: result.parameterNames, free: result.free, values: result.values, errors: result.errors,
                         status: result.status, testStatistic: 2 * (atTruth - minimum))
    }
}

/// One pseudo-dataset's fit in a ``CoverageCalibration``.
public struct PseudoFit: Codable, Sendable, Equatable {
    /// The index of the data set in the calibration's list.
    public var dataset: Int
    /// The likelihood's parameter names, `[p]`.
    public var parameterNames: [String]
    /// Which were free, `[p]`.
    public var free: [Bool]
    /// The MLE θ̂, `[p]`.
    public var values: [Double]
    /// Hesse errors, `[p]`.
    public var errors: [Double]
    /// The fit's status.
    public var status: FitStatus
    /// t = −2Δln L at the true θ (≥ 0).
    public var testStatistic: Double

    enum CodingKeys: String, CodingKey {
        case dataset, values, errors, status, free
        case parameterNames = "parameter_names"
        case testStatistic = "test_statistic"
    }
}

/// The summary of a ``CoverageCalibration``: coverage of each Wilks region with its binomial
/// error, and the MLE's bias and pulls per parameter.
public struct CalibrationResult: Codable, Sendable, Equatable {
    /// The true θ, `[p]`.
    public var trueTheta: [Double]
    /// Parameter names, `[p]`.
    public var parameterNames: [String]
    /// Free parameters (the Wilks degrees of freedom).
    public var degreesOfFreedom: Int
    /// The confidence levels, `[L]`.
    public var confidenceLevels: [Double]
    /// The Wilks thresholds on t, `[L]`.
    public var thresholds: [Double]
    /// The fraction of data sets with t ≤ threshold, `[L]`.
    public var coverage: [Double]
    /// Binomial errors √(c(1−c)/K) of the coverage, `[L]` (with c the nominal level).
    public var coverageErrors: [Double]
    /// t per data set, `[K]`: the test statistic's distribution (≈ χ²_k).
    public var testStatistics: [Double]
    /// The mean of t (χ²_k has mean k).
    public var meanTestStatistic: Double
    /// mean(θ̂ − θ_true) per parameter, `[p]`.
    public var bias: [Double]
    /// The standard error of the bias, `[p]`.
    public var biasErrors: [Double]
    /// mean of (θ̂ − θ_true)/σ̂ per parameter, `[p]` (≈ 0).
    public var pullMean: [Double]
    /// standard deviation of the pulls, `[p]` (≈ 1).
    public var pullWidth: [Double]
    /// The fits that counted.
    public var fits: [PseudoFit]
    /// Fits that converged (``FitStatus/converged``).
    public var convergedFits: Int
    /// Data sets whose fit threw (left out).
    public var failedFits: Int

    /// Summarises `fits` at `trueTheta`.
    /// - Throws: ``InferenceError`` when there is no fit or a level is not in (0, 1).
    public init(trueTheta: [Double], parameterNames: [String], free: [Bool], confidenceLevels: [Double],
                fits: [PseudoFit], failedFits: Int) throws {
        guard !fits.isEmpty else { throw InferenceError.empty(field: "fits (every pseudo-dataset's fit failed)") }
        let k = max(1, free.filter { $0 }.count)
        let count = Double(fits.count)
        self.trueTheta = trueTheta
        self.parameterNames = parameterNames
        degreesOfFreedom = k
        self.confidenceLevels = confidenceLevels
        thresholds = try confidenceLevels.map { try Wilks.threshold(confidenceLevel: $0, degreesOfFreedom: k) }
        testStatistics = fits.map(\.testStatistic)
        meanTestStatistic = testStatistics.reduce(0, +) / count
        coverage = thresholds.map { t in Double(fits.filter { $0.testStatistic <= t }.count) / count }
        coverageErrors = confidenceLevels.map { c in (c * (1 - c) / count).squareRoot() }
        let p = trueTheta.count
        var bias = [Double](repeating: 0, count: p), biasErrors = bias, pullMean = bias, pullWidth = bias
        for j in 0..<p {
            let shifts = fits.map { $0.values[j] - trueTheta[j] }
            let (m, s) = Self.meanAndDeviation(shifts)
            bias[j] = m
            biasErrors[j] = s / count.squareRoot()
            let pulls = fits.compactMap { f in f.errors[j] > 0 ? (f.values[j] - trueTheta[j]) / f.errors[j] : nil }
            (pullMean[j], pullWidth[j]) = Self.meanAndDeviation(pulls)
        }
        self.bias = bias
        self.biasErrors = biasErrors
        self.pullMean = pullMean
        self.pullWidth = pullWidth
        self.fits = fits
        convergedFits = fits.filter { $0.status.isConverged }.count
        self.failedFits = failedFits
    }

    /// Mean and sample standard deviation (0 for fewer than two values).
    static func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 0) }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, variance.squareRoot())
    }

    enum CodingKeys: String, CodingKey {
        case coverage, thresholds, bias, fits
        case trueTheta = "true_theta"
        case parameterNames = "parameter_names"
        case degreesOfFreedom = "degrees_of_freedom"
        case confidenceLevels = "confidence_levels"
        case coverageErrors = "coverage_errors"
        case testStatistics = "test_statistics"
        case meanTestStatistic = "mean_test_statistic"
        case biasErrors = "bias_errors"
        case pullMean = "pull_mean"
        case pullWidth = "pull_width"
        case convergedFits = "converged_fits"
        case failedFits = "failed_fits"
    }
}
