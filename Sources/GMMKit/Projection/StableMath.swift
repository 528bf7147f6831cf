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
}
