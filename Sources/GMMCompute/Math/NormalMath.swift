import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// Float32 normal-distribution functions shared by the CPU path; `Kernels/normal.cl` holds
/// their OpenCL twins, written line for line alike so the two paths agree to rounding. The
/// exception is ``logIntervalProbabilities(lo:hi:means:widths:count:into:)``, which the CPU's
/// likelihood uses: from 8 components on, its small tails come from a vectorised erfc
/// (`gmm_log_z` in `mixture_vector.c`, within 5e-6 relative), where the OpenCL path calls the
/// device's erfc per component.
enum NormalMath {
    /// log √(2π).
    static let logSqrt2Pi: Float = 0.918_938_533_204_672_7

    /// log Q(z) = log P(Z > z) for a standard normal Z, accurate into the far upper tail
    /// (erfc up to z = 5, then Laplace's continued fraction for the Mills ratio).
    @inline(__always) static func logUpperTail(_ z: Float) -> Float {
        if z < 5 { return logf(0.5 * erfcf(z * 0.707_106_781_186_547_5)) }
        // Q(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))), evaluated from the 12th term inwards.
        var fraction: Float = z
        var k: Float = 12
        while k >= 1 {
            fraction = z + k / fraction
            k -= 1
        }
        return -0.5 * z * z - logSqrt2Pi - logf(fraction)
    }

    /// log(Φ(b) − Φ(a)) for a < b, without cancellation in either tail.
    @inline(__always) static func logIntervalProbability(_ a: Float, _ b: Float) -> Float {
        if a >= 0 {
            let la = logUpperTail(a), lb = logUpperTail(b)
            return la + logf(-expm1f(lb - la))
        }
        if b <= 0 {
            let la = logUpperTail(-b), lb = logUpperTail(-a)
            return la + logf(-expm1f(lb - la))
        }
        // Beyond 9σ a tail holds < 1.2e-19: below float resolution next to 1, so skip its erfc.
        let lower: Float = a < -negligibleTail ? 0 : 0.5 * erfcf(-a * 0.707_106_781_186_547_5)
        let upper: Float = b > negligibleTail ? 0 : 0.5 * erfcf(b * 0.707_106_781_186_547_5)
        // Small tails (most components of a trained mixture): log(1 − t) = −t − t²/2 − t³/3 − …,
        // whose third term is below float resolution (relative t²/3 < 4e-9) for t < 1e-4.
        let tails = lower + upper
        return tails < 1e-4 ? -tails * (1 + 0.5 * tails) : log1pf(-tails)
    }

    /// Standard scores beyond which a normal tail is negligible in float32 (Q(9) ≈ 1.1e-19).
    static let negligibleTail: Float = 9

