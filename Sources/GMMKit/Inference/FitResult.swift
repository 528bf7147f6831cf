/// Whether a fit converged, and if not, why.
public enum FitStatus: String, Codable, Sendable, Equatable {
    /// EDM below tolerance and a positive-definite Hessian: the errors are meaningful.
    case converged
    /// The minimiser stopped at its iteration limit with EDM above tolerance.
    case maxIterationsReached = "max_iterations_reached"
    /// No step along the search direction lowered the NLL while EDM was above tolerance
    /// (e.g. rounding noise of a single-precision likelihood, or a kink).
    case lineSearchFailed = "line_search_failed"
    /// The minimum was found but the Hessian there is not positive definite: the errors and
    /// covariance come from the minimiser's quasi-Newton estimate instead.
    case hessianNotPositiveDefinite = "hessian_not_positive_definite"

    /// Whether the fit can be trusted.
    public var isConverged: Bool { self == .converged }
}

/// The result of ``MaximumLikelihoodFit/fit(_:start:)``: all in the likelihood's parameter order.
public struct FitResult: Codable, Sendable, Equatable {
    /// Parameter names, [p].
    public var parameterNames: [String]
    /// Best-fit values θ̂, [p] (fixed parameters at their fixed values).
    public var values: [Double]
    /// Which parameters were free, [p].
    public var free: [Bool]
    /// Symmetric (Hesse) errors √V_ii, [p] (0 for fixed parameters).
    public var errors: [Double]
    /// Covariance V = H⁻¹ of the NLL's Hessian H, [p][p] (zero rows/columns for fixed parameters).
    public var covariance: [[Double]]
    /// The minimum of the NLL (constraint terms included).
    public var minimumNLL: Double
    /// Estimated distance to the minimum at the end, ½ gᵀ V g.
    public var edm: Double
    /// Convergence status.
    public var status: FitStatus
    /// Likelihood evaluations (values or value+gradient; a batched call counts its θ points).
    public var evaluations: Int
    /// Quasi-Newton iterations.
    public var iterations: Int

    /// The value of the named parameter.
    public func value(of name: String) throws -> Double {
        guard let i = parameterNames.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: parameterNames) }
        return values[i]
    }

    /// The Hesse error of the named parameter.
    public func error(of name: String) throws -> Double {
        guard let i = parameterNames.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: parameterNames) }
        return errors[i]
    }

    /// The correlation matrix, [p][p] (0 off the diagonal for fixed parameters).
    public var correlation: [[Double]] {
        covariance.indices.map { i in
            covariance.indices.map { j in
                let d = (covariance[i][i] * covariance[j][j]).squareRoot()
                return d > 0 ? covariance[i][j] / d : (i == j ? 1 : 0)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case parameterNames = "parameter_names"
        case values, free, errors, covariance, edm, status, evaluations, iterations
        case minimumNLL = "minimum_nll"
    }
}
