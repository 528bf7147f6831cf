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
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { terms in
            componentTerms(u: u, lo: lo, hi: hi, truncated: truncated, into: terms.baseAddress!).logP
        }
    }

    /// Writes log f_g + log N(u; μ_g, σ_g) − log Z_g for every component into `terms` and
    /// returns their log-sum-exp (log p(u)) and the logits' log-normaliser.
    @inline(__always) func componentTerms(u: Float, lo: Float, hi: Float, truncated: Bool,
                                          into terms: UnsafeMutablePointer<Float>) -> (logP: Float, lse: Float) {
        let lse = logNormalizer()
        // log Z_g of every component first (vectorised), held in `terms` until overwritten.
        if truncated { NormalMath.logIntervalProbabilities(lo: lo, hi: hi, means: means, widths: widths, count: count, into: terms) }
        var peak = -Float.infinity
        for g in 0..<count {
            let sigma = widths[g]
            let z = (u - means[g]) / sigma
            let term = logits[g] - lse - 0.5 * z * z - logf(sigma) - NormalMath.logSqrt2Pi - (truncated ? terms[g] : 0)
            terms[g] = term
            peak = max(peak, term)
        }
        if peak == -.infinity { return (peak, lse) }
        return (peak + logf(VectorExp.sumExp(terms, count: count, shift: peak)), lse)
    }

    /// Writes `c · ∂ log p(u) / ∂(logit_g, μ_g, σ_g)` and returns log p(u).
    @inline(__always) func logLikelihoodGradient(
        u: Float, lo: Float, hi: Float, truncated: Bool, c: Float,
        dLogits: UnsafeMutablePointer<Float>, dMeans: UnsafeMutablePointer<Float>, dWidths: UnsafeMutablePointer<Float>
    ) -> Float {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
            let terms = buffer.baseAddress!
            let (logP, lse) = componentTerms(u: u, lo: lo, hi: hi, truncated: truncated, into: terms)
            for g in 0..<count {
                let sigma = widths[g]
                let z = (u - means[g]) / sigma
                let responsibility = logP == -.infinity ? 0 : expf(terms[g] - logP)
                var dMu = z / sigma
                var dSigma = (z * z - 1) / sigma
                if truncated {
                    let a = (lo - means[g]) / sigma, b = (hi - means[g]) / sigma
                    if a >= -NormalMath.negligibleTail || b <= NormalMath.negligibleTail {
                        let logZ = NormalMath.logIntervalProbability(a, b)
                        let phiA = NormalMath.densityRatio(a, logZ: logZ)
                        let phiB = NormalMath.densityRatio(b, logZ: logZ)
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
