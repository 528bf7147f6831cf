import GMMCompute

/// The negative log-likelihood of a data set under the Appendix-A toy's exact data-space
/// density, −Σ_i w_i log p_true(x_i | cx, cy): the ground truth of the paper's Figure 15.
///
/// The gradient is a central finite difference of this double-precision function (step
/// 10⁻⁶ in each parameter, one-sided at the edge of the toy's domain). The toy's p0 depends on
/// |cx|, so the likelihood has a kink at cx = 0 where the gradient is the mean of its two sides.
public struct ExactToyLikelihood: NegativeLogLikelihood, Sendable {
    /// The events, [N, 4] in data space.
    public let data: [Double]
    /// Event weights [N], or nil.
    public let weights: [Double]?
    /// The parameter names (default "cx", "cy").
    public let parameterNames: [String]
    /// The finite-difference step of the gradient.
    public static let gradientStep = 1e-6

    private let toy = ToyModel()

    /// A likelihood of the toy events `x` [N, 4].
    ///
    /// - Throws: ``InferenceError`` for no events, a wrong shape, a non-finite value or weight,
    ///   or an event outside the toy's support (zero density).
    public init(data x: [Double], weights: [Double]? = nil, parameterNames: [String] = ["cx", "cy"]) throws {
        guard !x.isEmpty else { throw InferenceError.empty(field: "data") }
        guard x.count % ToyModel.observableCount == 0 else {
            throw InferenceError.shapeMismatch(field: "data", expected: "[N, 4] (x0, x1, x2, x3)", got: "\(x.count) values, not a multiple of 4")
        }
        guard parameterNames.count == ToyModel.parameterCount else {
            throw InferenceError.shapeMismatch(field: "parameterNames", expected: "2 names (cx, cy)", got: "\(parameterNames.count)")
        }
        let n = x.count / ToyModel.observableCount
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw InferenceError.nonFinite(field: "data", index: bad, value: x[bad]) }
        if let weights {
            guard weights.count == n else { throw InferenceError.shapeMismatch(field: "weights", expected: "[\(n)] (one per event)", got: "\(weights.count) values") }
            if let bad = weights.firstIndex(where: { !$0.isFinite }) { throw InferenceError.nonFinite(field: "weights", index: bad, value: weights[bad]) }
        }
        for (i, l) in toy.logDensities(events: x, cx: 0, cy: 0).enumerated() where !l.isFinite {
            throw InferenceError.zeroDensity(field: "data", row: i, detail: "outside the toy model's support: x0, x1 in [100, 800], x2 in [-π, π]")
        }
        data = x
        self.weights = weights
        self.parameterNames = parameterNames
    }

    public func value(_ theta: [Double]) throws -> Double {
        try checkTheta(theta)
        guard ToyModel.isInDomain(cx: theta[0], cy: theta[1]) else {
            throw InferenceError.outsideDomain(theta: theta, detail: "the toy model needs (2 cx / 5)² + (cy / 2)² ≤ 1")
        }
        return try sum(theta)
    }

    /// −Σ w log p at θ (in the domain).
    private func sum(_ theta: [Double]) throws -> Double {
        let logs = toy.logDensities(events: data, cx: theta[0], cy: theta[1])
        var total = 0.0
        for (i, l) in logs.enumerated() { total -= (weights?[i] ?? 1) * l }
        guard total.isFinite else { throw InferenceError.nonFiniteLikelihood(theta: theta) }
        return total
    }

    public func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        let f = try value(theta)
        let h = Self.gradientStep
        var gradient = [Double](repeating: 0, count: 2)
        for j in 0..<2 {
            var plus = theta, minus = theta
            plus[j] += h
            minus[j] -= h
            let upOK = ToyModel.isInDomain(cx: plus[0], cy: plus[1]), downOK = ToyModel.isInDomain(cx: minus[0], cy: minus[1])
            switch (upOK, downOK) {
            case (true, true): gradient[j] = (try sum(plus) - sum(minus)) / (2 * h)
            case (true, false): gradient[j] = (try sum(plus) - f) / h
            case (false, true): gradient[j] = (f - (try sum(minus))) / h
            case (false, false): gradient[j] = 0
            }
        }
        return (f, gradient)
    }
}
