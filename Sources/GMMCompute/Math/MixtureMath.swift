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
        var total: Float = 0
        for g in 0..<count { total += expf(logits[g] - peak) }
        return peak + logf(total)
    }

    /// log f_g + log N(u; μ_g, σ_g) − log Z_g for component g.
    @inline(__always) func componentTerm(_ g: Int, u: Float, lse: Float, lo: Float, hi: Float, truncated: Bool) -> Float {
        let sigma = widths[g]
        let z = (u - means[g]) / sigma
        var term = logits[g] - lse - 0.5 * z * z - logf(sigma) - NormalMath.logSqrt2Pi
        if truncated {
            term -= NormalMath.logIntervalProbability((lo - means[g]) / sigma, (hi - means[g]) / sigma)
        }
        return term
    }

    /// log p(u) by log-sum-exp over the components.
    @inline(__always) func logLikelihood(u: Float, lo: Float, hi: Float, truncated: Bool) -> Float {
        let lse = logNormalizer()
        var peak = -Float.infinity
        for g in 0..<count { peak = max(peak, componentTerm(g, u: u, lse: lse, lo: lo, hi: hi, truncated: truncated)) }
        if peak == -.infinity { return peak }
        var total: Float = 0
        for g in 0..<count { total += expf(componentTerm(g, u: u, lse: lse, lo: lo, hi: hi, truncated: truncated) - peak) }
        return peak + logf(total)
    }

    /// Writes `c · ∂ log p(u) / ∂(logit_g, μ_g, σ_g)` and returns log p(u).
    @inline(__always) func logLikelihoodGradient(
        u: Float, lo: Float, hi: Float, truncated: Bool, c: Float,
        dLogits: UnsafeMutablePointer<Float>, dMeans: UnsafeMutablePointer<Float>, dWidths: UnsafeMutablePointer<Float>
    ) -> Float {
        let logP = logLikelihood(u: u, lo: lo, hi: hi, truncated: truncated)
        let lse = logNormalizer()
        for g in 0..<count {
            let sigma = widths[g]
            let z = (u - means[g]) / sigma
            let term = componentTerm(g, u: u, lse: lse, lo: lo, hi: hi, truncated: truncated)
            let responsibility = logP == -.infinity ? 0 : expf(term - logP)
            var dMu = z / sigma
            var dSigma = (z * z - 1) / sigma
            if truncated {
                let a = (lo - means[g]) / sigma, b = (hi - means[g]) / sigma
                let logZ = NormalMath.logIntervalProbability(a, b)
                let phiA = a.isFinite ? expf(-0.5 * a * a - NormalMath.logSqrt2Pi - logZ) : 0
                let phiB = b.isFinite ? expf(-0.5 * b * b - NormalMath.logSqrt2Pi - logZ) : 0
                dMu -= (phiA - phiB) / sigma
                dSigma -= ((a.isFinite ? a * phiA : 0) - (b.isFinite ? b * phiB : 0)) / sigma
            }
            dLogits[g] = c * (responsibility - expf(logits[g] - lse))
            dMeans[g] = c * responsibility * dMu
            dWidths[g] = c * responsibility * dSigma
        }
        return logP
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
