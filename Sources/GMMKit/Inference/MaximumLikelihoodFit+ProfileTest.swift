extension MaximumLikelihoodFit {
    /// The profile-likelihood test statistic of one parameter at a value:
    /// t = −2Δln L = 2(min over the other free parameters of NLL(θ_i = value) − NLL(θ̂)), at least 0.
    ///
    /// The MINOS interval at level CL holds `value` exactly when t ≤ the 1-D Wilks threshold
    /// (the profile rises monotonically on each side of the minimum): one profile fit answers
    /// whether an interval covers a value, where locating its ends takes several per side.
    ///
    /// - Parameters:
    ///   - nll: the likelihood.
    ///   - result: the fit of `nll` with these settings.
    ///   - parameter: the name of a free parameter.
    ///   - value: the value tested (inside the parameter's bounds).
    /// - Returns: t, and whether the profile fit converged.
    /// - Throws: ``InferenceError`` for an unknown or fixed parameter, a value outside its
    ///   bounds, or a result of another likelihood.
    public func profileTestStatistic(_ nll: NegativeLogLikelihood, result: FitResult, parameter: String, value: Double) throws
        -> (testStatistic: Double, converged: Bool) {
        let settings = try resolve(nll)
        guard result.parameterNames == nll.parameterNames else {
            throw InferenceError.invalidArgument(name: "result", expected: "a fit of this likelihood (\(nll.parameterNames))", got: "a fit of \(result.parameterNames)")
        }
        let i = try index(of: parameter, in: nll)
        guard result.free[i] else { throw InferenceError.invalidArgument(name: "parameter", expected: "a free parameter", got: "'\(parameter)', which is fixed") }
        guard value >= settings[i].lower, value <= settings[i].upper else {
            throw InferenceError.outsideBounds(parameter: parameter, value: value, lower: settings[i].lower, upper: settings[i].upper)
        }
        var start = result.values
        start[i] = value
        let profiled = try profile(nll, settings: settings, fixing: [i: value], start: start)
        return (max(0, 2 * (profiled.value - result.minimumNLL)), profiled.status.isConverged)
    }
}
