#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The latent projection h(x) = Q_u⁻¹(Q_x(x)) of one continuous observable (Section 3).
///
/// Q_x = (1 − f)·D_x + f·L_x is piecewise linear on a knot table (see
/// ``init(name:values:weights:lowerBound:upperBound:f:target:maxKnots:coverage:interpolation:)``), so dh/dx is
/// Q_x'(x) / q_u(h(x)) with Q_x' piecewise constant; Q_u is the exact CDF of ``LatentTarget``.
/// h maps the covered range [``supportLowerBound``, ``supportUpperBound``] onto the latent
/// interval [u_min, u_max], strictly increasingly.
///
/// Integer observables are not projected: the model uses them as they are (identity, unit
/// Jacobian), so no `ObservableProjection` is built for them.
///
/// With ``ProjectionTail/exponential`` tails (every projection built since they exist) an
/// unbounded side has no end: its outermost segment is an exponential tail that reaches Q_x = 0
/// (or 1) only at infinity, so h maps the whole side into the latent interval and the density
/// stays normalised and positive for every finite value.
///
/// The plain methods are unchecked and fast: out-of-range arguments are clamped to the covered
/// range. The `checked…` variants throw ``ProjectionError`` naming the observable, the value and
/// the interval.
public struct ObservableProjection: Sendable, Equatable, Codable {
    /// Fraction of the reference data range added beyond the data on an unbounded side.
    ///
    /// With an infinite lower (upper) bound the table starts (ends) at the smallest (largest)
    /// reference value minus (plus) 5% of the data range (of max(1, |value|) if all values are equal).
    public static let unboundedMarginFraction = 0.05

    /// The knot tables this projection evaluates; store it to reload the projection exactly.
    public let table: ProjectionTable
    /// Slope of Q_x on each segment, shape `[K − 1]`, all > 0.
    private let slopes: [Double]
    /// dQ_x/dx at each knot for the monotone cubic curve, shape `[K]` (empty when linear).
    private let derivatives: [Double]
    /// The exponential tail below the second knot (nil without one).
    private let lowerTail: ExponentialTail?
    /// The exponential tail above the last-but-one knot (nil without one).
    private let upperTail: ExponentialTail?

    /// Name of the observable.
    public var name: String { table.name }
    /// Declared lower bound (−∞ when unbounded).
    public var lowerBound: Double { table.declaredLowerBound ?? -.infinity }
    /// Declared upper bound (+∞ when unbounded).
    public var upperBound: Double { table.declaredUpperBound ?? .infinity }
    /// Lower end of the range covered by the knot table.
    public var supportLowerBound: Double { table.knotsX[0] }
    /// Upper end of the range covered by the knot table.
    public var supportUpperBound: Double { table.knotsX[table.knotsX.count - 1] }
    /// Lower end of the range where the density is positive (maps to u_min): the first knot,
    /// or −∞ with a lower tail.
    public var densityLowerBound: Double { lowerTail == nil ? supportLowerBound : -.infinity }
    /// Upper end of the range where the density is positive (maps to u_max): the last knot, or
    /// +∞ with an upper tail.
    public var densityUpperBound: Double { upperTail == nil ? supportUpperBound : .infinity }
    /// The latent target.
    public var target: LatentTarget { table.target }

