import CGMMSupport

/// Dense layers on the CPU: the twins of `Kernels/dense.cl` (matrix products through OpenBLAS,
/// and a fused product + bias + activation kernel, `dense_avx2.c`, for the forward pass).
extension CPUDevice {
    /// Whether the fused dense kernel runs on this CPU (x86-64 with AVX2 and FMA).
    static let fusedDenseAvailable = gmm_dense_available() != 0

    /// Rows per task of the fused dense layer: tasks are handed to the cores as they come free.
    private static let denseTaskRows = 128

    /// The fused kernel where `fusedDenseAvailable` and the activation's negative slope lies in
    /// [0, 1] (identity and the paper's LeakyReLU); otherwise ``Device/denseByComposition(_:weights:bias:activation:into:sizes:biasRowBounds:)``.
    /// One pass over each output tile instead of OpenBLAS's zeroing, packing of `x` and product
    /// followed by a bias and activation pass. Each item's weights are packed once per call;
    /// each output element is computed by one task in a fixed order, so results do not depend
    /// on the number of cores.
    public func dense(_ x: MatrixView, weights w: MatrixView, bias: MatrixView, activation: Activation, into y: MatrixView,
                      sizes: [GemmSize], biasRowBounds: [Int]?) throws {
        let slope = activation.negativeSlope
        guard Self.fusedDenseAvailable, slope >= 0, slope <= 1 else {
            return try denseByComposition(x, weights: w, bias: bias, activation: activation, into: y, sizes: sizes, biasRowBounds: biasRowBounds)
        }
        ShapeCheck.gemmSizes(sizes, transposeA: false, transposeB: false, a: x, b: w, c: y)
        ShapeCheck.dense(y, bias: bias, biasRowBounds: biasRowBounds)
        let bounds = biasRowBounds ?? [0, y.rows]
        var packedOffsets = [Int](), total = 0
        for size in sizes {
            packedOffsets.append(total)
            total += gmm_dense_packed_count(Int32(size.k), Int32(size.n))
        }
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, total))
        defer { packed.deallocate() }
        let (px, pw, pb, py) = (x.cpuBase, w.cpuBase, bias.cpuBase, y.cpuBase)
        /// A task: rows `rows` of item `item`, with bias row `biasRow`.
        struct Task {
            var item: Int
            var rows: Range<Int>
            var biasRow: Int
        }
        var tasks: [Task] = []
        for (b, size) in sizes.enumerated() where size.m > 0 && size.n > 0 {
            gmm_dense_pack(Int32(size.k), Int32(size.n), pw + b * w.batchStride, w.rowStride, packed + packedOffsets[b])
            for j in 0..<(bounds.count - 1) {
                let end = min(bounds[j + 1], size.m)
                for start in stride(from: min(bounds[j], size.m), to: end, by: Self.denseTaskRows) {
                    tasks.append(Task(item: b, rows: start..<min(end, start + Self.denseTaskRows), biasRow: j))
                }
            }
        }
        parallelTasks(tasks.count) { t in
            let task = tasks[t], size = sizes[task.item]
            gmm_dense_rows(Int32(task.rows.count), Int32(size.n), Int32(size.k),
                           px + task.item * x.batchStride + task.rows.lowerBound * x.rowStride, x.rowStride,
                           packed + packedOffsets[task.item], pb + task.item * bias.batchStride + task.biasRow * bias.rowStride, slope,
                           py + task.item * y.batchStride + task.rows.lowerBound * y.rowStride, y.rowStride)
        }
    }

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
