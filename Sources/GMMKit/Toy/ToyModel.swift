/// The ground-truth toy model of Menary & Price (2022), Appendix A, read with the project's
/// `ERRATA.md`: four observables x = (x0, x1, x2, x3) whose density depends on two external
/// parameters c = (cx, cy),
///
///     p(x | c) = p0(x0 | cx) * p1(x1 | x0) * p2(x2 | cx, cy) * p3(x3 | cx, cy, x1, x2),
///
/// with x0, x1 in [100, 800], x2 in [-pi, pi] and x3 unbounded. Everything is in `Double`
/// and in data space (the densities include the 1/700 Jacobians of x0 and x1).
///
/// Parameters must lie in the model's domain (`ToyModel.isInDomain(cx:cy:)`): where
/// (2 cx / 5)^2 + (cy / 2)^2 > 1 the factor p2 turns negative and is no density.
///
/// Each factor is available separately as a log-density, a distribution function and a
/// quantile (inverse distribution function), in the files `ToyModel+X0.swift` to `+X3.swift`.
public struct ToyModel: Sendable, Hashable {
    /// Creates the toy model (it has no free settings).
    public init() {}

    /// The number of observables, 4.
    public static let observableCount = 4
    /// The number of external parameters (cx, cy), 2.
    public static let parameterCount = 2

    /// The width of p1's truncated normal in scaled units (not given in the paper; ERRATA 3).
    public static let sigma1 = 0.1

    /// The polynomial coefficients of p2: alpha2 = 1, beta2 = 4/pi^2, gamma2 = -5/pi^4.
    public static let alpha2 = 1.0
    /// See `alpha2`.
    public static let beta2 = 4 / (Double.pi * Double.pi)
    /// See `alpha2`.
    public static let gamma2 = -5 / (Double.pi * Double.pi * Double.pi * Double.pi)

    /// The plateau q3's slope alpha3 = 10, half-width beta3 = 1 and softness gamma3 = 1.
    public static let alpha3 = 10.0
    /// See `alpha3`.
    public static let beta3 = 1.0
    /// See `alpha3`.
    public static let gamma3 = 1.0

    /// Whether (cx, cy) is a parameter point where p(x | c) is a density: both finite and
    /// delta2^2 + epsilon2^2 = (2 cx / 5)^2 + (cy / 2)^2 <= 1.
    public static func isInDomain(cx: Double, cy: Double) -> Bool {
        guard cx.isFinite, cy.isFinite else { return false }
        let d = delta2(cx: cx)
        let e = epsilon2(cy: cy)
        return d * d + e * e <= 1
    }

    /// The log-density log p(x | cx, cy) of one event.
    ///
    /// - Parameters:
    ///   - x: one event, shape `[4]`: (x0, x1, x2, x3).
    ///   - cx: the first external parameter.
    ///   - cy: the second external parameter.
    /// - Returns: the log-density in data space; `-infinity` outside the support and NaN
    ///   when (cx, cy) is outside the domain.
    /// - Precondition: `x.count == 4` (a shape bug otherwise).
    public func logDensity(x: [Double], cx: Double, cy: Double) -> Double {
        precondition(x.count == Self.observableCount, "ToyModel.logDensity: x must have 4 values, got \(x.count)")
        return logDensity(x0: x[0], x1: x[1], x2: x[2], x3: x[3], cx: cx, cy: cy)
    }

    /// The log-density log p(x | cx, cy) of one event given as four scalars.
    ///
    /// - Returns: the sum of the four factors' log-densities; `-infinity` outside the support
    ///   and NaN when (cx, cy) is outside the domain.
    public func logDensity(x0: Double, x1: Double, x2: Double, x3: Double, cx: Double, cy: Double) -> Double {
        guard Self.isInDomain(cx: cx, cy: cy) else { return .nan }
        let l0 = logP0(x0: x0, cx: cx)
        let l1 = logP1(x1: x1, x0: x0)
        let l2 = logP2(x2: x2, cx: cx, cy: cy)
        let l3 = logP3(x3: x3, x1: x1, x2: x2, cx: cx, cy: cy)
        if l0 == -.infinity || l1 == -.infinity || l2 == -.infinity || l3 == -.infinity {
            return -.infinity
        }
        return l0 + l1 + l2 + l3
    }

    /// The log-densities of many events at one parameter point.
    ///
    /// - Parameters:
    ///   - events: row-major events, shape `[N, 4]` (`events.count == 4 N`).
    ///   - cx: the first external parameter.
    ///   - cy: the second external parameter.
    /// - Returns: shape `[N]`, one log-density per event.
    /// - Precondition: `events.count` is a multiple of 4.
    public func logDensities(events: [Double], cx: Double, cy: Double) -> [Double] {
        precondition(events.count % Self.observableCount == 0, "ToyModel.logDensities: events.count must be a multiple of 4, got \(events.count)")
        let n = events.count / Self.observableCount
        var result = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let r = 4 * i
            result[i] = logDensity(x0: events[r], x1: events[r + 1], x2: events[r + 2], x3: events[r + 3], cx: cx, cy: cy)
        }
        return result
    }

    /// The scaled x0' = (x0 - 100) / 700 (and likewise x1'), in [0, 1] on the support
    /// (ERRATA 1).
    public static func scaled(x01 x: Double) -> Double {
        (x - 100) / 700
    }

    /// The scaled x2' = x2 / pi, in [-1, 1] on the support.
    public static func scaled(x2: Double) -> Double {
        x2 / Double.pi
    }

    /// k = 2 (2 - |cx|), the rate of p0 (ERRATA 2).
    static func rate0(cx: Double) -> Double {
        2 * (2 - abs(cx))
    }

    /// delta2(cx) = 2 cx / 5.
    static func delta2(cx: Double) -> Double {
        0.4 * cx
    }

    /// epsilon2(cy) = cy / 2.
    static func epsilon2(cy: Double) -> Double {
        0.5 * cy
    }
}
