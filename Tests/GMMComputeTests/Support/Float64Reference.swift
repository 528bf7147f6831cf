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

    /// log Q(z) = log P(Z > z): erfc while it is representable, beyond z = 30 the asymptotic
    /// series Q(z) = φ(z)/z · (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − …) (relative error < 1e-10 there).
    static func logUpperTail(_ z: Double) -> Double {
        if z < 30 { return log(0.5 * erfc(z / 2.0.squareRoot())) }
        let w = 1 / (z * z)
        let series = 1 - w * (1 - w * (3 - w * (15 - w * 105)))
        return -0.5 * z * z - log(z) - 0.5 * log(2 * Double.pi) + log(series)
    }

    /// log(Φ(b) − Φ(a)): the logarithm of ``normalProbability(_:_:)`` where that is a normal
    /// double, else from the log tails (intervals beyond 37σ).
    static func logNormalProbability(_ a: Double, _ b: Double) -> Double {
        let p = normalProbability(a, b)
        if p > 1e-300 { return log(p) }
        let (near, far) = a >= 0 ? (a, b) : (-b, -a)
        let ln = logUpperTail(near), lf = logUpperTail(far)
        return ln + log1p(-exp(lf - ln))
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

        /// log p(u) = log Σ_g softmax(l)_g N(u; μ_g, σ_g) / Z_g. The sum runs over the
        /// logarithms of its terms (log-sum-exp), so that 30σ tails (N ≈ e⁻⁴⁵⁰) and
        /// normalisations of components 40σ outside [lo, hi] stay in range.
        func logDensity(_ u: Double) -> Double {
            let logAmplitudes = Reference.logSoftmax(logits)
            let terms = logits.indices.map { g -> Double in
                let z = (u - means[g]) / widths[g]
                var term = logAmplitudes[g] - 0.5 * z * z - log(widths[g]) - 0.5 * log(2 * Double.pi)
                if let bounds {
                    term -= logNormalProbability((bounds.lo - means[g]) / widths[g], (bounds.hi - means[g]) / widths[g])
                }
                return term
            }
            return logSumExp(terms)
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
