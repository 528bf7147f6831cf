/// The shape rules of the ``Device`` operations, checked the same way by every device.
/// A violation is a programming error (`precondition`), not a user-input error.
enum ShapeCheck {
    /// [m, n, k] of `c = op(a) op(b)`, after checking the operands agree.
    static func gemm(transposeA: Bool, transposeB: Bool, a: MatrixView, b: MatrixView, c: MatrixView) -> (m: Int, n: Int, k: Int) {
        let (m, n) = (c.rows, c.cols)
        let k = transposeA ? a.rows : a.cols
        precondition((transposeA ? a.cols : a.rows) == m, "gemm: op(a) has \(transposeA ? a.cols : a.rows) rows, c has \(m)")
        precondition((transposeB ? b.cols : b.rows) == k, "gemm: inner dimensions differ")
        precondition((transposeB ? b.rows : b.cols) == n, "gemm: op(b) has the wrong number of columns")
        precondition(a.batch == c.batch || a.batchStride == 0, "gemm: a's batch differs from c's")
        precondition(b.batch == c.batch || b.batchStride == 0, "gemm: b's batch differs from c's")
        return (m, n, k)
    }

    /// One active block per batch item, each inside the padded operands.
    static func gemmSizes(_ sizes: [GemmSize], transposeA: Bool, transposeB: Bool, a: MatrixView, b: MatrixView, c: MatrixView) {
        precondition(sizes.count == c.batch, "gemm: one size per batch item")
        for size in sizes {
            precondition(size.m <= c.rows && size.n <= c.cols && size.k <= (transposeA ? a.rows : a.cols)
                         && size.k <= (transposeB ? b.cols : b.rows), "gemm: active block exceeds the operands")
        }
    }

    static func addBias(_ y: MatrixView, bias: MatrixView) {
        precondition(bias.cols == y.cols && (bias.batch == y.batch || bias.batchStride == 0), "addBias: bias must be [batch, 1, cols]")
    }

    /// The bias of a dense layer: [batch, blocks, cols], one row per block of `y`'s rows
    /// (`biasRowBounds`, which must run from 0 to `y.rows` without decreasing; nil: one block).
    static func dense(_ y: MatrixView, bias: MatrixView, biasRowBounds: [Int]?) {
        precondition(bias.cols == y.cols && (bias.batch == y.batch || bias.batchStride == 0), "dense: bias must be [batch, blocks, cols]")
        guard let bounds = biasRowBounds else { return }
        precondition(bounds.count >= 2 && bounds.first == 0 && bounds.last == y.rows && bias.rows >= bounds.count - 1
                     && zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 },
                     "dense: bias row blocks must rise from 0 to y's \(y.rows) rows, one bias row each")
    }

    static func same(_ x: MatrixView, _ y: MatrixView, _ operation: String) {
        precondition(x.sameShape(as: y), "\(operation): shapes differ")
    }

    static func columnSums(_ x: MatrixView, into out: MatrixView) {
        precondition(out.cols == x.cols && out.batch == x.batch && out.rows == 1, "columnSums: out must be [batch, 1, cols]")
    }

    /// A per-row column view [batch, N, cols] matching `shape`'s batch and rows.
    static func rows(_ view: MatrixView, like shape: MatrixView, cols: Int, _ what: String) {
        precondition(view.batch == shape.batch && view.rows == shape.rows && view.cols == cols, "\(what) must be [batch, N, \(cols)]")
    }

    static func mixtureHead(_ raw: MatrixView, _ mixture: MixtureViews) {
        rows(raw, like: mixture.logits, cols: 3 * mixture.logits.cols, "mixtureHead: raw")
    }

    static func mixture(_ shape: MatrixView, values: MatrixView, bounds: MatrixView?, logProb: MatrixView, gradient: MatrixView?) {
        rows(values, like: shape, cols: 1, "mixture: values")
        rows(logProb, like: shape, cols: 1, "mixture: logProb")
        if let bounds { precondition(bounds.cols == 2 && (bounds.batch == shape.batch || bounds.batchStride == 0), "mixture: bounds must be [batch, 1, 2]") }
        if let gradient { precondition(gradient.sameShape(as: shape), "mixture: gradient views must match the mixture's shape") }
    }

    static func categorical(_ logits: MatrixView, classes: MatrixView, logProb: MatrixView, gradient: MatrixView?) {
        rows(classes, like: logits, cols: 1, "categorical: classes")
        rows(logProb, like: logits, cols: 1, "categorical: logProb")
        if let gradient { precondition(gradient.sameShape(as: logits), "categorical: gradient must match logits") }
    }

    static func sum(_ x: MatrixView, weights: MatrixView?, out: DeviceBuffer, index: Int) {
        if let weights { precondition(weights.sameShape(as: x), "sum: weights must have x's shape") }
        precondition(index >= 0 && index < out.count, "sum: index outside the output buffer")
    }

    static func adam(_ parameters: DeviceBuffer, _ others: DeviceBuffer...) {
        precondition(others.allSatisfy { $0.count == parameters.count }, "adam: buffer sizes differ")
    }

    static func mask(_ y: MatrixView, _ mask: MatrixView) {
        precondition(mask.rows == y.rows && mask.cols == y.cols && (mask.batch == y.batch || mask.batchStride == 0), "multiply: mask shape")
    }

    static func affineColumns(_ x: MatrixView, _ y: MatrixView, scale: MatrixView, shift: MatrixView) {
        precondition(x.sameShape(as: y) && scale.cols == x.cols && shift.cols == x.cols, "affineColumns: shapes")
    }
}
