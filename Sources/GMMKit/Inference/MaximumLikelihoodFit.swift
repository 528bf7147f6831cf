/// A maximum-likelihood fit of a ``NegativeLogLikelihood`` (iminuit-style): configure the
/// parameters (bounds, fixed or free, optional Gaussian constraints), then
/// ``fit(_:start:)`` minimises the NLL with a bounded quasi-Newton method on the exact gradient and
/// computes the Hesse errors; ``minos(_:result:parameters:confidenceLevel:progress:)`` gives
/// profile-likelihood intervals and ``scan(_:parameter:values:result:progress:)`` /
/// ``scan(_:x:xValues:y:yValues:result:progress:)`` profile scans.
///
/// The minimised function is NLL(θ) + Σ_i ½((θ_i − m_i)/s_i)² over the constrained parameters.
public struct MaximumLikelihoodFit: Sendable {
    /// One setting per parameter of the likelihood (any order; matched by name).
    public var parameters: [FitParameter]
    /// Minimiser and Hessian settings.
    public var options: FitOptions

    /// A fit with the given parameter settings.
    public init(parameters: [FitParameter], options: FitOptions = FitOptions()) {
        self.parameters = parameters
        self.options = options
    }

    /// Settings for every parameter of `nll` with the same bounds: free, start at the bounds'
    /// default (``FitParameter/startValue``).
    public init(_ nll: NegativeLogLikelihood, lower: Double, upper: Double, options: FitOptions = FitOptions()) {
        self.init(parameters: nll.parameterNames.map { FitParameter(name: $0, lower: lower, upper: upper) }, options: options)
    }

    /// The settings in `nll`'s parameter order, checked.
    ///
    /// - Throws: ``InferenceError`` for an unknown, missing or duplicated name, bad bounds,
    ///   a start or fixed value outside its bounds, a bad constraint, or bad options.
    func resolve(_ nll: NegativeLogLikelihood) throws -> [FitParameter] {
        try options.validate()
        let names = nll.parameterNames
        var byName: [String: FitParameter] = [:]
        for parameter in parameters {
            guard names.contains(parameter.name) else { throw InferenceError.unknownParameter(name: parameter.name, known: names) }
            guard byName[parameter.name] == nil else { throw InferenceError.duplicateParameter(name: parameter.name) }
            try parameter.validate()
            byName[parameter.name] = parameter
        }
        return try names.map { name in
            guard let parameter = byName[name] else { throw InferenceError.missingParameter(name: name) }
            return parameter
        }
    }

    /// The index of the named parameter.
    func index(of name: String, in nll: NegativeLogLikelihood) throws -> Int {
        guard let i = nll.parameterNames.firstIndex(of: name) else { throw InferenceError.unknownParameter(name: name, known: nll.parameterNames) }
        return i
    }

    /// The maximum-likelihood estimate with Hesse errors.
    ///
    /// - Parameters:
    ///   - nll: the likelihood to minimise; each of its ``NegativeLogLikelihood/parameterNames``
    ///     needs one setting in ``parameters``.
    ///   - start: start values of every parameter [p] (nil: each setting's
    ///     ``FitParameter/startValue``).
    /// - Throws: ``InferenceError`` for bad settings, a start outside the bounds, no free
    ///   parameter, or a likelihood that is not finite at the start.
    public func fit(_ nll: NegativeLogLikelihood, start: [Double]? = nil) throws -> FitResult {
        let settings = try resolve(nll)
        var initial = settings.map(\.startValue)
        if let start {
            try nll.checkTheta(start, field: "start")
            for (i, value) in start.enumerated() where settings[i].isFree {
                guard value >= settings[i].lower, value <= settings[i].upper else {
                    throw InferenceError.outsideBounds(parameter: settings[i].name, value: value, lower: settings[i].lower, upper: settings[i].upper)
                }
                initial[i] = value
            }
        }
        let objective = FitObjective(nll: nll, parameters: settings, base: initial)
        guard !objective.freeIndices.isEmpty else { throw InferenceError.noFreeParameter(detail: "every parameter is fixed; free at least one to fit") }
        let minimiser = BoundedQuasiNewton(options: options)
        let minimum = try minimiser.minimise(objective, start: objective.free(initial))
        return try hesse(objective, minimum: minimum)
    }

