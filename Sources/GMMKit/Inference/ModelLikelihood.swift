import GMMCompute

/// The negative log-likelihood of a data set under a trained ``DensityModel``,
/// −ln L(θ) = −Σ_i w_i log p(x_i | θ), in the data or the latent space, with its exact gradient
/// with respect to θ (backpropagated through the networks to their θ inputs and chained through
/// the model's parameter scaling).
///
/// Many θ are evaluated in one batched device pass (``values(_:)``): the N events are
/// replicated for the K θ values into chunks of ``DensityModel/evaluationChunk(on:)`` rows. The
/// events are projected and encoded once, at construction. Sums are accumulated in double
/// precision from the networks' single-precision log-densities.
///
/// Not thread-safe: it keeps device workspaces between calls.
public final class ModelLikelihood: EventScoring {
    /// The model.
    public let model: DensityModel
    /// Where the density is evaluated.
    public let space: LikelihoodSpace
    /// Events N.
    public let eventCount: Int
    /// Event weights [N], or nil for unit weights.
    public let weights: [Double]?
    /// Σ_i w_i.
    public let totalWeight: Double
    /// The θ-independent offset added in the data space: −Σ_i w_i log|du/dx|(x_i) (0 in the latent space).
    public let jacobianTerm: Double
    public var parameterNames: [String] { model.config.parameters.names }

    private let device: Device
    private let encoded: EncodedEvents
    /// log|du/dx| per event in the data space (empty in the latent space).
    private let eventLogJacobian: [Double]
    private var valueEvaluation: ReplicatedEvaluation?
    private var gradientEvaluation: ReplicatedEvaluation?
    private var precision = 0.0

    /// A likelihood of the events `x` [N, d] (data space, validated against the model's
    /// observables) under `model`, on `device`.
    ///
    /// - Parameters:
    ///   - model: a trained (prepared) model.
    ///   - x: the events, [N, d] in data space, columns in config order.
    ///   - weights: [N] finite event weights, or nil for unit weights.
    ///   - device: where the model is evaluated.
    ///   - space: `.latent` (the events projected by the model) or `.data` (the latent density
    ///     times the projection's Jacobian).
    /// - Throws: ``InferenceError`` for no events, a wrong shape, non-finite weights or (data
    ///   space) an event beyond the range the projection covers; ``ModelError`` for events
    ///   outside their observables' intervals, non-finite values or an unfitted model.
    public init(model: DensityModel, data x: [Double], weights: [Double]? = nil, device: Device, space: LikelihoodSpace = .latent) throws {
        guard model.isPrepared else { throw ModelError.notFitted }
        let d = model.observableCount
        guard !x.isEmpty else { throw InferenceError.empty(field: "data") }
        guard x.count % d == 0 else {
            throw InferenceError.shapeMismatch(field: "data", expected: "[N, \(d)] (\(model.config.observables.map(\.name).joined(separator: ", ")))",
                                               got: "\(x.count) values, not a multiple of \(d)")
        }
        let n = x.count / d
        if let weights {
            guard weights.count == n else { throw InferenceError.shapeMismatch(field: "weights", expected: "[\(n)] (one per event)", got: "\(weights.count) values") }
            if let bad = weights.firstIndex(where: { !$0.isFinite }) { throw InferenceError.nonFinite(field: "weights", index: bad, value: weights[bad]) }
        }
        try model.validateObservables(x, count: n)
        let projected = model.project(x, jacobian: space == .data)
        var jacobian = 0.0
        if space == .data {
            for (i, j) in projected.logJacobian.enumerated() {
                guard j.isFinite else {
                    throw InferenceError.zeroDensity(field: "data", row: i, detail: "a value beyond the range the model's latent projection covers")
                }
                jacobian -= (weights?[i] ?? 1) * j
            }
        }
        self.model = model
        self.space = space
        self.device = device
        self.weights = weights
        eventCount = n
        totalWeight = weights?.reduce(0, +) ?? Double(n)
        jacobianTerm = jacobian
        eventLogJacobian = space == .data ? projected.logJacobian : []
        encoded = model.encode(latent: projected.latent, theta: [Double](repeating: 0, count: n * model.parameterCount), weights: nil, count: n)
    }

