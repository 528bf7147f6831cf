@testable import GMMKit

/// Small models and data sets for the inference tests.
enum InferenceFixtures {
    /// A model of the Appendix-A toy's four observables and two parameters with the small test
    /// network, prepared (projections built, weights initialised) on 300 toy events at each
    /// point of the 3 × 3 grid {−1, 0, 1}², and trained for `epochs` epochs (0: untrained).
    static func toyModel(epochs: Int, device: Device) throws -> DensityModel {
        let toy = try ToyModel.config()
        var config = TestModels.config(toy.observables, parameters: ["cx", "cy"], reference: [0, 0], epochs: max(1, epochs), batch: 256)
        config.training.learningRate = 0.01
        let data = try ToyModel().makeDataset(eventsPerPoint: 300, grid: ToyModel.grid([-1, 0, 1]), seed: 3)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        let model = try DensityModel(config: config).prepared(on: events)
        return epochs > 0 ? try model.fit(events, device: device) : model
    }

    /// `count` toy events at (cx, cy), [count, 4].
    static func toyEvents(count: Int, cx: Double, cy: Double, seed: UInt64) throws -> [Double] {
        var rng = SeededGenerator(seed: seed)
        return try ToyModel().sample(n: count, cx: cx, cy: cy, rng: &rng)
    }
}