    /// Hesse errors at a minimum: the Hessian of the objective from its exact gradient at 8
    /// points along each free parameter, spread evenly over ±``FitOptions/hesseStep`` errors
    /// (clipped at the bounds), the slope of each gradient component fitted by least squares;
    /// all points in one batched call. Its inverse is the covariance. Falls back to the
    /// minimiser's estimate when it is not positive definite.
    ///
    /// The errors that size the stencil start from the minimiser's estimate and are redone
    /// with the Hessian's own until they agree within 30% (at most four passes): a quasi-Newton
    /// estimate after a few iterations can be far off. A network likelihood is only piecewise
    /// smooth (its leaky ReLUs): its gradient jumps at many kinks, so the curvature is measured
    /// across the peak, not between two nearby points (for a quadratic NLL both are exact).
    func hesse(_ objective: FitObjective, minimum: BoundedQuasiNewton.Result) throws -> FitResult {
        let n = minimum.x.count
        let lower = objective.lower, upper = objective.upper
        let x = minimum.x
        // The stencil's half-width for parameter j from a variance estimate (a fallback when it is not positive).
        func step(variance: Double, _ j: Int) -> Double {
            let error = variance > 0 && variance.isFinite ? variance.squareRoot() : 1e-2 * max(1, Swift.abs(x[j]))
            return max(options.hesseStep * error, 1e-6 * max(1, Swift.abs(x[j])))
        }
        // The symmetrised Hessian from stencils of half-width `h` [n].
        func differenceHessian(_ h: [Double]) throws -> [[Double]] {
            let perSide = 4
            var points: [[Double]] = []
            var offsets: [[Double]] = []
            for j in 0..<n {
                var column: [Double] = []
                for k in -perSide...perSide where k != 0 {
                    var point = x
                    point[j] = min(upper[j], max(lower[j], x[j] + h[j] * Double(k) / Double(perSide)))
                    points.append(point)
                    column.append(point[j] - x[j])
                }
                offsets.append(column)
            }
            let gradients = try objective.valuesAndGradients(points)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var first = 0
            for j in 0..<n {
                let d = offsets[j], m = d.count
                let meanOffset = d.reduce(0, +) / Double(m)
                let spread = d.reduce(0) { $0 + ($1 - meanOffset) * ($1 - meanOffset) }
                if spread > 0 {
                    for i in 0..<n {
                        let g = (0..<m).map { gradients[first + $0].gradient[i] }
                        let meanGradient = g.reduce(0, +) / Double(m)
                        hessian[i][j] = (0..<m).reduce(0) { $0 + (d[$1] - meanOffset) * (g[$1] - meanGradient) } / spread
                    }
                }
                first += m
            }
            return (0..<n).map { i in (0..<n).map { j in 0.5 * (hessian[i][j] + hessian[j][i]) } }
        }
        var steps = (0..<n).map { step(variance: minimum.inverseHessian[$0][$0], $0) }
        var hessian = try differenceHessian(steps)
        for _ in 0..<3 {
            guard let inverse = SymmetricMatrix.inverse(hessian) else { break }
            let next = (0..<n).map { step(variance: inverse[$0][$0], $0) }
            if zip(next, steps).allSatisfy({ $0 / $1 < 1.3 && $1 / $0 < 1.3 }) { break }
            steps = next
            hessian = try differenceHessian(steps)
        }
        var status = minimum.status
        var covariance = SymmetricMatrix.inverse(hessian)
        if covariance == nil {
            covariance = minimum.inverseHessian
            if status == .converged { status = .hessianNotPositiveDefinite }
        }
        let v = covariance ?? minimum.inverseHessian
        let g = minimum.gradient
        let held = (0..<n).map { i in (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) }
        let free = (0..<n).map { held[$0] ? 0 : g[$0] }
        let edm = 0.5 * zip(free, SymmetricMatrix.multiply(v, free)).reduce(0) { $0 + $1.0 * $1.1 }
        let p = objective.parameters.count
        var full = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for (a, i) in objective.freeIndices.enumerated() { for (b, j) in objective.freeIndices.enumerated() { full[i][j] = v[a][b] } }
        return FitResult(
            parameterNames: objective.nll.parameterNames, values: objective.full(x),
            free: objective.parameters.indices.map { objective.freeIndices.contains($0) },
            errors: (0..<p).map { full[$0][$0] > 0 ? full[$0][$0].squareRoot() : 0 }, covariance: full,
            minimumNLL: minimum.value, edm: edm, status: status, evaluations: objective.evaluations, iterations: minimum.iterations)
    }

    /// The minimum of the objective with the parameters of `fixing` held (others profiled),
    /// starting from the full θ `start`. Returns the full θ at the minimum, the value and status.
    func profile(_ nll: NegativeLogLikelihood, settings: [FitParameter], fixing: [Int: Double], start: [Double])
        throws -> (theta: [Double], value: Double, status: FitStatus, evaluations: Int) {
        let objective = FitObjective(nll: nll, parameters: settings, base: start, fixing: fixing)
        if objective.freeIndices.isEmpty {
            let theta = objective.full([])
            return (theta, try objective.value([]), .converged, 1)
        }
        let minimum = try BoundedQuasiNewton(options: options).minimise(objective, start: objective.free(start))
        return (objective.full(minimum.x), minimum.value, minimum.status, objective.evaluations)
    }
}
