/// A negative log-likelihood −ln L(θ) of a fixed data set, as a function of the parameters θ.
///
/// Conforming types: ``ModelLikelihood`` (a trained ``DensityModel``), ``ExactToyLikelihood``
/// (the Appendix-A toy's exact density) and ``ExtendedLikelihood`` (either, times a Poisson
/// term for the number of events). ``MaximumLikelihoodFit`` fits, scans and profiles any of them.
///
/// θ is always the full vector in ``parameterNames`` order, [p].
public protocol NegativeLogLikelihood {
    /// The names of the parameters, [p], in the order θ lists them.
    var parameterNames: [String] { get }
    /// −ln L(θ).
    func value(_ theta: [Double]) throws -> Double
    /// −ln L(θ) and its gradient ∂(−ln L)/∂θ, [p].
    func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double])
    /// −ln L at many θ, [K] for `thetas` [K][p] (in one batched pass where the likelihood can).
    func values(_ thetas: [[Double]]) throws -> [Double]
    /// −ln L and its gradient at many θ (in one batched pass where the likelihood can).
    func valuesAndGradients(_ thetas: [[Double]]) throws -> [(value: Double, gradient: [Double])]
    /// An estimate of the absolute rounding error of ``value(_:)`` (0 for double-precision
    /// sums; single-precision network outputs make it larger). Line searches tolerate it.
    var valuePrecision: Double { get }
}

extension NegativeLogLikelihood {
    /// One ``value(_:)`` per θ.
    public func values(_ thetas: [[Double]]) throws -> [Double] { try thetas.map { try value($0) } }
    /// One ``valueAndGradient(_:)`` per θ.
    public func valuesAndGradients(_ thetas: [[Double]]) throws -> [(value: Double, gradient: [Double])] {
        try thetas.map { try valueAndGradient($0) }
    }
    /// Double precision: no rounding allowance.
    public var valuePrecision: Double { 0 }

    /// Checks that θ has one finite value per parameter.
    func checkTheta(_ theta: [Double], field: String = "theta") throws {
        guard theta.count == parameterNames.count else {
            throw InferenceError.shapeMismatch(field: field, expected: "\(parameterNames.count) values (\(parameterNames.joined(separator: ", ")))",
                                               got: "\(theta.count) values")
        }
        if let bad = theta.firstIndex(where: { !$0.isFinite }) {
            throw InferenceError.nonFinite(field: "\(field) (\(parameterNames[bad]))", index: bad, value: theta[bad])
        }
    }
}

/// A likelihood some of whose parameters can be minimised in closed form at fixed values of
/// the others (e.g. a normalisation entering only a Poisson term). Profile scans use it to
/// profile those parameters at every scan point in one batched pass.
public protocol ClosedFormProfiling: NegativeLogLikelihood {
    /// Indices into ``NegativeLogLikelihood/parameterNames`` of the parameters minimised in closed form.
    var closedFormParameterIndices: [Int] { get }
    /// For each θ of `thetas` [K][p] (its closed-form entries ignored), the θ with those entries
    /// set to their minimising values inside `bounds` (with the optional Gaussian `constraints`
    /// added to the minimised function), and −ln L there (constraint terms not included).
    ///
    /// - Parameters:
    ///   - thetas: K parameter points, each [p] in ``NegativeLogLikelihood/parameterNames`` order.
    ///   - bounds: [p] closed intervals; only the closed-form entries are read.
    ///   - constraints: [p] optional constraints; only the closed-form entries are read.
    func profiledClosedForm(_ thetas: [[Double]], bounds: [ClosedRange<Double>], constraints: [GaussianConstraint?]) throws
        -> [(theta: [Double], value: Double)]
}
