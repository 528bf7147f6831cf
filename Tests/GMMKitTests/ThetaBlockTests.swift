import GMMCompute
@testable import GMMKit
import Testing

/// Passes whose rows come in blocks with one θ each do the θ-only work once per block, in the
/// forward and the backward pass. They must give what the same rows give done one by one.
struct ThetaBlockTests {
    @Test("runs of equal θ rows, grouped blocks and evenly spaced blocks")
    func blocks() {
        let theta: [Double] = [1, 2, 1, 2, 0, 0, 1, 2, 1, 2, 1, 2]
        #expect(ThetaBlocks(runsOf: theta, width: 2, rows: 6).bounds == [0, 2, 3, 6])
        #expect(ThetaBlocks(runsOf: [Double](), width: 0, rows: 4).bounds == [0, 4])
        #expect(ThetaBlocks(rows: 10, blockRows: 4).bounds == [0, 4, 8, 10])
        #expect(ThetaBlocks(rows: 10, blockRows: 4).uniformRows == 4)
        #expect(ThetaBlocks(bounds: [0, 2, 3, 6]).uniformRows == nil)
        #expect(ThetaBlocks.grouped(points: [0, 0, 0, 1, 1, 1, 1, 2], minimumMeanRows: 2)?.bounds == [0, 3, 7, 8])
        #expect(ThetaBlocks.grouped(points: [0, 1, 1, 2], minimumMeanRows: 2) == nil, "blocks of 4/3 rows on average are too short for 2")
    }

    /// Σ w log p and its parameter gradient on `events` (θ points adjacent), with the θ-only work
    /// once per block and row by row.
    func lossAndGradient(model: DensityModel, events: Events, weights: [Float], device: Device, blocks: ThetaBlocks?) throws -> (Float, [Float]) {
        let n = events.count
        var encoded = model.encode(latent: try model.toLatent(events.x), theta: events.theta, weights: nil, count: n)
        encoded.weights = weights
        let evaluator = try ModelEvaluator(model: model, device: device, capacity: n, training: true)
        let block = try DeviceEventBlock(encoded: encoded, model: model, device: device)
        let gradients = try device.makeBuffer(count: model.parameters.count)
        let loss = try device.makeBuffer(count: 1)
        try device.fill(MatrixView(loss, rows: 1, cols: 1), value: 0)
        var batch = block.batch(rows: 0..<n)
        batch.thetaBlocks = blocks
        try evaluator.evaluate(batch, gradients: gradients, lossScale: 1, lossSum: loss)
        return (try device.read(loss)[0], try device.read(gradients))
    }

    /// A model with random biases (the initialisation's zero biases put many rows on kinks).
    func randomised(_ model: DensityModel, seed: UInt64) -> DensityModel {
        var model = model
        var rng = TestRandom(seed: seed)
        let layout = ModelLayout(config: model.config)
        for stack in [layout.continuous, layout.categorical].compactMap({ $0 }) {
            for layer in stack.layers {
                for i in 0..<(stack.spec.networkCount * layer.outMax) { model.parameters[layer.biasOffset + i] = Float(0.6 * rng.uniform() - 0.3) }
            }
        }
        return model
    }

    @Test("a training pass in θ blocks of unequal length gives the per-row loss and gradient (cpu and PoCL; continuous and integer stacks)",
          arguments: ["cpu", "opencl:cpu"])
    func trainingPassMatchesPerRow(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        // The toy (its first network sees θ alone), and integer k first then two continuous
        // observables (a categorical network that sees θ alone, continuous ones that see k).
        let (toy, toyEvents) = try NetworkGradientTests.smallModel()
        let mixedConfig = TestModels.config([TestModels.integer("k", 0, 3), TestModels.continuous("x0", 0, 10), TestModels.continuous("x1", -5, 10)],
                                            parameters: ["t"], reference: [0])
        let mixedEvents = try TestModels.events(count: 300, observables: ["k", "x0", "x1"], conditional: true)
        let mixed = try DensityModel(config: mixedConfig).prepared(on: mixedEvents)
        var rng = TestRandom(seed: 31)
        for (model, all) in [(toy, toyEvents), (mixed, mixedEvents)] {
            // Drop a third of the events at random (blocks of unequal length), then sort by θ point.
            let kept = (0..<all.count).filter { _ in rng.uniform() > 0.33 }
            let subset = all.subset(kept)
            let points = subset.thetaPoints().indices
            let events = subset.subset(points.indices.sorted { (points[$0], $0) < (points[$1], $1) })
            let blocks = ThetaBlocks(runsOf: events.theta, width: events.parameterCount, rows: events.count)
            #expect(blocks.count > 2 && blocks.uniformRows == nil && blocks.count < events.count / 2)
            let weights = (0..<events.count).map { _ in Float(0.5 + rng.uniform()) }
            let tuned = randomised(model, seed: 7)
            let (blockLoss, blockGradient) = try lossAndGradient(model: tuned, events: events, weights: weights, device: device, blocks: blocks)
            let (rowLoss, rowGradient) = try lossAndGradient(model: tuned, events: events, weights: weights, device: device, blocks: nil)
            #expect(abs(blockLoss - rowLoss) <= 1e-5 * abs(rowLoss), "loss \(blockLoss) in blocks vs \(rowLoss) per row")
            let scale = rowGradient.map(abs).max() ?? 0
            #expect(scale > 0)
            var worst = (index: 0, difference: Float(0))
            for (i, (a, b)) in zip(blockGradient, rowGradient).enumerated() where abs(a - b) > worst.difference {
                worst = (i, abs(a - b))
            }
            #expect(worst.difference <= 2e-5 * scale, "parameter \(worst.index): \(blockGradient[worst.index]) in blocks vs \(rowGradient[worst.index]) per row (largest |g| \(scale))")
        }
    }

