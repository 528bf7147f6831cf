#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Binned templates of one observable as a function of θ, the classic alternative to an
/// unbinned density model: the observable's histogram at every simulated θ point, each bin's
/// fraction interpolated between the points by a polynomial in θ (the per-bin parameterisation
/// of generator tuning, e.g. Professor), fitted by weighted least squares.
///
/// ``BinnedTemplateLikelihood`` fits data with them (a multinomial likelihood of the bin
/// counts): what `gmm-gpu study closure --binned NAME` compares the model's intervals with.
public struct BinnedTemplates: Codable, Sendable, Equatable {
    /// The observable's name.
    public var observable: String
    /// The parameter names, [p].
    public var parameterNames: [String]
    /// Bin edges, [B + 1], increasing; the outer edges may be infinite. Bin b is
    /// [edges[b], edges[b+1]) (the last bin closed).
    public var edges: [Double]
    /// Each bin's fraction as a polynomial in θ, [B].
    public var fractions: [RateModel]
    /// The smallest fraction a bin is given anywhere (a polynomial may dip below zero).
    public var floor: Double

    /// Templates from simulated events.
    ///
    /// - Parameters:
    ///   - events: events at several θ points (each point's total weight positive).
    ///   - observable: index of the observable in the events' columns.
    ///   - name: its name.
    ///   - parameterNames: [p].
    ///   - bins: the number of bins (≥ 2): edges at quantiles of the pooled events, so that
    ///     every bin holds about as many events; an integer observable's categories bound bins
    ///     at half-integers (fewer bins where the quantiles coincide).
    ///   - degree: the total degree of each bin's polynomial in θ.
    ///   - integer: whether the observable takes integer values.
    /// - Throws: ``InferenceError`` for too few points for the degree, fewer than 2 bins, or a
    ///   point without weight.
    public static func fit(events: Events, observable: Int, name: String, parameterNames: [String], bins: Int = 20, degree: Int = 2,
                           integer: Bool = false) throws -> BinnedTemplates {
        guard bins >= 2 else { throw InferenceError.invalidArgument(name: "bins", expected: "at least 2", got: "\(bins)") }
        guard events.count >= bins else {
            throw InferenceError.invalidArgument(name: "events", expected: "at least as many events as bins (\(bins))", got: "\(events.count)")
        }
        let d = events.observableCount
        let values = (0..<events.count).map { events.x[$0 * d + observable] }
        let sorted = values.sorted()
        var edges = [-Double.infinity]
        for b in 1..<bins {
            var edge = sorted[min(sorted.count - 1, b * sorted.count / bins)]
            if integer { edge = edge.rounded(.down) + 0.5 }
            if edge > (edges.last ?? -.infinity), edge > sorted[0] || integer { edges.append(edge) }
        }
        edges.append(.infinity)
        let b = edges.count - 1
        guard b >= 2 else {
            throw InferenceError.invalidArgument(name: "observable \(name)", expected: "values that fill at least 2 bins", got: "a single value")
        }
        let (points, pointOf) = events.thetaPoints()
        var counts = [[Double]](repeating: [Double](repeating: 0, count: b), count: points.count)
        var totals = [Double](repeating: 0, count: points.count), squares = totals
        let template = BinnedTemplates(observable: name, parameterNames: parameterNames, edges: edges, fractions: [], floor: 0)
        for (i, value) in values.enumerated() {
            let w = events.weight(i), k = pointOf[i]
            counts[k][template.bin(of: value)] += w
            totals[k] += w
            squares[k] += w * w
        }
        for (k, total) in totals.enumerated() where !(total > 0) {
            throw InferenceError.invalidArgument(name: "events", expected: "a positive total weight at every θ point",
                                                 got: "\(total) at θ = \(points[k])")
        }
        // Kish's effective number of events per point sizes each fraction's binomial variance.
        let effective = zip(totals, squares).map { $0 * $0 / $1 }
        var fractions: [RateModel] = []
        var smallest = Double.infinity
        for bin in 0..<b {
            let f = (0..<points.count).map { counts[$0][bin] / totals[$0] }
            // Var f ≈ f(1 − f)/N_eff, with f kept off 0 so an empty bin still has a weight.
            let weights = (0..<points.count).map { k -> Double in
                let g = min(max(f[k], 0.5 / effective[k]), 1 - 0.5 / effective[k])
                return effective[k] / (g * (1 - g))
            }
            fractions.append(try RateModel.fit(points: points, totals: f, degree: degree, parameterNames: parameterNames, pointWeights: weights))
            for value in f where value > 0 { smallest = min(smallest, value) }
        }
        return BinnedTemplates(observable: name, parameterNames: parameterNames, edges: edges, fractions: fractions,
                               floor: 1e-3 * (smallest.isFinite ? smallest : 1 / Double(events.count)))
    }

