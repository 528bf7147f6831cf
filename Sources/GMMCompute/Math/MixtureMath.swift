import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// One row of a Gaussian mixture, as the CPU path evaluates it; `Kernels/mixture.cl` is its
/// OpenCL twin. Pointers address the row's G logits, means and widths. From 8 components on,
/// the terms and the gradient are computed eight components at a time by the C functions of
/// `mixture_vector.c` (AVX2 where the CPU has it); under 8, line for line as the OpenCL kernel.
struct MixtureRow {
    let logits: UnsafePointer<Float>
    let means: UnsafePointer<Float>
    let widths: UnsafePointer<Float>
    let count: Int

    /// log Σ_g exp(logits_g).
    @inline(__always) func logNormalizer() -> Float {
        gmm_log_sum_exp(Int32(count), logits)
    }

    /// log p(u) by log-sum-exp over the components.
    @inline(__always) func logLikelihood(u: Float, lo: Float, hi: Float, truncated: Bool) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { buffer in
            componentTerms(u: u, lo: lo, hi: hi, truncated: truncated, into: buffer.baseAddress!, logZ: buffer.baseAddress! + count).logP
        }
    }

    /// Writes log f_g + log N(u; μ_g, σ_g) − log Z_g for every component into `terms` (and,
    /// when `truncated`, log Z_g into `logZ`; both hold `count` floats) and returns their
    /// log-sum-exp (log p(u)) and the logits' log-normaliser.
    @inline(__always) func componentTerms(u: Float, lo: Float, hi: Float, truncated: Bool, into terms: UnsafeMutablePointer<Float>,
                                          logZ: UnsafeMutablePointer<Float>) -> (logP: Float, lse: Float) {
        if truncated { NormalMath.logIntervalProbabilities(lo: lo, hi: hi, means: means, widths: widths, count: count, into: logZ) }
        if count >= 8 {
            var lse: Float = 0
            let logP = gmm_mixture_terms(Int32(count), logits, means, widths, u, truncated ? UnsafePointer(logZ) : nil, terms, &lse)
            return (logP, lse)
        }
        let lse = logNormalizer()
        for g in 0..<count {
            let sigma = widths[g]
            let z = (u - means[g]) / sigma
            terms[g] = logits[g] - lse - 0.5 * z * z - logf(sigma) - NormalMath.logSqrt2Pi - (truncated ? logZ[g] : 0)
        }
        return (gmm_log_sum_exp(Int32(count), terms), lse)
    }

    /// Writes `c · ∂ log p(u) / ∂(logit_g, μ_g, σ_g)` and returns log p(u). Truncated, a
    /// component's gradient includes that of −log Z_g: φ(a_g)/Z_g and φ(b_g)/Z_g terms, which
    /// under 8 components are added only near a bound (a_g ≥ −9 or b_g ≤ 9) and from 8 on
    /// always (beyond, they are below 1e-17).
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
            gmm_mixture_gradient(Int32(count), logits, means, widths, u, lo, hi, truncated ? UnsafePointer(logZ) : nil,
                                 terms, logP, lse, c, dLogits, dMeans, dWidths)
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