    /// The rounding of single-precision log-densities summed over the events: about
    /// 2·10⁻⁷ Σ_i |w_i log p_i| (known after the first evaluation).
    public var valuePrecision: Double { precision }

    public func value(_ theta: [Double]) throws -> Double { try values([theta])[0] }

    public func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) { try valuesAndGradients([theta])[0] }

    public func values(_ thetas: [[Double]]) throws -> [Double] {
        try run(thetas, gradient: false).map(\.value)
    }

    public func valuesAndGradients(_ thetas: [[Double]]) throws -> [(value: Double, gradient: [Double])] {
        try run(thetas, gradient: true)
    }

    private func run(_ thetas: [[Double]], gradient: Bool) throws -> [(value: Double, gradient: [Double])] {
        for (k, theta) in thetas.enumerated() { try checkTheta(theta, field: thetas.count == 1 ? "theta" : "thetas[\(k)]") }
        if thetas.isEmpty { return [] }
        let evaluation = try evaluation(blocks: thetas.count, gradient: gradient)
        var results = try evaluation.evaluate(thetas, weights: weights)
        for k in results.indices {
            if precision == 0 { precision = 2e-7 * Swift.abs(results[k].value) + 1e-7 * Double(eventCount) }
            results[k].value += jacobianTerm
            guard results[k].value.isFinite, results[k].gradient.allSatisfy(\.isFinite) else {
                throw InferenceError.nonFiniteLikelihood(theta: thetas[k])
            }
        }
        return results
    }

    /// Each event's log p(x_i|θ_k) at each θ_k of `thetas` [K][p], [K][N] (latent space, or with
    /// the Jacobian in the data space), and with `gradient` each event's score ∂log p/∂θ,
    /// [K][N][p]: what an ensemble of models combines (``EnsembleLikelihood``).
    func perEvent(_ thetas: [[Double]], gradient: Bool) throws -> (logProb: [[Double]], scores: [[[Double]]]) {
        for (k, theta) in thetas.enumerated() { try checkTheta(theta, field: thetas.count == 1 ? "theta" : "thetas[\(k)]") }
        if thetas.isEmpty { return ([], []) }
        var result = try evaluation(blocks: thetas.count, gradient: gradient).perEvent(thetas)
        if space == .data {
            for k in result.logProb.indices { for i in result.logProb[k].indices { result.logProb[k][i] += eventLogJacobian[i] } }
        }
        return result
    }

    /// The event weights (``weights``).
    public var eventWeights: [Double]? { weights }

    /// Each event's score ∂ log p(x_i | θ)/∂θ at θ [p], [N][p], backpropagated like the
    /// gradient (the same in both spaces: the Jacobian does not depend on θ).
    ///
    /// - Throws: ``InferenceError`` for a bad θ or a non-finite score.
    public func eventScores(_ theta: [Double]) throws -> [[Double]] {
        try checkTheta(theta)
        let scores = try evaluation(blocks: 1, gradient: true).scores(theta)
        guard scores.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw InferenceError.nonFiniteLikelihood(theta: theta) }
        return scores
    }

    /// The device workspace for `blocks` θ values at once (grown when a call needs more).
    private func evaluation(blocks: Int, gradient: Bool) throws -> ReplicatedEvaluation {
        let existing = gradient ? gradientEvaluation : valueEvaluation
        let wanted = min(blocks, max(1, DensityModel.evaluationChunk(on: device) / max(1, eventCount)))
        if let existing, existing.blocksPerChunk == 0 || existing.blocksPerChunk >= wanted { return existing }
        let made = try ReplicatedEvaluation(model: model, encoded: encoded, device: device, blocks: blocks, withGradient: gradient)
        if gradient { gradientEvaluation = made } else { valueEvaluation = made }
        return made
    }
}