    @Test("a forward pass in θ blocks of unequal length gives the per-row log-densities (cpu and PoCL)", arguments: ["cpu", "opencl:cpu"])
    func forwardMatchesPerRow(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        let (model, all) = try NetworkGradientTests.smallModel()
        let tuned = randomised(model, seed: 9)
        var rng = TestRandom(seed: 33)
        let kept = (0..<all.count).filter { _ in rng.uniform() > 0.4 }
        let events = all.subset(kept)  // stored by θ point: runs of 1–4 rows
        let n = events.count
        let blocks = ThetaBlocks(runsOf: events.theta, width: 2, rows: n)
        let encoded = tuned.encode(latent: try tuned.toLatent(events.x), theta: events.theta, weights: nil, count: n)
        let evaluator = try ModelEvaluator(model: tuned, device: device, capacity: n, training: false)
        let block = try DeviceEventBlock(encoded: encoded, model: tuned, device: device)
        var batch = block.batch(rows: 0..<n)
        try evaluator.evaluate(batch)
        let perRow = try evaluator.eventLogProbabilities(rows: n)
        batch.thetaBlocks = blocks
        try evaluator.evaluate(batch)
        let inBlocks = try evaluator.eventLogProbabilities(rows: n)
        for r in 0..<n { #expect(abs(inBlocks[r] - perRow[r]) <= 1e-5 * abs(perRow[r]) + 1e-5, "row \(r): \(inBlocks[r]) vs \(perRow[r])") }
    }

    @Test("one data set at several θ, its event work done once per pass, gives the per-row log-densities (cpu and PoCL)",
          arguments: ["cpu", "opencl:cpu"])
    func repeatedEventsMatchPerRow(deviceName: String) throws {
        let device = try Devices.open(deviceName)
        let (model, all) = try NetworkGradientTests.smallModel()
        let tuned = randomised(model, seed: 11)
        let n = 30, thetas: [[Double]] = [[0.3, -0.2], [-1.1, 0.9], [0.8, 0.8], [0, -1.4], [1.2, 0.1]]
        let events = all.subset(Array(0..<n).map { $0 * 5 })
        let latent = try tuned.toLatent(events.x)
        let rows = n * thetas.count
        let encoded = tuned.encode(latent: Array(repeating: latent, count: thetas.count).flatMap { $0 },
                                   theta: thetas.flatMap { Array(repeating: $0, count: n).flatMap { $0 } }, weights: nil, count: rows)
        let evaluator = try ModelEvaluator(model: tuned, device: device, capacity: rows, training: false)
        let block = try DeviceEventBlock(encoded: encoded, model: tuned, device: device)
        var batch = block.batch(rows: 0..<rows)
        try evaluator.evaluate(batch)
        let perRow = try evaluator.eventLogProbabilities(rows: rows)
        batch.thetaBlocks = ThetaBlocks(rows: rows, blockRows: n, repeatedEvents: true)
        try evaluator.evaluate(batch)
        let repeated = try evaluator.eventLogProbabilities(rows: rows)
        for r in 0..<rows { #expect(abs(repeated[r] - perRow[r]) <= 1e-5 * abs(perRow[r]) + 1e-5, "row \(r): \(repeated[r]) vs \(perRow[r])") }
    }
}
