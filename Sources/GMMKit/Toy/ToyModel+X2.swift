#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ToyModel {
    /// log p2(x2 | cx, cy) on [-pi, pi]:
    ///
    ///     p2 = (alpha2 + beta2 x2^2 + gamma2 x2^4) (1 + delta2 sin x2 + epsilon2 cos x2)
    ///          / (f2(pi) - f2(-pi)),
    ///
    /// with delta2 = 2 cx / 5 and epsilon2 = cy / 2. The polynomial is evaluated as
    /// (1 + 5 t)(1 - t) with t = (x2 / pi)^2, which is the same polynomial but exactly 0 (not
    /// a rounding error below 0) at x2 = +-pi. Returns `-infinity` outside [-pi, pi] (and at
    /// the end points, where the density vanishes) and NaN outside the domain.
    public func logP2(x2: Double, cx: Double, cy: Double) -> Double {
        guard Self.isInDomain(cx: cx, cy: cy) else { return .nan }
        guard x2 >= -Double.pi, x2 <= Double.pi else { return -.infinity }
        return log(Self.numerator2(x2: x2, cx: cx, cy: cy)) - log(Self.normalizer2(cx: cx, cy: cy))
    }

    /// The distribution function I2(c, x2) = (f2(x2) - f2(-pi)) / (f2(pi) - f2(-pi)) of (A.7),
    /// clamped to 0 below -pi and 1 above pi. NaN outside the domain.
    public func cdf2(x2: Double, cx: Double, cy: Double) -> Double {
        guard Self.isInDomain(cx: cx, cy: cy) else { return .nan }
        if x2 <= -Double.pi { return 0 }
        if x2 >= Double.pi { return 1 }
        let lower = Self.f2(x: -Double.pi, cx: cx, cy: cy)
        let value = (Self.f2(x: x2, cx: cx, cy: cy) - lower) / Self.normalizer2(cx: cx, cy: cy)
        return min(max(value, 0), 1)
    }

    /// The quantile I2^-1(c, u) of (A.6), in [-pi, pi], found numerically.
    ///
    /// I2 is monotone, so a bracket [lo, hi] with I2(lo) <= u <= I2(hi) is kept and shrunk;
    /// Newton steps (derivative p2) are taken when they land inside the bracket, bisection
    /// otherwise. It converges to about 1e-14 in x2 within a few dozen evaluations even where
    /// p2 vanishes at +-pi. NaN outside the domain.
    /// - Parameters:
    ///   - u: a probability in [0, 1].
    ///   - cx: the parameter cx.
    ///   - cy: the parameter cy.
    public func quantile2(_ u: Double, cx: Double, cy: Double) -> Double {
        guard Self.isInDomain(cx: cx, cy: cy), u >= 0, u <= 1 else { return .nan }
        if u == 0 { return -Double.pi }
        if u == 1 { return Double.pi }
        let lowerF = Self.f2(x: -Double.pi, cx: cx, cy: cy)
        let norm = Self.normalizer2(cx: cx, cy: cy)
        var lo = -Double.pi
        var hi = Double.pi
        var x = -Double.pi + 2 * Double.pi * u
        for _ in 0..<200 {
            let residual = (Self.f2(x: x, cx: cx, cy: cy) - lowerF) / norm - u
            if residual == 0 { return x }
            if residual < 0 { lo = x } else { hi = x }
            let slope = Self.numerator2(x2: x, cx: cx, cy: cy) / norm
            var next = slope > 0 ? x - residual / slope : .nan
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            let tolerance = 1e-15 * Double.pi
            if abs(next - x) <= tolerance || hi - lo <= tolerance {
                return min(max(next, -Double.pi), Double.pi)
            }
            x = next
        }
        return min(max(x, -Double.pi), Double.pi)
    }

    /// f2(c, x) of (A.5): the exact antiderivative of p2's numerator
    /// (alpha2 + beta2 x^2 + gamma2 x^4)(1 + delta2 sin x + epsilon2 cos x).
    public static func f2(x: Double, cx: Double, cy: Double) -> Double {
        let a = alpha2, b = beta2, g = gamma2
        let d = delta2(cx: cx), e = epsilon2(cy: cy)
        let x2 = x * x
        let polynomial = a * x + b / 3 * x * x2 + g / 5 * x * x2 * x2
        let sinCoefficient = a * e + 2 * b * d * x + b * e * (x2 - 2)
            + 4 * g * d * x * (x2 - 6) + g * e * (x2 * x2 - 12 * x2 + 24)
        let cosCoefficient = -a * d + 2 * b * e * x - b * d * (x2 - 2)
            + 4 * g * e * x * (x2 - 6) - g * d * (x2 * x2 - 12 * x2 + 24)
        return polynomial + sinCoefficient * sin(x) + cosCoefficient * cos(x)
    }

    /// p2's unnormalised density (1 + 5t)(1 - t)(1 + delta2 sin x2 + epsilon2 cos x2), t = (x2/pi)^2.
    static func numerator2(x2: Double, cx: Double, cy: Double) -> Double {
        let t = (x2 / Double.pi) * (x2 / Double.pi)
        let polynomial = (1 + 5 * t) * max(1 - t, 0)
        let modulation = 1 + delta2(cx: cx) * sin(x2) + epsilon2(cy: cy) * cos(x2)
        return polynomial * max(modulation, 0)
    }

    /// p2's normaliser f2(pi) - f2(-pi).
    static func normalizer2(cx: Double, cy: Double) -> Double {
        f2(x: Double.pi, cx: cx, cy: cy) - f2(x: -Double.pi, cx: cx, cy: cy)
    }
}
