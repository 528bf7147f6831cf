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
    /// The θ half of the first trunk layer once per θ block of a pass whose rows come in
    /// blocks with one θ each, [networks, ≤ sharedBlockCapacity, ≤ widest slot].
    let sharedRows: DeviceBuffer
    /// The most θ blocks a pass can share θ-only work over (passes with more do it per row).
    let sharedBlockCapacity: Int

    /// Allocates the slots of `stack` for `capacity` events.
    init(stack: NetworkStack, device: Device, capacity: Int, training: Bool, parameterGradients: Bool = false) throws {
        self.capacity = capacity
        let s = stack.spec.networkCount
        activations = try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) }
        gradients = training || parameterGradients ? try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) } : []
        parameterGradient = parameterGradients ? try device.makeBuffer(count: s * capacity * stack.spec.thetaWidth) : nil
        sharedBlockCapacity = max(1, min(capacity, 256))
        sharedRows = try device.makeBuffer(count: s * sharedBlockCapacity * (stack.slotWidths.max() ?? 1))
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
    /// With `thetaBlockRows` (forward passes only, no backward after it) the rows come in
    /// consecutive blocks of that many rows, each block with one θ, and the work that depends
    /// on θ alone runs once per block: the θ branch, every layer of a network that sees no
    /// observable (its output row then copied to the block's rows), and the θ half of the
    /// other networks' first trunk layer (then added to each row's u half as a per-block
    /// bias). One θ for the whole pass is `thetaBlockRows: rows`. Passes whose row count is not
    /// a multiple of it, or with more blocks than ``StackWorkspace/sharedBlockCapacity``, do
    /// all the work per row.
    ///
    /// - Parameters:
    ///   - parameters: the flat parameter buffer.
    ///   - theta: scaled θ, [rows, ≥ thetaWidth] (one matrix, shared by the networks).
    ///   - observables: scaled latent observables, [rows, ≥ max preceding count].
    func forward(parameters: DeviceBuffer, theta: MatrixView, observables: MatrixView, rows: Int,
                 workspace: StackWorkspace, device: Device, networks: Range<Int>? = nil, thetaBlockRows: Int? = nil) throws {
        precondition(rows <= workspace.capacity, "forward: \(rows) rows exceed the workspace's \(workspace.capacity)")
        let range = networks ?? 0..<spec.networkCount
        /// The networks `subset` of a view batched over all networks (a batch stride of 0 is shared by all).
        func part(_ view: MatrixView, _ subset: Range<Int>) -> MatrixView {
            if subset == 0..<spec.networkCount { return view }
            return view.batchStride == 0 ? MatrixView(view.buffer, offset: view.offset, rows: view.rows, cols: view.cols, rowStride: view.rowStride,
                                                      batch: subset.count, batchStride: 0) : view.batches(subset)
        }
        func part(_ sizes: [GemmSize], _ subset: Range<Int>) -> [GemmSize] { Array(sizes[subset]) }
        let blockRows = thetaBlockRows ?? rows
        let blocks = rows / max(1, blockRows)
        let shared = thetaBlockRows != nil && blockRows > 1 && blocks * blockRows == rows && blocks <= workspace.sharedBlockCapacity
        // Networks that see no observable (θ only) come first in a stack.
        let thetaOnly = range.lowerBound..<(range.lowerBound + range.filter { spec.precedingCounts[$0] == 0 }.count)
        let withObservables = thetaOnly.upperBound..<range.upperBound
        let n1 = spec.n1
        for layer in layers {
            var x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            if shared, layer.input == .parameters {
                // One θ row per block.
                x = MatrixView(theta.buffer, offset: theta.offset, rows: blocks, cols: layer.inMax, rowStride: theta.rowStride * blockRows,
                               batch: spec.networkCount, batchStride: 0)
            }
            let y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let (w, b) = (layer.weights(parameters), layer.biases(parameters))
            // Whether network i's part of this layer depends on θ alone (one row per block when shared).
            func thetaOnlyHere(_ i: Int) -> Bool { layer.input == .parameters || spec.precedingCounts[i] == 0 }
            var sizes = layer.forwardSizes(rows: rows)
            if shared {
                for i in sizes.indices where thetaOnlyHere(i) { sizes[i].m = blocks }
            }
            // The networks done whole: all of them, or (first trunk layer, shared) the θ-only ones.
            let split = shared && layer.input == .slot(0) && n1 > 0
            let whole = split ? thetaOnly : range
            if !whole.isEmpty {
                // When every network of the call is θ-only here, its views hold one row per block
                // (a device that runs the padded product then does no per-row work).
                let compact = shared && whole.allSatisfy(thetaOnlyHere)
                let (xw, yw) = compact ? (x.rows(0..<blocks), y.rows(0..<blocks)) : (x, y)
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(xw, whole), b: part(w, whole), beta: 0, c: part(yw, whole),
                                sizes: part(sizes, whole))
                try device.addBias(part(yw, whole), bias: part(b, whole), activation: layer.activation)
            }
            guard split, !withObservables.isEmpty else { continue }
            // The first trunk layer reads [θ branch | u branch]: its θ half, plus the bias, once per block.
            let inMax = layer.inMax
            let halves = MatrixView(workspace.sharedRows, rows: blocks, cols: layer.outMax, batch: spec.networkCount,
                                    batchStride: workspace.sharedBlockCapacity * layer.outMax)
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.rows(0..<blocks).columns(0..<n1), withObservables),
                            b: part(w.rows(0..<n1), withObservables), beta: 0, c: part(halves, withObservables),
                            sizes: part(layer.outWidths.map { GemmSize(m: blocks, n: $0, k: n1) }, withObservables))
            try device.addBias(part(halves, withObservables), bias: part(b, withObservables), activation: .identity)
            if inMax > n1 {
                let uSizes = sizes.indices.map { GemmSize(m: rows, n: layer.outWidths[$0], k: max(0, layer.inWidths[$0] - n1)) }
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.columns(n1..<inMax), withObservables),
                                b: part(w.rows(n1..<inMax), withObservables), beta: 0, c: part(y, withObservables), sizes: part(uSizes, withObservables))
            } else {
                try device.fill(part(y, withObservables), value: 0)
            }
            for k in 0..<blocks {
                try device.addBias(part(y.rows((k * blockRows)..<((k + 1) * blockRows)), withObservables),
                                   bias: part(halves.rows(k..<(k + 1)), withObservables), activation: layer.activation)
            }
        }
        if shared, !thetaOnly.isEmpty {
            // Each block's output row of the θ-only networks, copied to the block's rows. Last
            // block first: row k lies in no later-copied block's rows (k < k·blockRows for k ≥ 1).
            let out = part(slotView(workspace.activations[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity), thetaOnly)
            for k in (0..<blocks).reversed() {
                let row = MatrixView(out.buffer, offset: out.offset + k * out.rowStride, rows: blockRows, cols: out.cols, rowStride: 0,
                                     batch: out.batch, batchStride: out.batchStride)
                try device.copy(row, into: out.rows((k * blockRows)..<((k + 1) * blockRows)))
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
