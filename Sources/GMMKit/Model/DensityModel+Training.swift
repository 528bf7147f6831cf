#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GMMCompute

extension DensityModel {
    /// One warning per θ point of `events` whose total weight is not positive (negative event
    /// weights are allowed, but such a point has no probability distribution to learn).
    public static func weightWarnings(_ events: Events) -> [String] {
        guard let weights = events.weights else { return [] }
        let (points, indices) = events.thetaPoints()
        var totals = [Double](repeating: 0, count: points.count)
        for (i, k) in indices.enumerated() { totals[k] += weights[i] }
        return zip(points, totals).compactMap { point, total in
            guard total <= 0 else { return nil }
            let name = point.isEmpty ? "the events" : "θ = (\(point.map { "\($0)" }.joined(separator: ", ")))"
            return "\(name): total weight \(total) is not positive; its events pull the fit the wrong way"
        }
    }

    /// The model trained on `events` by maximising the weighted log-likelihood of Eq. (2) with
    /// Adam: mini-batches of `training.batch_size`, the learning rate multiplied by
    /// `lr_update_factor` when the monitored loss (`lr_monitor`) has not improved for `lr_patience` epochs,
    /// early stopping when the validation loss (on a `validation_fraction` split) has not
    /// improved by `early_stopping_min_delta` for `early_stopping_patience` epochs, and the best
    /// state restored. The same seed gives the same model on the `cpu` device.
    ///
    /// An unprepared model is first prepared on `events` (``prepared(on:)``); a prepared one
    /// keeps its projections and continues from its weights.
    ///
    /// - Parameters:
    ///   - events: training events (weights may be negative; each θ point's total should be positive).
    ///   - device: where to compute.
    ///   - options: checkpointing, resuming and limits.
    ///   - progress: called after every epoch (for printing); nil for silence.
    public func fit(_ events: Events, device: Device, options: TrainingOptions = TrainingOptions(),
                    progress: ((TrainingProgress) -> Void)? = nil) throws -> DensityModel {
        // Preparing validates the events; a prepared model checks them here.
        if isPrepared { try validate(events, field: "events") }
        var model = isPrepared ? self : try prepared(on: events)
        let training = config.training
        let n = events.count
        // Split: a seeded permutation; the first validation_fraction of it validates.
        var splitRNG = SeededGenerator(seed: training.seed, stream: 1)
        var order = Array(0..<n)
        order.shuffle(using: &splitRNG)
        var validationCount = min(n - 1, max(1, Int((Double(n) * training.validationFraction).rounded())))
        if training.validation == .thetaPoints {
            // Whole θ points validate: the loss there measures how the model interpolates.
            let held = Set(try Self.validationPoints(events))
            let pointOf = events.thetaPoints().indices
            let inside = order.filter { held.contains(pointOf[$0]) }
            order = inside + order.filter { !held.contains(pointOf[$0]) }
            validationCount = inside.count
        }
        // Validation events sorted by θ point: its passes do the θ-only work once per point.
        let unsortedValidation = events.subset(Array(order[0..<validationCount]))
        let validationPoints = unsortedValidation.thetaPoints().indices
        let byPoint = validationPoints.indices.sorted { (validationPoints[$0], $0) < (validationPoints[$1], $1) }
        let validation = unsortedValidation.subset(byPoint)
        let validationPointOfRow = byPoint.map { validationPoints[$0] }
        let train = events.subset(Array(order[validationCount...]))
        let trainPoints = train.thetaPoints().indices
        let meanWeight = (0..<train.count).reduce(0.0) { $0 + train.weight($1) } / Double(train.count)
        guard meanWeight > 0 else { throw ModelError.nonPositiveWeight(field: "events (training split)", total: meanWeight * Double(train.count)) }
        let validationWeight = (0..<validation.count).reduce(0.0) { $0 + validation.weight($1) }

        let trainLatent = try model.toLatent(train.x)
        let validationLatent = try model.toLatent(validation.x)
        let batchSize = min(training.batchSize, train.count)
        let evaluator = try ModelEvaluator(model: model, device: device, capacity: max(batchSize, 1), training: true)
        let validationEvaluator = try ModelEvaluator(model: model, device: device, capacity: min(validation.count, Self.evaluationChunk(on: device)), training: false)
        let gradients = try device.makeBuffer(count: model.parameters.count)
        let firstMoment = try device.makeBuffer(count: model.parameters.count)
        let secondMoment = try device.makeBuffer(count: model.parameters.count)
        let lossSums = try device.makeBuffer(count: 2)

        // Validation data stays on the device for the whole run.
        let validationEncoded = model.encode(latent: validationLatent, theta: validation.theta, weights: validation.weights ?? [Double](repeating: 1, count: validation.count), count: validation.count)
        let validationData = try DeviceEventBlock(encoded: validationEncoded, model: model, device: device)
        let trainData = try DeviceEventBlock(count: train.count, model: model, device: device)

        let noise = training.thetaNoise > 0 ? Self.thetaNoiseWidths(train, spacings: training.thetaNoise) : nil

        var state = TrainingState(learningRate: training.learningRate, model: model)
        state.history.warnings = Self.weightWarnings(events)
        // What defines this run, recorded in (and checked against) its checkpoint.
        let run = options.checkpointDirectory == nil ? nil : try TrainingRun(model: model, events: events)
        if options.resume, let directory = options.checkpointDirectory, let run,
           let checkpoint = try TrainingCheckpoint.load(from: directory, model: model, run: run) {
            state = checkpoint.state
            try device.write(checkpoint.parameters, into: evaluator.parameters, offset: 0)
            try device.write(checkpoint.firstMoment, into: firstMoment, offset: 0)
            try device.write(checkpoint.secondMoment, into: secondMoment, offset: 0)
        }
        let start = Stopwatch()
        let maxEpochs = min(training.maxEpochs, state.epoch + (options.epochLimit ?? training.maxEpochs))
        var stopReason = "max epochs (\(training.maxEpochs))"
        while state.epoch < maxEpochs {
            let epochStart = Stopwatch()
            state.epoch += 1
            // This epoch's order of the training events: reproducible from (seed, epoch).
            var rng = SeededGenerator(seed: training.seed, stream: 1000 + UInt64(state.epoch))
            var permutation = Array(0..<train.count)
            permutation.shuffle(using: &rng)
            // Each batch's events sorted by θ point (the batch's loss is a sum: its order does
            // not matter), so that its θ-only work runs once per point.
            var batchBlocks: [ThetaBlocks?] = []
            for start in stride(from: 0, to: train.count, by: batchSize) {
                let range = start..<min(train.count, start + batchSize)
                permutation[range].sort { (trainPoints[$0], $0) < (trainPoints[$1], $1) }
                // With θ noise every row has its own θ: no blocks.
                batchBlocks.append(noise != nil ? nil : ThetaBlocks.grouped(points: ArraySlice(permutation[range].map { trainPoints[$0] }),
                                                                            minimumMeanRows: device.minimumThetaBlockRows))
            }
            var epochTheta = permute(train.theta, permutation, width: parameterCount)
            if let noise {
                var noiseRNG = SeededGenerator(seed: training.seed, stream: 5000 + UInt64(state.epoch))
                Self.addNoise(to: &epochTheta, widths: noise, rng: &noiseRNG)
            }
            let encoded = model.encode(latent: permute(trainLatent, permutation, width: observableCount),
                                       theta: epochTheta,
                                       weights: permutation.map { train.weight($0) }, count: train.count)
            try trainData.write(encoded, device: device)
            try device.fill(MatrixView.vector(lossSums, count: 2), value: 0)
            var batchStart = 0
            while batchStart < train.count {
                let rows = min(batchSize, train.count - batchStart)
                state.step += 1
                var batch = trainData.batch(rows: batchStart..<(batchStart + rows))
                batch.thetaBlocks = batchBlocks[batchStart / batchSize]
                try evaluator.evaluate(batch, gradients: gradients,
                                       lossScale: Float(-1 / (Double(rows) * meanWeight)), lossSum: lossSums, lossIndex: 0)
                try device.adamUpdate(parameters: evaluator.parameters, gradients: gradients, firstMoment: firstMoment, secondMoment: secondMoment,
                                      hyperparameters: AdamHyperparameters(learningRate: Float(state.learningRate), step: state.step))
                batchStart += rows
            }
            // Validation with the epoch's final weights.
            try device.copy(MatrixView.vector(evaluator.parameters, count: model.parameters.count),
                            into: MatrixView.vector(validationEvaluator.parameters, count: model.parameters.count))
            var validationStart = 0
            while validationStart < validation.count {
                let rows = min(validationEvaluator.capacity, validation.count - validationStart)
                var batch = validationData.batch(rows: validationStart..<(validationStart + rows))
                batch.thetaBlocks = ThetaBlocks.grouped(points: validationPointOfRow[validationStart..<(validationStart + rows)],
                                                        minimumMeanRows: device.minimumThetaBlockRows)
                try validationEvaluator.evaluate(batch, lossSum: lossSums, lossIndex: 1)
                validationStart += rows
            }
            let sums = try device.read(lossSums)
            let trainingLoss = -Double(sums[0]) / (meanWeight * Double(train.count))
            let validationLoss = -Double(sums[1]) / validationWeight
            let record = TrainingHistory.Epoch(epoch: state.epoch, trainingLoss: trainingLoss, validationLoss: validationLoss,
                                               learningRate: state.learningRate, seconds: epochStart.seconds)
            state.history.epochs.append(record)
            guard trainingLoss.isFinite, validationLoss.isFinite else {
                stopReason = "non-finite loss at epoch \(state.epoch) (lower the learning rate)"
                break
            }
            let isBest = validationLoss < state.bestValidation - training.earlyStoppingMinDelta
            if isBest {
                state.bestValidation = validationLoss
                state.history.bestEpoch = state.epoch
                state.bestParameters = Array(try device.read(evaluator.parameters))
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
            }
            let trainingImproved = trainingLoss < state.bestTraining
            if trainingImproved { state.bestTraining = trainingLoss }
            // The learning-rate plateau counter (its checkpoint key predates `lr_monitor`).
            if training.lrMonitor == .validation ? isBest : trainingImproved {
                state.epochsWithoutTrainingImprovement = 0
            } else {
                state.epochsWithoutTrainingImprovement += 1
                if state.epochsWithoutTrainingImprovement >= training.lrPatience {
                    state.learningRate *= training.lrUpdateFactor
                    state.epochsWithoutTrainingImprovement = 0
                }
            }
            progress?(TrainingProgress(epoch: record, isBest: isBest, maxEpochs: training.maxEpochs))
            if let directory = options.checkpointDirectory, let run {
                try TrainingCheckpoint(state: state, parameters: try device.read(evaluator.parameters),
                                       firstMoment: try device.read(firstMoment), secondMoment: try device.read(secondMoment))
                    .save(to: directory, run: run)
            }
            if state.epochsWithoutImprovement >= training.earlyStoppingPatience {
                stopReason = "early stopping (no validation improvement for \(training.earlyStoppingPatience) epochs)"
                break
            }
            if let limit = options.timeLimit, start.seconds >= limit {
                stopReason = "time limit (\(limit) s)"
                break
            }
            if state.epoch >= maxEpochs, options.epochLimit != nil, state.epoch < training.maxEpochs {
                stopReason = "epoch limit of this run"
            }
        }
        state.history.stopReason = stopReason
        model.parameters = state.bestParameters
        model.history = state.history
        return model
    }
}

