#if canImport(Glibc)
import Glibc
#endif

/// Sampling on the CPU: the twins of `Kernels/sampling.cl`.
extension CPUDevice {
    public func sampleMixture(_ mixture: MixtureViews, bounds: MatrixView?, uniforms: MatrixView, into out: MatrixView) throws {
        let shape = mixture.logits
        ShapeCheck.rows(uniforms, like: shape, cols: 2, "sampleMixture: uniforms")
        ShapeCheck.rows(out, like: shape, cols: 1, "sampleMixture: out")
        let (pl, pm, ps, pu, po) = (mixture.logits.cpuBase, mixture.means.cpuBase, mixture.widths.cpuBase, uniforms.cpuBase, out.cpuBase)
        let pb = bounds?.cpuBase
        parallelFor(shape.batch * shape.rows, minimumPerChunk: 1024) { rows in
            for flat in rows {
                let b = flat / shape.rows
                let row = MixtureRow(logits: pl + mixture.logits.rowOffset(flat), means: pm + mixture.means.rowOffset(flat),
                                     widths: ps + mixture.widths.rowOffset(flat), count: shape.cols)
                let ui = pu + uniforms.rowOffset(flat)
                let g = row.pickComponent(ui[0])
                var lo = -Float.infinity, hi = Float.infinity
                if let pb, let bounds { lo = pb[b * bounds.batchStride]; hi = pb[b * bounds.batchStride + 1] }
                let (mu, sigma) = (row.means[g], row.widths[g])
                let z = NormalMath.truncatedInverse((lo - mu) / sigma, (hi - mu) / sigma, ui[1])
                po[out.rowOffset(flat)] = min(max(mu + sigma * z, lo), hi)
            }
        }
    }

    public func sampleCategorical(logits: MatrixView, uniforms: MatrixView, into out: MatrixView) throws {
        ShapeCheck.rows(uniforms, like: logits, cols: 1, "sampleCategorical: uniforms")
        ShapeCheck.rows(out, like: logits, cols: 1, "sampleCategorical: out")
        let (pl, pu, po) = (logits.cpuBase, uniforms.cpuBase, out.cpuBase)
        parallelFor(logits.batch * logits.rows, minimumPerChunk: 1024) { rows in
            for flat in rows {
                let li = pl + logits.rowOffset(flat)
                let row = MixtureRow(logits: li, means: li, widths: li, count: logits.cols)
                po[out.rowOffset(flat)] = Float(row.pickComponent(pu[uniforms.rowOffset(flat)]))
            }
        }
    }
}
