/// The fiducial rate σ_fid(θ) of Eq. (11) as a polynomial in θ, fitted by least squares to the
/// total weight at each simulated θ point. A quadratic is exact for dimension-6 EFT couplings
/// (the cross-section is SM + linear interference + quadratic terms).
///
/// The polynomial has every monomial Π_j z_j^{e_j} of total degree ≤ ``degree`` in the
/// standardised z_j = (θ_j − centre_j)/scale_j (centre and scale from the fitted points, for
/// a well-conditioned fit). ``save(to:modelWeightsSHA256:)`` / ``load(from:)`` store it as JSON next to a model.
public struct RateModel: Codable, Sendable, Equatable {
    /// The parameter names, [p].
    public var parameterNames: [String]
    /// The polynomial's total degree.
    public var degree: Int
    /// Per-parameter centres and scales of the standardisation, [p].
    public var centres: [Double]
    public var scales: [Double]
    /// The monomials' exponents, [terms][p].
    public var exponents: [[Int]]
    /// The monomials' coefficients, [terms].
    public var coefficients: [Double]
    /// The fit's largest |fitted − total| / |total| over the points.
    public var maxRelativeResidual: Double
    /// The number of θ points fitted.
    public var pointCount: Int

    /// Every exponent vector of `p` variables with total degree ≤ `degree`, by degree then
    /// lexicographically (the constant first).
    public static func monomials(parameters p: Int, degree: Int) -> [[Int]] {
        var result: [[Int]] = []
        func extend(_ prefix: [Int], remaining: Int) {
            if prefix.count == p {
                if remaining == 0 { result.append(prefix) }
                return
            }
            for e in stride(from: remaining, through: 0, by: -1) { extend(prefix + [e], remaining: remaining - e) }
        }
        for d in 0...max(0, degree) { extend([], remaining: d) }
        return result
    }

