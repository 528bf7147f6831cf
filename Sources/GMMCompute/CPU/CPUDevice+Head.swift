import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// The mixture output transform on the CPU: the twin of `Kernels/head.cl` (widths eight at a
/// time by `gmm_mixture_widths` when there are at least 8 components).
extension CPUDevice {
    public func mixtureHead(_ raw: MatrixView, head: MixtureHead, into mixture: MixtureViews) throws {
        let g = mixture.logits.cols
        ShapeCheck.mixtureHead(raw, mixture)
        let (pa, pl, pm, ps) = (raw.cpuBase, mixture.logits.cpuBase, mixture.means.cpuBase, mixture.widths.cpuBase)
        let (po, pw) = (head.meanOffsets.cpuBase, head.baseWidths.cpuBase)
        forEachRow(mixture.logits) { flat in
            let b = flat / raw.rows
            let a = pa + raw.rowOffset(flat)
            let (l, m, s) = (pl + mixture.logits.rowOffset(flat), pm + mixture.means.rowOffset(flat), ps + mixture.widths.rowOffset(flat))
            let offsets = po + b * head.meanOffsets.batchStride
            let base = pw[b * head.baseWidths.batchStride]
            for j in 0..<g {
                l[j] = head.amplitudeScale * a[j]
                m[j] = offsets[j] + head.meanScale * a[g + j]
            }
            if g >= 8 {
                gmm_mixture_widths(Int32(g), a + 2 * g, head.widthScale, base, head.epsilon, s)
            } else {
                for j in 0..<g { s[j] = head.epsilon + base * expf(head.widthScale * a[2 * g + j]) }
            }
        }
    }

    public func mixtureHeadBackward(gradient: MixtureViews, widths: MatrixView, head: MixtureHead, into rawGradient: MatrixView) throws {
        let g = gradient.logits.cols
        ShapeCheck.mixtureHead(rawGradient, gradient)
        let (pl, pm, ps, pw, pa) = (gradient.logits.cpuBase, gradient.means.cpuBase, gradient.widths.cpuBase, widths.cpuBase, rawGradient.cpuBase)
        forEachRow(gradient.logits) { flat in
            let a = pa + rawGradient.rowOffset(flat)
            let (dl, dm, ds, s) = (pl + gradient.logits.rowOffset(flat), pm + gradient.means.rowOffset(flat),
                                   ps + gradient.widths.rowOffset(flat), pw + widths.rowOffset(flat))
            for j in 0..<g {
                a[j] = head.amplitudeScale * dl[j]
                a[g + j] = head.meanScale * dm[j]
                a[2 * g + j] = ds[j] * head.widthScale * (s[j] - head.epsilon)
            }
        }
    }
}
