import GMMCompute

/// Network inputs and targets of a block of events on a device, as views.
struct DeviceBatch {
    /// Scaled θ, [rows, thetaWidth].
    var theta: MatrixView
    /// Scaled observables (network inputs), [rows, d].
    var inputs: MatrixView
    /// Latent values of the continuous observables, [s_c, rows, 1].
    var continuousTargets: MatrixView?
    /// Category indices of the integer observables, [s_i, rows, 1].
    var integerTargets: MatrixView?
    /// Event weights, [rows, 1], or nil.
    var weights: MatrixView?
    /// Events in the block.
    var rows: Int
    /// The rows' consecutive blocks with one θ each (one block: one θ for all), which lets a
    /// pass do the θ-only work once per block. Nil: θ per row.
    var thetaBlocks: ThetaBlocks?
}

/// Host-side encoding of events into the float arrays a ``DeviceBatch`` views.
struct EncodedEvents {
    var theta: [Float]
    var inputs: [Float]
    var continuousTargets: [Float]
    var integerTargets: [Float]
    var weights: [Float]
    var count: Int
}

/// The device side of a ``DensityModel``: its parameters on a ``Device`` and the workspaces to
/// evaluate up to `capacity` events at a time (and to train, when made for training).
final class ModelEvaluator {
    let device: Device
    let layout: ModelLayout
    let capacity: Int
    let config: ModelConfig
    /// The flat parameters.
    let parameters: DeviceBuffer
    private let headMeans: DeviceBuffer
    private let headBase: DeviceBuffer
    private let bounds: DeviceBuffer
    let continuousWorkspace: StackWorkspace?
    let categoricalWorkspace: StackWorkspace?
    /// Mixture parameters [s_c, capacity, G] and, for training, their gradients.
    private let mixture: [DeviceBuffer]
    let mixtureGradient: [DeviceBuffer]
    /// Per-network log-likelihoods, [s_c, capacity] and [s_i, capacity].
    let continuousLogProb: DeviceBuffer?
    let integerLogProb: DeviceBuffer?
    /// Per-event totals, [capacity].
    let eventLogProb: DeviceBuffer
    /// Gradient masks of the masked layers, by weight offset.
    private(set) var masks: [Int: DeviceBuffer] = [:]

