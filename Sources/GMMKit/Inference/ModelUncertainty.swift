/// The model's own uncertainty on a fit, from an ensemble: each member's likelihood fitted to
/// the same data, and the spread of their MLEs.
///
/// With members trained on bootstrap resamples of the training events, the spread estimates
/// how much the MLE would move had the finite training sample come out differently (the
/// bootstrap principle); with seeds alone, only the training's own randomness. The spread is
/// added in quadrature to the statistical error of the ensemble's fit (``including(_:index:lower:upper:)``),
/// assuming the two are independent and the MLE near-Gaussian in each.
public struct ModelUncertainty: Codable, Sendable, Equatable {
    /// Each member's MLE, [K][p].
    public var memberValues: [[Double]]
    /// The standard deviation of the members' MLEs per parameter, [p] (0 for fixed
    /// parameters, and for one member).
    public var errors: [Double]

    /// The spread of `memberValues` [K][p].
    public init(memberValues: [[Double]]) {
        self.memberValues = memberValues
        let p = memberValues.first?.count ?? 0
        errors = (0..<p).map { j in CalibrationResult.meanAndDeviation(memberValues.map { $0[j] }).1 }
    }

    /// An interval widened by the model term: each side's distance from the MLE combined in
    /// quadrature with ``errors`` of its parameter (`index` in the fit's order), clipped to the
    /// parameter's bounds.
    public func including(_ interval: ProfileInterval, index: Int, lower: Double = -.infinity, upper: Double = .infinity) -> ProfileInterval {
        var widened = interval
        let m = errors[index]
        let below = (interval.lowerError * interval.lowerError + m * m).squareRoot()
        let above = (interval.upperError * interval.upperError + m * m).squareRoot()
        widened.lower = max(lower, interval.value - below)
        widened.upper = min(upper, interval.value + above)
        widened.lowerAtBound = widened.lower <= lower
        widened.upperAtBound = widened.upper >= upper
        return widened
    }

    enum CodingKeys: String, CodingKey {
        case errors
        case memberValues = "member_values"
    }
}

extension MaximumLikelihoodFit {
    /// The model term of an ensemble's fit: every member's likelihood minimised globally — from
    /// `result`'s MLE (the ensemble's) and from the start grid of ``fitFromGrid(_:)``, keeping
    /// the lower minimum — and the spread of their MLEs.
    ///
    /// Both starts matter: a member whose likelihood has narrow local minima in θ stays next
    /// to a single start, and the spread would then understate the members' disagreement
    /// (docs/inference.md, "Ensembles").
    ///
    /// - Parameters:
    ///   - members: the members' likelihoods of the same data, [K].
    ///   - result: the fit of the ensemble's likelihood with these settings.
    /// - Throws: ``InferenceError`` as ``fit(_:start:)`` does.
    public func modelUncertainty(_ members: [NegativeLogLikelihood], result: FitResult) throws -> ModelUncertainty {
        ModelUncertainty(memberValues: try members.map { member in
            let local = try fit(member, start: result.values)
            let global = try fitFromGrid(member)
            return (global.minimumNLL < local.minimumNLL ? global : local).values
        })
    }
}