extension DensityModel {
    /// The θ points held out for validation with ``TrainingValidation/thetaPoints``: of the
    /// interior points (no parameter at its smallest or largest value among the points),
    /// every other one in lexicographic order of θ, starting with the second. The reference θ
    /// is never held out.
    ///
    /// - Returns: indices into ``Events/thetaPoints()``'s points.
    /// - Throws: ``ModelError`` when fewer than three interior points exist (a grid too small
    ///   to validate interpolation on), or θ is drawn per event.
    static func validationPoints(_ events: Events) throws -> [Int] {
        let points = events.thetaPoints().points
        let p = events.parameterCount
        guard p > 0, points.count * 10 <= events.count else {
            throw ModelError.invalidArgument(name: "training.validation", expected: "θ points with many events each for theta_points (use events for θ drawn per event)",
                                             got: "\(points.count) distinct θ in \(events.count) events")
        }
        let lows = (0..<p).map { j in points.map { $0[j] }.min() ?? 0 }, highs = (0..<p).map { j in points.map { $0[j] }.max() ?? 0 }
        let interior = points.indices.filter { k in (0..<p).allSatisfy { points[k][$0] > lows[$0] && points[k][$0] < highs[$0] } }
            .sorted { points[$0].lexicographicallyPrecedes(points[$1]) }
        guard interior.count >= 3 else {
            throw ModelError.invalidArgument(name: "training.validation", expected: "at least 3 interior θ points for theta_points", got: "\(interior.count)")
        }
        return interior.enumerated().compactMap { i, k in i % 2 == 1 ? k : nil }
    }