    init(model: DensityModel, device: Device, capacity: Int, training: Bool, parameterGradients: Bool = false) throws {
        self.device = device
        self.config = model.config
        self.layout = ModelLayout(config: model.config)
        self.capacity = capacity
        parameters = try device.makeBuffer(model.parameters)
        let g = config.network.nGaussians
        let (uLo, uHi) = (config.latent.interval.lower, config.latent.interval.upper)
        let spacing = (uHi - uLo) / Double(g)
        headMeans = try device.makeBuffer((0..<g).map { Float(uLo + (Double($0) + 0.5) * spacing) })
        headBase = try device.makeBuffer([Float(config.network.fSigma * spacing)])
        bounds = try device.makeBuffer([Float(uLo), Float(uHi)])
        let sc = layout.continuousIndices.count, si = layout.integerIndices.count
        continuousWorkspace = try layout.continuous.map {
            try StackWorkspace(stack: $0, device: device, capacity: capacity, training: training, parameterGradients: parameterGradients)
        }
        categoricalWorkspace = try layout.categorical.map {
            try StackWorkspace(stack: $0, device: device, capacity: capacity, training: training, parameterGradients: parameterGradients)
        }
        mixture = sc == 0 ? [] : try (0..<3).map { _ in try device.makeBuffer(count: sc * capacity * g) }
        mixtureGradient = sc == 0 || !(training || parameterGradients) ? [] : try (0..<3).map { _ in try device.makeBuffer(count: sc * capacity * g) }
        continuousLogProb = sc == 0 ? nil : try device.makeBuffer(count: sc * capacity)
        integerLogProb = si == 0 ? nil : try device.makeBuffer(count: si * capacity)
        eventLogProb = try device.makeBuffer(count: capacity)
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers where layer.masked {
                masks[layer.weightOffset] = try device.makeBuffer(stack.mask(for: layer))
            }
        }
    }

    /// The mixture output transform's constants for the continuous stack.
    var head: MixtureHead {
        let sc = layout.continuousIndices.count
        let g = config.network.nGaussians
        return MixtureHead(
            amplitudeScale: Float(config.network.sF), meanScale: Float(config.network.sMu), widthScale: Float(config.network.sSigma),
            epsilon: Float(config.network.epsilon),
            meanOffsets: MatrixView(headMeans, rows: 1, cols: g, batch: sc, batchStride: 0),
            baseWidths: MatrixView(headBase, rows: 1, cols: 1, batch: sc, batchStride: 0))
    }

    /// The truncation interval of every continuous network, or nil for the untruncated mixture.
    var truncation: MatrixView? {
        config.network.truncate ? MatrixView(bounds, rows: 1, cols: 2, batch: layout.continuousIndices.count, batchStride: 0) : nil
    }

    /// Views of the mixture parameters (or their gradients) for `rows` events.
    func mixtureViews(_ buffers: [DeviceBuffer], rows: Int, networks: Range<Int>? = nil) -> MixtureViews {
        let sc = layout.continuousIndices.count, g = config.network.nGaussians
        let view = { (b: DeviceBuffer) -> MatrixView in
            let all = MatrixView(b, rows: rows, cols: g, batch: sc, batchStride: self.capacity * g)
            return networks.map { all.batches($0) } ?? all
        }
        return MixtureViews(logits: view(buffers[0]), means: view(buffers[1]), widths: view(buffers[2]))
    }

    /// The mixture parameters of the last forward pass.
    func mixtureParameters(rows: Int, networks: Range<Int>? = nil) -> MixtureViews { mixtureViews(mixture, rows: rows, networks: networks) }

    /// Views of per-network log-likelihoods [s, rows, 1].
    func logProbView(_ buffer: DeviceBuffer, networks: Int, rows: Int) -> MatrixView {
        MatrixView(buffer, rows: rows, cols: 1, batch: networks, batchStride: capacity)
    }

    /// Runs all networks on `batch` and writes each network's log-likelihood; with `loss`,
    /// also backpropagates `loss.scale · w · ∂log p/∂·` into `gradients` (the parameter
    /// gradient buffer) and accumulates Σ w·log p into `lossSum[lossIndex]`. With
    /// `weightGradients` false the backward pass fills only the workspaces' ∂/∂θ (inference).
    func evaluate(_ batch: DeviceBatch, gradients: DeviceBuffer? = nil, lossScale: Float = 0,
                  lossSum: DeviceBuffer? = nil, lossIndex: Int = 0, weightGradients: Bool = true) throws {
        let rows = batch.rows
        let training = gradients != nil
        // θ blocks reach a backward pass only for weight gradients without ∂/∂θ.
        func blocks(_ workspace: StackWorkspace) -> ThetaBlocks? {
            training && (!weightGradients || workspace.parameterGradient != nil) ? nil : batch.thetaBlocks
        }
        if let stack = layout.continuous, let workspace = continuousWorkspace, let logProb = continuousLogProb,
           let targets = batch.continuousTargets {
            let sc = stack.spec.networkCount
            try stack.forward(parameters: parameters, theta: batch.theta, observables: batch.inputs, rows: rows, workspace: workspace, device: device,
                              thetaBlocks: blocks(workspace))
            let params = mixtureParameters(rows: rows)
            try device.mixtureHead(stack.output(workspace, rows: rows), head: head, into: params)
            let lp = logProbView(logProb, networks: sc, rows: rows)
            let weights = batch.weights.map { MatrixView($0.buffer, offset: $0.offset, rows: rows, cols: 1, batch: sc, batchStride: 0) }
            let gradient = training ? (mixtureViews(mixtureGradient, rows: rows), LossWeights(weights: weights, scale: lossScale)) : nil
            try device.mixtureLogLikelihood(params, values: targets, bounds: truncation, logProb: lp, gradient: gradient)
            if let lossSum { try device.sum(lp, weights: weights, into: lossSum, index: lossIndex, accumulate: true) }
            if let gradients, let (views, _) = gradient {
                try device.mixtureHeadBackward(gradient: views, widths: params.widths, head: head, into: stack.outputGradient(workspace, rows: rows))
                try stack.backward(parameters: parameters, gradients: gradients, masks: masks, theta: batch.theta,
                                   observables: batch.inputs, rows: rows, workspace: workspace, device: device,
                                   weightGradients: weightGradients, thetaBlocks: blocks(workspace))
            }
        }
        if let stack = layout.categorical, let workspace = categoricalWorkspace, let logProb = integerLogProb,
           let targets = batch.integerTargets {
            let si = stack.spec.networkCount
            try stack.forward(parameters: parameters, theta: batch.theta, observables: batch.inputs, rows: rows, workspace: workspace, device: device,
                              thetaBlocks: blocks(workspace))
            let lp = logProbView(logProb, networks: si, rows: rows)
            let weights = batch.weights.map { MatrixView($0.buffer, offset: $0.offset, rows: rows, cols: 1, batch: si, batchStride: 0) }
            let gradient = training ? (stack.outputGradient(workspace, rows: rows), LossWeights(weights: weights, scale: lossScale)) : nil
            try device.categoricalLogLikelihood(logits: stack.output(workspace, rows: rows), classes: targets, logProb: lp, gradient: gradient)
            if let lossSum { try device.sum(lp, weights: weights, into: lossSum, index: lossIndex, accumulate: true) }
            if let gradients {
                try stack.backward(parameters: parameters, gradients: gradients, masks: masks, theta: batch.theta,
                                   observables: batch.inputs, rows: rows, workspace: workspace, device: device,
                                   weightGradients: weightGradients, thetaBlocks: blocks(workspace))
            }
        }
    }

    /// Sums the networks' log-likelihoods of the last ``evaluate`` into ``eventLogProb`` and
    /// returns them, [rows].
    func eventLogProbabilities(rows: Int) throws -> [Float] {
        var first = true
        for (buffer, count) in [(continuousLogProb, layout.continuousIndices.count), (integerLogProb, layout.integerIndices.count)] {
            guard let buffer, count > 0 else { continue }
            // [s, capacity] seen as one matrix: column sums add the networks of each event.
            try device.columnSums(MatrixView(buffer, rows: count, cols: rows, rowStride: capacity),
                                  into: MatrixView(eventLogProb, rows: 1, cols: rows), beta: first ? 0 : 1)
            first = false
        }
        return Array(try device.read(eventLogProb).prefix(rows))
    }
}
