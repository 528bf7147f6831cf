import GMMCompute

extension NetworkStack {
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
        // The forward pass left one θ row per block in place.
        let compactTheta = shared ? blockThetaView(theta, blocks, workspace: workspace) : theta
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