    /// The standard deviation of the θ noise of each parameter, [p]: `spacings` times the
    /// parameter's grid spacing among the θ points of `events` (the median gap between its
    /// neighbouring distinct values; 0 for a parameter with a single value, or where θ is drawn
    /// per event: more distinct values than a tenth of the events).
    static func thetaNoiseWidths(_ events: Events, spacings: Double) -> [Double] {
        let points = events.thetaPoints().points
        return (0..<events.parameterCount).map { j in
            let values = Array(Set(points.map { $0[j] })).sorted()
            guard values.count >= 2, values.count * 10 <= events.count else { return 0 }
            let gaps = zip(values.dropFirst(), values).map { $0 - $1 }.sorted()
            return spacings * gaps[gaps.count / 2]
        }
    }

    /// Adds N(0, widths[j]²) to column j of the row-major θ array [n, p].
    static func addNoise(to theta: inout [Double], widths: [Double], rng: inout SeededGenerator) {
        let p = widths.count
        guard p > 0 else { return }
        for i in theta.indices where widths[i % p] > 0 {
            // Box–Muller from two open-interval uniforms.
            let u = rng.nextOpenUnitDouble(), v = rng.nextOpenUnitDouble()
            theta[i] += widths[i % p] * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }
}

/// Rows of a row-major [n, width] array in the order `permutation`.
func permute(_ values: [Double], _ permutation: [Int], width: Int) -> [Double] {
    if width == 0 { return [] }
    var result = [Double](repeating: 0, count: values.count)
    for (r, source) in permutation.enumerated() {
        for c in 0..<width { result[r * width + c] = values[source * width + c] }
    }
    return result
}

/// The mutable state of a training run (what a checkpoint stores besides the weights).
struct TrainingState: Codable {
    var epoch = 0
    var step = 0
    var learningRate: Double
    var bestValidation = Double.infinity
    var bestTraining = Double.infinity
    var epochsWithoutImprovement = 0
    var epochsWithoutTrainingImprovement = 0
    var history = TrainingHistory()
    var bestParameters: [Float]

