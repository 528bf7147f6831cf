#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ToyModel {
    /// log p1(x1 | x0): a normal of width sigma1 = 0.1 in x1' = (x1 - 100) / 700, centred on
    /// x0', truncated to [0, 1]:
    ///
    ///     p1 = (1/700) * phi((x1' - x0') / sigma1) / (sigma1 * Z),
    ///     Z  = Phi((1 - x0') / sigma1) - Phi(-x0' / sigma1),
    ///
    /// which equals (A.2)'s erf form. Returns `-infinity` for x0 or x1 outside [100, 800].
    public func logP1(x1: Double, x0: Double) -> Double {
        guard x0 >= 100, x0 <= 800, x1 >= 100, x1 <= 800 else { return -.infinity }
        let sigma = Self.sigma1
        let (a, b) = Self.standardizedBounds1(x0: x0)
        let z = (Self.scaled(x01: x1) - Self.scaled(x01: x0)) / sigma
        let logZ = log(StandardNormal.intervalProbability(from: a, to: b))
        return -log(700.0) - log(sigma) + StandardNormal.logPDF(z) - logZ
    }

    /// The distribution function P(X1 <= x1 | x0), clamped to 0 below 100 and 1 above 800.
    /// NaN when x0 is outside [100, 800].
    public func cdf1(x1: Double, x0: Double) -> Double {
        guard x0 >= 100, x0 <= 800 else { return .nan }
        if x1 <= 100 { return 0 }
        if x1 >= 800 { return 1 }
        let (a, b) = Self.standardizedBounds1(x0: x0)
        let z = (Self.scaled(x01: x1) - Self.scaled(x01: x0)) / Self.sigma1
        let total = StandardNormal.intervalProbability(from: a, to: b)
        return min(max(StandardNormal.intervalProbability(from: a, to: z) / total, 0), 1)
    }

    /// The quantile of p1, the inverse of `cdf1` (the second line of (A.6)), in [100, 800].
    ///
    /// It inverts the truncated normal from whichever tail keeps full precision.
    /// - Parameters:
    ///   - u: a probability in [0, 1].
    ///   - x0: the conditioning x0 (NaN when it is outside [100, 800]).
    public func quantile1(_ u: Double, x0: Double) -> Double {
        guard x0 >= 100, x0 <= 800 else { return .nan }
        let (a, b) = Self.standardizedBounds1(x0: x0)
        let total = StandardNormal.intervalProbability(from: a, to: b)
        // Probability below the target from the lower end, and above it from the upper end.
        let below = StandardNormal.cdf(a) + u * total
        let z: Double
        if below <= 0.5 {
            z = StandardNormal.quantile(below)
        } else {
            let above = StandardNormal.complementaryCDF(b) + (1 - u) * total
            z = StandardNormal.upperQuantile(above)
        }
        let t = Self.scaled(x01: x0) + Self.sigma1 * min(max(z, a), b)
        return min(max(100 + 700 * t, 100), 800)
    }

    /// The truncation bounds of p1 in standard units: a = -x0'/sigma1, b = (1 - x0')/sigma1.
    static func standardizedBounds1(x0: Double) -> (Double, Double) {
        let mean = scaled(x01: x0)
        return (-mean / sigma1, (1 - mean) / sigma1)
    }
}
