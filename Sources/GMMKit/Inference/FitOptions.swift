/// Settings of the minimiser, the Hessian and the profile computations.
public struct FitOptions: Codable, Sendable, Equatable {
    /// Convergence: the estimated distance to the minimum, EDM = ½ gᵀ V g (V the inverse
    /// Hessian estimate, g the projected gradient), must fall below this (MINUIT's default
    /// for an NLL: 0.002 · 0.1 · 0.5 = 1e-4).
    public var edmTolerance: Double = 1e-4
    /// Maximum quasi-Newton iterations per minimisation.
    public var maxIterations: Int = 200
    /// The half-width of the Hessian's stencil in units of each parameter's error (see `hesse`).
    public var hesseStep: Double = 0.5
    /// Tolerance on −2Δln L when locating a MINOS crossing (raised to twice the likelihood's
    /// ``NegativeLogLikelihood/valuePrecision`` where that is larger: large data sets of
    /// single-precision log-densities).
    public var crossingTolerance: Double = 1e-3

    /// The defaults.
    public init() {}

    /// Checks that every setting is in range.
    func validate() throws {
        guard edmTolerance.isFinite, edmTolerance > 0 else { throw InferenceError.invalidArgument(name: "edmTolerance", expected: "> 0", got: "\(edmTolerance)") }
        guard maxIterations > 0 else { throw InferenceError.invalidArgument(name: "maxIterations", expected: "> 0", got: "\(maxIterations)") }
        guard hesseStep.isFinite, hesseStep > 0 else { throw InferenceError.invalidArgument(name: "hesseStep", expected: "> 0", got: "\(hesseStep)") }
        guard crossingTolerance.isFinite, crossingTolerance > 0 else {
            throw InferenceError.invalidArgument(name: "crossingTolerance", expected: "> 0", got: "\(crossingTolerance)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case edmTolerance = "edm_tolerance"
        case maxIterations = "max_iterations"
        case hesseStep = "hesse_step"
        case crossingTolerance = "crossing_tolerance"
    }
}
