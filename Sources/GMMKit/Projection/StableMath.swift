#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Numerically stable scalar helpers shared by the latent projection.
enum StableMath {
    /// softplus(x) = log(1 + e^x), without overflow for large |x|.
    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// Formats a bound for messages: `-inf`/`inf` for infinities, the shortest round-trip form otherwise.
    static func format(_ value: Double) -> String {
        if value == .infinity { return "inf" }
        if value == -.infinity { return "-inf" }
        return "\(value)"
    }

    /// Formats an interval `[lo, hi]` for messages, with open brackets on infinite sides.
    static func formatInterval(_ lower: Double, _ upper: Double) -> String {
        let left = lower.isFinite ? "[" : "("
        let right = upper.isFinite ? "]" : ")"
        return "\(left)\(format(lower)), \(format(upper))\(right)"
    }
}
