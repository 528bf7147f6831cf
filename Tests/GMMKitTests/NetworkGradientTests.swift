import GMMCompute
@testable import GMMKit
import Testing

/// The backward pass of the whole model (every layer of every network, the fused heads
/// included) against central differences of its loss, in double-checked single precision.
struct NetworkGradientTests {
    /// A small toy model (4 observables, 2 parameters): θ branch 6, u branch 4 + 2·i, two
    /// intermediate layers, heads of 2·3 → 3 components.
    static func smallModel() throws -> (DensityModel, Events) {
        var config = try ToyModel.config()
        config.network = NetworkConfig(nGaussians: 3, a1: 6, a2: 0, b1: 4, b2: 2, c: 2, d: 2)
        let data = try ToyModel().makeDataset(eventsPerPoint: 4, grid: ToyModel.trainingGrid, seed: 21)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        return (try DensityModel(config: config).prepared(on: events), events)
    }

    @Test("every parameter's gradient of the weighted log-likelihood matches central differences")
    func weightGradientsMatchDifferences() throws {
        let device = CPUDevice()
        let (model, events) = try Self.smallModel()
        let n = events.count
        var rng = TestRandom(seed: 5)
        let weights = (0..<n).map { _ in Float(0.5 + rng.uniform()) }
        let latent = try model.toLatent(events.x)
        var encoded = model.encode(latent: latent, theta: events.theta, weights: nil, count: n)
        encoded.weights = weights
        // One evaluator (capacity above the rows) for every evaluation: a pass must not depend
        // on what earlier passes left in its buffers.
        let evaluator = try ModelEvaluator(model: model, device: device, capacity: n + 7, training: true)
        let block = try DeviceEventBlock(encoded: encoded, model: model, device: device)
        let gradients = try device.makeBuffer(count: model.parameters.count)
        let loss = try device.makeBuffer(count: 1)
        /// Σ w log p and its gradient at `parameters`.
        func evaluate(_ parameters: [Float]) throws -> (Double, [Float]) {
            try device.write(parameters, into: evaluator.parameters, offset: 0)
            try device.fill(MatrixView(loss, rows: 1, cols: 1), value: 0)
            try evaluator.evaluate(block.batch(rows: 0..<n), gradients: gradients, lossScale: 1, lossSum: loss)
            return (Double(try device.read(loss)[0]), try device.read(gradients))
        }
        // The paper's initialisation has zero biases, which puts many events exactly on a
        // leaky-ReLU kink; random biases move them off.
        var base = model.parameters
        let layout = ModelLayout(config: model.config)
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers {
                for i in 0..<(stack.spec.networkCount * layer.outMax) { base[layer.biasOffset + i] = Float(0.6 * rng.uniform() - 0.3) }
            }
        }
        let (_, gradient) = try evaluate(base)
        let (_, gradientAgain) = try evaluate(base)
        #expect(gradient == gradientAgain, "a second pass on the same buffers gives the same gradient")
        var checked = 0
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers {
                for network in 0..<stack.spec.networkCount where layer.inWidths[network] > 0 {
                    // The last active weight and bias of this network's block of the layer.
                    let row = layer.inWidths[network] - 1, column = layer.outWidths[network] - 1
                    for index in [layer.weightIndex(network: network, row: row, column: column), layer.biasIndex(network: network, column: column),
                                  layer.weightIndex(network: network, row: 0, column: 0)] {
                        // Leaky ReLU kinks: a difference quotient may straddle one, so the
                        // exact value must match the quotient at one of two step sizes.
                        let numeric = try [Float(1e-2), 2.5e-3].map { h -> Double in
                            var plus = base, minus = base
                            plus[index] += h
                            minus[index] -= h
                            return (try evaluate(plus).0 - evaluate(minus).0) / Double(2 * h)
                        }
                        let exact = Double(gradient[index])
                        #expect(numeric.contains { abs(exact - $0) <= 0.02 * abs($0) + 0.02 },
                                "\(layer.name) of network \(network), parameter \(index): exact \(exact) vs numeric \(numeric)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 50)
    }
}
