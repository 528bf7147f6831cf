#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The extended likelihood of Eq. (11): the shape likelihood times a Poisson term for the
/// number of observed events n, whose expectation is ν(θ, μ) = μ · L · σ_fid(θ) (L the
/// luminosity or exposure, σ_fid the ``RateModel``, μ a normalisation nuisance parameter,
/// nominally 1 — give it a ``GaussianConstraint`` in the fit for a luminosity uncertainty):
///
///     −ln L_ext(θ, μ) = ν − n ln ν + NLL_shape(θ)     (the θ-independent ln n! dropped).
///
/// Parameters: the shape likelihood's, then the normalisation (``normalisationName``). The
/// normalisation enters only the Poisson term, so at fixed θ it is minimised in closed form
/// (``ClosedFormProfiling``): profile scans over θ cost one batched pass of the shape likelihood.
public final class ExtendedLikelihood: NegativeLogLikelihood, ClosedFormProfiling, EventScoring {
    /// The shape likelihood (e.g. a ``ModelLikelihood``).
    public let shape: NegativeLogLikelihood
    /// σ_fid(θ).
    public let rate: RateModel
    /// L: expected events = μ · L · σ_fid(θ).
    public let luminosity: Double
    /// n, the number (or total weight) of observed events.
    public let observedEvents: Double
    /// The normalisation parameter's name.
    public let normalisationName: String
    public let parameterNames: [String]
    /// For each rate-model parameter, its index among the shape's parameters.
    private let rateIndices: [Int]

