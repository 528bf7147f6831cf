#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ToyModel {
    /// log p0(x0 | cx): a truncated exponential in x0' = (x0 - 100) / 700 on [0, 1],
    ///
    ///     p0 = (1/700) * k / (1 - exp(-k)) * exp(-k x0'),   k = 2 (2 - |cx|),
    ///
    /// (uniform when k = 0). Returns `-infinity` for x0 outside [100, 800].
    public func logP0(x0: Double, cx: Double) -> Double {
        guard x0 >= 100, x0 <= 800 else { return -.infinity }
        let k = Self.rate0(cx: cx)
        return -log(700.0) + Self.logNormalizer0(k: k) - k * Self.scaled(x01: x0)
    }

    /// The distribution function P(X0 <= x0 | cx) = (1 - exp(-k x0')) / (1 - exp(-k)),
    /// clamped to 0 below 100 and 1 above 800.
    public func cdf0(x0: Double, cx: Double) -> Double {
        if x0 <= 100 { return 0 }
        if x0 >= 800 { return 1 }
        let k = Self.rate0(cx: cx)
        let t = Self.scaled(x01: x0)
        if k == 0 { return t }
        return expm1(-k * t) / expm1(-k)
    }

    /// The quantile of p0, the inverse of `cdf0` (the first line of (A.6) with |cx|):
    /// x0 = 100 - 700 log(1 - u (1 - exp(-k))) / k, in [100, 800].
    ///
    /// - Parameters:
    ///   - u: a probability in [0, 1] (0 gives 100, 1 gives 800).
    ///   - cx: the parameter cx.
    public func quantile0(_ u: Double, cx: Double) -> Double {
        if u <= 0 { return 100 }
        if u >= 1 { return 800 }
        let k = Self.rate0(cx: cx)
        let t = k == 0 ? u : -log1p(u * expm1(-k)) / k
        return min(max(100 + 700 * t, 100), 800)
    }

    /// log(k / (1 - exp(-k))), the normaliser of the exponential on [0, 1] (0 when k = 0).
    static func logNormalizer0(k: Double) -> Double {
        if k == 0 { return 0 }
        if k > 0 { return log(k) - log(-expm1(-k)) }
        // k < 0: k / (1 - e^-k) = m e^-m / (1 - e^-m) with m = -k > 0.
        let m = -k
        return log(m) - m - log(-expm1(-m))
    }
}
