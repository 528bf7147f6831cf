import Testing
@testable import GMMKit

/// A reduced Appendix-A toy training (3000 events per θ point, 8 epochs of the Table-5
/// model): the learned density is close to the truth in data space, KL(p_true ‖ p_model)
/// below 0.1 nats/event on average over the benchmark θ points (two of them off the grid).
@Suite struct ToyTrainingTests {
    @Test func reducedToyTrainingReachesKLBelowATenthOfANat() throws {
        let cpu = try Devices.open("cpu")
        let data = try ToyModel().makeDataset(eventsPerPoint: 3000, grid: ToyModel.trainingGrid, seed: 1)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        var config = try ToyModel.config()
        config.training.maxEpochs = 8
        let model = try DensityModel(config: config).fit(events, device: cpu)
        let points = try ToyAccuracy.evaluate(model, events: 20_000, device: cpu)
        let mean = points.map(\.kl).reduce(0, +) / Double(points.count)
        #expect(mean < 0.1, "mean KL \(mean): \(points.map { "(\($0.cx), \($0.cy)): \($0.kl)" })")
        for point in points {
            #expect(point.kl < 0.2 && point.kl > -3 * point.standardError, "θ = (\(point.cx), \(point.cy)): KL \(point.kl)")
        }
    }
}
