import CGMMSupport

/// The ``Device`` operations as OpenCL kernel launches (`Kernels/*.cl`) and CLBlast calls.
/// Shapes are checked as on the CPU path; see ``Device`` for each operation's contract.
extension OpenCLDevice {
    public func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
                     beta: Float, c: MatrixView) throws {
        let (m, n, k) = ShapeCheck.gemm(transposeA: transposeA, transposeB: transposeB, a: a, b: b, c: c)
        if m == 0 || n == 0 { return }
        if usesCLBlast {
            let status = gmm_clblast_sgemm_strided_batched(
                transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha,
                try memory(a.buffer), a.offset, a.rowStride, a.batchStride,
                try memory(b.buffer), b.offset, b.rowStride, b.batchStride, beta,
                try memory(c.buffer), c.offset, c.rowStride, c.batchStride, c.batch, queue)
            if status != 0 { throw DeviceError.clblast(call: "CLBlastSgemmStridedBatched(\(m)×\(n)×\(k) ×\(c.batch))", status: status) }
            return
        }
        try launch("gemm_tiled", global: [n, m, c.batch], local: [16, 16, 1],
                   [.int(transposeA ? 1 : 0), .int(transposeB ? 1 : 0), .int(m), .int(n), .int(k), .float(alpha)]
                   + arguments(a) + arguments(b) + [.float(beta)] + arguments(c))
    }

    /// Runs the padded product in one batched call: on a GPU one launch beats several small ones.
    public func gemm(transposeA: Bool, transposeB: Bool, alpha: Float, a: MatrixView, b: MatrixView,
                     beta: Float, c: MatrixView, sizes: [GemmSize]) throws {
        ShapeCheck.gemmSizes(sizes, transposeA: transposeA, transposeB: transposeB, a: a, b: b, c: c)
        try gemm(transposeA: transposeA, transposeB: transposeB, alpha: alpha, a: a, b: b, beta: beta, c: c)
    }

    public func addBias(_ y: MatrixView, bias: MatrixView, activation: Activation) throws {
        ShapeCheck.addBias(y, bias: bias)
        try launch("add_bias", global: [y.elementCount],
                   arguments(y) + [.buffer(bias.buffer), .int(bias.offset), .int(bias.batchStride),
                                   .int(y.rows), .int(y.cols), .int(y.elementCount), .float(activation.negativeSlope)])
    }

    public func activationBackward(gradient: MatrixView, output: MatrixView, activation: Activation) throws {
        ShapeCheck.same(gradient, output, "activationBackward")
        if activation.negativeSlope == 1 { return }
        try launch("activation_backward", global: [gradient.elementCount],
                   arguments(gradient) + arguments(output)
                   + [.int(gradient.rows), .int(gradient.cols), .int(gradient.elementCount), .float(activation.negativeSlope)])
    }

    public func columnSums(_ x: MatrixView, into out: MatrixView, beta: Float) throws {
        ShapeCheck.columnSums(x, into: out)
        try launch("column_sums", global: [x.batch * x.cols],
                   arguments(x) + [.buffer(out.buffer), .int(out.offset), .int(out.batchStride),
                                   .int(x.rows), .int(x.cols), .int(x.batch * x.cols), .float(beta)])
    }

    public func softmax(_ x: MatrixView, into y: MatrixView, log: Bool) throws {
        ShapeCheck.same(x, y, "softmax")
        let rows = x.batch * x.rows
        try launch("softmax_rows", global: [rows],
                   arguments(x) + arguments(y) + [.int(x.rows), .int(x.cols), .int(rows), .int(log ? 1 : 0)])
    }

    public func softmaxBackward(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView, log: Bool) throws {
        ShapeCheck.same(y, dy, "softmaxBackward")
        ShapeCheck.same(y, dx, "softmaxBackward")
        let rows = y.batch * y.rows
        try launch("softmax_backward", global: [rows],
                   arguments(y) + arguments(dy) + arguments(dx) + [.int(y.rows), .int(y.cols), .int(rows), .int(log ? 1 : 0)])
    }

    public func mixtureHead(_ raw: MatrixView, head: MixtureHead, into mixture: MixtureViews) throws {
        let g = mixture.logits.cols
        ShapeCheck.mixtureHead(raw, mixture)
        let total = mixture.logits.elementCount
        try launch("mixture_head", global: [total],
                   arguments(raw) + arguments(mixture.logits) + arguments(mixture.means) + arguments(mixture.widths)
                   + [.buffer(head.meanOffsets.buffer), .int(head.meanOffsets.offset), .int(head.meanOffsets.batchStride),
                      .buffer(head.baseWidths.buffer), .int(head.baseWidths.offset), .int(head.baseWidths.batchStride)]
                   + headConstants(head) + [.int(raw.rows), .int(g), .int(total)])
    }

    public func mixtureHeadBackward(gradient: MixtureViews, widths: MatrixView, head: MixtureHead, into rawGradient: MatrixView) throws {
        let g = gradient.logits.cols
        ShapeCheck.mixtureHead(rawGradient, gradient)
        let total = gradient.logits.elementCount
        try launch("mixture_head_backward", global: [total],
                   arguments(gradient.logits) + arguments(gradient.means) + arguments(gradient.widths) + arguments(widths)
                   + arguments(rawGradient) + headConstants(head) + [.int(rawGradient.rows), .int(g), .int(total)])
    }

    private func headConstants(_ head: MixtureHead) -> [Argument] {
        [.float(head.amplitudeScale), .float(head.meanScale), .float(head.widthScale), .float(head.epsilon)]
    }

    public func mixtureLogLikelihood(_ mixture: MixtureViews, values: MatrixView, bounds: MatrixView?,
                                     logProb: MatrixView, gradient: (MixtureViews, LossWeights)?) throws {
        let shape = mixture.logits
        ShapeCheck.mixture(shape, values: values, bounds: bounds, logProb: logProb, gradient: gradient?.0.logits)
        let rows = shape.batch * shape.rows
        let placeholder = arguments(shape)
        let boundArguments: [Argument] = bounds.map { [.buffer($0.buffer), .int($0.offset), .int($0.batchStride), .int(1)] }
            ?? [.buffer(shape.buffer), .int(0), .int(0), .int(0)]
        let gradientArguments: [Argument]
        if let (views, weights) = gradient {
            gradientArguments = [.int(1)] + arguments(views.logits) + arguments(views.means) + arguments(views.widths)
                + (weights.weights.map { arguments($0) + [.int(1)] } ?? placeholder + [.int(0)]) + [.float(weights.scale)]
        } else {
            gradientArguments = [.int(0)] + placeholder + placeholder + placeholder + placeholder + [.int(0), .float(0)]
        }
        try launch("mixture_log_likelihood", global: [rows],
                   arguments(mixture.logits) + arguments(mixture.means) + arguments(mixture.widths) + arguments(values)
                   + boundArguments + arguments(logProb) + gradientArguments + [.int(shape.rows), .int(shape.cols), .int(rows)])
    }

    public func categoricalLogLikelihood(logits: MatrixView, classes: MatrixView, logProb: MatrixView,
                                         gradient: (MatrixView, LossWeights)?) throws {
        ShapeCheck.categorical(logits, classes: classes, logProb: logProb, gradient: gradient?.0)
        let rows = logits.batch * logits.rows
        let placeholder = arguments(logits)
        let gradientArguments: [Argument]
        if let (view, weights) = gradient {
            gradientArguments = [.int(1)] + arguments(view)
                + (weights.weights.map { arguments($0) + [.int(1)] } ?? placeholder + [.int(0)]) + [.float(weights.scale)]
        } else {
            gradientArguments = [.int(0)] + placeholder + placeholder + [.int(0), .float(0)]
        }
        try launch("categorical_log_likelihood", global: [rows],
                   arguments(logits) + arguments(classes) + arguments(logProb) + gradientArguments
                   + [.int(logits.rows), .int(logits.cols), .int(rows)])
    }

    public func sum(_ x: MatrixView, weights: MatrixView?, into out: DeviceBuffer, index: Int, accumulate: Bool) throws {
        ShapeCheck.sum(x, weights: weights, out: out, index: index)
        try launch("weighted_sum", global: [256], local: [256],
                   arguments(x) + (weights.map { arguments($0) + [.int(1)] } ?? arguments(x) + [.int(0)])
                   + [.buffer(out), .int(index), .int(accumulate ? 1 : 0), .int(x.rows), .int(x.cols), .int(x.elementCount)])
    }

    public func adamUpdate(parameters: DeviceBuffer, gradients: DeviceBuffer, firstMoment: DeviceBuffer,
                           secondMoment: DeviceBuffer, hyperparameters h: AdamHyperparameters) throws {
        let n = parameters.count
        ShapeCheck.adam(parameters, gradients, firstMoment, secondMoment)
        try launch("adam_update", global: [n],
                   [.buffer(parameters), .buffer(gradients), .buffer(firstMoment), .buffer(secondMoment), .int(n),
                    .float(h.learningRate), .float(h.beta1), .float(h.beta2), .float(h.epsilon),
                    .float(h.firstCorrection), .float(h.secondCorrection)])
    }

    public func fill(_ x: MatrixView, value: Float) throws {
        try launch("fill_values", global: [x.elementCount],
                   arguments(x) + [.float(value), .int(x.rows), .int(x.cols), .int(x.elementCount)])
    }

    public func copy(_ x: MatrixView, into y: MatrixView) throws {
        try axpby(alpha: 1, x: x, beta: 0, y: y)
    }

    public func axpby(alpha: Float, x: MatrixView, beta: Float, y: MatrixView) throws {
        ShapeCheck.same(x, y, "axpby")
        try launch("axpby", global: [x.elementCount],
                   arguments(x) + arguments(y) + [.float(alpha), .float(beta), .int(x.rows), .int(x.cols), .int(x.elementCount)])
    }

    public func multiply(_ y: MatrixView, by mask: MatrixView) throws {
        ShapeCheck.mask(y, mask)
        try launch("multiply_mask", global: [y.elementCount],
                   arguments(y) + arguments(mask) + [.int(y.rows), .int(y.cols), .int(y.elementCount)])
    }

    public func affineColumns(_ x: MatrixView, into y: MatrixView, scale: MatrixView, shift: MatrixView) throws {
        ShapeCheck.affineColumns(x, y, scale: scale, shift: shift)
        try launch("affine_columns", global: [x.elementCount],
                   arguments(x) + arguments(y) + [.buffer(scale.buffer), .int(scale.offset), .buffer(shift.buffer), .int(shift.offset),
                                                  .int(x.rows), .int(x.cols), .int(x.elementCount)])
    }

    public func sampleMixture(_ mixture: MixtureViews, bounds: MatrixView?, uniforms: MatrixView, into out: MatrixView) throws {
        let shape = mixture.logits
        ShapeCheck.rows(uniforms, like: shape, cols: 2, "sampleMixture: uniforms")
        ShapeCheck.rows(out, like: shape, cols: 1, "sampleMixture: out")
        let rows = shape.batch * shape.rows
        let boundArguments: [Argument] = bounds.map { [.buffer($0.buffer), .int($0.offset), .int($0.batchStride), .int(1)] }
            ?? [.buffer(shape.buffer), .int(0), .int(0), .int(0)]
        try launch("sample_mixture", global: [rows],
                   arguments(mixture.logits) + arguments(mixture.means) + arguments(mixture.widths) + boundArguments
                   + arguments(uniforms) + arguments(out) + [.int(shape.rows), .int(shape.cols), .int(rows)])
    }

    public func sampleCategorical(logits: MatrixView, uniforms: MatrixView, into out: MatrixView) throws {
        ShapeCheck.rows(uniforms, like: logits, cols: 1, "sampleCategorical: uniforms")
        ShapeCheck.rows(out, like: logits, cols: 1, "sampleCategorical: out")
        let rows = logits.batch * logits.rows
        try launch("sample_categorical", global: [rows],
                   arguments(logits) + arguments(uniforms) + arguments(out) + [.int(logits.rows), .int(logits.cols), .int(rows)])
    }
}