    /// The extended likelihood of `shape` with rate `rate` and `observedEvents` events.
    ///
    /// - Throws: ``InferenceError`` when a rate parameter is not a shape parameter, the
    ///   normalisation's name is taken, or L or n is not finite and positive (n ≥ 0).
    public init(shape: NegativeLogLikelihood, rate: RateModel, luminosity: Double, observedEvents: Double,
                normalisationName: String = "norm") throws {
        let names = shape.parameterNames
        rateIndices = try rate.parameterNames.map { name in
            guard let i = names.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: names) }
            return i
        }
        guard !names.contains(normalisationName) else {
            throw InferenceError.invalidArgument(name: "normalisationName", expected: "a name other than the shape's parameters", got: "'\(normalisationName)'")
        }
        guard luminosity.isFinite, luminosity > 0 else { throw InferenceError.invalidArgument(name: "luminosity", expected: "a finite value > 0", got: "\(luminosity)") }
        guard observedEvents.isFinite, observedEvents >= 0 else {
            throw InferenceError.invalidArgument(name: "observedEvents", expected: "a finite value ≥ 0", got: "\(observedEvents)")
        }
        self.shape = shape
        self.rate = rate
        self.luminosity = luminosity
        self.observedEvents = observedEvents
        self.normalisationName = normalisationName
        parameterNames = names + [normalisationName]
    }

    /// Index of the normalisation in θ.
    public var normalisationIndex: Int { parameterNames.count - 1 }
    public var closedFormParameterIndices: [Int] { [normalisationIndex] }
    public var valuePrecision: Double { shape.valuePrecision }

    /// The expected number of events ν = μ · L · σ_fid(θ) at θ `[p + 1]` (the shape's
    /// parameters, then the normalisation μ).
    ///
    /// - Throws: ``InferenceError`` for a θ of the wrong length or with a non-finite value.
    public func expectedEvents(_ theta: [Double]) throws -> Double {
        try checkTheta(theta)
        return theta[normalisationIndex] * (try expected(theta).value)
    }

    /// The shape's event weights (nil when the shape does not score events or has unit weights).
    public var eventWeights: [Double]? { (shape as? EventScoring)?.eventWeights }

    /// Each event's score ∂ log(ν(θ, μ) p(x_i | θ))/∂(θ, μ), [N][p + 1]: the shape's score plus
    /// ∂ log ν, so that ``MaximumLikelihoodFit/weightedCovariance(_:result:)`` covers the
    /// Poisson term too.
    ///
    /// - Throws: ``InferenceError`` when the shape likelihood does not give event scores.
    public func eventScores(_ theta: [Double]) throws -> [[Double]] {
        try checkTheta(theta)
        guard let shape = shape as? EventScoring else {
            throw InferenceError.invalidArgument(name: "shape", expected: "a likelihood that gives event scores (e.g. a ModelLikelihood)",
                                                 got: "\(type(of: self.shape))")
        }
        let (a, da) = try expected(theta)
        let mu = theta[normalisationIndex]
        guard a > 0, mu > 0 else { throw InferenceError.nonPositiveRate(theta: theta, value: a * mu) }
        let logNuGradient = da.map { $0 / a } + [1 / mu]
        return try shape.eventScores(Array(theta[0..<normalisationIndex])).map { score in
            score.indices.map { score[$0] + logNuGradient[$0] } + [logNuGradient[normalisationIndex]]
        }
    }

    /// L · σ_fid(θ) and its gradient over the shape parameters.
    private func expected(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        let (sigma, dSigma) = try rate.rateAndGradient(rateIndices.map { theta[$0] })
        var gradient = [Double](repeating: 0, count: parameterNames.count - 1)
        for (k, i) in rateIndices.enumerated() { gradient[i] += luminosity * dSigma[k] }
        return (luminosity * sigma, gradient)
    }

    /// ν − n ln ν and its derivative in ν.
    private func poisson(_ nu: Double, theta: [Double]) throws -> (value: Double, derivative: Double) {
        let n = observedEvents
        if nu == 0, n == 0 { return (0, 1) }
        guard nu > 0, nu.isFinite else { throw InferenceError.nonPositiveRate(theta: theta, value: nu) }
        return (nu - n * log(nu), 1 - n / nu)
    }

    public func value(_ theta: [Double]) throws -> Double { try values([theta])[0] }

    public func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) { try valuesAndGradients([theta])[0] }

    public func values(_ thetas: [[Double]]) throws -> [Double] {
        for theta in thetas { try checkTheta(theta) }
        let shapeValues = try shape.values(thetas.map { Array($0.dropLast()) })
        return try zip(thetas, shapeValues).map { theta, s in
            let mu = theta[normalisationIndex]
            return try poisson(mu * expected(theta).value, theta: theta).value + s
        }
    }

    public func valuesAndGradients(_ thetas: [[Double]]) throws -> [(value: Double, gradient: [Double])] {
        for theta in thetas { try checkTheta(theta) }
        let shapeResults = try shape.valuesAndGradients(thetas.map { Array($0.dropLast()) })
        return try zip(thetas, shapeResults).map { theta, s in
            let mu = theta[normalisationIndex]
            let (a, dA) = try expected(theta)
            let (term, dNu) = try poisson(mu * a, theta: theta)
            var gradient = s.gradient.enumerated().map { i, g in g + dNu * mu * dA[i] }
            gradient.append(dNu * a)
            return (term + s.value, gradient)
        }
    }

    /// The normalisation minimising ν − n ln ν (+ its constraint) at each θ, inside its bounds:
    /// with a = L σ_fid(θ) and a constraint N(m, s²), the root of μ² + (a s² − m) μ − n s² = 0;
    /// without one, n / a.
    public func profiledClosedForm(_ thetas: [[Double]], bounds: [ClosedRange<Double>], constraints: [GaussianConstraint?]) throws
        -> [(theta: [Double], value: Double)] {
        let k = normalisationIndex
        guard bounds.count == parameterNames.count, constraints.count == parameterNames.count else {
            throw InferenceError.shapeMismatch(field: "bounds", expected: "\(parameterNames.count) entries", got: "\(bounds.count)")
        }
        for theta in thetas { try checkTheta(theta) }
        let shapeValues = try shape.values(thetas.map { Array($0.dropLast()) })
        let n = observedEvents
        return try zip(thetas, shapeValues).map { theta, s in
            let a = try expected(theta).value
            guard a > 0, a.isFinite else { throw InferenceError.nonPositiveRate(theta: theta, value: a) }
            var mu: Double
            if let c = constraints[k] {
                let s2 = c.width * c.width
                let b = a * s2 - c.mean
                mu = 0.5 * (-b + (b * b + 4 * n * s2).squareRoot())
            } else {
                mu = n / a
            }
            mu = min(bounds[k].upperBound, max(bounds[k].lowerBound, mu))
            var profiled = theta
            profiled[k] = mu
            return (profiled, try poisson(mu * a, theta: profiled).value + s)
        }
    }
}
