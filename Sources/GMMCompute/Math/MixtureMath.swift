#if canImport(Glibc)
import Glibc
#endif

/// One row of a Gaussian mixture, as the CPU path evaluates it; `Kernels/mixture.cl` is its
/// OpenCL twin. Pointers address the row's G logits, means and widths.
struct MixtureRow {
    let logits: UnsafePointer<Float>
    let means: UnsafePointer<Float>
    let widths: UnsafePointer<Float>
    let count: Int

    /// log Σ_g exp(logits_g).
    @inline(__always) func logNormalizer() -> Float {
        var peak = -Float.infinity
        for g in 0..<count { peak = max(peak, logits[g]) }
        return peak + logf(VectorExp.sumExp(logits, count: count, shift: peak))
    }

    /// log p(u) by log-sum-exp over the components.
    @inline(__always) func logLikelihood(u: Float, lo: Float, hi: Float, truncated: Bool) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { buffer in
            componentTerms(u: u, lo: lo, hi: hi, truncated: truncated, into: buffer.baseAddress!, logZ: buffer.baseAddress! + count).logP
        }
    }

    /// Writes log f_g + log N(u; μ_g, σ_g) − log Z_g for every component into `terms` (and,
    /// when `truncated`, log Z_g into `logZ`; both hold `count` floats) and returns their
    /// log-sum-exp (log p(u)) and the logits' log-normaliser. Eight components at a time
    /// (``VectorLog``) when there are at least 8.
    @inline(__always) func componentTerms(u: Float, lo: Float, hi: Float, truncated: Bool, into terms: UnsafeMutablePointer<Float>,
                                          logZ: UnsafeMutablePointer<Float>) -> (logP: Float, lse: Float) {
        let lse = logNormalizer()
        let peak = {
            if truncated { NormalMath.logIntervalProbabilities(lo: lo, hi: hi, means: means, widths: widths, count: count, into: logZ) }
            guard count >= 8 else {
                var peak = -Float.infinity
                for g in 0..<count {
                    let sigma = widths[g]
                    let z = (u - means[g]) / sigma
                    let term = logits[g] - lse - 0.5 * z * z - logf(sigma) - NormalMath.logSqrt2Pi - (truncated ? logZ[g] : 0)
                    terms[g] = term
                    peak = max(peak, term)
                }
                return peak
            }
            let (shift, value) = (SIMD8<Float>(repeating: lse + NormalMath.logSqrt2Pi), SIMD8<Float>(repeating: u))
            var peaks = SIMD8<Float>(repeating: -.infinity)
            forEachBlockOfEight(count) { g in
                let sigma = SIMD8(loading: widths + g)
                let z = (value - SIMD8(loading: means + g)) / sigma
                var term = SIMD8(loading: logits + g) - shift - 0.5 * z * z - VectorLog.log(sigma)
                if truncated { term -= SIMD8(loading: logZ + g) }
                term.store(to: terms + g)
                peaks = peaks.lanewiseMax(term)
            }
            return peaks.max()
        }()
        if peak == -.infinity { return (peak, lse) }
        return (peak + logf(VectorExp.sumExp(terms, count: count, shift: peak)), lse)
    }

    /// Writes `c · ∂ log p(u) / ∂(logit_g, μ_g, σ_g)` and returns log p(u). Eight components at
    /// a time when there are at least 8. Truncated, a component's gradient includes that of
    /// −log Z_g: φ(a_g)/Z_g and φ(b_g)/Z_g terms, which one at a time are added only near a
    /// bound (a_g ≥ −9 or b_g ≤ 9) and eight at a time always (beyond, they are below 1e-17).
    @inline(__always) func logLikelihoodGradient(
        u: Float, lo: Float, hi: Float, truncated: Bool, c: Float,
        dLogits: UnsafeMutablePointer<Float>, dMeans: UnsafeMutablePointer<Float>, dWidths: UnsafeMutablePointer<Float>
    ) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { buffer in
            let (terms, logZ) = (buffer.baseAddress!, buffer.baseAddress! + count)
            let (logP, lse) = componentTerms(u: u, lo: lo, hi: hi, truncated: truncated, into: terms, logZ: logZ)
            guard count >= 8 else {
                for g in 0..<count {
                    let sigma = widths[g]
                    let z = (u - means[g]) / sigma
                    let responsibility = logP == -.infinity ? 0 : expf(terms[g] - logP)
                    var dMu = z / sigma
                    var dSigma = (z * z - 1) / sigma
                    if truncated {
                        let a = (lo - means[g]) / sigma, b = (hi - means[g]) / sigma
                        if a >= -NormalMath.negligibleTail || b <= NormalMath.negligibleTail {
                            let phiA = NormalMath.densityRatio(a, logZ: logZ[g])
                            let phiB = NormalMath.densityRatio(b, logZ: logZ[g])
                            dMu -= (phiA - phiB) / sigma
                            dSigma -= ((phiA == 0 ? 0 : a * phiA) - (phiB == 0 ? 0 : b * phiB)) / sigma
                        }
                    }
                    dLogits[g] = c * (responsibility - expf(logits[g] - lse))
                    dMeans[g] = c * responsibility * dMu
                    dWidths[g] = c * responsibility * dSigma
                }
                return logP
            }
            let (scale, value) = (SIMD8<Float>(repeating: c), SIMD8<Float>(repeating: u))
            let (low, high) = (SIMD8<Float>(repeating: lo), SIMD8<Float>(repeating: hi))
            forEachBlockOfEight(count) { g in
                let (mu, sigma) = (SIMD8(loading: means + g), SIMD8(loading: widths + g))
                let z = (value - mu) / sigma
                var responsibility = VectorExp.exp(SIMD8(loading: terms + g) - logP)
                if logP == -.infinity { responsibility = .zero }
                let amplitude = VectorExp.exp(SIMD8(loading: logits + g) - lse)
                (scale * (responsibility - amplitude)).store(to: dLogits + g)
                var (dMu, dSigma) = (z, z * z - 1)
                if truncated {
                    let a = (low - mu) / sigma, b = (high - mu) / sigma
                    let shift = NormalMath.logSqrt2Pi + SIMD8(loading: logZ + g)
                    // φ(z)/Z; 0 at z = ±∞, where z·φ(z)/Z is 0 too.
                    let phiA = VectorExp.exp(-0.5 * a * a - shift), phiB = VectorExp.exp(-0.5 * b * b - shift)
                    dMu -= phiA - phiB
                    dSigma -= (a * phiA).replacing(with: 0, where: phiA .== 0) - (b * phiB).replacing(with: 0, where: phiB .== 0)
                }
                let weighted = scale * responsibility / sigma
                (weighted * dMu).store(to: dMeans + g)
                (weighted * dSigma).store(to: dWidths + g)
            }
            return logP
        }
    }

    /// The component whose cumulative amplitude first exceeds `u`; if rounding leaves the
    /// total below `u`, the last component of non-zero amplitude.
    @inline(__always) func pickComponent(_ u: Float) -> Int {
        let lse = logNormalizer()
        var cumulative: Float = 0
        var last = 0
        for g in 0..<count {
            let amplitude = expf(logits[g] - lse)
            cumulative += amplitude
            if amplitude > 0 { last = g }
            if u < cumulative && amplitude > 0 { return g }
        }
        return last
    }
}
