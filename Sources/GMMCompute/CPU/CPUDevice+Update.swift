#if canImport(Glibc)
import Glibc
#endif

/// Reductions, Adam and elementwise operations on the CPU: the twins of `Kernels/reduce.cl`,
/// `Kernels/adam.cl` and `Kernels/elementwise.cl`.
extension CPUDevice {
    public func sum(_ x: MatrixView, weights: MatrixView?, into out: DeviceBuffer, index: Int, accumulate: Bool) throws {
        ShapeCheck.sum(x, weights: weights, out: out, index: index)
        let px = x.cpuBase, pw = weights?.cpuBase
        // Double accumulation per row, then rows in order: deterministic for any thread count.
        var total = 0.0
        for flat in 0..<(x.batch * x.rows) {
            let xi = px + x.rowOffset(flat)
            if let pw, let weights {
                let wi = pw + weights.rowOffset(flat)
                for j in 0..<x.cols { total += Double(xi[j]) * Double(wi[j]) }
            } else {
                for j in 0..<x.cols { total += Double(xi[j]) }
            }
        }
        let target = MatrixView.vector(out, offset: index, count: 1).cpuBase
        target[0] = Float((accumulate ? Double(target[0]) : 0) + total)
    }

    public func adamUpdate(parameters: DeviceBuffer, gradients: DeviceBuffer, firstMoment: DeviceBuffer,
                           secondMoment: DeviceBuffer, hyperparameters h: AdamHyperparameters) throws {
        let n = parameters.count
        ShapeCheck.adam(parameters, gradients, firstMoment, secondMoment)
        let p = MatrixView.vector(parameters, count: n).cpuBase, g = MatrixView.vector(gradients, count: n).cpuBase
        let m = MatrixView.vector(firstMoment, count: n).cpuBase, v = MatrixView.vector(secondMoment, count: n).cpuBase
        let (c1, c2) = (h.firstCorrection, h.secondCorrection)
        parallelFor(n, minimumPerChunk: 16384) { range in
            // Eight at a time (the buffers may alias as far as the compiler knows, so it would not
            // vectorise this itself); the same operations in the same order as the scalar tail.
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let gi = SIMD8(loading: g + i)
                let mi = h.beta1 * SIMD8(loading: m + i) + (1 - h.beta1) * gi
                let vi = h.beta2 * SIMD8(loading: v + i) + (1 - h.beta2) * gi * gi
                mi.store(to: m + i)
                vi.store(to: v + i)
                (SIMD8(loading: p + i) - h.learningRate * (mi * c1) / ((vi * c2).squareRoot() + h.epsilon)).store(to: p + i)
                i += 8
            }
            for i in i..<range.upperBound {
                let gi = g[i]
                m[i] = h.beta1 * m[i] + (1 - h.beta1) * gi
                v[i] = h.beta2 * v[i] + (1 - h.beta2) * gi * gi
                p[i] -= h.learningRate * (m[i] * c1) / (sqrtf(v[i] * c2) + h.epsilon)
            }
        }
    }

    public func fill(_ x: MatrixView, value: Float) throws {
        let px = x.cpuBase
        forEachRow(x) { flat in
            let xi = px + x.rowOffset(flat)
            for j in 0..<x.cols { xi[j] = value }
        }
    }

    public func copy(_ x: MatrixView, into y: MatrixView) throws {
        ShapeCheck.same(x, y, "copy")
        let (px, py) = (x.cpuBase, y.cpuBase)
        forEachRow(x) { flat in
            let xi = px + x.rowOffset(flat), yi = py + y.rowOffset(flat)
            for j in 0..<x.cols { yi[j] = xi[j] }
        }
    }

    public func axpby(alpha: Float, x: MatrixView, beta: Float, y: MatrixView) throws {
        ShapeCheck.same(x, y, "axpby")
        let (px, py) = (x.cpuBase, y.cpuBase)
        forEachRow(x) { flat in
            let xi = px + x.rowOffset(flat), yi = py + y.rowOffset(flat)
            for j in 0..<x.cols { yi[j] = alpha * xi[j] + (beta == 0 ? 0 : beta * yi[j]) }
        }
    }

    public func multiply(_ y: MatrixView, by mask: MatrixView) throws {
        ShapeCheck.mask(y, mask)
        let (py, pm) = (y.cpuBase, mask.cpuBase)
        forEachRow(y) { flat in
            let yi = py + y.rowOffset(flat), mi = pm + mask.rowOffset(flat)
            for j in 0..<y.cols { yi[j] *= mi[j] }
        }
    }

    public func affineColumns(_ x: MatrixView, into y: MatrixView, scale: MatrixView, shift: MatrixView) throws {
        ShapeCheck.affineColumns(x, y, scale: scale, shift: shift)
        let (px, py, ps, pt) = (x.cpuBase, y.cpuBase, scale.cpuBase, shift.cpuBase)
        forEachRow(x) { flat in
            let xi = px + x.rowOffset(flat), yi = py + y.rowOffset(flat)
            for j in 0..<x.cols { yi[j] = xi[j] * ps[j] + pt[j] }
        }
    }

    /// Runs `body` for every row of `view` (flat index over batch × rows), in parallel chunks.
    func forEachRow(_ view: MatrixView, _ body: (Int) -> Void) {
        parallelFor(view.batch * view.rows, minimumPerChunk: max(1, 16384 / max(1, view.cols))) { rows in
            for flat in rows { body(flat) }
        }
    }
}
