import Testing
@testable import GMMKit
import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// θ drawn per event (one simulation per θ from a prior, as in simulation-based inference) and
/// θ noise in training.
@Suite struct ThetaPerEventTests {
    /// The two-moons simulator of sbibm: θ ~ U(−1, 1)² per event, x ∈ R², kept inside [−2, 2]².
    static func twoMoons(count: Int, seed: UInt64) throws -> Events {
        var rng = TestRandom(seed: seed)
        var x: [Double] = [], theta: [Double] = []
        while x.count < 2 * count {
            let t0 = 2 * rng.uniform() - 1, t1 = 2 * rng.uniform() - 1
            let a = Double.pi * (rng.uniform() - 0.5), r = 0.1 + 0.01 * rng.normal()
            let x0 = r * cos(a) + 0.25 - abs(t0 + t1) / 2.0.squareRoot()
            let x1 = r * sin(a) + (-t0 + t1) / 2.0.squareRoot()
            guard abs(x0) < 2, abs(x1) < 2 else { continue }
            x += [x0, x1]
            theta += [t0, t1]
        }
        return try Events(x: x, theta: theta, observables: 2, parameters: 2)
    }

    static func config(projection: ProjectionSource) -> ModelConfig {
        var config = TestModels.config([TestModels.continuous("x0", -2, 2), TestModels.continuous("x1", -2, 2)],
                                       parameters: ["t0", "t1"], reference: [0, 0], epochs: 2)
        config.parameters.projectionFrom = projection
        config.parameters.projectionEvents = 1000
        return config
    }

    @Test("θ per event: the reference mode says how to build the projection; nearest and all train to a normalised density")
    func twoMoonsTrain() throws {
        let events = try Self.twoMoons(count: 4000, seed: 1)
        let error = #expect(throws: ModelError.self) { try DensityModel(config: Self.config(projection: .reference)).prepared(on: events) }
        #expect(error?.description.contains("projection_from: nearest") ?? false)
        let device = CPUDevice()
        for source in [ProjectionSource.nearest, .all] {
            let model = try DensityModel(config: Self.config(projection: source)).fit(events, device: device)
            #expect(model.history.epochs.count == 2 && model.history.epochs.allSatisfy { $0.validationLoss.isFinite })
            // The latent density at one θ integrates to one (the projection maps it onto [−2, 2]² exactly).
            let (nodes, weights) = gaussLegendreGrid(evenlySpaced(-5, 5, count: 160))
            var u: [Double] = [], w: [Double] = []
            for (a, wa) in zip(nodes, weights) { for (b, wb) in zip(nodes, weights) { u += [a, b]; w.append(wa * wb) } }
            let logp = try model.logProbLatent(u, theta: [0.3, -0.4], device: device)
            let integral = zip(logp, w).reduce(0) { $0 + exp($1.0) * $1.1 }
            #expect(abs(integral - 1) < 1e-4, "\(source): ∫ p du = \(integral)")
        }
    }

    @Test("nearest builds the projection from the projection_events events closest to the reference θ")
    func nearestIndices() throws {
        let events = try Events(x: [0, 1, 2, 3, 4, 5], theta: [0.9, -0.1, 0.05, 0.5, -0.6, 0.0], observables: 1, parameters: 1)
        var config = TestModels.config([TestModels.continuous("x", -1, 6)], parameters: ["t"], reference: [0])
        config.parameters.projectionFrom = .nearest
        config.parameters.projectionEvents = 3
        #expect(try DensityModel(config: config).referenceIndices(events) == [1, 2, 5])
        config.parameters.projectionFrom = .all
        #expect(try DensityModel(config: config).referenceIndices(events) == Array(0..<6))
    }

