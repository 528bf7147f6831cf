#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

/// The Gaussian mixture of one observable's latent density at one θ: p(u) = Σ_g w_g N(u; μ_g,
/// σ_g) / Z_g, with Z_g the probability of component g inside the latent interval when the model
/// truncates (else 1).
public struct LatentMixture: Sendable, Equatable {
    /// Amplitudes w_g (softmax of the logits, summing to one), [G].
    public var weights: [Double]
    /// Means μ_g, [G].
    public var means: [Double]
    /// Widths σ_g, [G].
    public var widths: [Double]
    /// The latent interval; the mixture is truncated to it when `truncated`.
    public var lower: Double, upper: Double
    /// Whether each component is truncated to [lower, upper] (the config's `truncate`).
    public var truncated: Bool

    /// The normalisation Z_g of component g.
    public func normalization(_ g: Int) -> Double {
        guard truncated else { return 1 }
        return StandardNormal.cdf((upper - means[g]) / widths[g]) - StandardNormal.cdf((lower - means[g]) / widths[g])
    }

    /// The density of component g alone, weighted by w_g, at u.
    public func componentDensity(_ g: Int, at u: Double) -> Double {
        if truncated && (u < lower || u > upper) { return 0 }
        let z = normalization(g)
        guard z > 0 else { return 0 }
        return weights[g] * StandardNormal.pdf((u - means[g]) / widths[g]) / widths[g] / z
    }

    /// The mixture density at u.
    public func density(at u: Double) -> Double { weights.indices.reduce(0) { $0 + componentDensity($1, at: u) } }

    /// The mixture's probability of [a, b].
    public func probability(from a: Double, to b: Double) -> Double {
        var total = 0.0
        for g in weights.indices {
            let lo = truncated ? max(a, lower) : a, hi = truncated ? min(b, upper) : b
            guard hi > lo else { continue }
            let z = normalization(g)
            guard z > 0 else { continue }
            total += weights[g] * (StandardNormal.cdf((hi - means[g]) / widths[g]) - StandardNormal.cdf((lo - means[g]) / widths[g])) / z
        }
        return total
    }
}

extension DensityModel {
    /// The latent mixture of the first observable at `theta` ([p]): its network sees only θ, so
    /// this is p(u_0|θ) exactly (Figure 2 of the paper shows these components).
    ///
    /// - Throws: ``ModelError`` if the model is not fitted, θ has the wrong size or is not
    ///   finite, or the first observable is an integer one (it has no mixture).
    public func firstObservableMixture(theta: [Double], device: Device) throws -> LatentMixture {
        guard isPrepared else { throw ModelError.notFitted }
        try checkTheta(theta, count: 1)
        guard theta.count == parameterCount else {
            throw ModelError.shapeMismatch(field: "theta", expected: "\(parameterCount) values", got: "\(theta.count) values")
        }
        let layout = ModelLayout(config: config)
        guard let network = layout.continuousIndices.firstIndex(of: 0) else {
            throw ModelError.invalidArgument(name: "observable", expected: "a continuous first observable (it has a Gaussian mixture)",
                                             got: "integer observable \(config.observables[0].name)")
        }
        let evaluator = try ModelEvaluator(model: self, device: device, capacity: 1, training: false)
        let buffers = try ChunkBuffers(evaluator: evaluator)
        // Any valid latent point: the middle of the latent interval, and the lower end of
        // integer intervals. Observable 0's network does not read them.
        let middle = 0.5 * (config.latent.interval.lower + config.latent.interval.upper)
        let u = config.observables.map { $0.kind == .continuous ? middle : $0.interval.lower }
        let encoded = encode(latent: u, theta: theta, weights: nil, count: 1)
        try evaluator.evaluate(try buffers.upload(encoded, model: self))
        let views = evaluator.mixtureParameters(rows: 1)
        let g = config.network.nGaussians
        func read(_ view: MatrixView) throws -> [Double] {
            let all = try device.read(view.buffer)
            let start = view.offset + network * view.batchStride
            return all[start..<(start + g)].map(Double.init)
        }
        let logits = try read(views.logits)
        let peak = logits.max() ?? 0
        let exps = logits.map { exp($0 - peak) }
        let total = exps.reduce(0, +)
        return LatentMixture(weights: exps.map { $0 / total }, means: try read(views.means), widths: try read(views.widths),
                             lower: config.latent.interval.lower, upper: config.latent.interval.upper, truncated: config.network.truncate)
    }
}