    init(learningRate: Double, model: DensityModel) {
        self.learningRate = learningRate
        bestParameters = model.parameters
    }

    enum CodingKeys: String, CodingKey {
        case epoch, step, history
        case learningRate = "learning_rate"
        case bestValidation = "best_validation_loss"
        case bestTraining = "best_training_loss"
        case epochsWithoutImprovement = "epochs_without_improvement"
        case epochsWithoutTrainingImprovement = "epochs_without_training_improvement"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try c.decode(Int.self, forKey: .epoch)
        step = try c.decode(Int.self, forKey: .step)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        bestValidation = try c.decodeIfPresent(Double.self, forKey: .bestValidation) ?? .infinity
        bestTraining = try c.decodeIfPresent(Double.self, forKey: .bestTraining) ?? .infinity
        epochsWithoutImprovement = try c.decode(Int.self, forKey: .epochsWithoutImprovement)
        epochsWithoutTrainingImprovement = try c.decode(Int.self, forKey: .epochsWithoutTrainingImprovement)
        history = try c.decode(TrainingHistory.self, forKey: .history)
        bestParameters = []
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(step, forKey: .step)
        try c.encode(learningRate, forKey: .learningRate)
        if bestValidation.isFinite { try c.encode(bestValidation, forKey: .bestValidation) }
        if bestTraining.isFinite { try c.encode(bestTraining, forKey: .bestTraining) }
        try c.encode(epochsWithoutImprovement, forKey: .epochsWithoutImprovement)
        try c.encode(epochsWithoutTrainingImprovement, forKey: .epochsWithoutTrainingImprovement)
        try c.encode(history, forKey: .history)
    }
}

/// A whole data set's encoded events on a device, viewed in row blocks.
final class DeviceEventBlock {
    let count: Int
    let capacity: Int
    let theta: DeviceBuffer
    let inputs: DeviceBuffer
    let continuousTargets: DeviceBuffer?
    let integerTargets: DeviceBuffer?
    let weights: DeviceBuffer
    let thetaWidth: Int
    let observableCount: Int
    let continuousCount: Int
    let integerCount: Int

