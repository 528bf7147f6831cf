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
    /// One row per network, [networks, 1, ≤ widest slot]: the θ half of the first trunk layer
    /// when every event of a pass has the same θ.
    let sharedRow: DeviceBuffer

    /// Allocates the slots of `stack` for `capacity` events.
    init(stack: NetworkStack, device: Device, capacity: Int, training: Bool, parameterGradients: Bool = false) throws {
        self.capacity = capacity
        let s = stack.spec.networkCount
        activations = try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) }
        gradients = training || parameterGradients ? try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) } : []
        parameterGradient = parameterGradients ? try device.makeBuffer(count: s * capacity * stack.spec.thetaWidth) : nil
        sharedRow = try device.makeBuffer(count: s * (stack.slotWidths.max() ?? 1))
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
    /// With `sharedTheta` (every row has the same θ; forward passes only, no backward after
    /// it) the work that depends on θ alone runs on one row: the θ branch, the θ half of the
    /// first trunk layer (then added to each row's u half as a per-network bias), and every
    /// layer of a network that sees no observable, whose one output row is then copied to all.
    ///
    /// - Parameters:
    ///   - parameters: the flat parameter buffer.
    ///   - theta: scaled θ, [rows, ≥ thetaWidth] (one matrix, shared by the networks).
    ///   - observables: scaled latent observables, [rows, ≥ max preceding count].
    func forward(parameters: DeviceBuffer, theta: MatrixView, observables: MatrixView, rows: Int,
                 workspace: StackWorkspace, device: Device, networks: Range<Int>? = nil, sharedTheta: Bool = false) throws {
        precondition(rows <= workspace.capacity, "forward: \(rows) rows exceed the workspace's \(workspace.capacity)")
        let range = networks ?? 0..<spec.networkCount
        let all = range == 0..<spec.networkCount
        func part(_ view: MatrixView) -> MatrixView {
            if all { return view }
            return view.batchStride == 0 ? MatrixView(view.buffer, offset: view.offset, rows: view.rows, cols: view.cols, rowStride: view.rowStride,
                                                      batch: range.count, batchStride: 0) : view.batches(range)
        }
        func part(_ sizes: [GemmSize]) -> [GemmSize] { all ? sizes : Array(sizes[range]) }
        let shared = sharedTheta && rows > 1
        let n1 = spec.n1
        for layer in layers {
            let x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let (w, b) = (layer.weights(parameters), layer.biases(parameters))
            var sizes = layer.forwardSizes(rows: rows)
            if shared {
                for i in sizes.indices where layer.input == .parameters || spec.precedingCounts[i] == 0 { sizes[i].m = 1 }
            }
            guard shared, layer.input == .slot(0), n1 > 0 else {
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x), b: part(w), beta: 0, c: part(y), sizes: part(sizes))
                try device.addBias(part(y), bias: part(b), activation: layer.activation)
                continue
            }
            // The first trunk layer reads [θ branch | u branch]: its θ half, plus the bias, once.
            let inMax = layer.inMax
            let row = MatrixView(workspace.sharedRow, rows: 1, cols: layer.outMax, batch: spec.networkCount, batchStride: layer.outMax)
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.rows(0..<1).columns(0..<n1)), b: part(w.rows(0..<n1)),
                            beta: 0, c: part(row), sizes: part(layer.outWidths.map { GemmSize(m: 1, n: $0, k: n1) }))
            try device.addBias(part(row), bias: part(b), activation: .identity)
            if inMax > n1 {
                let uSizes = sizes.indices.map { GemmSize(m: sizes[$0].m, n: layer.outWidths[$0], k: layer.inWidths[$0] - n1) }
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.columns(n1..<inMax)), b: part(w.rows(n1..<inMax)),
                                beta: 0, c: part(y), sizes: part(uSizes))
            } else {
                try device.fill(part(y), value: 0)
            }
            try device.addBias(part(y), bias: part(row), activation: layer.activation)
        }
        if shared {
            for i in range where spec.precedingCounts[i] == 0 {
                let out = slotView(workspace.activations[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity).batches(i..<(i + 1))
                let first = MatrixView(out.buffer, offset: out.offset, rows: rows, cols: out.cols, rowStride: 0, batch: 1, batchStride: out.batchStride)
                try device.copy(first, into: out)
            }
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
