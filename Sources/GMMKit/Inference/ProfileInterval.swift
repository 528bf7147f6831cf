/// A 1-D confidence interval from the profile likelihood (MINOS): where −2Δln L, with the other
/// free parameters profiled, crosses the Wilks threshold on each side of the minimum.
public struct ProfileInterval: Codable, Sendable, Equatable {
    /// The parameter.
    public var parameter: String
    /// Its best-fit value.
    public var value: Double
    /// The lower end (the lower bound when the profile does not cross before it).
    public var lower: Double
    /// The upper end (the upper bound when the profile does not cross before it).
    public var upper: Double
    /// The confidence level.
    public var confidenceLevel: Double
    /// The −2Δln L threshold used.
    public var threshold: Double
    /// Whether the lower end is a parameter bound, not a crossing.
    public var lowerAtBound: Bool
    /// Whether the upper end is a parameter bound, not a crossing.
    public var upperAtBound: Bool
    /// Whether every profile minimisation converged and none found a lower minimum than the fit.
    public var valid: Bool

    /// lower − value (≤ 0), MINOS's negative error.
    public var lowerError: Double { lower - value }
    /// upper − value (≥ 0), MINOS's positive error.
    public var upperError: Double { upper - value }

    /// Whether `x` lies in [lower, upper].
    public func contains(_ x: Double) -> Bool { x >= lower && x <= upper }

    enum CodingKeys: String, CodingKey {
        case parameter, value, lower, upper, threshold, valid
        case confidenceLevel = "confidence_level"
        case lowerAtBound = "lower_at_bound"
        case upperAtBound = "upper_at_bound"
    }
}

extension MaximumLikelihoodFit {
    /// MINOS intervals of the named free parameters (nil: all free ones) at `confidenceLevel`:
    /// for each side, the crossing of −2(ln L_profile(t) − ln L_max) with the 1-D Wilks threshold,
    /// bracketed from the Hesse error and located by the Illinois (regula falsi) method, each
    /// evaluation a fit of the other free parameters.
    ///
    /// - Parameters:
    ///   - nll: the likelihood.
    ///   - result: the fit of `nll` with these settings.
    ///   - names: the free parameters whose intervals are wanted (nil: every free parameter).
    ///   - confidenceLevel: the level in (0, 1) (default ``Wilks/oneSigma``).
    ///   - progress: given each interval as soon as it is found (each costs a few profile fits
    ///     per side: long for large data sets).
    /// - Throws: ``InferenceError`` for an unknown or fixed parameter, a result of another
    ///   likelihood, or a bad level.
    public func minos(_ nll: NegativeLogLikelihood, result: FitResult, parameters names: [String]? = nil,
                      confidenceLevel: Double = Wilks.oneSigma, progress: ((ProfileInterval) -> Void)? = nil) throws -> [ProfileInterval] {
        let settings = try resolve(nll)
        guard result.parameterNames == nll.parameterNames else {
            throw InferenceError.invalidArgument(name: "result", expected: "a fit of this likelihood (\(nll.parameterNames))", got: "a fit of \(result.parameterNames)")
        }
        let threshold = try Wilks.threshold(confidenceLevel: confidenceLevel, degreesOfFreedom: 1)
        let selected = try (names ?? settings.indices.filter { result.free[$0] }.map { settings[$0].name }).map { name -> Int in
            let i = try index(of: name, in: nll)
            guard result.free[i] else { throw InferenceError.invalidArgument(name: "parameters", expected: "free parameters", got: "'\(name)', which is fixed") }
            return i
        }
        return try selected.map { i in
            var valid = true
            var ends: [(Double, Bool)] = []
            for direction in [-1.0, 1.0] {
                let (end, atBound, ok) = try crossing(nll, settings: settings, result: result, index: i, direction: direction, threshold: threshold)
                ends.append((end, atBound))
                valid = valid && ok
            }
            let interval = ProfileInterval(parameter: settings[i].name, value: result.values[i], lower: ends[0].0, upper: ends[1].0,
                                           confidenceLevel: confidenceLevel, threshold: threshold, lowerAtBound: ends[0].1,
                                           upperAtBound: ends[1].1, valid: valid && result.status.isConverged)
            progress?(interval)
            return interval
        }
    }

    /// Where the profile of parameter `i` crosses `threshold` on one side of the minimum.
    private func crossing(_ nll: NegativeLogLikelihood, settings: [FitParameter], result: FitResult, index i: Int,
                          direction: Double, threshold: Double) throws -> (value: Double, atBound: Bool, valid: Bool) {
        let best = result.values[i]
        let bound = direction < 0 ? settings[i].lower : settings[i].upper
        var valid = true
        var warm = result.values
        // q(t) = −2Δln L − threshold with the other parameters profiled (warm-started).
        func q(_ t: Double) throws -> Double {
            let profiled = try profile(nll, settings: settings, fixing: [i: t], start: warm)
            warm = profiled.theta
            if !profiled.status.isConverged { valid = false }
            let delta = 2 * (profiled.value - result.minimumNLL)
            if delta < -0.01 { valid = false }
            return delta - threshold
        }
        if best == bound { return (bound, true, valid) }
        let sigma = result.errors[i] > 0 ? result.errors[i] : 0.1 * max(1, Swift.abs(best))
        var inside = (t: best, q: -threshold)
        var step = sigma * threshold.squareRoot()
        var outside: (t: Double, q: Double)?
        for _ in 0..<30 {
            let t = direction < 0 ? max(bound, inside.t - step) : min(bound, inside.t + step)
            let value = try q(t)
            if value >= 0 {
                outside = (t, value)
                break
            }
            if t == bound { return (bound, true, valid) }
            // Extrapolate the (near-quadratic) profile to the threshold.
            let reached = value + threshold
            let distance = Swift.abs(t - best)
            step = reached > 0 ? max(distance * ((threshold / reached).squareRoot() * 1.1 - 1), 0.1 * sigma) : 2 * step
            inside = (t, value)
        }
        guard var b = outside else { return (inside.t, false, false) }
        var a = inside
        var side = 0
        // −2Δln L is known only to about twice the NLL's rounding (single-precision network
        // outputs summed over many events: 0.03 for 20k events), and locating the crossing
        // closer than 10⁻³ of an error means nothing: past either, regula falsi chases rounding
        // noise (a 20k-event fit spent 30 profile fits on one crossing).
        let tolerance = max(options.crossingTolerance, 2 * nll.valuePrecision)
        let width = max(1e-3 * sigma, 1e-9 * max(1, Swift.abs(best)))
        for _ in 0..<60 {
            let t = (a.t * b.q - b.t * a.q) / (b.q - a.q)
            let value = try q(t)
            if Swift.abs(value) < tolerance || Swift.abs(b.t - a.t) < width {
                return (t, false, valid)
            }
            if value < 0 {
                a = (t, value)
                if side == -1 { b.q *= 0.5 }
                side = -1
            } else {
                b = (t, value)
                if side == 1 { a.q *= 0.5 }
                side = 1
            }
        }
        return ((a.t + b.t) / 2, false, false)
    }
}
