#if canImport(Glibc)
import Glibc
#endif

/// Row-wise softmax on the CPU: the twins of `Kernels/softmax.cl`.
extension CPUDevice {
    public func softmax(_ x: MatrixView, into y: MatrixView, log: Bool) throws {
        ShapeCheck.same(x, y, "softmax")
        let (px, py, n) = (x.cpuBase, y.cpuBase, x.cols)
        parallelFor(x.batch * x.rows, minimumPerChunk: max(1, 4096 / max(1, n))) { rows in
            for flat in rows {
                let xi = px + x.rowOffset(flat), yi = py + y.rowOffset(flat)
                var peak = -Float.infinity
                for j in 0..<n { peak = max(peak, xi[j]) }
                var total: Float = 0
                for j in 0..<n { total += expf(xi[j] - peak) }
                if log {
                    let lse = peak + logf(total)
                    for j in 0..<n { yi[j] = xi[j] - lse }
                } else {
                    let inverse = 1 / total
                    for j in 0..<n { yi[j] = expf(xi[j] - peak) * inverse }
                }
            }
        }
    }

    public func softmaxBackward(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView, log: Bool) throws {
        ShapeCheck.same(y, dy, "softmaxBackward")
        ShapeCheck.same(y, dx, "softmaxBackward")
        let (py, pdy, pdx, n) = (y.cpuBase, dy.cpuBase, dx.cpuBase, y.cols)
        parallelFor(y.batch * y.rows, minimumPerChunk: max(1, 4096 / max(1, n))) { rows in
            for flat in rows {
                let yi = py + y.rowOffset(flat), dyi = pdy + dy.rowOffset(flat), dxi = pdx + dx.rowOffset(flat)
                if log {
                    var total: Float = 0
                    for j in 0..<n { total += dyi[j] }
                    for j in 0..<n { dxi[j] = dyi[j] - expf(yi[j]) * total }
                } else {
                    var dot: Float = 0
                    for j in 0..<n { dot += dyi[j] * yi[j] }
                    for j in 0..<n { dxi[j] = yi[j] * (dyi[j] - dot) }
                }
            }
        }
    }
}
