import GMMCompute

/// The widths of a stack of same-kind networks (Figure 3), one network per observable.
///
/// Every network reads the scaled θ (width `thetaWidth`, at least 1: an unconditional model
/// feeds one constant zero) through a branch of `n1` neurons, and its preceding latent
/// observables u_<i through a branch of `n2[i]` neurons (none for the first observable); the
/// concatenation runs through the trunk layers, then through each output channel.
struct NetworkStackSpec {
    /// Width of the scaled θ input.
    var thetaWidth: Int
    /// Columns of the scaled observable input (d).
    var observableCount: Int
    /// For each network, the number of preceding observables it conditions on (its index).
    var precedingCounts: [Int]
    /// θ-branch width.
    var n1: Int
    /// u-branch width of each network (0 where it has no preceding observable).
    var n2: [Int]
    /// Trunk layer widths: `trunk[layer][network]`.
    var trunk: [[Int]]
    /// Output channels, each a list of layer widths `channels[c][layer][network]`; the last
    /// layer of each channel is linear and writes columns `c·outMax ..< (c+1)·outMax` of the output.
    var channels: [[[Int]]]
    /// Name prefixes of the channels in model files.
    var channelNames: [String]

    var networkCount: Int { precedingCounts.count }
}

/// A channel layer of a ``NetworkStack`` before it is laid out.
private struct PendingLayer {
    var name: String
    var blockNames: [String]
    var input: Int
    var inputColumn: Int
    var inWidths: [Int]
    var widths: [Int]
    var last: Bool
    var channel: Int
}

/// A stack of networks evaluated together on a ``Device``: all layers batched over the
/// networks (variable-size batched products on the padded layout), with activations kept for
/// the backward pass.
final class NetworkStack {
    let spec: NetworkStackSpec
    private(set) var layers: [DenseLayer] = []
    /// Width of each activation slot; the last slot is the output.
    private(set) var slotWidths: [Int] = []
    /// Index of the output slot.
    var outputSlot: Int { slotWidths.count - 1 }
    /// Width of the output ([networks, N, outputWidth]).
    var outputWidth: Int { slotWidths[outputSlot] }

    /// Lays the stack out in a flat parameter buffer starting at `parameterOffset`.
    init(spec: NetworkStackSpec, parameterOffset: Int) {
        self.spec = spec
        let s = spec.networkCount
        var offset = parameterOffset
        func add(_ name: String, inWidths: [Int], outWidths: [Int], activation: Activation, input: LayerInput,
                 inputColumn: Int, slot: Int, column: Int, masked: Bool = false, blockNames: [String]? = nil) {
            let layer = DenseLayer(
                name: name, blockNames: blockNames ?? [name], inMax: max(1, inWidths.max() ?? 1), outMax: max(1, outWidths.max() ?? 1),
                inWidths: inWidths, outWidths: outWidths, activation: activation, input: input, inputColumn: inputColumn,
                outputSlot: slot, outputColumn: column, weightOffset: offset,
                biasOffset: offset + s * max(1, inWidths.max() ?? 1) * max(1, outWidths.max() ?? 1), masked: masked)
            layers.append(layer)
            offset += layer.parameterCount
        }
        let leaky = Activation.leakyReLU(slope: 0.2)
        let n2Max = spec.n2.max() ?? 0
        slotWidths = [spec.n1 + n2Max]
        add("theta", inWidths: Array(repeating: spec.thetaWidth, count: s), outWidths: Array(repeating: spec.n1, count: s),
            activation: leaky, input: .parameters, inputColumn: 0, slot: 0, column: 0)
        if n2Max > 0 {
            add("observables", inWidths: spec.precedingCounts, outWidths: spec.n2, activation: leaky, input: .observables,
                inputColumn: 0, slot: 0, column: spec.n1, masked: true)
        }
        // The concatenation [θ-branch | u-branch] is contiguous per network: u-branch columns
        // start at n1 and network i uses n2[i] of them.
        var previous = 0
        var previousWidths = spec.n2.map { spec.n1 + $0 }
        for (l, widths) in spec.trunk.enumerated() {
            slotWidths.append(widths.max() ?? 1)
            add("trunk\(l + 1)", inWidths: previousWidths, outWidths: widths, activation: leaky, input: .slot(previous),
                inputColumn: 0, slot: slotWidths.count - 1, column: 0)
            previous = slotWidths.count - 1
            previousWidths = widths
        }
        let outMax = spec.channels.map { $0.last?.max() ?? 1 }.max() ?? 1
        // The heads: when every channel has a hidden layer of one common width, their first
        // layers read the same trunk output and run as one fused product (`heads1`), whose
        // column blocks are the channels' (one product instead of one per head).
        let firstWidths = Set(spec.channels.flatMap { $0.count > 1 ? $0[0] : [-1] })
        let fused = spec.channels.count > 1 && firstWidths.count == 1 && (firstWidths.first ?? -1) > 0
        var channelLayers: [PendingLayer] = []
        var inputs = Array(repeating: (slot: previous, column: 0, widths: previousWidths), count: spec.channels.count)
        if fused {
            let width = firstWidths.first ?? 1
            slotWidths.append(width * spec.channels.count)
            channelLayers.append(PendingLayer(
                name: "heads1", blockNames: spec.channelNames.map { "\($0)1" }, input: previous, inputColumn: 0,
                inWidths: previousWidths, widths: Array(repeating: width * spec.channels.count, count: s), last: false, channel: 0))
            for c in spec.channels.indices { inputs[c] = (slotWidths.count - 1, c * width, Array(repeating: width, count: s)) }
        }
        for (c, channel) in spec.channels.enumerated() {
            var (input, column, inWidths) = inputs[c]
            for (l, widths) in channel.enumerated() where !(fused && l == 0) {
                let last = l == channel.count - 1
                let name = "\(spec.channelNames[c])\(l + 1)"
                channelLayers.append(PendingLayer(name: name, blockNames: [name], input: input, inputColumn: column, inWidths: inWidths,
                                                  widths: widths, last: last, channel: c))
                if !last {
                    slotWidths.append(widths.max() ?? 1)
                    (input, column) = (slotWidths.count - 1, 0)
                }
                inWidths = widths
            }
        }
        slotWidths.append(outMax * spec.channels.count)
        let output = slotWidths.count - 1
        var hiddenSlot = previous + 1
        let headStart = layers.count
        for layer in channelLayers {
            if layer.last {
                add(layer.name, inWidths: layer.inWidths, outWidths: layer.widths, activation: .identity, input: .slot(layer.input),
                    inputColumn: layer.inputColumn, slot: output, column: layer.channel * outMax)
            } else {
                add(layer.name, inWidths: layer.inWidths, outWidths: layer.widths, activation: leaky, input: .slot(layer.input),
                    inputColumn: layer.inputColumn, slot: hiddenSlot, column: 0, blockNames: layer.blockNames)
                hiddenSlot += 1
            }
        }
        // Initialisation visits the file blocks channel by channel, in the order of the
        // unfused layout, so a seed gives the same parameters whether or not heads are fused.
        initializationOrder = layers.indices.prefix(headStart).map { ($0, 0) }
        for c in spec.channels.indices {
            if fused { initializationOrder.append((headStart, c)) }
            for index in (fused ? headStart + 1 : headStart)..<layers.count where channelLayers[index - headStart].channel == c {
                initializationOrder.append((index, 0))
            }
        }
        parameterEnd = offset
    }