    @Test("θ noise widths: multiples of each parameter's grid spacing; none for θ drawn per event or a single value")
    func noiseWidths() throws {
        var theta: [Double] = []
        for a in [0.0, 0.5, 1.0, 1.5] { for b in [2.0, 2.0, 3.0] { for _ in 0..<10 { theta += [a, b, 7] } } }
        let grid = try Events(x: [Double](repeating: 0, count: theta.count / 3), theta: theta, observables: 1, parameters: 3)
        #expect(DensityModel.thetaNoiseWidths(grid, spacings: 0.5) == [0.25, 0.5, 0])
        #expect(DensityModel.thetaNoiseWidths(try Self.twoMoons(count: 500, seed: 2), spacings: 1) == [0, 0])
    }

    @Test("training with θ noise is reproducible from the seed and differs from training without it")
    func noisyTraining() throws {
        let events = try TestModels.events(count: 1500, observables: ["x0", "x1"], conditional: true)
        var config = TestModels.config([TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)], parameters: ["t"], reference: [0], epochs: 2)
        let device = CPUDevice()
        let plain = try DensityModel(config: config).fit(events, device: device)
        config.training.thetaNoise = 0.5
        let noisy = try DensityModel(config: config).fit(events, device: device)
        let again = try DensityModel(config: config).fit(events, device: device)
        #expect(noisy.parameters == again.parameters)
        #expect(noisy.parameters != plain.parameters)
        #expect(noisy.history.epochs.allSatisfy { $0.validationLoss.isFinite })
    }

    @Test("the report groups θ drawn per event into bins of θ, each at its events' mean θ")
    func reportGrouping() throws {
        let events = try Self.twoMoons(count: 3000, seed: 4)
        let groups = ThetaGroup.grouping(events)
        #expect(groups.count == 25)
        #expect(groups.reduce(0) { $0 + $1.indices.count } == 3000)
        for group in groups {
            let mean = (0..<2).map { j in group.indices.reduce(0.0) { $0 + events.theta[$1 * 2 + j] } / Double(group.indices.count) }
            #expect(zip(mean, group.theta).allSatisfy { abs($0 - $1) < 1e-12 })
            #expect(group.theta.allSatisfy { abs($0) < 1 })
        }
        // A grid keeps its exact points.
        let grid = try TestModels.events(count: 300, observables: ["x0"], conditional: true)
        #expect(ThetaGroup.grouping(grid).map(\.theta) == [[-1], [0], [1]])
    }

    @Test("validation on θ points: every other interior point is held out whole; too small a grid or θ per event is refused")
    func validationPoints() throws {
        var theta: [Double] = [], x: [Double] = []
        for k in 0..<11 { for i in 0..<40 { theta.append(0.110 + 0.003 * Double(k)); x.append(Double(i % 10) * 0.9 + 0.5) } }
        let events = try Events(x: x, theta: theta, observables: 1, parameters: 1)
        let held = try DensityModel.validationPoints(events)
        #expect(held.map { events.thetaPoints().points[$0][0] } .map { ($0 * 1000).rounded() } == [116, 122, 128, 134])
        let small = try Events(x: Array(x.prefix(160)), theta: Array(theta.prefix(160)), observables: 1, parameters: 1)
        #expect(throws: ModelError.self) { try DensityModel.validationPoints(small) }
        #expect(throws: ModelError.self) { try DensityModel.validationPoints(try Self.twoMoons(count: 500, seed: 3)) }
        // Training with it: the validation loss is that of the held-out points' events.
        var config = TestModels.config([TestModels.continuous("x", 0, 10)], parameters: ["t"], reference: [0.125], epochs: 2)
        config.training.validation = .thetaPoints
        let model = try DensityModel(config: config).fit(events, device: CPUDevice())
        #expect(model.history.epochs.count == 2 && model.history.epochs.allSatisfy { $0.validationLoss.isFinite })
        let decoded = try ModelConfig.fromYAML("observables: [{name: x, interval: [0, 10]}]\nparameters: {names: [t], reference: [0]}\ntraining: {validation: theta_points, theta_noise: 0.5}\n")
        #expect(decoded.training.validation == .thetaPoints && decoded.training.thetaNoise == 0.5)
        #expect(throws: (any Error).self) { try ModelConfig.fromYAML("observables: [{name: x, interval: [0, 10]}]\ntraining: {validation: points}\n") }
    }
}
