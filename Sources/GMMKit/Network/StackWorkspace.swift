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

    /// The input of `layer` for `rows` events: θ, the observables or an activation slot's
    /// columns, [networks, rows, inMax] (θ and the observables shared by the networks).
    func inputView(_ layer: DenseLayer, theta: MatrixView, observables: MatrixView, slots: [DeviceBuffer],
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

    /// The columns of `layer`'s output slot it writes, [networks, rows, outMax].
    func outputView(_ layer: DenseLayer, slots: [DeviceBuffer], rows: Int, capacity: Int) -> MatrixView {
        slotView(slots[layer.outputSlot], slot: layer.outputSlot, rows: rows, capacity: capacity)
            .columns(layer.outputColumn..<(layer.outputColumn + layer.outMax))
    }
}
