#if canImport(Glibc)
import Glibc
#endif

/// Float64 reference implementations of the operations under test, written directly from
/// their definitions (no log-space tricks beyond those the definition needs), so the device
/// code is checked against something independent of it.
enum Reference {
    /// log Σ exp(x).
    static func logSumExp(_ x: [Double]) -> Double {
        let peak = x.max() ?? -.infinity
        if peak == -.infinity { return peak }
        return peak + log(x.reduce(0) { $0 + exp($1 - peak) })
    }

    /// softmax(x).
    static func softmax(_ x: [Double]) -> [Double] {
        let lse = logSumExp(x)
        return x.map { exp($0 - lse) }
    }

    /// log softmax(x).
    static func logSoftmax(_ x: [Double]) -> [Double] {
        let lse = logSumExp(x)
        return x.map { $0 - lse }
    }

    /// Φ(z), the standard normal CDF.
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// P(a < Z < b) = Φ(b) − Φ(a) for a standard normal Z, taking both values from the tail
    /// on the side of the interval (erfc keeps its relative accuracy there).
    static func normalProbability(_ a: Double, _ b: Double) -> Double {
        let s = 2.0.squareRoot()
        if a >= 0 { return 0.5 * (erfc(a / s) - erfc(b / s)) }
        if b <= 0 { return 0.5 * (erfc(-b / s) - erfc(-a / s)) }
        return 1 - 0.5 * erfc(-a / s) - 0.5 * erfc(b / s)
    }

    /// N(u; μ, σ).
    static func normalDensity(_ u: Double, mean: Double, width: Double) -> Double {
        let z = (u - mean) / width
        return exp(-0.5 * z * z) / (width * (2 * Double.pi).squareRoot())
    }

    /// One row of a Gaussian mixture in float64.
    struct Mixture {
        var logits: [Double]
        var means: [Double]
        var widths: [Double]
        /// (lo, hi), or nil for the untruncated mixture.
        var bounds: (lo: Double, hi: Double)?

        /// The mixture from float32 parameters (converted exactly).
        init(logits: [Float], means: [Float], widths: [Float], bounds: (lo: Float, hi: Float)?) {
            self.logits = logits.map(Double.init)
            self.means = means.map(Double.init)
            self.widths = widths.map(Double.init)
            self.bounds = bounds.map { (Double($0.lo), Double($0.hi)) }
        }

        init(logits: [Double], means: [Double], widths: [Double], bounds: (lo: Double, hi: Double)?) {
            self.logits = logits
            self.means = means
            self.widths = widths
            self.bounds = bounds
        }

        /// Z_g = Φ((hi − μ_g)/σ_g) − Φ((lo − μ_g)/σ_g), or 1 untruncated.
        func normalization(_ g: Int) -> Double {
            guard let bounds else { return 1 }
            return normalProbability((bounds.lo - means[g]) / widths[g], (bounds.hi - means[g]) / widths[g])
        }

        /// log p(u) = log Σ_g softmax(l)_g N(u; μ_g, σ_g) / Z_g, summed directly.
        func logDensity(_ u: Double) -> Double {
            let amplitudes = Reference.softmax(logits)
            var p = 0.0
            for g in logits.indices {
                p += amplitudes[g] * Reference.normalDensity(u, mean: means[g], width: widths[g]) / normalization(g)
            }
            return log(p)
        }

        /// P(U ≤ x) for the (truncated) mixture.
        func cdf(_ x: Double) -> Double {
            let amplitudes = Reference.softmax(logits)
            var total = 0.0
            for g in logits.indices {
                let z = (x - means[g]) / widths[g]
                if let bounds {
                    let a = (bounds.lo - means[g]) / widths[g], b = (bounds.hi - means[g]) / widths[g]
                    if z <= a { continue }
                    total += amplitudes[g] * normalProbability(a, min(z, b)) / normalization(g)
                } else {
                    total += amplitudes[g] * Reference.normalCDF(z)
                }
            }
            return min(max(total, 0), 1)
        }
    }
}
