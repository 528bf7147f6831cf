#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), in double precision:
/// a power series for x < a + 1, a continued fraction (modified Lentz) for Q = 1 − P beyond.
enum RegularizedGamma {
    /// P(a, x) for a > 0, x ≥ 0.
    static func lower(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "RegularizedGamma.lower: a must be positive")
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if Swift.abs(term) < Swift.abs(sum) * 1e-16 { break }
            }
            return min(1, sum * exp(logPrefix))
        }
        // Q(a, x) by the continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))).
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if Swift.abs(d) < tiny { d = tiny }
            c = b + an / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if Swift.abs(delta - 1) < 1e-16 { break }
        }
        return max(0, 1 - exp(logPrefix) * h)
    }
}

/// The χ² distribution with k degrees of freedom.
public enum ChiSquared {
    /// P(χ²_k ≤ x).
    public static func cdf(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0, "ChiSquared.cdf: degrees of freedom must be positive")
        return RegularizedGamma.lower(0.5 * Double(k), 0.5 * x)
    }

    /// The quantile x with P(χ²_k ≤ x) = p, for 0 ≤ p < 1 (bisection then Newton, to ~1e-12).
    public static func quantile(_ p: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0 && p >= 0 && p < 1, "ChiSquared.quantile: need k > 0 and 0 ≤ p < 1")
        if p == 0 { return 0 }
        var lo = 0.0, hi = max(1.0, Double(k))
        while cdf(hi, degreesOfFreedom: k) < p { lo = hi; hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid, degreesOfFreedom: k) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * max(1, hi) { break }
        }
        return 0.5 * (lo + hi)
    }
}
