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
    /// One θ row per block when the blocks are not evenly spaced, [≤ sharedBlockCapacity, thetaWidth].
    let blockTheta: DeviceBuffer

    /// Allocates the slots of `stack` for `capacity` events.
    init(stack: NetworkStack, device: Device, capacity: Int, training: Bool, parameterGradients: Bool = false) throws {
        self.capacity = capacity
        let s = stack.spec.networkCount
        activations = try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) }
        gradients = training || parameterGradients ? try stack.slotWidths.map { try device.makeBuffer(count: s * capacity * $0) } : []
        parameterGradient = parameterGradients ? try device.makeBuffer(count: s * capacity * stack.spec.thetaWidth) : nil
        sharedBlockCapacity = max(1, min(capacity, 256))
        sharedRows = try device.makeBuffer(count: s * sharedBlockCapacity * (stack.slotWidths.max() ?? 1))
        blockTheta = try device.makeBuffer(count: sharedBlockCapacity * stack.spec.thetaWidth)
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

    /// Whether a pass of `rows` rows in `blocks` does its θ-only work once per block: the
    /// blocks cover the rows, some block has more than one row, and the workspace holds them.
    func sharesTheta(_ blocks: ThetaBlocks?, rows: Int, workspace: StackWorkspace) -> Bool {
        guard let blocks else { return false }
        return blocks.rows == rows && blocks.count < rows && blocks.count <= workspace.sharedBlockCapacity
    }

    /// One θ row per block, [blocks, thetaWidth]: a strided view of `theta` when the blocks are
    /// evenly spaced, else the blocks' first rows copied into the workspace.
    private func blockTheta(_ theta: MatrixView, _ blocks: ThetaBlocks, workspace: StackWorkspace, device: Device) throws -> MatrixView {
        if let step = blocks.uniformRows {
            return MatrixView(theta.buffer, offset: theta.offset, rows: blocks.count, cols: theta.cols, rowStride: theta.rowStride * step)
        }
        let compact = MatrixView(workspace.blockTheta, rows: blocks.count, cols: theta.cols)
        for k in 0..<blocks.count {
            let first = blocks.bounds[k]
            try device.copy(theta.rows(first..<(first + 1)), into: compact.rows(k..<(k + 1)))
        }
        return compact
    }

    /// The networks `subset` of a view batched over all networks (a batch stride of 0 is shared by all).
    private func part(_ view: MatrixView, _ subset: Range<Int>) -> MatrixView {
        if subset == 0..<spec.networkCount { return view }
        return view.batchStride == 0 ? MatrixView(view.buffer, offset: view.offset, rows: view.rows, cols: view.cols, rowStride: view.rowStride,
                                                  batch: subset.count, batchStride: 0) : view.batches(subset)
    }

    /// The sizes of the networks `subset`.
    private func part(_ sizes: [GemmSize], _ subset: Range<Int>) -> [GemmSize] { Array(sizes[subset]) }

    /// The networks of `range` that see no observable (θ only; they come first in a stack) and the others.
    private func thetaOnlySplit(_ range: Range<Int>) -> (thetaOnly: Range<Int>, withObservables: Range<Int>) {
        let thetaOnly = range.lowerBound..<(range.lowerBound + range.filter { spec.precedingCounts[$0] == 0 }.count)
        return (thetaOnly, thetaOnly.upperBound..<range.upperBound)
    }

    /// The per-block sums of `x`'s rows, [batch, blocks, cols] into `out` (`out` must not overlap `x`).
    private func blockSums(_ x: MatrixView, _ blocks: ThetaBlocks, into out: MatrixView, device: Device) throws {
        for k in 0..<blocks.count {
            try device.columnSums(x.rows(blocks.rows(k)), into: out.rows(k..<(k + 1)), beta: 0)
        }
    }

    /// The scratch rows of the workspace as [networks, blocks, width].
    private func scratch(_ workspace: StackWorkspace, blocks: Int, width: Int) -> MatrixView {
        MatrixView(workspace.sharedRows, rows: blocks, cols: width, batch: spec.networkCount,
                   batchStride: workspace.sharedBlockCapacity * width)
    }

    /// Runs the networks `networks` (default: all) on `rows` events; other networks' slots
    /// are left as they are.
    ///
    /// With `thetaBlocks` the rows come in consecutive blocks, each with one θ, and the work
    /// that depends on θ alone runs once per block: the θ branch, every layer of a network that
    /// sees no observable (its output row then copied to the block's rows; its other slots hold
    /// one row per block), and the θ half of the other networks' first trunk layer (then added
    /// to each row's u half as a per-block bias). One θ for the whole pass is one block of
    /// `rows`. When every block holds the same events (``ThetaBlocks/repeatedEvents``), the u
    /// branch and the u half of the first trunk layers run on the first block and are copied to
    /// the others. Passes whose blocks ``sharesTheta(_:rows:workspace:)`` refuses do all the
    /// work per row.
    ///
    /// - Parameters:
    ///   - parameters: the flat parameter buffer.
    ///   - theta: scaled θ, [rows, ≥ thetaWidth] (one matrix, shared by the networks).
    ///   - observables: scaled latent observables, [rows, ≥ max preceding count].
    func forward(parameters: DeviceBuffer, theta: MatrixView, observables: MatrixView, rows: Int,
                 workspace: StackWorkspace, device: Device, networks: Range<Int>? = nil, thetaBlocks: ThetaBlocks? = nil) throws {
        precondition(rows <= workspace.capacity, "forward: \(rows) rows exceed the workspace's \(workspace.capacity)")
        let range = networks ?? 0..<spec.networkCount
        let shared = sharesTheta(thetaBlocks, rows: rows, workspace: workspace)
        let blocks = (shared ? thetaBlocks : nil) ?? .single  // read only when shared
        let compactTheta = shared ? try blockTheta(theta, blocks, workspace: workspace, device: device) : theta
        let (thetaOnly, withObservables) = thetaOnlySplit(range)
        let n1 = spec.n1
        // The rows of the first block when every block holds the same events: the work on
        // the events alone runs there and is copied to the other blocks (where the first trunk
        // layers split into θ and u halves, n1 > 0).
        let eventRows = shared && blocks.repeatedEvents && n1 > 0 ? blocks.bounds[1] : rows
        for layer in layers {
            var x = inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            if shared, layer.input == .parameters {
                x = MatrixView(compactTheta.buffer, offset: compactTheta.offset, rows: blocks.count, cols: layer.inMax,
                               rowStride: compactTheta.rowStride, batch: spec.networkCount, batchStride: 0)
            }
            let y = outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity)
            let (w, b) = (layer.weights(parameters), layer.biases(parameters))
            // Whether network i's part of this layer depends on θ alone (one row per block when shared).
            func thetaOnlyHere(_ i: Int) -> Bool { layer.input == .parameters || spec.precedingCounts[i] == 0 }
            // The u branch reads the events alone: its rows are the first block's when repeated.
            let layerRows = layer.input == .observables ? eventRows : rows
            var sizes = layer.forwardSizes(rows: layerRows)
            if shared {
                for i in sizes.indices where thetaOnlyHere(i) { sizes[i].m = blocks.count }
            }
            // The networks done whole: all of them, or (first trunk layer, shared) the θ-only ones.
            let split = shared && layer.input == .slot(0) && n1 > 0
            let whole = split ? thetaOnly : range
            if !whole.isEmpty {
                // When every network of the call is θ-only here, its views hold one row per block
                // (a device that runs the padded product then does no per-row work).
                let compact = shared && whole.allSatisfy(thetaOnlyHere)
                let (xw, yw) = compact ? (x.rows(0..<blocks.count), y.rows(0..<blocks.count)) : (x.rows(0..<layerRows), y.rows(0..<layerRows))
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(xw, whole), b: part(w, whole), beta: 0, c: part(yw, whole),
                                sizes: part(sizes, whole))
                try device.addBias(part(yw, whole), bias: part(b, whole), activation: layer.activation)
            }
            guard split, !withObservables.isEmpty else { continue }
            // The first trunk layer reads [θ branch | u branch]: its θ half, plus the bias, once per block.
            let inMax = layer.inMax
            let halves = scratch(workspace, blocks: blocks.count, width: layer.outMax)
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.rows(0..<blocks.count).columns(0..<n1), withObservables),
                            b: part(w.rows(0..<n1), withObservables), beta: 0, c: part(halves, withObservables),
                            sizes: part(layer.outWidths.map { GemmSize(m: blocks.count, n: $0, k: n1) }, withObservables))
            try device.addBias(part(halves, withObservables), bias: part(b, withObservables), activation: .identity)
            if inMax > n1 {
                let uSizes = sizes.indices.map { GemmSize(m: eventRows, n: layer.outWidths[$0], k: max(0, layer.inWidths[$0] - n1)) }
                try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: part(x.rows(0..<eventRows).columns(n1..<inMax), withObservables),
                                b: part(w.rows(n1..<inMax), withObservables), beta: 0, c: part(y.rows(0..<eventRows), withObservables),
                                sizes: part(uSizes, withObservables))
                // Repeated events: the first block's u half is every block's.
                for k in 1..<(eventRows < rows ? blocks.count : 1) {
                    try device.copy(part(y.rows(0..<eventRows), withObservables), into: part(y.rows(blocks.rows(k)), withObservables))
                }
            } else {
                try device.fill(part(y, withObservables), value: 0)
            }
            for k in 0..<blocks.count {
                try device.addBias(part(y.rows(blocks.rows(k)), withObservables),
                                   bias: part(halves.rows(k..<(k + 1)), withObservables), activation: layer.activation)
            }
        }
        if shared, !thetaOnly.isEmpty {
            // Each block's output row of the θ-only networks, copied to the block's rows. Last
            // block first: row k lies in no later-copied block's rows (block j ≤ k starts at or
            // after row j, and block k's own copy reads row k before or as it writes it).
            let out = part(slotView(workspace.activations[outputSlot], slot: outputSlot, rows: rows, capacity: workspace.capacity), thetaOnly)
            for k in (0..<blocks.count).reversed() {
                let range = blocks.rows(k)
                let row = MatrixView(out.buffer, offset: out.offset + k * out.rowStride, rows: range.count, cols: out.cols, rowStride: 0,
                                     batch: out.batch, batchStride: out.batchStride)
                try device.copy(row, into: out.rows(range))
            }
        }
    }

    /// Backpropagates the output gradient (already in ``outputGradient(_:rows:)``) through
    /// every network, writing the parameter gradients into `gradients` (the flat layout of
    /// `parameters`; skipped when `weightGradients` is false, for ∂/∂θ alone) and, when the
    /// workspace has one, ∂/∂θ per network.
    ///
    /// With the `thetaBlocks` of the forward pass before it (weight gradients only, a workspace
    /// without ∂/∂θ), the θ-only work runs once per block here too: the output gradient of
    /// the networks that see no observable and the gradient of the other networks' first trunk
    /// layer are summed over each block's rows, and the θ-only layers and θ halves are
    /// backpropagated on one row per block.
    func backward(parameters: DeviceBuffer, gradients: DeviceBuffer, masks: [Int: DeviceBuffer], theta: MatrixView,
                  observables: MatrixView, rows: Int, workspace: StackWorkspace, device: Device, weightGradients: Bool = true,
                  thetaBlocks: ThetaBlocks? = nil) throws {
        let shared = sharesTheta(thetaBlocks, rows: rows, workspace: workspace)
        precondition(!shared || (weightGradients && workspace.parameterGradient == nil && !(thetaBlocks?.repeatedEvents ?? false)),
                     "backward: θ blocks are for weight gradients without ∂/∂θ, and not for repeated events")
        let all = 0..<spec.networkCount
        let blocks = (shared ? thetaBlocks : nil) ?? .single  // read only when shared
        let (thetaOnly, withObservables) = thetaOnlySplit(all)
        let compactTheta = shared ? try blockTheta(theta, blocks, workspace: workspace, device: device) : theta
        if shared, !thetaOnly.isEmpty {
            // The θ-only networks' outputs were copied to every row of their block: their
            // gradient is the block's sum, backpropagated on one row per block.
            let dy = part(outputGradient(workspace, rows: rows), thetaOnly)
            let sums = part(scratch(workspace, blocks: blocks.count, width: dy.cols), thetaOnly)
            try blockSums(dy, blocks, into: sums, device: device)
            try device.copy(sums, into: dy.rows(0..<blocks.count))
        }
        // Input gradients written so far, by slot and first column: the first product into a
        // block overwrites it, later ones (layers sharing an input block) accumulate.
        var written = Set<[Int]>()
        for layer in layers.reversed() {
            let split = shared && layer.input == .slot(0) && spec.n1 > 0
            // (networks, rows) groups run as plain per-row layers: one row per block where the
            // networks' part of the layer depends on θ alone.
            var groups: [(networks: Range<Int>, rows: Int)] = [(all, rows)]
            if shared {
                groups = layer.input == .parameters ? [(all, blocks.count)]
                    : split ? [(thetaOnly, blocks.count)] : [(thetaOnly, blocks.count), (withObservables, rows)]
            }
            let beta: Float
            if case let .slot(k) = layer.input, written.contains([k, layer.inputColumn]) { beta = 1 } else { beta = 0 }
            for (networks, m) in groups where !networks.isEmpty {
                try backwardLayer(layer, networks: networks, rows: m, inputBeta: beta, parameters: parameters, gradients: gradients,
                                  masks: masks, theta: shared && layer.input == .parameters ? compactTheta : theta, observables: observables,
                                  workspace: workspace, device: device, weightGradients: weightGradients)
            }
            if split, !withObservables.isEmpty {
                try backwardSplitTrunk(layer, networks: withObservables, rows: rows, blocks: blocks, parameters: parameters,
                                       gradients: gradients, masks: masks, observables: observables, workspace: workspace, device: device)
            }
            if case let .slot(k) = layer.input { written.insert([k, layer.inputColumn]) }
        }
    }

    /// One layer's backward pass for `networks` on the first `rows` rows: activation, weight and
    /// bias gradients, and the input gradient (overwriting it with `inputBeta` 0, else adding).
    private func backwardLayer(_ layer: DenseLayer, networks: Range<Int>, rows: Int, inputBeta: Float, parameters: DeviceBuffer,
                               gradients: DeviceBuffer, masks: [Int: DeviceBuffer], theta: MatrixView, observables: MatrixView,
                               workspace: StackWorkspace, device: Device, weightGradients: Bool) throws {
        func sizes(_ all: [GemmSize]) -> [GemmSize] { part(all, networks) }
        let dy = part(outputView(layer, slots: workspace.gradients, rows: rows, capacity: workspace.capacity), networks)
        let y = part(outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity), networks)
        let x = part(inputView(layer, theta: theta, observables: observables, slots: workspace.activations, rows: rows,
                               capacity: workspace.capacity), networks)
        try device.activationBackward(gradient: dy, output: y, activation: layer.activation)
        if weightGradients {
            let dW = part(layer.weights(gradients), networks)
            try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: x, b: dy, beta: 0, c: dW,
                            sizes: sizes(layer.weightGradientSizes(rows: rows)))
            if let mask = masks[layer.weightOffset] {
                try device.multiply(dW, by: part(MatrixView(mask, rows: layer.inMax, cols: layer.outMax, batch: spec.networkCount), networks))
            }
            try device.columnSums(dy, into: part(layer.biases(gradients), networks), beta: 0)
        }
        switch layer.input {
        case let .slot(k):
            let dx = part(slotView(workspace.gradients[k], slot: k, rows: rows, capacity: workspace.capacity), networks)
                .columns(layer.inputColumn..<(layer.inputColumn + layer.inMax))
            try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: part(layer.weights(parameters), networks),
                            beta: inputBeta, c: dx, sizes: sizes(layer.inputGradientSizes(rows: rows)))
        case .parameters:
            if let buffer = workspace.parameterGradient {
                let dTheta = part(MatrixView(buffer, rows: rows, cols: layer.inMax, batch: spec.networkCount,
                                             batchStride: workspace.capacity * spec.thetaWidth), networks)
                try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: part(layer.weights(parameters), networks),
                                beta: 0, c: dTheta, sizes: sizes(layer.inputGradientSizes(rows: rows)))
            }
        case .observables:
            break
        }
    }

    /// The backward pass of a first trunk layer, reading [θ branch | u branch], for `networks`
    /// that see observables when θ comes in blocks: the u half per row, the θ half on the
    /// block sums of the gradient (its θ-branch input holds one row per block).
    private func backwardSplitTrunk(_ layer: DenseLayer, networks: Range<Int>, rows: Int, blocks: ThetaBlocks, parameters: DeviceBuffer,
                                    gradients: DeviceBuffer, masks: [Int: DeviceBuffer], observables: MatrixView,
                                    workspace: StackWorkspace, device: Device) throws {
        let n1 = spec.n1, inMax = layer.inMax
        let dy = part(outputView(layer, slots: workspace.gradients, rows: rows, capacity: workspace.capacity), networks)
        let y = part(outputView(layer, slots: workspace.activations, rows: rows, capacity: workspace.capacity), networks)
        let x = part(slotView(workspace.activations[0], slot: 0, rows: rows, capacity: workspace.capacity), networks)
        let dx = part(slotView(workspace.gradients[0], slot: 0, rows: rows, capacity: workspace.capacity), networks)
        let (w, dW) = (part(layer.weights(parameters), networks), part(layer.weights(gradients), networks))
        let outWidths = Array(layer.outWidths[networks])
        let uWidths = layer.inWidths[networks].map { max(0, $0 - n1) }
        try device.activationBackward(gradient: dy, output: y, activation: layer.activation)
        let sums = part(scratch(workspace, blocks: blocks.count, width: layer.outMax), networks)
        try blockSums(dy, blocks, into: sums, device: device)
        // θ half: [n1, blocks] × [blocks, out] and [blocks, out] × [out, n1].
        let thetaHalf = x.rows(0..<blocks.count).columns(0..<n1)
        try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: thetaHalf, b: sums, beta: 0, c: dW.rows(0..<n1),
                        sizes: outWidths.map { GemmSize(m: n1, n: $0, k: blocks.count) })
        try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: sums, b: w.rows(0..<n1), beta: 0,
                        c: dx.rows(0..<blocks.count).columns(0..<n1), sizes: outWidths.map { GemmSize(m: blocks.count, n: n1, k: $0) })
        // u half, per row.
        if inMax > n1 {
            try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: x.columns(n1..<inMax), b: dy, beta: 0, c: dW.rows(n1..<inMax),
                            sizes: zip(uWidths, outWidths).map { GemmSize(m: $0, n: $1, k: rows) })
            try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: w.rows(n1..<inMax), beta: 0, c: dx.columns(n1..<inMax),
                            sizes: zip(uWidths, outWidths).map { GemmSize(m: rows, n: $0, k: $1) })
        }
        if let mask = masks[layer.weightOffset] {
            try device.multiply(dW, by: part(MatrixView(mask, rows: layer.inMax, cols: layer.outMax, batch: spec.networkCount), networks))
        }
        try device.columnSums(dy, into: part(layer.biases(gradients), networks), beta: 0)
    }
}
