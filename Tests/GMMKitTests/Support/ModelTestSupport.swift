@testable import GMMKit
#if canImport(Glibc)
import Glibc
#endif

/// Nodes and weights of a composite 5-point Gauss–Legendre rule on the intervals between
/// consecutive `breakpoints`, each split into `parts` pieces.
func gaussLegendreGrid(_ breakpoints: [Double], parts: Int = 1) -> (nodes: [Double], weights: [Double]) {
    let x: [Double] = [0, -0.538_469_310_105_683_1, 0.538_469_310_105_683_1, -0.906_179_845_938_664_0, 0.906_179_845_938_664_0]
    let w: [Double] = [0.568_888_888_888_888_9, 0.478_628_670_499_366_5, 0.478_628_670_499_366_5, 0.236_926_885_056_189_1, 0.236_926_885_056_189_1]
    var nodes: [Double] = [], weights: [Double] = []
    for (a0, b0) in zip(breakpoints, breakpoints.dropFirst()) where b0 > a0 {
        let step = (b0 - a0) / Double(parts)
        for p in 0..<parts {
            let a = a0 + Double(p) * step, b = a + step
            for k in 0..<5 {
                nodes.append(0.5 * (a + b) + 0.5 * (b - a) * x[k])
                weights.append(0.5 * (b - a) * w[k])
            }
        }
    }
    return (nodes, weights)
}

/// `count + 1` equally spaced points from `lower` to `upper`, both ends exact.
func evenlySpaced(_ lower: Double, _ upper: Double, count: Int) -> [Double] {
    (0...count).map { lower + (upper - lower) * Double($0) / Double(count) }
}

/// Small model descriptions for the model tests.
enum TestModels {
    /// Network constants small enough for fast tests (the Table-5 structure, narrower).
    static var network: NetworkConfig {
        var network = NetworkConfig()
        network.nGaussians = 8
        network.a1 = 12
        network.b1 = 12
        network.b2 = 4
        network.c = 1
        network.d = 2
        network.sF = 0.1
        network.sMu = 0.1
        network.sSigma = 0.1
        network.categoricalHidden = [16, 12]
        return network
    }

    /// A config with the given observables and parameters.
    static func config(_ observables: [ObservableConfig], parameters: [String] = [], reference: [Double] = [],
                       epochs: Int = 3, batch: Int = 256, truncate: Bool = true, seed: UInt64 = 3) -> ModelConfig {
        var network = self.network
        network.truncate = truncate
        var training = TrainingConfig()
        training.maxEpochs = epochs
        training.batchSize = batch
        training.learningRate = 0.005
        training.seed = seed
        return ModelConfig(observables: observables, parameters: ParameterConfig(names: parameters, reference: reference),
                           network: network, training: training)
    }

    static func continuous(_ name: String, _ lower: Double, _ upper: Double, f: Double = 0.5) -> ObservableConfig {
        ObservableConfig(name: name, kind: .continuous, interval: ConfigInterval(lower: lower, upper: upper), projectionF: f)
    }

    static func integer(_ name: String, _ lower: Double, _ upper: Double) -> ObservableConfig {
        ObservableConfig(name: name, kind: .integer, interval: ConfigInterval(lower: lower, upper: upper), projectionF: 0.5)
    }

    /// Correlated events: x0 ~ a skewed law on [0, 10], x1 | x0 around x0/2 on [-5, 10], an
    /// integer k | x0 on [0, 3], at θ ∈ {-1, 0, 1} (shifting x0) when `conditional`.
    static func events(count: Int, observables: [String], conditional: Bool, seed: UInt64 = 11) throws -> Events {
        var rng = TestRandom(seed: seed)
        var x: [Double] = [], theta: [Double] = []
        for i in 0..<count {
            let t = conditional ? Double(i % 3 - 1) : 0
            let x0 = min(10, max(0, 2 * rng.gamma2() + 0.8 * t + 1))
            let x1 = min(10, max(-5, x0 / 2 + rng.normal()))
            let k = min(3, Double(Int(x0 / 2.5 + rng.uniform())))
            let values: [String: Double] = ["x0": x0, "x1": x1, "k": k]
            x.append(contentsOf: observables.map { values[$0]! })
            if conditional { theta.append(t) }
        }
        return try Events(x: x, theta: theta, observables: observables.count, parameters: conditional ? 1 : 0)
    }
}
