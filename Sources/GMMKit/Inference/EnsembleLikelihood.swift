#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

/// The negative log-likelihood of a data set under a ``DensityEnsemble``'s mean density,
/// −ln L(θ) = −Σ_i w_i log((1/K) Σ_k p_k(x_i | θ)), with its exact gradient
/// −Σ_i w_i Σ_k r_ik ∂log p_k(x_i|θ)/∂θ, r_ik = p_k(x_i|θ) / Σ_l p_l(x_i|θ).
///
/// One member's ensemble is its ``ModelLikelihood``, to the last bit. Not thread-safe.
public final class EnsembleLikelihood: EventScoring {
    /// Each member's likelihood of the same events, [K].
    public let members: [ModelLikelihood]
    public var parameterNames: [String] { members[0].parameterNames }
    /// Events N.
    public var eventCount: Int { members[0].eventCount }
    /// Event weights [N], or nil.
    public var eventWeights: [Double]? { members[0].weights }

    /// A likelihood of the events `x` [N, d] (data space) under `ensemble`, on `device`.
    ///
    /// - Throws: what ``ModelLikelihood/init(model:data:weights:device:space:)`` throws.
    public init(ensemble: DensityEnsemble, data x: [Double], weights: [Double]? = nil, device: Device, space: LikelihoodSpace = .latent) throws {
        members = try ensemble.members.map { try ModelLikelihood(model: $0, data: x, weights: weights, device: device, space: space) }
    }

    /// The members' rounding added up.
    public var valuePrecision: Double { members.reduce(0) { $0 + $1.valuePrecision } }

    public func value(_ theta: [Double]) throws -> Double { try values([theta])[0] }

    public func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) { try valuesAndGradients([theta])[0] }

    public func values(_ thetas: [[Double]]) throws -> [Double] {
        if members.count == 1 { return try members[0].values(thetas) }
        return try combine(thetas, gradient: false).map(\.value)
    }

    public func valuesAndGradients(_ thetas: [[Double]]) throws -> [(value: Double, gradient: [Double])] {
        if members.count == 1 { return try members[0].valuesAndGradients(thetas) }
        return try combine(thetas, gradient: true).map { ($0.value, $0.gradient) }
    }

    /// Each event's score under the mean density at θ, [N][p]: Σ_k r_ik ∂log p_k/∂θ.
    public func eventScores(_ theta: [Double]) throws -> [[Double]] {
        if members.count == 1 { return try members[0].eventScores(theta) }
        return try combine([theta], gradient: true)[0].scores
    }

    /// Value, gradient and per-event scores at each θ.
    private func combine(_ thetas: [[Double]], gradient: Bool) throws -> [(value: Double, gradient: [Double], scores: [[Double]])] {
        let parts = try members.map { try $0.perEvent(thetas, gradient: gradient) }
        let n = eventCount, p = parameterNames.count, k = Double(members.count)
        let weights = eventWeights
        return try thetas.indices.map { t in
            var value = 0.0
            var total = [Double](repeating: 0, count: p)
            var scores = gradient ? [[Double]](repeating: [Double](repeating: 0, count: p), count: n) : []
            for i in 0..<n {
                let top = parts.reduce(-Double.infinity) { max($0, $1.logProb[t][i]) }
                guard top.isFinite else { throw InferenceError.nonFiniteLikelihood(theta: thetas[t]) }
                var sum = 0.0
                for part in parts { sum += exp(part.logProb[t][i] - top) }
                let w = weights?[i] ?? 1
                value -= w * (top + log(sum / k))
                if gradient {
                    for part in parts {
                        let r = exp(part.logProb[t][i] - top) / sum
                        for j in 0..<p { scores[i][j] += r * part.scores[t][i][j] }
                    }
                    for j in 0..<p { total[j] -= w * scores[i][j] }
                }
            }
            guard value.isFinite, total.allSatisfy(\.isFinite) else { throw InferenceError.nonFiniteLikelihood(theta: thetas[t]) }
            return (value, total, scores)
        }
    }
}
