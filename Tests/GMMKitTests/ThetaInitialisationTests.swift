import Foundation
import Testing
@testable import GMMKit
import GMMCompute

/// The θ branch's initialisation: `network.theta_init_scale` and `network.theta_kinks`.
@Suite struct ThetaInitialisationTests {
    static func config(scale: Double = 1, kinks: ThetaKinks = .centre) -> ModelConfig {
        var config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.integer("k", 0, 3)],
                                       parameters: ["t"], reference: [0], epochs: 1)
        config.network.thetaInitScale = scale
        config.network.thetaKinks = kinks
        return config
    }

    /// The initial parameters of a model prepared on the test events.
    static func initial(_ config: ModelConfig) throws -> [Float] {
        try DensityModel(config: config).prepared(on: TestModels.events(count: 300, observables: ["x0", "k"], conditional: true)).parameters
    }

    /// The flat indices of the θ layers' weights and biases (active blocks only), of every stack.
    static func thetaIndices(_ config: ModelConfig) -> (weights: [Int], biases: [Int]) {
        let layout = ModelLayout(config: config)
        var weights: [Int] = [], biases: [Int] = []
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers where layer.input == .parameters {
                for i in 0..<layer.inWidths.count {
                    for c in 0..<layer.outWidths[i] {
                        biases.append(layer.biasIndex(network: i, column: c))
                        for r in 0..<layer.inWidths[i] { weights.append(layer.weightIndex(network: i, row: r, column: c)) }
                    }
                }
            }
        }
        return (weights, biases)
    }

    @Test("theta_init_scale scales the θ branch's weights only; scale 1 and centre kinks are the paper's initialisation")
    func scale() throws {
        let plain = try Self.initial(Self.config())
        let scaled = try Self.initial(Self.config(scale: 0.01))
        let (weights, biases) = Self.thetaIndices(Self.config())
        #expect(!weights.isEmpty)
        let theta = Set(weights)
        for k in plain.indices {
            if theta.contains(k) {
                #expect(abs(scaled[k] - 0.01 * plain[k]) <= 1e-6 * abs(plain[k]) + 1e-12)
            } else {
                #expect(scaled[k] == plain[k])
            }
        }
        #expect(biases.allSatisfy { plain[$0] == 0 })
        #expect(weights.contains { plain[$0] != 0 })
    }

    @Test("theta_kinks spread sets each θ neuron's bias to −w·c with c in [−2, 2]^p, leaving every weight as drawn")
    func spread() throws {
        let plain = try Self.initial(Self.config())
        let spread = try Self.initial(Self.config(kinks: .spread))
        let config = Self.config()
        let (_, biases) = Self.thetaIndices(config)
        let biasSet = Set(biases)
        for k in plain.indices where !biasSet.contains(k) { #expect(spread[k] == plain[k]) }
        #expect(biases.filter { spread[$0] != 0 }.count > biases.count * 9 / 10)
        // Each bias is within the kink's bound: |b| <= 2 Σ|w| over the neuron's inputs.
        let layout = ModelLayout(config: config)
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers where layer.input == .parameters {
                for i in 0..<layer.inWidths.count {
                    for c in 0..<layer.outWidths[i] {
                        let bound = (0..<layer.inWidths[i]).reduce(Float(0)) { $0 + 2 * abs(spread[layer.weightIndex(network: i, row: $1, column: c)]) }
                        #expect(abs(spread[layer.biasIndex(network: i, column: c)]) <= bound * (1 + 1e-6))
                    }
                }
            }
        }
        // The same seed gives the same spread.
        #expect(try Self.initial(Self.config(kinks: .spread)) == spread)
    }

    @Test("the keys decode from YAML, are refused when malformed, and round-trip through the JSON of model.json")
    func decoding() throws {
        let base = "observables: [{name: x, interval: [0, 10]}]\nparameters: {names: [t], reference: [0]}\n"
        let decoded = try ModelConfig.fromYAML(base + "network: {theta_init_scale: 0.1, theta_kinks: spread}\n")
        #expect(decoded.network.thetaInitScale == 0.1 && decoded.network.thetaKinks == .spread)
        let defaults = try ModelConfig.fromYAML(base)
        #expect(defaults.network.thetaInitScale == 1 && defaults.network.thetaKinks == .centre)
        #expect(throws: ConfigError.self) { try ModelConfig.fromYAML(base + "network: {theta_kinks: everywhere}\n") }
        #expect(throws: ConfigError.self) { try ModelConfig.fromYAML(base + "network: {theta_init_scale: -1}\n") }
        let data = try JSONEncoder().encode(decoded)
        #expect(try JSONDecoder().decode(ModelConfig.self, from: data) == decoded)
    }
}
