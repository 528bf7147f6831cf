import GMMCompute

/// Device memory for passing up to `capacity` events through a ``NetworkStack``: the
/// activations of every slot and, for training, their gradients.
final class StackWorkspace {
    /// Rows (events) the buffers hold.
    let capacity: Int
    /// Activation slots, each [networks, capacity, width].
    let activations: [DeviceBuffer]
    /// Gradient slots (empty when allocated for inference only).
    let gradients: [DeviceBuffer]
    /// Gradient of the scaled θ input per network, [networks, capacity, thetaWidth] (only when
    /// allocated with `parameterGradients`).
    let parameterGradient: DeviceBuffer?

    /// Allocates the slots of `stack` for `capacity` events.
    init(stack: NetworkStack, device: Device, capacity: Int, training: Bool, parameterGradients: Bool = false) throws {
        self.capacity = capacity
        let s = stack.spec.networkCount
        activations = try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) }
        gradients = training || parameterGradients ? try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) } : []
        parameterGradient = parameterGradients ? try device.makeBuffer(count: s * capacity * stack.spec.thetaWidth) : nil
    }
}

extension NetworkStack {
    /// The view of slot `slot` for `rows` events: [networks, rows, width].
    func slotView(_ buffer: DeviceBuffer, slot: Int, rows: Int, capacity: Int) -> MatrixView {
        MatrixView(buffer, rows: rows, cols: slotWidths[slot], batch: spec.networkCount, batchStride: capacity * slotWidths[slot])
    }

    /// The networks' output for `rows` events after ``forward(parameters:theta:observables:rows:workspace:device:)``,
    /// [networks, rows, outputWidth].
    func output(_ workspace: StackWorkspace, rows: Int) -> MatrixView {
        slotView(workspace.activations[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity)
    }

    /// The gradient of the output, to be filled by the loss before ``backward``.
    func outputGradient(_ workspace: StackWorkspace, rows: Int) -> MatrixView {
        slotView(workspace.gradients[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity)
    }

    private func inputView(_ layer: DenseLayer, theta: MatrixView, observables: MatrixView, slots: [DeviceBuffer],
                           rows: Int, capacity: Int) -> MatrixView {
        switch layer.input {
        case .parameters:
            return MatrixView(theta.buffer, offset: theta.offset, rows: rows, cols: layer.inMax, rowStride: theta.rowStride,
                              batch: spec.networkCount, batchStride: 0)
        case .observables:
            return MatrixView(observables.buffer, offset: observables.offset, rows: rows, cols: layer.inMax,
                              rowStride: observables.rowStride, batch: spec.networkCount, batchStride: 0)
        case let .slot(k):
            return slotView(slots[k], slot: k, rows: rows, capacity: capacity).columns(layer.inputColumn..<(layer.inputColumn + layer.inMax))
        }
    }

    private func outputView(_ layer: DenseLayer, slots: [DeviceBuffer], rows: Int, capacity: Int) -> MatrixView {
        slotView(slots[layer.outputSlot], slot: layer.outputSlot, rows: rows, capacity: capacity)
            .columns(layer.outputColumn..<(layer.outputColumn + layer.outMax))
    }

    /// Runs the networks `networks` (default: all) on `rows` events; other networks' slots
    /// are left as they are.
    ///
    /// - Parameters:
    ///   - parameters: the flat parameter buffer.
    ///   - theta: scaled θ, [rows, ≥ thetaWidth] (one matrix, shared by the networks).
    ///   - observables: scaled latent observables, [rows, ≥ max preceding count].
    func forward(parameters: DeviceBuffer, theta: MatrixView, observables: MatrixView, rows: Int,
                 workspace: StackWorkspace, device: Device, networks: Range<Int>? = nil) throws {
        precondition(rows <= workspace.capacity, "forward: \(rows) rows exceed the workspace's \(workspace.capacity)")
        let range = networks ?? 0..<spec.networkCount
        let all = range == 0..<spec.networkCount
        for layer in layers {
            var x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            var y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            var w = layer.weights(parameters), b = layer.biases(parameters)
            var sizes = layer.forwardSizes(rows: rows)
            if !all {
                x = x.batchStride == 0 ? MatrixView(x.buffer, offset: x.offset, rows: x.rows, cols: x.cols, rowStride: x.rowStride,
                                                    batch: range.count, batchStride: 0) : x.batches(range)
                (y, w, b) = (y.batches(range), w.batches(range), b.batches(range))
                sizes = Array(sizes[range])
            }
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: x, b: w, beta: 0, c: y, sizes: sizes)
            try device.addBias(y, bias: b, activation: layer.activation)
        }
    }

    /// Backpropagates the output gradient (already in ``outputGradient(_:rows:)``) through
    /// every network, writing the parameter gradients into `gradients` (the flat layout of
    /// `parameters`; skipped when `weightGradients` is false, for ∂/∂θ alone) and, when the
    /// workspace has one, ∂/∂θ per network.
    func backward(parameters: DeviceBuffer, gradients: DeviceBuffer, masks: [Int: DeviceBuffer], theta: MatrixView,
                  observables: MatrixView, rows: Int, workspace: StackWorkspace, device: Device, weightGradients: Bool = true) throws {
        // Input gradients written so far, by slot and first column: the first product into a
        // block overwrites it, later ones (layers sharing an input block) accumulate.
        var written = Set<[Int]>()
        for layer in layers.reversed() {
            let dy = outputView(layer, slots: workspace.gradients, rows: rows, capacity: workspace.capacity)
            let y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            try device.activationBackward(gradient: dy, output: y, activation: layer.activation)
            if weightGradients {
                let dW = layer.weights(gradients)
                try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: x, b: dy, beta: 0, c: dW,
                                sizes: layer.weightGradientSizes(rows: rows))
                if let mask = masks[layer.weightOffset] {
                    try device.multiply(dW, by: MatrixView(mask, rows: layer.inMax, cols: layer.outMax, batch: spec.networkCount))
                }
                try device.columnSums(dy, into: layer.biases(gradients), beta: 0)
            }
            switch layer.input {
            case let .slot(k):
                let dx = slotView(workspace.gradients[k], slot: k, rows: rows, capacity: workspace.capacity)
                    .columns(layer.inputColumn..<(layer.inputColumn + layer.inMax))
                try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: layer.weights(parameters),
                                beta: written.contains([k, layer.inputColumn]) ? 1 : 0, c: dx, sizes: layer.inputGradientSizes(rows: rows))
                written.insert([k, layer.inputColumn])
            case .parameters:
                if let buffer = workspace.parameterGradient {
                    let dTheta = MatrixView(buffer, rows: rows, cols: layer.inMax, batch: spec.networkCount,
                                            batchStride: workspace.capacity * spec.thetaWidth)
                    try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: layer.weights(parameters),
                                    beta: 0, c: dTheta, sizes: layer.inputGradientSizes(rows: rows))
                }
            case .observables:
                break
            }
        }
    }
}
