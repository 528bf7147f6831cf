import GMMCompute

/// How a ``ModelConfig``'s networks are laid out: a stack of mixture networks for the
/// continuous observables and a stack of categorical networks for the integer ones, sharing
/// one flat parameter buffer.
struct ModelLayout {
    /// Observable indices of the continuous networks, in order.
    let continuousIndices: [Int]
    /// Observable indices of the categorical networks, in order.
    let integerIndices: [Int]
    /// The mixture networks (nil when there is no continuous observable).
    let continuous: NetworkStack?
    /// The categorical networks (nil when there is no integer observable).
    let categorical: NetworkStack?
    /// Scaled-θ input width (at least 1).
    let thetaWidth: Int
    /// Total floats in the flat parameter buffer (padding included).
    let parameterCount: Int

    init(config: ModelConfig) {
        let network = config.network
        let d = config.observables.count
        thetaWidth = max(1, config.parameters.count)
        continuousIndices = config.observables.indices.filter { config.observables[$0].kind == .continuous }
        integerIndices = config.observables.indices.filter { config.observables[$0].kind == .integer }
        var offset = 0
        if continuousIndices.isEmpty {
            continuous = nil
        } else {
            let widths = continuousIndices.map { config.network.layerWidths(observableIndex: $0, parameterCount: config.parameters.count) }
            let g = network.nGaussians
            let channel = [Array(repeating: network.d * g, count: widths.count), Array(repeating: g, count: widths.count)]
            let spec = NetworkStackSpec(
                thetaWidth: thetaWidth, observableCount: d, precedingCounts: continuousIndices,
                n1: widths[0].thetaBranch, n2: widths.map(\.latentBranch),
                trunk: Array(repeating: widths.map(\.hidden), count: network.c),
                channels: [channel, channel, channel], channelNames: ["head_f", "head_mu", "head_sigma"])
            let stack = NetworkStack(spec: spec, parameterOffset: offset)
            offset = stack.parameterEnd
            continuous = stack
        }
        if integerIndices.isEmpty {
            categorical = nil
        } else {
            let widths = integerIndices.compactMap { config.categoricalLayerWidths(forObservable: $0) }
            let spec = NetworkStackSpec(
                thetaWidth: thetaWidth, observableCount: d, precedingCounts: integerIndices,
                n1: widths[0].thetaBranch, n2: widths.map(\.latentBranch),
                trunk: network.categoricalHidden.enumerated().map { l, _ in widths.map { $0.hidden[l] } },
                channels: [[widths.map(\.categories)]], channelNames: ["categories"])
            let stack = NetworkStack(spec: spec, parameterOffset: offset)
            offset = stack.parameterEnd
            categorical = stack
        }
        parameterCount = offset
    }

    /// Useful forward FLOPs per event over all networks.
    var forwardFlopsPerEvent: Double {
        (continuous?.forwardFlopsPerEvent ?? 0) + (categorical?.forwardFlopsPerEvent ?? 0)
    }

    /// Useful backward FLOPs per event: every layer's weight gradient, and the input gradient of
    /// every layer fed by another layer (not of those fed by θ or the data).
    var backwardFlopsPerEvent: Double {
        [continuous, categorical].compactMap { $0 }.reduce(0) { total, stack in
            total + stack.layers.reduce(0) { sum, layer in
                if case .slot = layer.input { return sum + 2 * layer.forwardFlops(rows: 1) }
                return sum + layer.forwardFlops(rows: 1)
            }
        }
    }

    /// A zero parameter vector of this layout with the fixed padding values set: categories
    /// beyond a categorical network's own count get a logit bias of −1e30 (probability zero).
    func initialPadding() -> [Float] {
        var values = [Float](repeating: 0, count: parameterCount)
        if let categorical {
            let output = categorical.layers[categorical.layers.count - 1]
            for (i, k) in output.outWidths.enumerated() where k < output.outMax {
                for c in k..<output.outMax { values[output.biasIndex(network: i, column: c)] = -1e30 }
            }
        }
        return values
    }
}