    /// The number of bins B.
    public var binCount: Int { edges.count - 1 }

    /// The bin of `value` (values below the first edge or above the last go to the outer bins).
    public func bin(of value: Double) -> Int {
        var lo = 0, hi = edges.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if value >= edges[mid] { lo = mid } else { hi = mid }
        }
        return min(lo, edges.count - 2)
    }

    /// The bin probabilities at θ, [B] (the polynomials, floored, normalised to one), and their
    /// gradients ∂P_b/∂θ, [B][p].
    public func probabilities(_ theta: [Double]) -> (values: [Double], gradients: [[Double]]) {
        let p = parameterNames.count
        var raw = [Double](), rawGradients = [[Double]]()
        for polynomial in fractions {
            let (value, gradient) = polynomial.evaluate(theta)
            if value > floor {
                raw.append(value)
                rawGradients.append(gradient)
            } else {
                raw.append(floor)
                rawGradients.append([Double](repeating: 0, count: p))
            }
        }
        let total = raw.reduce(0, +)
        let totalGradient = (0..<p).map { j in rawGradients.reduce(0) { $0 + $1[j] } }
        let values = raw.map { $0 / total }
        let gradients = (0..<raw.count).map { b in (0..<p).map { j in (rawGradients[b][j] - values[b] * totalGradient[j]) / total } }
        return (values, gradients)
    }
}

/// The multinomial negative log-likelihood of one observable's bin counts under
/// ``BinnedTemplates``: −ln L(θ) = −Σ_b n_b ln P_b(θ), with n_b the (weighted) counts.
public struct BinnedTemplateLikelihood: NegativeLogLikelihood {
    /// The templates.
    public let templates: BinnedTemplates
    /// The data's (weighted) count per bin, [B].
    public let counts: [Double]

    public var parameterNames: [String] { templates.parameterNames }

    /// The likelihood of `values` (the observable's value per event, [N]) with optional weights [N].
    ///
    /// - Throws: ``InferenceError`` for no events, mismatched weights or non-finite values.
    public init(templates: BinnedTemplates, values: [Double], weights: [Double]? = nil) throws {
        guard !values.isEmpty else { throw InferenceError.empty(field: "data") }
        if let weights, weights.count != values.count {
            throw InferenceError.shapeMismatch(field: "weights", expected: "[\(values.count)] (one per event)", got: "\(weights.count) values")
        }
        var counts = [Double](repeating: 0, count: templates.binCount)
        for (i, value) in values.enumerated() {
            guard value.isFinite else { throw InferenceError.nonFinite(field: "data (\(templates.observable))", index: i, value: value) }
            let w = weights?[i] ?? 1
            guard w.isFinite else { throw InferenceError.nonFinite(field: "weights", index: i, value: w) }
            counts[templates.bin(of: value)] += w
        }
        self.templates = templates
        self.counts = counts
    }

    public func value(_ theta: [Double]) throws -> Double { try valueAndGradient(theta).value }

    public func valueAndGradient(_ theta: [Double]) throws -> (value: Double, gradient: [Double]) {
        try checkTheta(theta)
        let (probabilities, gradients) = templates.probabilities(theta)
        var value = 0.0
        var gradient = [Double](repeating: 0, count: theta.count)
        for (b, n) in counts.enumerated() where n != 0 {
            value -= n * log(probabilities[b])
            for j in gradient.indices { gradient[j] -= n * gradients[b][j] / probabilities[b] }
        }
        return (value, gradient)
    }
}
