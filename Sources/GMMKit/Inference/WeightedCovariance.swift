/// A likelihood that is a weighted sum over events, −ln L(θ) = −Σ_i w_i log p(x_i | θ) (plus
/// terms without events), that can give each event's score — what the covariance of a fit to
/// weighted events needs (``MaximumLikelihoodFit/weightedCovariance(_:result:)``).
public protocol EventScoring: NegativeLogLikelihood {
    /// The event weights w_i, [N]; nil when every weight is 1.
    var eventWeights: [Double]? { get }
    /// Each event's score s_i = ∂ log f_i / ∂θ at θ [p], [N][p], where −ln L = −Σ_i w_i log f_i
    /// (+ terms without events): f_i = p(x_i | θ), or ν(θ) p(x_i | θ) for an extended likelihood.
    func eventScores(_ theta: [Double]) throws -> [[Double]]
}

/// The covariance of a maximum-likelihood fit to weighted events that is asymptotically
/// correct whatever the weights (the "sandwich" V D V of Langenbruch, Eur. Phys. J. C 82
/// (2022) 393): V the inverse Hessian of the weighted NLL (``FitResult/covariance``) and
/// D = Σ_i w_i² s_i s_iᵀ the spread of the weighted scores, plus 1/σ² for each Gaussian
/// constraint. With unit weights it estimates the Hesse covariance; with weights the Hesse
/// errors are wrong (constant weights c scale them by 1/√c), these are not.
///
/// The weights must not depend on θ (e.g. efficiency, importance or generator weights).
public struct WeightedCovariance: Codable, Sendable, Equatable {
    /// Parameter names, [p].
    public var parameterNames: [String]
    /// √C_ii, [p] (0 for fixed parameters).
    public var errors: [Double]
    /// C = V D V, [p][p] (zero rows and columns for fixed parameters).
    public var covariance: [[Double]]
    /// The effective number of events (Σ w)² / Σ w².
    public var effectiveEvents: Double

    enum CodingKeys: String, CodingKey {
        case parameterNames = "parameter_names"
        case errors, covariance
        case effectiveEvents = "effective_events"
    }
}

extension MaximumLikelihoodFit {
    /// The weight-corrected covariance of `result`, a fit of `nll` with this fit's settings.
    ///
    /// - Throws: ``InferenceError`` for a result of other parameters, a likelihood whose
    ///   scores cannot be computed, or non-finite scores.
    public func weightedCovariance(_ nll: EventScoring, result: FitResult) throws -> WeightedCovariance {
        let settings = try resolve(nll)
        guard result.parameterNames == nll.parameterNames, result.values.count == settings.count else {
            throw InferenceError.shapeMismatch(field: "result", expected: "a fit of \(nll.parameterNames.joined(separator: ", "))",
                                               got: result.parameterNames.joined(separator: ", "))
        }
        let p = settings.count
        let free = (0..<p).filter { result.free[$0] }
        let scores = try nll.eventScores(result.values)
        let weights = nll.eventWeights
        var spread = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for (i, score) in scores.enumerated() {
            let w = weights?[i] ?? 1
            if let bad = score.firstIndex(where: { !$0.isFinite }) {
                throw InferenceError.nonFinite(field: "score of event \(i) (\(nll.parameterNames[bad]))", index: i, value: score[bad])
            }
            for a in free { for b in free { spread[a][b] += w * w * score[a] * score[b] } }
        }
        for j in free {
            if let constraint = settings[j].constraint { spread[j][j] += 1 / (constraint.width * constraint.width) }
        }
        let v = result.covariance
        let vd = (0..<p).map { i in (0..<p).map { j in free.reduce(0) { $0 + v[i][$1] * spread[$1][j] } } }
        let c = (0..<p).map { i in (0..<p).map { j in free.reduce(0) { $0 + vd[i][$1] * v[$1][j] } } }
        return WeightedCovariance(parameterNames: result.parameterNames, errors: (0..<p).map { c[$0][$0] > 0 ? c[$0][$0].squareRoot() : 0 },
                                  covariance: c, effectiveEvents: weights.map(effectiveSampleSize) ?? Double(scores.count))
    }
}