    init(count: Int, model: DensityModel, device: Device) throws {
        let layout = ModelLayout(config: model.config)
        self.count = count
        capacity = count
        thetaWidth = layout.thetaWidth
        observableCount = model.observableCount
        continuousCount = layout.continuousIndices.count
        integerCount = layout.integerIndices.count
        theta = try device.makeBuffer(count: count * thetaWidth)
        inputs = try device.makeBuffer(count: count * observableCount)
        continuousTargets = continuousCount == 0 ? nil : try device.makeBuffer(count: continuousCount * count)
        integerTargets = integerCount == 0 ? nil : try device.makeBuffer(count: integerCount * count)
        weights = try device.makeBuffer(count: count)
    }

    convenience init(encoded: EncodedEvents, model: DensityModel, device: Device) throws {
        try self.init(count: encoded.count, model: model, device: device)
        try write(encoded, device: device)
    }

    /// Uploads a whole encoded data set (same size) in one transfer per array.
    func write(_ encoded: EncodedEvents, device: Device) throws {
        precondition(encoded.count == count, "DeviceEventBlock: size mismatch")
        try device.write(encoded.theta, into: theta, offset: 0)
        try device.write(encoded.inputs, into: inputs, offset: 0)
        if let continuousTargets { try device.write(encoded.continuousTargets, into: continuousTargets, offset: 0) }
        if let integerTargets { try device.write(encoded.integerTargets, into: integerTargets, offset: 0) }
        try device.write(encoded.weights.isEmpty ? [Float](repeating: 1, count: count) : encoded.weights, into: weights, offset: 0)
    }

    /// The batch of events `rows`.
    func batch(rows range: Range<Int>) -> DeviceBatch {
        let n = range.count
        return DeviceBatch(
            theta: MatrixView(theta, offset: range.lowerBound * thetaWidth, rows: n, cols: thetaWidth),
            inputs: MatrixView(inputs, offset: range.lowerBound * observableCount, rows: n, cols: observableCount),
            continuousTargets: continuousTargets.map { MatrixView($0, offset: range.lowerBound, rows: n, cols: 1, batch: continuousCount, batchStride: count) },
            integerTargets: integerTargets.map { MatrixView($0, offset: range.lowerBound, rows: n, cols: 1, batch: integerCount, batchStride: count) },
            weights: MatrixView(weights, offset: range.lowerBound, rows: n, cols: 1), rows: n)
    }
}
