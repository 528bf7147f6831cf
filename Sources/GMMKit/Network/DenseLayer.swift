import GMMCompute

/// Where a dense layer of a ``NetworkStack`` reads its input.
enum LayerInput: Equatable {
    /// The scaled external parameters θ, [N, thetaWidth], shared by every network.
    case parameters
    /// The scaled latent observables, [N, d], shared; network i reads its first
    /// `precedingCounts[i]` columns (u_<i).
    case observables
    /// Columns of an activation slot of the stack.
    case slot(Int)
}

/// One dense layer of a stack of networks: weights [networks, inMax, outMax] and biases
/// [networks, 1, outMax] in the flat parameter buffer, with each network's active block.
struct DenseLayer {
    /// The layer's name, e.g. `theta`, `trunk1`, `head_mu2`, `heads1`.
    var name: String
    /// The names in model files of the layer's equal column blocks: `[name]`, or one name per
    /// head where the first layers of several heads run as one fused product (`heads1` is
    /// stored as `head_f1`, `head_mu1` and `head_sigma1`).
    var blockNames: [String]
    /// Padded input and output widths.
    var inMax: Int
    var outMax: Int
    /// Active input and output widths of each network.
    var inWidths: [Int]
    var outWidths: [Int]
    var activation: Activation
    /// The input and the first input column within it.
    var input: LayerInput
    var inputColumn: Int
    /// The output slot and the first output column within it.
    var outputSlot: Int
    var outputColumn: Int
    /// Offsets of the weights and biases in the flat parameter buffer.
    var weightOffset: Int
    var biasOffset: Int
    /// Whether rows of the weights beyond a network's active input must be kept at zero by a
    /// gradient mask (the autoregressive u-branch, whose padded inputs hold later observables).
    var masked: Bool

    /// Each file block of network `network`: its name and its columns of the output.
    func blocks(network: Int) -> [(name: String, columns: Range<Int>)] {
        let width = outWidths[network] / blockNames.count
        return blockNames.enumerated().map { ($1, ($0 * width)..<(($0 + 1) * width)) }
    }

    /// Index in the flat parameter buffer of network `network`'s weight from input `row` to output `column`.
    func weightIndex(network: Int, row: Int, column: Int) -> Int { weightOffset + (network * inMax + row) * outMax + column }

    /// Index in the flat parameter buffer of network `network`'s bias of output `column`.
    func biasIndex(network: Int, column: Int) -> Int { biasOffset + network * outMax + column }

    /// Parameters the layer occupies in the flat buffer (padding included).
    var parameterCount: Int { inWidths.count * (inMax * outMax + outMax) }

    /// The weights of every network, [networks, inMax, outMax].
    func weights(_ buffer: DeviceBuffer) -> MatrixView {
        MatrixView(buffer, offset: weightOffset, rows: inMax, cols: outMax, batch: inWidths.count)
    }

    /// The biases of every network, [networks, 1, outMax].
    func biases(_ buffer: DeviceBuffer) -> MatrixView {
        MatrixView(buffer, offset: biasOffset, rows: 1, cols: outMax, batch: inWidths.count)
    }

    /// Forward product sizes for `rows` events: [rows, in_i] × [in_i, out_i].
    func forwardSizes(rows: Int) -> [GemmSize] {
        zip(inWidths, outWidths).map { GemmSize(m: rows, n: $1, k: $0) }
    }

    /// Weight-gradient sizes: [in_i, rows] × [rows, out_i].
    func weightGradientSizes(rows: Int) -> [GemmSize] {
        zip(inWidths, outWidths).map { GemmSize(m: $0, n: $1, k: rows) }
    }

    /// Input-gradient sizes: [rows, out_i] × [out_i, in_i].
    func inputGradientSizes(rows: Int) -> [GemmSize] {
        zip(inWidths, outWidths).map { GemmSize(m: rows, n: $0, k: $1) }
    }

    /// Useful multiply-add FLOPs of the forward pass for `rows` events.
    func forwardFlops(rows: Int) -> Double {
        forwardSizes(rows: rows).reduce(0) { $0 + $1.flops }
    }
}