    /// The least-squares polynomial of total degree `degree` through (points[k], totals[k]).
    ///
    /// - Parameters:
    ///   - points: θ points, [K][p] (K at least the number of monomials).
    ///   - totals: the total weight (or cross-section) at each point, [K].
    ///   - degree: the polynomial's total degree (≥ 0).
    ///   - parameterNames: the parameters' names, [p], in the order of each point's values.
    ///   - pointWeights: the least-squares weight of each point, [K] (e.g. 1/variance of its
    ///     total), each finite and > 0; nil weighs every point alike.
    /// - Throws: ``InferenceError`` for empty or mismatched inputs, non-finite values, a negative
    ///   degree, too few points, or points that do not determine the polynomial.
    public static func fit(points: [[Double]], totals: [Double], degree: Int, parameterNames: [String],
                           pointWeights: [Double]? = nil) throws -> RateModel {
        let p = parameterNames.count
        guard !points.isEmpty else { throw InferenceError.empty(field: "points") }
        guard points.count == totals.count else { throw InferenceError.shapeMismatch(field: "totals", expected: "[\(points.count)] (one per point)", got: "\(totals.count) values") }
        guard degree >= 0 else { throw InferenceError.invalidArgument(name: "degree", expected: "≥ 0", got: "\(degree)") }
        for (k, point) in points.enumerated() {
            guard point.count == p else { throw InferenceError.shapeMismatch(field: "points[\(k)]", expected: "\(p) values (\(parameterNames.joined(separator: ", ")))", got: "\(point.count)") }
            if let bad = point.firstIndex(where: { !$0.isFinite }) { throw InferenceError.nonFinite(field: "points[\(k)]", index: bad, value: point[bad]) }
            guard totals[k].isFinite else { throw InferenceError.nonFinite(field: "totals", index: k, value: totals[k]) }
        }
        if let pointWeights {
            guard pointWeights.count == points.count else {
                throw InferenceError.shapeMismatch(field: "pointWeights", expected: "[\(points.count)] (one per point)", got: "\(pointWeights.count) values")
            }
            if let bad = pointWeights.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                throw InferenceError.invalidArgument(name: "pointWeights[\(bad)]", expected: "a finite weight > 0", got: "\(pointWeights[bad])")
            }
        }
        let exponents = monomials(parameters: p, degree: degree)
        guard points.count >= exponents.count else {
            throw InferenceError.invalidArgument(name: "points", expected: "at least \(exponents.count) θ points for degree \(degree) in \(p) parameters",
                                                 got: "\(points.count)")
        }
        var centres = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        for j in 0..<p {
            let column = points.map { $0[j] }
            let lo = column.min() ?? 0, hi = column.max() ?? 0
            centres[j] = 0.5 * (lo + hi)
            scales[j] = hi > lo ? 0.5 * (hi - lo) : 1
        }
        var model = RateModel(parameterNames: parameterNames, degree: degree, centres: centres, scales: scales, exponents: exponents,
                              coefficients: [Double](repeating: 0, count: exponents.count), maxRelativeResidual: 0, pointCount: points.count)
        let rows = points.map { model.features($0) }
        let t = exponents.count
        var normal = [[Double]](repeating: [Double](repeating: 0, count: t), count: t)
        var rhs = [Double](repeating: 0, count: t)
        for (k, (row, total)) in zip(rows, totals).enumerated() {
            let w = pointWeights?[k] ?? 1
            for a in 0..<t {
                rhs[a] += w * row[a] * total
                for b in 0..<t { normal[a][b] += w * row[a] * row[b] }
            }
        }
        guard let coefficients = SymmetricMatrix.solve(normal, rhs) else {
            throw InferenceError.invalidArgument(name: "points", expected: "points that determine a degree-\(degree) polynomial (not all on a lower-dimensional curve)",
                                                 got: "a degenerate set of \(points.count) points")
        }
        model.coefficients = coefficients
        model.maxRelativeResidual = zip(points, totals).reduce(0) { worst, pair in
            let fitted = model.evaluate(pair.0).value
            return max(worst, Swift.abs(fitted - pair.1) / max(Swift.abs(pair.1), Double.leastNormalMagnitude))
        }
        return model
    }

    /// The rate model fitted to the total weight of `events` at each distinct θ point.
    ///
    /// - Throws: ``InferenceError`` as ``fit(points:totals:degree:parameterNames:pointWeights:)``, and when θ
    ///   varies from event to event (more distinct points than half the events): totals per
    ///   point then are single weights, not rates.
    public static func fit(events: Events, degree: Int, parameterNames: [String]) throws -> RateModel {
        guard events.parameterCount == parameterNames.count else {
            throw InferenceError.shapeMismatch(field: "parameterNames", expected: "\(events.parameterCount) names (one per θ column)", got: "\(parameterNames.count)")
        }
        var totals: [[Double]: Double] = [:]
        var order: [[Double]] = []
        for i in 0..<events.count {
            let point = Array(events.parameters(of: i))
            if totals[point] == nil { order.append(point) }
            totals[point, default: 0] += events.weight(i)
        }
        guard 2 * order.count <= events.count else {
            throw InferenceError.invalidArgument(name: "events", expected: "events simulated at repeated θ points (a rate model fits each point's total weight)",
                                                 got: "\(order.count) distinct θ points in \(events.count) events")
        }
        return try fit(points: order, totals: order.map { totals[$0] ?? 0 }, degree: degree, parameterNames: parameterNames)
    }

    /// The monomials at θ, [terms].
    func features(_ theta: [Double]) -> [Double] {
        let z = theta.indices.map { (theta[$0] - centres[$0]) / scales[$0] }
        return exponents.map { e in e.indices.reduce(1.0) { product, j in product * pow(z[j], e[j]) } }
    }

    /// σ(θ) and ∂σ/∂θ, [p] (θ unchecked).
    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let p = parameterNames.count
        let z = (0..<p).map { (theta[$0] - centres[$0]) / scales[$0] }
        var value = 0.0
        var gradient = [Double](repeating: 0, count: p)
        for (c, e) in zip(coefficients, exponents) {
            value += c * (0..<p).reduce(1.0) { $0 * pow(z[$1], e[$1]) }
            for j in 0..<p where e[j] > 0 {
                let derivative = (0..<p).reduce(1.0) { product, k in product * (k == j ? Double(e[k]) * pow(z[k], e[k] - 1) : pow(z[k], e[k])) }
                gradient[j] += c * derivative / scales[j]
            }
        }
        return (value, gradient)
    }

    /// σ(θ) for θ [p].
    public func rate(_ theta: [Double]) throws -> Double {
        try check(theta)
        return evaluate(theta).value
    }

    /// σ(θ) and its gradient ∂σ/∂θ, [p].
    public func rateAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        try check(theta)
        return evaluate(theta)
    }

    private func check(_ theta: [Double]) throws {
        guard theta.count == parameterNames.count else {
            throw InferenceError.shapeMismatch(field: "theta", expected: "\(parameterNames.count) values (\(parameterNames.joined(separator: ", ")))", got: "\(theta.count) values")
        }
        if let bad = theta.firstIndex(where: { !$0.isFinite }) { throw InferenceError.nonFinite(field: "theta", index: bad, value: theta[bad]) }
    }

    enum CodingKeys: String, CodingKey {
        case degree, centres, scales, exponents, coefficients
        case parameterNames = "parameter_names"
        case maxRelativeResidual = "max_relative_residual"
        case pointCount = "point_count"
    }
}

/// x^n for a small non-negative integer n.
@inline(__always) private func pow(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<max(0, n) { result *= x }
    return result
}
