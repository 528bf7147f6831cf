import GMMCompute

/// Throughput of the compute layer and of the model on a device, each also as a fraction of
/// the device's best sgemm rate measured in the same run (useful FLOPs over time).
public struct ThroughputBenchmark {
    /// One measurement.
    public struct Measurement: Sendable, Codable, CustomStringConvertible {
        /// What was timed.
        public var name: String
        /// Events (or, for sgemm, products) per second.
        public var eventsPerSecond: Double
        /// Useful GFLOP/s (0 where not meaningful).
        public var gflops: Double
        /// gflops / the best sgemm rate of the run.
        public var fractionOfPeak: Double

        public var description: String {
            let rate = eventsPerSecond >= 1e6 ? "\(round1(eventsPerSecond / 1e6))M" : "\(round1(eventsPerSecond / 1e3))k"
            return "\(name.padded(44)) \(rate.padded(9, left: true)) events/s  \(round1(gflops).padded(7, left: true)) GFLOP/s  \(round1(100 * fractionOfPeak).padded(5, left: true))% of peak"
        }
    }

    /// A whole run of `gmm-gpu bench throughput` as `--json` writes it.
    public struct Record: Sendable, Codable {
        /// The device's name and summary.
        public var device: String
        /// sgemm 2048³ and 4096×160×160, GFLOP/s.
        public var sgemmSquareGFLOPS: Double, sgemmModelGFLOPS: Double
        /// The peak the fractions are measured against (the larger of the two).
        public var peakGFLOPS: Double
        /// Every timed case, in order.
        public var measurements: [Measurement]

        /// A record; see the properties.
        public init(device: String, sgemmSquareGFLOPS: Double, sgemmModelGFLOPS: Double, peakGFLOPS: Double, measurements: [Measurement]) {
            self.device = device
            self.sgemmSquareGFLOPS = sgemmSquareGFLOPS
            self.sgemmModelGFLOPS = sgemmModelGFLOPS
            self.peakGFLOPS = peakGFLOPS
            self.measurements = measurements
        }

        enum CodingKeys: String, CodingKey {
            case device, measurements
            case sgemmSquareGFLOPS = "sgemm_square_gflops"
            case sgemmModelGFLOPS = "sgemm_model_gflops"
            case peakGFLOPS = "peak_gflops"
        }
    }

    /// The device measured.
    public var device: Device
    /// Minimum seconds per timing (repeats until reached).
    public var minimumSeconds: Double

    /// A benchmark on `device`, timing each case for at least `minimumSeconds`.
    public init(device: Device, minimumSeconds: Double = 1) {
        self.device = device
        self.minimumSeconds = minimumSeconds
    }

    /// Seconds per call of `body` (after one warm-up call), synchronising the device each time.
    func time(_ body: () throws -> Void) throws -> Double {
        try body()
        try device.synchronize()
        var calls = 0
        let start = Stopwatch()
        var elapsed = 0.0
        repeat {
            try body()
            try device.synchronize()
            calls += 1
            elapsed = start.seconds
        } while elapsed < minimumSeconds
        return elapsed / Double(calls)
    }