    /// Rebuilds a projection from a stored table, validating it.
    ///
    /// - Throws: ``ProjectionError/invalidTable(observable:reason:)`` unless there are at least
    ///   two knots, `knotsX` and `knotsQ` have equal lengths, are finite and strictly increasing,
    ///   `knotsQ` runs from exactly 0 to exactly 1, the knots lie in the declared interval, and f is in [0, 1].
    public init(table: ProjectionTable) throws(ProjectionError) {
        let name = table.name
        let xs = table.knotsX
        let qs = table.knotsQ
        guard xs.count >= 2 else {
            throw .invalidTable(observable: name, reason: "expected at least 2 knots, got \(xs.count)")
        }
        guard qs.count == xs.count else {
            throw .invalidTable(observable: name, reason: "knots_x has \(xs.count) entries but knots_q has \(qs.count)")
        }
        guard table.projectionF >= 0, table.projectionF <= 1 else {
            throw .invalidProjectionF(observable: name, f: table.projectionF)
        }
        guard qs[0] == 0, qs[qs.count - 1] == 1 else {
            throw .invalidTable(
                observable: name, reason: "knots_q must start at 0 and end at 1, got \(qs[0]) and \(qs[qs.count - 1])")
        }
        let lower = table.declaredLowerBound ?? -.infinity
        let upper = table.declaredUpperBound ?? .infinity
        guard lower < upper else { throw .invalidInterval(observable: name, lower: lower, upper: upper) }
        guard xs[0] >= lower, xs[xs.count - 1] <= upper else {
            throw .invalidTable(
                observable: name,
                reason: "knots span [\(xs[0]), \(xs[xs.count - 1])], outside the interval \(formatInterval(lower, upper))")
        }
        var slopes = [Double]()
        slopes.reserveCapacity(xs.count - 1)
        for j in 0..<(xs.count - 1) {
            guard xs[j].isFinite, xs[j + 1].isFinite, xs[j + 1] > xs[j] else {
                throw .invalidTable(observable: name, reason: "knots_x must be finite and strictly increasing (at index \(j + 1))")
            }
            guard qs[j + 1] > qs[j] else {
                throw .invalidTable(observable: name, reason: "knots_q must be strictly increasing (at index \(j + 1))")
            }
            let slope = (qs[j + 1] - qs[j]) / (xs[j + 1] - xs[j])
            guard slope > 0, slope.isFinite else {
                throw .invalidTable(observable: name, reason: "segment \(j) has a non-finite or zero slope")
            }
            slopes.append(slope)
        }
        let derivatives = table.interpolation == .monotoneCubic ? Self.monotoneDerivatives(xs, slopes) : []
        let k = xs.count
        let tailed = table.tails == .exponential
        let (lowerTailed, upperTailed) = (tailed && table.declaredLowerBound == nil, tailed && table.declaredUpperBound == nil)
        if lowerTailed && upperTailed && k < 3 {
            throw .invalidTable(observable: name, reason: "tails on both unbounded sides need at least 3 knots, got \(k)")
        }
        // Each tail keeps its segment's mass and the density at the segment's inner knot.
        lowerTail = lowerTailed
            ? ExponentialTail(knot: xs[1], mass: qs[1], density: derivatives.isEmpty ? slopes[0] : derivatives[1]) : nil
        upperTail = upperTailed
            ? ExponentialTail(knot: xs[k - 2], mass: 1 - qs[k - 2], density: derivatives.isEmpty ? slopes[k - 2] : derivatives[k - 2]) : nil
        self.table = table
        self.slopes = slopes
        self.derivatives = derivatives
    }

    /// An exponential tail of Q_x beyond `knot`: the mass m = `mass` beyond it, falling off as
    /// m·exp(−λ·|x − knot|) with λ = `density` / m (so dQ_x/dx is `density` at the knot).
    struct ExponentialTail: Sendable, Equatable {
        /// Where the tail starts.
        let knot: Double
        /// Q_x's mass beyond the knot, in (0, 1).
        let mass: Double
        /// λ, the tail's decay rate (per unit of x).
        let rate: Double
        /// log(m·λ) = log dQ_x/dx at the knot.
        let logDensityAtKnot: Double

        init(knot: Double, mass: Double, density: Double) {
            self.knot = knot
            self.mass = mass
            rate = density / mass
            logDensityAtKnot = log(density)
        }

        /// The mass beyond x, for x at distance `distance` >= 0 from the knot.
        @inline(__always) func mass(at distance: Double) -> Double { mass * exp(-rate * distance) }

        /// The distance from the knot beyond which `mass` of Q_x lies (floored so it stays finite).
        @inline(__always) func distance(leaving remaining: Double) -> Double {
            log(mass / max(remaining, .leastNormalMagnitude)) / rate
        }
    }

    /// log dQ_x/dx at x if x lies in a tail, else nil.
    @inline(__always) private func tailLogDerivative(_ x: Double) -> Double? {
        if let t = lowerTail, x < t.knot { return t.logDensityAtKnot - t.rate * (t.knot - x) }
        if let t = upperTail, x > t.knot { return t.logDensityAtKnot - t.rate * (x - t.knot) }
        return nil
    }

