#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ToyModel {
    /// log p3(x3 | cx, cy, x1, x2) = log q3(x3 + shift), with
    /// shift = (3/5)(sqrt(4 + |cx|) + |cy|)(x1' + x2') (ERRATA 1: x1' = (x1 - 100)/700,
    /// x2' = x2 / pi). Returns `-infinity` when x1 or x2 is outside its interval or x3 is
    /// infinite.
    public func logP3(x3: Double, x1: Double, x2: Double, cx: Double, cy: Double) -> Double {
        guard x1 >= 100, x1 <= 800, x2 >= -Double.pi, x2 <= Double.pi, x3.isFinite else { return -.infinity }
        return Self.logQ3(x3 + Self.shift3(x1: x1, x2: x2, cx: cx, cy: cy))
    }

    /// The distribution function P(X3 <= x3 | cx, cy, x1, x2) = Q3(x3 + shift).
    public func cdf3(x3: Double, x1: Double, x2: Double, cx: Double, cy: Double) -> Double {
        Self.cdfQ3(x3 + Self.shift3(x1: x1, x2: x2, cx: cx, cy: cy))
    }

    /// The quantile of p3: I3^-1(u) - shift (the last line of (A.6), with the primed x1', x2').
    /// - Parameters:
    ///   - u: a probability in [0, 1] (0 and 1 give -infinity and +infinity).
    ///   - x1: the conditioning x1.
    ///   - x2: the conditioning x2.
    ///   - cx: the parameter cx.
    ///   - cy: the parameter cy.
    public func quantile3(_ u: Double, x1: Double, x2: Double, cx: Double, cy: Double) -> Double {
        Self.quantileQ3(u) - Self.shift3(x1: x1, x2: x2, cx: cx, cy: cy)
    }

    /// The argument shift of p3: (3/5)(sqrt(4 + |cx|) + |cy|)(x1' + x2').
    public static func shift3(x1: Double, x2: Double, cx: Double, cy: Double) -> Double {
        0.6 * ((4 + abs(cx)).squareRoot() + abs(cy)) * (scaled(x01: x1) + scaled(x2: x2))
    }

    /// s = alpha3 beta3 + gamma3 = 11, the plateau's half-width in units of 1/alpha3.
    static var plateauSharpness3: Double { alpha3 * beta3 + gamma3 }

    /// log q3(z) of the normalised flat-topped plateau on [-beta3, beta3] (ERRATA 4):
    ///
    ///     q3(z) = [sigmoid(a z + s) - sigmoid(a z - s)] a / (2 s),  a = alpha3, s = 11,
    ///
    /// evaluated as log sigmoid(a z + s) + log sigmoid(s - a z) + log(1 - exp(-2 s)) + log(a / 2s).
    public static func logQ3(_ z: Double) -> Double {
        let a = alpha3, s = plateauSharpness3
        return Logistic.logSigmoid(a * z + s) + Logistic.logSigmoid(s - a * z)
            + log(-expm1(-2 * s)) + log(a / (2 * s))
    }

    /// The distribution function of q3: [softplus(a z + s) - softplus(a z - s)] / (2 s),
    /// computed without cancellation in the lower tail.
    public static func cdfQ3(_ z: Double) -> Double {
        let a = alpha3, s = plateauSharpness3
        let upper = a * z + s
        if upper <= 0 {
            // softplus(A) - softplus(A - 2s) = log1p((e^A - e^(A-2s)) / (1 + e^(A-2s))).
            let eLower = exp(upper - 2 * s)
            let difference = exp(upper) * (-expm1(-2 * s))
            return log1p(difference / (1 + eLower)) / (2 * s)
        }
        let value = (Logistic.softplus(upper) - Logistic.softplus(a * z - s)) / (2 * s)
        return min(max(value, 0), 1)
    }

    /// I3^-1(u) of (A.8), the quantile of q3, in the stable form
    /// [log(expm1(2 s u)) - log(-expm1(-2 s (1 - u))) - s] / a.
    public static func quantileQ3(_ u: Double) -> Double {
        guard u >= 0, u <= 1 else { return .nan }
        if u == 0 { return -.infinity }
        if u == 1 { return .infinity }
        let a = alpha3, s = plateauSharpness3
        return (log(expm1(2 * s * u)) - log(-expm1(-2 * s * (1 - u))) - s) / a
    }
}
