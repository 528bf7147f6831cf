/// Dense layers on the CPU: the twins of `Kernels/dense.cl` (matrix products through OpenBLAS).
extension CPUDevice {
    public func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
                     beta: Float, c: MatrixView) throws {
        let (m, n) = (c.rows, c.cols)
        let k = transposeA ? a.rows : a.cols
        precondition((transposeA ? a.cols : a.rows) == m, "gemm: op(a) has \(transposeA ? a.cols : a.rows) rows, c has \(m)")
        precondition((transposeB ? b.cols : b.rows) == k, "gemm: inner dimensions differ")
        precondition((transposeB ? b.rows : b.cols) == n, "gemm: op(b) has the wrong number of columns")
        precondition(a.batch == c.batch || a.batchStride == 0, "gemm: a's batch differs from c's")
        precondition(b.batch == c.batch || b.batchStride == 0, "gemm: b's batch differs from c's")
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
        precondition(sizes.count == c.batch, "gemm: one size per batch item")
        let (pa, pb, pc) = (a.cpuBase, b.cpuBase, c.cpuBase)
        for (i, size) in sizes.enumerated() {
            precondition(size.m <= c.rows && size.n <= c.cols && size.k <= (transposeA ? a.rows : a.cols)
                         && size.k <= (transposeB ? b.cols : b.rows), "gemm: active block exceeds the operands")
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
        precondition(bias.cols == y.cols && (bias.batch == y.batch || bias.batchStride == 0), "addBias: bias shape")
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
        precondition(gradient.sameShape(as: output), "activationBackward: shapes differ")
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
        precondition(out.cols == x.cols && out.batch == x.batch && out.rows == 1, "columnSums: out must be [batch, 1, cols]")
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