    /// Fritsch–Butland knot derivatives: the weighted harmonic mean of the neighbouring
    /// secants inside (at most 3× the smaller, which keeps each cubic piece monotone), the
    /// secant at the two ends. All secants are positive, so every derivative is.
    static func monotoneDerivatives(_ xs: [Double], _ slopes: [Double]) -> [Double] {
        let k = xs.count
        var m = [Double](repeating: 0, count: k)
        m[0] = slopes[0]
        m[k - 1] = slopes[k - 2]
        if k > 2 {
            for j in 1..<(k - 1) {
                let (h0, h1) = (xs[j] - xs[j - 1], xs[j + 1] - xs[j])
                let (w0, w1) = (2 * h1 + h0, h1 + 2 * h0)
                m[j] = (w0 + w1) / (w0 / slopes[j - 1] + w1 / slopes[j])
            }
        }
        return m
    }

    /// (Q_x, 1 − Q_x, dQ_x/dx) of the cubic piece j at t = (x − x_j)/h_j ∈ [0, 1].
    @inline(__always) private func cubic(_ j: Int, _ t: Double) -> (lower: Double, upper: Double, derivative: Double) {
        let xs = table.knotsX, qs = table.knotsQ
        let h = xs[j + 1] - xs[j]
        let (t2, t3) = (t * t, t * t * t)
        let h00 = 2 * t3 - 3 * t2 + 1, h01 = 3 * t2 - 2 * t3
        let h10 = (t3 - 2 * t2 + t) * h, h11 = (t3 - t2) * h
        let bend = h10 * derivatives[j] + h11 * derivatives[j + 1]
        let lower = h00 * qs[j] + h01 * qs[j + 1] + bend
        let upper = h00 * (1 - qs[j]) + h01 * (1 - qs[j + 1]) - bend
        let derivative = (6 * t2 - 6 * t) / h * (qs[j] - qs[j + 1]) + (3 * t2 - 4 * t + 1) * derivatives[j] + (3 * t2 - 2 * t) * derivatives[j + 1]
        // The slope is positive in exact arithmetic; keep rounding from reaching zero.
        return (lower, upper, max(derivative, 1e-12 * slopes[j]))
    }

