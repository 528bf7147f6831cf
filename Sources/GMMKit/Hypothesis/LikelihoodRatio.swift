import GMMCompute

/// The per-event log-likelihood ratio log p(x|θ1) / p(x|θ0) of a density model: the optimal
/// classifier score for telling events at θ1 from events at θ0 (Neyman–Pearson).
public struct LikelihoodRatio: Sendable {
    /// The null hypothesis θ0, `[p]`.
    public var theta0: [Double]
    /// The alternative θ1, `[p]`.
    public var theta1: [Double]
    /// log p(x|θ1) − log p(x|θ0) per event, `[N]`.
    public var logRatios: [Double]

    /// Evaluates the ratio for events `x` `[N, d]` (data space, in config order) under `model`.
    ///
    /// Both hypotheses are evaluated in one device pass (the events twice, each row with its
    /// own θ). The Jacobian of the latent map cancels in the ratio.
    /// - Throws: ``ModelError`` for events or θ that do not fit the model.
    public static func evaluate(model: DensityModel, events x: [Double], theta0: [Double], theta1: [Double],
                                device: Device) throws -> LikelihoodRatio {
        let values = try model.logProb(atEach: [theta0, theta1], events: x, device: device)
        return LikelihoodRatio(theta0: theta0, theta1: theta1, logRatios: zip(values[1], values[0]).map { $0 - $1 })
    }

    /// The ROC curve of the ratio as a score for events at θ1 (signal) against events at θ0
    /// (background), with optional weights.
    ///
    /// - Parameters:
    ///   - model: the model whose ratio scores the events.
    ///   - theta0: the background hypothesis θ0, `[p]`.
    ///   - theta1: the signal hypothesis θ1, `[p]`.
    ///   - background: events drawn at θ0, `[Nb, d]`.
    ///   - backgroundWeights: their weights, `[Nb]`, or nil.
    ///   - signal: events drawn at θ1, `[Ns, d]`.
    ///   - signalWeights: their weights, `[Ns]`, or nil.
    ///   - device: where to compute.
    public static func rocCurve(model: DensityModel, theta0: [Double], theta1: [Double],
                                background: [Double], backgroundWeights: [Double]? = nil,
                                signal: [Double], signalWeights: [Double]? = nil, device: Device) throws -> ROCCurve {
        let b = try evaluate(model: model, events: background, theta0: theta0, theta1: theta1, device: device)
        let s = try evaluate(model: model, events: signal, theta0: theta0, theta1: theta1, device: device)
        return try ROCCurve(signal: s.logRatios, signalWeights: signalWeights, background: b.logRatios, backgroundWeights: backgroundWeights)
    }
}

extension DensityModel {
    /// log p(x|θ_k) for the same events at each of several θ: the events are projected and
    /// encoded once, and evaluated at every θ by the likelihood's replicated device passes
    /// (``ModelLikelihood``, data space).
    ///
    /// - Parameters:
    ///   - thetas: K parameter points, each `[p]`.
    ///   - x: events `[N, d]` in data space.
    ///   - device: where to compute.
    /// - Returns: `[K][N]`: row k holds log p(x_i|θ_k).
    /// - Throws: ``ModelError`` for a θ of the wrong size, events outside their intervals or
    ///   non-finite; ``InferenceError/zeroDensity(field:row:detail:)`` for an event where the
    ///   density is zero (beyond a projection without tails).
    public func logProb(atEach thetas: [[Double]], events x: [Double], device: Device) throws -> [[Double]] {
        let n = try rowCount(x, field: "x")
        let p = parameterCount
        for (k, theta) in thetas.enumerated() where theta.count != p {
            throw ModelError.shapeMismatch(field: "theta[\(k)]", expected: "\(p) values (\(config.parameters.names.joined(separator: ", ")))",
                                           got: "\(theta.count) values")
        }
        if thetas.isEmpty { return [] }
        if n == 0 { return thetas.map { _ in [] } }
        return try ModelLikelihood(model: self, data: x, device: device, space: .data).perEvent(thetas, gradient: false).logProb
    }
}
