#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution N(0, 1) in `Double`: distribution function, its
/// complement, log-density and quantile, written to keep full relative precision in the tails.
public enum StandardNormal {
    /// log(1 / sqrt(2 pi)).
    static let logInverseSqrtTwoPi = -0.918_938_533_204_672_741_780_329_736_4

    /// The log-density log phi(z) = -z^2 / 2 - log(sqrt(2 pi)).
    public static func logPDF(_ z: Double) -> Double {
        -0.5 * z * z + logInverseSqrtTwoPi
    }

    /// The density phi(z).
    public static func pdf(_ z: Double) -> Double {
        exp(logPDF(z))
    }

    /// The distribution function Phi(z) = P(Z <= z), accurate in relative terms for z << 0.
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z * 0.5.squareRoot())
    }

    /// The complement 1 - Phi(z) = P(Z > z), accurate in relative terms for z >> 0.
    public static func complementaryCDF(_ z: Double) -> Double {
        0.5 * erfc(z * 0.5.squareRoot())
    }

    /// The probability P(a < Z <= b) = Phi(b) - Phi(a), for a <= b, computed from whichever
    /// tail avoids cancellation.
    public static func intervalProbability(from a: Double, to b: Double) -> Double {
        if a >= 0 { return complementaryCDF(a) - complementaryCDF(b) }
        if b <= 0 { return cdf(b) - cdf(a) }
        return 1 - cdf(a) - complementaryCDF(b)
    }

    /// The quantile Phi^-1(p): the z with Phi(z) = p.
    ///
    /// Returns -infinity for p = 0, +infinity for p = 1 and NaN outside [0, 1]. For p > 1/2
    /// it uses the upper-tail form `-lowerQuantile(1 - p)`, so when the caller knows the upper
    /// tail probability q = 1 - p exactly, `upperQuantile(q)` is more precise.
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p > 0.5 { return -lowerQuantile(1 - p) }
        return lowerQuantile(p)
    }

    /// The z with P(Z > z) = q, precise for small q (the upper-tail quantile).
    public static func upperQuantile(_ q: Double) -> Double {
        guard q >= 0, q <= 1 else { return .nan }
        if q > 0.5 { return lowerQuantile(1 - q) }
        return -lowerQuantile(q)
    }

    /// The quantile for p in [0, 1/2]: a rational first guess refined by Halley steps on
    /// Phi(z) - p, which converge to full double precision.
    static func lowerQuantile(_ p: Double) -> Double {
        if p == 0 { return -.infinity }
        if p == 0.5 { return 0 }
        var z = initialGuess(p)
        for _ in 0..<4 {
            // Halley's method on f(z) = Phi(z) - p, with f' = phi(z) and f'' = -z phi(z).
            // In the far tail phi(z) underflows before Phi(z) does, so work with the ratio.
            let f = cdf(z) - p
            let density = pdf(z)
            guard density > 0 else { break }
            let e = f / density
            let step = e / (1 + 0.5 * z * e)
            z -= step
            if abs(step) <= 1e-15 * max(1, abs(z)) { break }
        }
        return z
    }

    /// A rational approximation of the lower-tail quantile (relative error around 1e-9),
    /// used as the starting point of the refinement.
    private static func initialGuess(_ p: Double) -> Double {
        if p < 0.024_25 {
            let q = (-2 * log(p)).squareRoot()
            let num = ((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5
            let den = (((d0 * q + d1) * q + d2) * q + d3) * q + 1
            return num / den
        }
        let q = p - 0.5
        let r = q * q
        let num = (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
        let den = ((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1
        return num / den
    }

    private static let a0 = -3.969_683_028_665_376e+01
    private static let a1 = 2.209_460_984_245_205e+02
    private static let a2 = -2.759_285_104_469_687e+02
    private static let a3 = 1.383_577_518_672_690e+02
    private static let a4 = -3.066_479_806_614_716e+01
    private static let a5 = 2.506_628_277_459_239e+00
    private static let b0 = -5.447_609_879_822_406e+01
    private static let b1 = 1.615_858_368_580_409e+02
    private static let b2 = -1.556_989_798_598_866e+02
    private static let b3 = 6.680_131_188_771_972e+01
    private static let b4 = -1.328_068_155_288_572e+01
    private static let c0 = -7.784_894_002_430_293e-03
    private static let c1 = -3.223_964_580_411_365e-01
    private static let c2 = -2.400_758_277_161_838e+00
    private static let c3 = -2.549_732_539_343_734e+00
    private static let c4 = 4.374_664_141_464_968e+00
    private static let c5 = 2.938_163_982_698_783e+00
    private static let d0 = 7.784_695_709_041_462e-03
    private static let d1 = 3.224_671_290_700_398e-01
    private static let d2 = 2.445_134_137_142_996e+00
    private static let d3 = 3.754_408_661_907_416e+00
}
