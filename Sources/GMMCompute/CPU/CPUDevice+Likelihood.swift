#if canImport(Glibc)
import Glibc
#endif

/// Mixture and categorical log-likelihoods on the CPU: the twins of `Kernels/mixture.cl` and
/// `Kernels/categorical.cl`.
extension CPUDevice {
    public func mixtureLogLikelihood(_ mixture: MixtureViews, values: MatrixView, bounds: MatrixView?,
                                     logProb: MatrixView, gradient: (MixtureViews, LossWeights)?) throws {
        let shape = mixture.logits
        ShapeCheck.mixture(shape, values: values, bounds: bounds, logProb: logProb, gradient: gradient?.0.logits)
        if let w = gradient?.1.weights { precondition(w.rows == shape.rows && w.cols == 1, "mixture: weights must be [batch, N, 1]") }
        let (pl, pm, ps, pu, po) = (mixture.logits.cpuBase, mixture.means.cpuBase, mixture.widths.cpuBase, values.cpuBase, logProb.cpuBase)
        let pb = bounds?.cpuBase
        let gradientBases = gradient.map { ($0.0.logits.cpuBase, $0.0.means.cpuBase, $0.0.widths.cpuBase) }
        let weightBase = gradient?.1.weights?.cpuBase
        parallelFor(shape.batch * shape.rows, minimumPerChunk: 256) { rows in
            for flat in rows {
                let b = flat / shape.rows
                let row = MixtureRow(logits: pl + mixture.logits.rowOffset(flat), means: pm + mixture.means.rowOffset(flat),
                                     widths: ps + mixture.widths.rowOffset(flat), count: shape.cols)
                let u = pu[values.rowOffset(flat)]
                var lo = -Float.infinity, hi = Float.infinity
                if let pb, let bounds { lo = pb[b * bounds.batchStride]; hi = pb[b * bounds.batchStride + 1] }
                let out: Float
                if let (views, weights) = gradient, let (gl, gm, gs) = gradientBases {
                    let w = weightBase.map { $0[weights.weights!.rowOffset(flat)] } ?? 1
                    out = row.logLikelihoodGradient(
                        u: u, lo: lo, hi: hi, truncated: pb != nil, c: weights.scale * w,
                        dLogits: gl + views.logits.rowOffset(flat), dMeans: gm + views.means.rowOffset(flat),
                        dWidths: gs + views.widths.rowOffset(flat))
                } else {
                    out = row.logLikelihood(u: u, lo: lo, hi: hi, truncated: pb != nil)
                }
                po[logProb.rowOffset(flat)] = out
            }
        }
    }

    public func categoricalLogLikelihood(logits: MatrixView, classes: MatrixView, logProb: MatrixView,
                                         gradient: (MatrixView, LossWeights)?) throws {
        ShapeCheck.categorical(logits, classes: classes, logProb: logProb, gradient: gradient?.0)
        let (pl, pc, po, k) = (logits.cpuBase, classes.cpuBase, logProb.cpuBase, logits.cols)
        let pd = gradient?.0.cpuBase
        let pw = gradient?.1.weights?.cpuBase
        parallelFor(logits.batch * logits.rows, minimumPerChunk: 1024) { rows in
            for flat in rows {
                let li = pl + logits.rowOffset(flat)
                let row = MixtureRow(logits: li, means: li, widths: li, count: k)
                let lse = row.logNormalizer()
                let label = Int(pc[classes.rowOffset(flat)])
                let valid = label >= 0 && label < k
                po[logProb.rowOffset(flat)] = valid ? li[label] - lse : -.infinity
                if let pd, let (view, weights) = gradient {
                    let w = pw.map { $0[weights.weights!.rowOffset(flat)] } ?? 1
                    let c = weights.scale * w
                    let di = pd + view.rowOffset(flat)
                    for j in 0..<k { di[j] = c * ((j == label ? 1 : 0) - expf(li[j] - lse)) }
                }
            }
        }
    }
}
