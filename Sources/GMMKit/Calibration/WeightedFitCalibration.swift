import GMMCompute

/// Checks the errors of fits to weighted events against the spread of the estimates over
/// pseudo-experiments, where the truth is known: each pseudo-dataset is drawn from a model at
/// θ0 and importance-weighted to θ_true by p(x | θ_true)/p(x | θ0) (the reweighting of the
/// paper's Section 5), then θ is fitted to it with the weighted NLL. The estimates' standard
/// deviation is what the errors should be; ``MaximumLikelihoodFit/weightedCovariance(_:result:)``
/// should match it, the Hesse errors of the weighted NLL need not.
public struct WeightedFitCalibration: Sendable {
    /// The outcome, per parameter in the fit's order.
    public struct Result: Codable, Sendable, Equatable {
        public var parameterNames: [String]
        /// θ0 (where events are drawn) and θ_true (where they are weighted to), [p].
        public var proposalTheta: [Double]
        public var trueTheta: [Double]
        /// Pseudo-datasets fitted (those whose fit converged), and events in each.
        public var pseudoDatasets: Int
        public var events: Int
        /// Mean effective number of events (Σw)²/Σw² per pseudo-dataset.
        public var meanEffectiveEvents: Double
        /// Standard deviation of the estimates over the pseudo-datasets, [p].
        public var spread: [Double]
        /// Mean estimate minus θ_true, [p].
        public var bias: [Double]
        /// Mean Hesse error and mean weight-corrected error, [p].
        public var meanHesseError: [Double]
        public var meanWeightedError: [Double]
        /// Standard deviation of the pulls (θ̂ − θ_true)/σ with either error, [p] (1 when right).
        public var hessePullWidth: [Double]
        public var weightedPullWidth: [Double]
        /// Half the distance between the pulls' 15.87% and 84.13% quantiles, [p]: the width
        /// without the tails' weight (1 for a unit normal).
        public var hessePullCentralWidth: [Double]
        public var weightedPullCentralWidth: [Double]
        /// Each converged fit's θ̂, Hesse errors and weight-corrected errors, [fits][p].
        public var estimates: [[Double]]
        public var hesseErrors: [[Double]]
        public var weightedErrors: [[Double]]

        enum CodingKeys: String, CodingKey {
            case parameterNames = "parameter_names"
            case proposalTheta = "proposal_theta"
            case trueTheta = "true_theta"
            case pseudoDatasets = "pseudo_datasets"
            case events, spread, bias
            case meanEffectiveEvents = "mean_effective_events"
            case meanHesseError = "mean_hesse_error"
            case meanWeightedError = "mean_weighted_error"
            case hessePullWidth = "hesse_pull_width"
            case weightedPullWidth = "weighted_pull_width"
            case hessePullCentralWidth = "hesse_pull_central_width"
            case weightedPullCentralWidth = "weighted_pull_central_width"
            case estimates
            case hesseErrors = "hesse_errors"
            case weightedErrors = "weighted_errors"
        }
    }

    /// The model that generates, weights and fits.
    public let model: DensityModel
    /// The fit (parameter settings and options), started at θ_true.
    public let fit: MaximumLikelihoodFit

    /// A calibration of `model` fitted with `fit`.
    public init(model: DensityModel, fit: MaximumLikelihoodFit) {
        self.model = model
        self.fit = fit
    }

    /// Runs `pseudoDatasets` pseudo-experiments of `events` events drawn at `proposalTheta` and
    /// weighted to `trueTheta`, seeded from `seed`; `progress` is called after each.
    ///
    /// - Throws: ``InferenceError`` for bad counts or θ, fewer than two converged fits; model
    ///   and device errors.
    public func run(events: Int, pseudoDatasets: Int, proposalTheta: [Double], trueTheta: [Double], seed: UInt64, device: Device,
                    progress: (Int) -> Void = { _ in }) throws -> Result {
        guard events > 0 else { throw InferenceError.invalidArgument(name: "events", expected: "> 0", got: "\(events)") }
        guard pseudoDatasets >= 2 else { throw InferenceError.invalidArgument(name: "pseudoDatasets", expected: "≥ 2", got: "\(pseudoDatasets)") }
        let names = model.config.parameters.names
        for (field, theta) in [("proposalTheta", proposalTheta), ("trueTheta", trueTheta)] where theta.count != names.count {
            throw InferenceError.shapeMismatch(field: field, expected: "\(names.count) values (\(names.joined(separator: ", ")))", got: "\(theta.count)")
        }
        let p = names.count
        var estimates: [[Double]] = [], hesse: [[Double]] = [], weighted: [[Double]] = []
        var effective = 0.0
        for k in 0..<pseudoDatasets {
            let x = try model.sample(count: events, theta: proposalTheta, seed: seed &+ UInt64(k), device: device)
            let weights = try model.importanceWeights(events: x, theta0: proposalTheta, targets: [trueTheta], device: device)[0].weights
            let nll = try ModelLikelihood(model: model, data: x, weights: weights, device: device)
            let result = try fit.fit(nll, start: trueTheta)
            progress(k + 1)
            guard result.status.isConverged else { continue }
            let corrected = try fit.weightedCovariance(nll, result: result)
            estimates.append(result.values)
            hesse.append(result.errors)
            weighted.append(corrected.errors)
            effective += corrected.effectiveEvents
        }
        let n = Double(estimates.count)
        guard estimates.count >= 2 else {
            throw InferenceError.invalidArgument(name: "pseudoDatasets", expected: "at least two converged fits", got: "\(estimates.count)")
        }
        func mean(_ rows: [[Double]], _ j: Int) -> Double { CalibrationResult.meanAndDeviation(rows.map { $0[j] }).0 }
        func deviation(_ values: [Double]) -> Double { CalibrationResult.meanAndDeviation(values).1 }
        func centralWidth(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            func quantile(_ q: Double) -> Double {
                let position = q * Double(sorted.count - 1)
                let i = Int(position), f = position - Double(i)
                return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
            }
            return 0.5 * (quantile(0.841_344_746) - quantile(0.158_655_254))
        }
        func pulls(_ errors: [[Double]], _ j: Int) -> [Double] { estimates.indices.map { (estimates[$0][j] - trueTheta[j]) / errors[$0][j] } }
        return Result(
            parameterNames: names, proposalTheta: proposalTheta, trueTheta: trueTheta, pseudoDatasets: estimates.count, events: events,
            meanEffectiveEvents: effective / n,
            spread: (0..<p).map { j in deviation(estimates.map { $0[j] }) },
            bias: (0..<p).map { mean(estimates, $0) - trueTheta[$0] },
            meanHesseError: (0..<p).map { mean(hesse, $0) }, meanWeightedError: (0..<p).map { mean(weighted, $0) },
            hessePullWidth: (0..<p).map { deviation(pulls(hesse, $0)) }, weightedPullWidth: (0..<p).map { deviation(pulls(weighted, $0)) },
            hessePullCentralWidth: (0..<p).map { centralWidth(pulls(hesse, $0)) }, weightedPullCentralWidth: (0..<p).map { centralWidth(pulls(weighted, $0)) },
            estimates: estimates, hesseErrors: hesse, weightedErrors: weighted)
    }
}
