#if canImport(Glibc)
import Glibc
#endif

/// Sampling on the CPU: the twins of `Kernels/sampling.cl`.
extension CPUDevice {
    public func sampleMixture(_ mixture: MixtureViews, bounds: MatrixView?, uniforms: MatrixView, into out: MatrixView) throws {
        let shape = mixture.logits
        precondition(uniforms.rows == shape.rows && uniforms.batch == shape.batch && uniforms.cols == 2, "sampleMixture: uniforms must be [batch, N, 2]")
        precondition(out.rows == shape.rows && out.batch == shape.batch && out.cols == 1, "sampleMixture: out must be [batch, N, 1]")
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
        precondition(uniforms.rows == logits.rows && uniforms.batch == logits.batch && uniforms.cols == 1, "sampleCategorical: uniforms must be [batch, N, 1]")
        precondition(out.rows == logits.rows && out.batch == logits.batch && out.cols == 1, "sampleCategorical: out must be [batch, N, 1]")
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