    /// One past the last parameter of the stack in the flat buffer.
    private(set) var parameterEnd: Int = 0

    /// The (layer, file block) pairs in the order the initialisation draws their weights.
    private(set) var initializationOrder: [(layer: Int, block: Int)] = []

    /// Useful forward FLOPs per event (active blocks only).
    var forwardFlopsPerEvent: Double { layers.reduce(0) { $0 + $1.forwardFlops(rows: 1) } }

    /// The initial parameters of the stack's layers (the paper's initialisation): weights
    /// uniform in ±10/(3√N_in) on each network's active block, zero elsewhere; zero biases.
    ///
    /// The θ branch's weights are scaled by `thetaScale` (``NetworkConfig/thetaInitScale``).
    ///
    /// ``spreadThetaKinks(_:rng:)`` may then move the θ branch's kinks.
    func initialParameters(into values: inout [Float], rng: inout SeededGenerator, thetaScale: Float = 1) {
        for (index, block) in initializationOrder {
            let layer = layers[index]
            let scale: Float = layer.input == .parameters ? thetaScale : 1
            for i in 0..<spec.networkCount where layer.inWidths[i] > 0 {
                let limit = scale * 10 / (3 * Float(layer.inWidths[i]).squareRoot())
                let columns = layer.blocks(network: i)[block].columns
                for r in 0..<layer.inWidths[i] {
                    for c in columns {
                        values[layer.weightIndex(network: i, row: r, column: c)] = limit * (2 * rng.nextOpenUnitFloat() - 1)
                    }
                }
            }
        }
    }

    /// Sets each θ-branch neuron's bias to −w·c for a point c drawn uniformly in [−2, 2]^p, so
    /// that it bends there (``ThetaKinks/spread``). Called after every stack's weights are drawn,
    /// so the weights stay those of the paper's initialisation.
    func spreadThetaKinks(_ values: inout [Float], rng: inout SeededGenerator) {
        for layer in layers where layer.input == .parameters {
            for i in 0..<spec.networkCount {
                for c in 0..<layer.outWidths[i] {
                    var bias: Float = 0
                    for r in 0..<layer.inWidths[i] {
                        bias -= values[layer.weightIndex(network: i, row: r, column: c)] * (4 * rng.nextOpenUnitFloat() - 2)
                    }
                    values[layer.biasIndex(network: i, column: c)] = bias
                }
            }
        }
    }

    /// The gradient mask of a masked layer: 1 on each network's active block, else 0,
    /// [networks, inMax, outMax].
    func mask(for layer: DenseLayer) -> [Float] {
        var values = [Float](repeating: 0, count: spec.networkCount * layer.inMax * layer.outMax)
        for i in 0..<spec.networkCount {
            for r in 0..<layer.inWidths[i] {
                for c in 0..<layer.outWidths[i] { values[(i * layer.inMax + r) * layer.outMax + c] = 1 }
            }
        }
        return values
    }
}