    /// The sgemm rate (GFLOP/s) for [m, k] × [k, n] on the device.
    public func sgemmRate(m: Int, n: Int, k: Int) throws -> Double {
        var rng = SeededGenerator(seed: 1)
        let a = try device.makeBuffer(rng.floats(m * k, in: -1...1))
        let b = try device.makeBuffer(rng.floats(k * n, in: -1...1))
        let c = try device.makeBuffer(count: m * n)
        let seconds = try time {
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: MatrixView(a, rows: m, cols: k),
                            b: MatrixView(b, rows: k, cols: n), beta: 0, c: MatrixView(c, rows: m, cols: n))
        }
        return 2 * Double(m) * Double(n) * Double(k) / seconds / 1e9
    }

    /// The Table-5 toy model, prepared on a few toy events (projections and weights).
    public static func tableFiveModel() throws -> DensityModel {
        let data = try ToyModel().makeDataset(eventsPerPoint: 200, grid: ToyModel.trainingGrid, seed: 3)
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        return try DensityModel(config: try ToyModel.config()).prepared(on: events)
    }

    /// Forward (and forward + backward) passes of the model's networks with the mixture
    /// likelihood on `batch` toy events from the 49 training points, sorted by point as the
    /// trainer sorts its batches, and the likelihood kernel alone. FLOP rates count the whole
    /// network per event, the θ-only work done once per point included as if done per event.
    public func networkPasses(model: DensityModel, batch: Int, peak: Double) throws -> [Measurement] {
        let evaluator = try ModelEvaluator(model: model, device: device, capacity: batch, training: true)
        let data = try ToyModel().makeDataset(eventsPerPoint: (batch + 48) / 49, grid: ToyModel.trainingGrid, seed: 4)
        let n = batch
        let events = try Events(x: Array(data.x.prefix(4 * n)), theta: Array(data.theta.prefix(2 * n)), observables: 4, parameters: 2)
        let latent = try model.toLatent(events.x)
        let block = try DeviceEventBlock(encoded: model.encode(latent: latent, theta: events.theta, weights: nil, count: n), model: model, device: device)
        // The events are stored by θ point, as the trainer sorts each batch: the θ-only work
        // runs once per point.
        var deviceBatch = block.batch(rows: 0..<n)
        deviceBatch.thetaBlocks = ThetaBlocks.grouped(points: ArraySlice(events.thetaPoints().indices), minimumMeanRows: device.minimumThetaBlockRows)
        let gradients = try device.makeBuffer(count: model.parameters.count)
        let forwardFlops = evaluator.layout.forwardFlopsPerEvent
        let backwardFlops = evaluator.layout.backwardFlopsPerEvent
        let networksOnly = try time {
            if let stack = evaluator.layout.continuous, let workspace = evaluator.continuousWorkspace {
                try stack.forward(parameters: evaluator.parameters, theta: deviceBatch.theta, observables: deviceBatch.inputs,
                                  rows: n, workspace: workspace, device: device, thetaBlocks: deviceBatch.thetaBlocks)
            }
        }
        let forward = try time { try evaluator.evaluate(deviceBatch) }
        let both = try time { try evaluator.evaluate(deviceBatch, gradients: gradients, lossScale: -1 / Float(n)) }
        // A training step as a PyTorch loop times one: forward, likelihood, backward, Adam.
        let moments = try (0..<2).map { _ in try device.makeBuffer(count: model.parameters.count) }
        var step = 0
        let trainingStep = try time {
            step += 1
            try evaluator.evaluate(deviceBatch, gradients: gradients, lossScale: -1 / Float(n))
            try device.adamUpdate(parameters: evaluator.parameters, gradients: gradients, firstMoment: moments[0], secondMoment: moments[1],
                                  hyperparameters: AdamHyperparameters(learningRate: 1e-6, step: step))
        }
        let sc = evaluator.layout.continuousIndices.count
        let g = model.config.network.nGaussians
        // The mixture of the last forward pass in, its gradient into the evaluator's own
        // gradient buffers (never over the parameters, which the next call reads again).
        let params = evaluator.mixtureParameters(rows: n)
        let mixtureGradient = evaluator.mixtureViews(evaluator.mixtureGradient, rows: n)
        let likelihood = try time {
            try device.mixtureLogLikelihood(params, values: deviceBatch.continuousTargets!, bounds: evaluator.truncation,
                                            logProb: evaluator.logProbView(evaluator.continuousLogProb!, networks: sc, rows: n),
                                            gradient: (mixtureGradient, LossWeights(weights: nil, scale: 1)))
        }
        func measurement(_ name: String, seconds: Double, flopsPerEvent: Double) -> Measurement {
            let gflops = flopsPerEvent * Double(n) / seconds / 1e9
            return Measurement(name: name, eventsPerSecond: Double(n) / seconds, gflops: gflops, fractionOfPeak: gflops / peak)
        }
        return [
            measurement("networks forward only, batch \(n)", seconds: networksOnly, flopsPerEvent: forwardFlops),
            measurement("network forward + likelihood, batch \(n)", seconds: forward, flopsPerEvent: forwardFlops),
            measurement("network forward + backward, batch \(n)", seconds: both, flopsPerEvent: forwardFlops + backwardFlops),
            measurement("training step (+ Adam), batch \(n)", seconds: trainingStep, flopsPerEvent: forwardFlops + backwardFlops),
            Measurement(name: "mixture log-lik + gradient (\(sc)×\(g)), batch \(n)", eventsPerSecond: Double(n) / likelihood, gflops: 0, fractionOfPeak: 0),
        ]
    }

    /// Whole-model throughput: training (one epoch of `trainingEvents`), log-density and sampling.
    public func model(_ model: DensityModel, trainingEvents: Int, evaluationEvents: Int, peak: Double) throws -> [Measurement] {
        let perPoint = (max(trainingEvents, evaluationEvents) + 48) / 49
        let data = try ToyModel().makeDataset(eventsPerPoint: perPoint, grid: ToyModel.trainingGrid, seed: 5)
        let runs = (evaluationEvents + perPoint - 1) / perPoint  // runs of one θ in the evaluation events
        let events = try Events(x: data.x, theta: data.theta, observables: 4, parameters: 2)
        let forwardFlops = ModelLayout(config: model.config).forwardFlopsPerEvent
        let backwardFlops = ModelLayout(config: model.config).backwardFlopsPerEvent
        var config = model.config
        config.training.maxEpochs = 1
        config.training.batchSize = 5000
        var single = model
        single.config = config
        let subset = events.subset(Array(0..<trainingEvents))
        let start = Stopwatch()
        let trained = try single.fit(subset, device: device)
        let trainingSeconds = start.seconds
        precondition(trained.history.epochs.count == 1, "the throughput run trains one epoch")
        let trainedEvents = Double(trainingEvents) * (1 - config.training.validationFraction)
        let validationEvents = Double(trainingEvents) * config.training.validationFraction
        // One epoch = forward + backward on the training split, forward on the validation split.
        let trainingRate = trainedEvents / trainingSeconds
        let epochFlops = trainedEvents * (forwardFlops + backwardFlops) + validationEvents * forwardFlops
        let x = Array(events.x.prefix(4 * evaluationEvents)), theta = Array(events.theta.prefix(2 * evaluationEvents))
        /// The wall time of one run of `body`.
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = Stopwatch()
            try body()
            return start.seconds
        }
        let logProbSeconds = try seconds { _ = try model.logProb(x, theta: theta, device: device) }
        let sharedSeconds = try seconds { _ = try model.logProb(x, theta: [0.3, -0.2], device: device) }
        // The same events in a seeded random order: no runs of one θ to share work over.
        var order = Array(0..<evaluationEvents)
        var rng = SeededGenerator(seed: 11)
        order.shuffle(using: &rng)
        let shuffledX = order.flatMap { x[(4 * $0)..<(4 * $0 + 4)] }, shuffledTheta = order.flatMap { theta[(2 * $0)..<(2 * $0 + 2)] }
        let shuffledSeconds = try seconds { _ = try model.logProb(shuffledX, theta: shuffledTheta, device: device) }
        let latent = try model.toLatent(x)
        let latentSeconds = try seconds { _ = try model.logProbLatent(latent, theta: theta, device: device) }
        let sampleSeconds = try seconds { _ = try model.sample(count: evaluationEvents, theta: [0.3, -0.2], seed: 1, device: device) }
        /// A whole-array measurement: `evaluationEvents` events in `seconds`, forward FLOPs only.
        func evaluation(_ name: String, seconds: Double) -> Measurement {
            let gflops = forwardFlops * Double(evaluationEvents) / seconds / 1e9
            return Measurement(name: name, eventsPerSecond: Double(evaluationEvents) / seconds, gflops: gflops, fractionOfPeak: gflops / peak)
        }
        return [
            Measurement(name: "training (batch 5000, incl. validation), events/s", eventsPerSecond: trainingRate,
                        gflops: epochFlops / trainingSeconds / 1e9, fractionOfPeak: epochFlops / trainingSeconds / 1e9 / peak),
            evaluation("logProb (data space, \(evaluationEvents) events, θ per event in \(runs) runs)", seconds: logProbSeconds),
            evaluation("logProb (data space, θ per event, shuffled)", seconds: shuffledSeconds),
            evaluation("logProb (data space, one θ for all events)", seconds: sharedSeconds),
            evaluation("logProbLatent (\(evaluationEvents) events, θ in \(runs) runs)", seconds: latentSeconds),
            evaluation("sampling (\(evaluationEvents) events)", seconds: sampleSeconds),
        ]
    }
}

func round1(_ value: Double) -> String {
    let scaled = (value * 10).rounded()
    return "\(Int(scaled) / 10).\(abs(Int(scaled)) % 10)"
}
