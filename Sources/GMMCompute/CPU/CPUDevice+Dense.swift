/// Dense layers on the CPU: the twins of `Kernels/dense.cl` (matrix products through OpenBLAS).
extension CPUDevice {
    public func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
                     beta: Float, c: MatrixView) throws {
        let (m, n, k) = ShapeCheck.gemm(transposeA: transposeA, transposeB: transposeB, a: a, b: b, c: c)
        let (pa, pb, pc) = (a.cpuBase, b.cpuBase, c.cpuBase)
        for i in 0..<c.batch {
            OpenBLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: pa + i * a.batchStride, lda: a.rowStride, b: pb + i * b.batchStride, ldb: b.rowStride,
                           beta: beta, c: pc + i * c.batchStride, ldc: c.rowStride)
        }
    }

    /// Multiplies only the active blocks: no work is spent on padding.
    public func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
                     beta: Float, c: MatrixView, sizes: [GemmSize]) throws {
        ShapeCheck.gemmSizes(sizes, transposeA: transposeA, transposeB: transposeB, a: a, b: b, c: c)
        let (pa, pb, pc) = (a.cpuBase, b.cpuBase, c.cpuBase)
        for (i, size) in sizes.enumerated() {
            if size.k == 0 {
                // An empty inner dimension: c = beta c on the active block.
                let ci = pc + i * c.batchStride
                for r in 0..<size.m { for j in 0..<size.n { ci[r * c.rowStride + j] = beta == 0 ? 0 : beta * ci[r * c.rowStride + j] } }
                continue
            }
            OpenBLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: size.m, n: size.n, k: size.k, alpha: alpha,
                           a: pa + i * a.batchStride, lda: a.rowStride, b: pb + i * b.batchStride, ldb: b.rowStride,
                           beta: beta, c: pc + i * c.batchStride, ldc: c.rowStride)
        }
    }

    public func addBias(_ y: MatrixView, bias: MatrixView, activation: Activation) throws {
        ShapeCheck.addBias(y, bias: bias)
        let (py, pbias, slope) = (y.cpuBase, bias.cpuBase, activation.negativeSlope)
        parallelFor(y.batch * y.rows, minimumPerChunk: max(1, 8192 / max(1, y.cols))) { rows in
            for flat in rows {
                let row = py + y.rowOffset(flat)
                let beta = pbias + (flat / y.rows) * bias.batchStride
                for j in 0..<y.cols {
                    let v = row[j] + beta[j]
                    row[j] = v < 0 ? v * slope : v
                }
            }
        }
    }

    public func activationBackward(gradient: MatrixView, output: MatrixView, activation: Activation) throws {
        ShapeCheck.same(gradient, output, "activationBackward")
        let slope = activation.negativeSlope
        if slope == 1 { return }
        let (pg, po) = (gradient.cpuBase, output.cpuBase)
        parallelFor(gradient.batch * gradient.rows, minimumPerChunk: max(1, 8192 / max(1, gradient.cols))) { rows in
            for flat in rows {
                let g = pg + gradient.rowOffset(flat), o = po + output.rowOffset(flat)
                for j in 0..<gradient.cols { g[j] *= o[j] < 0 ? slope : 1 }
            }
        }
    }

    public func columnSums(_ x: MatrixView, into out: MatrixView, beta: Float) throws {
        ShapeCheck.columnSums(x, into: out)
        let (px, po) = (x.cpuBase, out.cpuBase)
        parallelFor(x.batch, minimumPerChunk: 1) { batches in
            for b in batches {
                let sums = po + b * out.batchStride
                for j in 0..<x.cols { sums[j] = beta == 0 ? 0 : beta * sums[j] }
                for r in 0..<x.rows {
                    let row = px + b * x.batchStride + r * x.rowStride
                    for j in 0..<x.cols { sums[j] += row[j] }
                }
            }
        }
    }
}