    /// log(Φ(b_g) − Φ(a_g)) of `count` components truncated to [lo, hi], with a_g = (lo − μ_g)/σ_g
    /// and b_g = (hi − μ_g)/σ_g, into `out`. From 8 components on, eight at a time where a
    /// component lies inside with small tails (a_g < 0 < b_g, summed tails below 1e-4: most
    /// components of a trained mixture) by `gmm_log_z`; every other component, and all of them
    /// when there are fewer than 8, through ``logIntervalProbability(_:_:)``.
    @inline(__always) static func logIntervalProbabilities(lo: Float, hi: Float, means: UnsafePointer<Float>, widths: UnsafePointer<Float>,
                                                           count: Int, into out: UnsafeMutablePointer<Float>) {
        func scalar(_ g: Int) { out[g] = logIntervalProbability((lo - means[g]) / widths[g], (hi - means[g]) / widths[g]) }
        guard count >= 8 else {
            for g in 0..<count { scalar(g) }
            return
        }
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + 8) { careful in
            let n = Int(gmm_log_z(Int32(count), lo, hi, means, widths, out, careful.baseAddress!))
            for i in 0..<n { scalar(Int(careful[i])) }
        }
    }

    /// φ(z)/Z for the truncation gradient (0 at z = ±∞). Computed in log space: when the
    /// component lies far outside [lo, hi], φ(z) and Z are both tiny but their ratio is not.
    @inline(__always) static func densityRatio(_ z: Float, logZ: Float) -> Float {
        z.isFinite ? expf(-0.5 * z * z - logSqrt2Pi - logZ) : 0
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error ≈ 1e-9 in
    /// exact arithmetic; float32 rounding dominates). Returns ∓∞ at p ≤ 0 and p ≥ 1.
    @inline(__always) static func inverseCDF(_ p: Float) -> Float {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let pLow: Float = 0.024_25
        if p < pLow {
            let t = (-2 * logf(p)).squareRoot()
            return tailNumerator(t) / tailDenominator(t)
        }
        if p > 1 - pLow {
            let t = (-2 * log1pf(-p)).squareRoot()
            return -tailNumerator(t) / tailDenominator(t)
        }
        let r = p - 0.5
        let s = r * r
        let num = (((((-3.969_683_028_665_376e1 * s + 2.209_460_984_245_205e2) * s - 2.759_285_104_469_687e2) * s
            + 1.383_577_518_672_690e2) * s - 3.066_479_806_614_716e1) * s + 2.506_628_277_459_239) * r
        let den = ((((-5.447_609_879_822_406e1 * s + 1.615_858_368_580_409e2) * s - 1.556_989_798_598_866e2) * s
            + 6.680_131_188_771_972e1) * s - 1.328_068_155_288_572e1) * s + 1
        return num / den
    }

    @inline(__always) private static func tailNumerator(_ t: Float) -> Float {
        ((((-7.784_894_002_430_293e-3 * t - 3.223_964_580_411_365e-1) * t - 2.400_758_277_161_838) * t
            - 2.549_732_539_343_734) * t + 4.374_664_141_464_968) * t + 2.938_163_982_698_783
    }

    @inline(__always) private static func tailDenominator(_ t: Float) -> Float {
        (((7.784_695_709_041_462e-3 * t + 3.224_671_290_700_398e-1) * t + 2.445_134_137_142_996) * t
            + 3.754_408_661_907_416) * t + 1
    }

    /// A draw from the standard normal truncated to [a, b] by inverting its CDF at `u` in (0, 1).
    /// Works on the upper tail when a > 0 (and by symmetry the lower tail when b < 0) to avoid
    /// cancellation, and beyond 8σ solves for the quantile in log space.
    @inline(__always) static func truncatedInverse(_ a: Float, _ b: Float, _ u: Float) -> Float {
        if a >= 0 { return upperTruncatedInverse(a, b, u) }
        if b <= 0 { return -upperTruncatedInverse(-b, -a, 1 - u) }
        // a < 0 < b: invert from whichever end is nearer, so p near 1 keeps its precision.
        let below = 0.5 * erfcf(-a * 0.707_106_781_186_547_5)  // Φ(a)
        let above = 0.5 * erfcf(b * 0.707_106_781_186_547_5)  // Q(b)
        let mass = (1 - below) - above
        let p = below + u * mass
        let z = p <= 0.5 ? inverseCDF(p) : -inverseCDF(above + (1 - u) * mass)
        return min(max(z, a), b)
    }

    /// The truncated-normal inverse CDF for 0 ≤ a < b (b may be +∞).
    @inline(__always) static func upperTruncatedInverse(_ a: Float, _ b: Float, _ u: Float) -> Float {
        if a > 8 {
            // Far in the tail Q(a) nears float's smallest numbers: solve log Q(z) = log target
            // by Newton's method on the continued-fraction log Q, from the exponential tail's quantile.
            let la = logUpperTail(a)
            let lb = b.isFinite ? logUpperTail(b) : -Float.infinity
            let target = la + log1pf(-u * (-expm1f(lb - la)))
            var z = a - log1pf(-u * (-expm1f(-a * (b - a)))) / a  // the exponential tail's quantile
            for _ in 0..<3 {
                let lq = logUpperTail(z)
                let hazard = expf(-0.5 * z * z - logSqrt2Pi - lq)  // φ(z)/Q(z) = −d log Q/dz
                z += (lq - target) / hazard
            }
            return min(max(z, a), b)
        }
        let qa = 0.5 * erfcf(a * 0.707_106_781_186_547_5)  // Q(a)
        let qb = 0.5 * erfcf(b * 0.707_106_781_186_547_5)  // Q(b)
        let z = -inverseCDF(qa - u * (qa - qb))
        return min(max(z, a), b)
    }
}
