#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The logistic sigmoid and softplus in forms that neither overflow nor lose precision.
public enum Logistic {
    /// sigmoid(x) = 1 / (1 + exp(-x)).
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// softplus(x) = log(1 + exp(x)), exact to rounding for all finite x.
    public static func softplus(_ x: Double) -> Double {
        if x > 0 { return x + log1p(exp(-x)) }
        return log1p(exp(x))
    }

    /// log(sigmoid(x)) = -softplus(-x).
    public static func logSigmoid(_ x: Double) -> Double {
        -softplus(-x)
    }
}