    /// x in piece j where the cubic's Q (or 1 − Q, when `fromUpper`) equals `target`: safeguarded Newton.
    private func invertCubic(_ j: Int, target: Double, fromUpper: Bool) -> Double {
        let xs = table.knotsX
        let h = xs[j + 1] - xs[j]
        var (lo, hi) = (0.0, 1.0)
        var t = 0.5
        for _ in 0..<60 {
            let v = cubic(j, t)
            let residual = fromUpper ? target - v.upper : v.lower - target
            if residual > 0 { hi = t } else { lo = t }
            var next = t - residual / (v.derivative * h)
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - t) <= 1e-15 { t = next; break }
            t = next
        }
        return min(max(xs[j] + t * h, xs[j]), xs[j + 1])
    }

    // MARK: Unchecked evaluation

    /// Q_x(x), the data-space response curve in [0, 1]; beyond the knots x follows a tail, or is
    /// clamped to the knot range on a side without one.
    public func responseCDF(_ x: Double) -> Double {
        tails(x).lower
    }

    /// h(x) = Q_u⁻¹(Q_x(x)); beyond the knots x follows a tail, or is clamped to the knot range on
    /// a side without one (NaN stays NaN).
    public func toLatent(_ x: Double) -> Double {
        let t = tails(x)
        return table.target.quantile(lower: t.lower, upper: t.upper)
    }

    /// h⁻¹(u) = Q_x⁻¹(Q_u(u)), the exact inverse of ``toLatent(_:)-(Double)``; u is clamped to [u_min, u_max].
    public func fromLatent(_ u: Double) -> Double {
        if u.isNaN { return .nan }
        let xs = table.knotsX
        let qs = table.knotsQ
        let lower = table.target.cdf(u)
        if let t = lowerTail, lower < t.mass { return t.knot - t.distance(leaving: lower) }
        if let t = upperTail {
            let upper = table.target.survival(u)
            if upper < t.mass { return t.knot + t.distance(leaving: upper) }
        }
        if lower <= 0.5 {
            let j = segment(containing: lower, in: qs)
            if !derivatives.isEmpty { return invertCubic(j, target: lower, fromUpper: false) }
            let x = xs[j] + (lower - qs[j]) / slopes[j]
            return min(max(x, xs[j]), xs[j + 1])
        }
        // Work from the upper end so that a small 1 − Q keeps its precision.
        let upper = table.target.survival(u)
        let j = segment(containing: 1 - upper, in: qs)
        if !derivatives.isEmpty { return invertCubic(j, target: upper, fromUpper: true) }
        let x = xs[j + 1] - (upper - (1 - qs[j + 1])) / slopes[j]
        return min(max(x, xs[j]), xs[j + 1])
    }

    /// log |dh/dx| at x given its latent value u = h(x) (saves recomputing h).
    public func logAbsJacobian(_ x: Double, latent u: Double) -> Double {
        if x.isNaN { return .nan }
        if let tail = tailLogDerivative(x) { return tail - table.target.logDensity(u) }
        let xs = table.knotsX
        let j = segment(containing: x, in: xs)
        if !derivatives.isEmpty {
            let xc = min(max(x, xs[0]), xs[xs.count - 1])
            return log(cubic(j, (xc - xs[j]) / (xs[j + 1] - xs[j])).derivative) - table.target.logDensity(u)
        }
        return log(slopes[j]) - table.target.logDensity(u)
    }

    /// log |dh/dx| = log Q_x'(x) − log q_u(h(x)); beyond the knots x follows a tail, or is clamped
    /// to the knot range on a side without one.
    ///
    /// Q_x' is the slope of the segment containing x (the right-hand segment at a knot).
    public func logAbsJacobian(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if let tail = tailLogDerivative(x) { return tail - table.target.logDensity(toLatent(x)) }
        let j = segment(containing: x, in: table.knotsX)
        if !derivatives.isEmpty {
            let xs = table.knotsX
            let xc = min(max(x, xs[0]), xs[xs.count - 1])
            return log(cubic(j, (xc - xs[j]) / (xs[j + 1] - xs[j])).derivative) - table.target.logDensity(toLatent(x))
        }
        return log(slopes[j]) - table.target.logDensity(toLatent(x))
    }

    // MARK: Helpers

    /// (Q_x(x), 1 − Q_x(x)), each computed from its own end of the segment for precision.
    private func tails(_ x: Double) -> (lower: Double, upper: Double) {
        if x.isNaN { return (.nan, .nan) }
        if let t = lowerTail, x < t.knot {
            let lower = t.mass(at: t.knot - x)
            return (lower, 1 - lower)
        }
        if let t = upperTail, x > t.knot {
            let upper = t.mass(at: x - t.knot)
            return (1 - upper, upper)
        }
        let xs = table.knotsX
        let qs = table.knotsQ
        let xc = min(max(x, xs[0]), xs[xs.count - 1])
        let j = segment(containing: xc, in: xs)
        if !derivatives.isEmpty {
            let v = cubic(j, (xc - xs[j]) / (xs[j + 1] - xs[j]))
            return (min(max(v.lower, qs[j]), qs[j + 1]), min(max(v.upper, 1 - qs[j + 1]), 1 - qs[j]))
        }
        let lower = min(qs[j] + (xc - xs[j]) * slopes[j], qs[j + 1])
        let upper = min((1 - qs[j + 1]) + (xs[j + 1] - xc) * slopes[j], 1 - qs[j])
        return (lower, upper)
    }

    /// Index j in 0..<(count − 1) of the segment with knots[j] <= value < knots[j + 1]
    /// (the last segment for value >= the last knot, the first for value < the first).
    private func segment(containing value: Double, in knots: [Double]) -> Int {
        var lo = 0
        var hi = knots.count - 1
        // Invariant: answer in [lo, hi - 1].
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if knots[mid] <= value { lo = mid } else { hi = mid }
        }
        return lo
    }

    // MARK: Codable

    /// Decodes a ``ProjectionTable`` and validates it with ``init(table:)``.
    public init(from decoder: any Decoder) throws {
        try self.init(table: ProjectionTable(from: decoder))
    }

    /// Encodes the ``table``.
    public func encode(to encoder: any Encoder) throws {
        try table.encode(to: encoder)
    }
}
