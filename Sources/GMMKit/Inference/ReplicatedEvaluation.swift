import GMMCompute

/// Evaluates one fixed set of N encoded events at K values of θ in as few device passes as
/// possible: the K·N (θ, event) rows are cut into chunks of at most
/// ``DensityModel/evaluationChunk`` rows. When N fits in a chunk, the events are replicated
/// once into device memory for as many θ blocks as a chunk holds and only θ is uploaded per pass.
final class ReplicatedEvaluation {
    let model: DensityModel
    let device: Device
    let encoded: EncodedEvents
    /// Whether ∂/∂θ is computed (backward pass into the workspaces' θ gradients).
    let withGradient: Bool
    /// Whole θ blocks per chunk (when the events fit in a chunk; else 0).
    let blocksPerChunk: Int
    let evaluator: ModelEvaluator
    private let theta: DeviceBuffer
    private let inputs: DeviceBuffer
    private let continuousTargets: DeviceBuffer?
    private let integerTargets: DeviceBuffer?
    /// Weight gradients are not wanted, but the backward pass needs a buffer for its signature.
    private let weightGradients: DeviceBuffer?
    private let layout: ModelLayout

    /// Device memory for passes over up to `blocks` θ values at once (capped by the chunk size).
    init(model: DensityModel, encoded: EncodedEvents, device: Device, blocks: Int, withGradient: Bool) throws {
        self.model = model
        self.device = device
        self.encoded = encoded
        self.withGradient = withGradient
        layout = ModelLayout(config: model.config)
        let n = encoded.count
        let chunk = DensityModel.evaluationChunk(on: device)
        blocksPerChunk = n <= chunk ? max(1, min(blocks, chunk / n)) : 0
        let capacity = n <= chunk ? blocksPerChunk * n : chunk
        evaluator = try ModelEvaluator(model: model, device: device, capacity: capacity, training: false, parameterGradients: withGradient)
        theta = try device.makeBuffer(count: capacity * layout.thetaWidth)
        inputs = try device.makeBuffer(count: capacity * model.observableCount)
        continuousTargets = layout.continuousIndices.isEmpty ? nil : try device.makeBuffer(count: layout.continuousIndices.count * capacity)
        integerTargets = layout.integerIndices.isEmpty ? nil : try device.makeBuffer(count: layout.integerIndices.count * capacity)
        weightGradients = withGradient ? try device.makeBuffer(count: model.parameters.count) : nil
        if blocksPerChunk > 0 {
            // The events, replicated for every block a chunk holds: uploaded once.
            try uploadEvents(0..<n, copies: blocksPerChunk)
        }
    }

    /// Writes events `range` (`copies` times in a row) into the input and target buffers.
    private func uploadEvents(_ range: Range<Int>, copies: Int) throws {
        let n = encoded.count, d = model.observableCount, capacity = evaluator.capacity
        let slice = Array(encoded.inputs[(range.lowerBound * d)..<(range.upperBound * d)])
        var replicated: [Float] = []
        replicated.reserveCapacity(slice.count * copies)
        for _ in 0..<copies { replicated.append(contentsOf: slice) }
        try device.write(replicated, into: inputs, offset: 0)
        for (buffer, source, count) in [(continuousTargets, encoded.continuousTargets, layout.continuousIndices.count),
                                        (integerTargets, encoded.integerTargets, layout.integerIndices.count)] {
            guard let buffer else { continue }
            for j in 0..<count {
                let part = Array(source[(j * n + range.lowerBound)..<(j * n + range.upperBound)])
                var rows: [Float] = []
                rows.reserveCapacity(part.count * copies)
                for _ in 0..<copies { rows.append(contentsOf: part) }
                try device.write(rows, into: buffer, offset: j * capacity)
            }
        }
    }

    /// One pass over `rows` rows: θ rows already built (scaled, [rows, thetaWidth]), in blocks
    /// of `blockRows` rows with one θ each; returns each row's log p and, with gradient,
    /// −∂log p/∂(scaled θ) summed over the networks, [rows, thetaWidth]. Without gradient the
    /// θ-only work is done once per block, and with `repeatedEvents` (every block the same
    /// events) the work on the events alone once per pass.
    private func pass(scaledTheta: [Float], rows: Int, blockRows: Int, repeatedEvents: Bool) throws -> (logProb: [Float], thetaGradient: [Float]) {
        let capacity = evaluator.capacity, tw = layout.thetaWidth
        try device.write(scaledTheta, into: theta, offset: 0)
        let batch = DeviceBatch(
            theta: MatrixView(theta, rows: rows, cols: tw),
            inputs: MatrixView(inputs, rows: rows, cols: model.observableCount),
            continuousTargets: continuousTargets.map { MatrixView($0, rows: rows, cols: 1, batch: layout.continuousIndices.count, batchStride: capacity) },
            integerTargets: integerTargets.map { MatrixView($0, rows: rows, cols: 1, batch: layout.integerIndices.count, batchStride: capacity) },
            weights: nil, rows: rows, thetaBlocks: ThetaBlocks(rows: rows, blockRows: blockRows, repeatedEvents: repeatedEvents))
        try evaluator.evaluate(batch, gradients: weightGradients, lossScale: -1, weightGradients: false)
        let logProb = try evaluator.eventLogProbabilities(rows: rows)
        guard withGradient else { return (logProb, []) }
        var gradient = [Float](repeating: 0, count: rows * tw)
        for workspace in [evaluator.continuousWorkspace, evaluator.categoricalWorkspace] {
            guard let workspace, let buffer = workspace.parameterGradient else { continue }
            let values = try device.read(buffer)
            let networks = values.count / (capacity * tw)
            for k in 0..<networks {
                let base = k * capacity * tw
                for i in 0..<(rows * tw) { gradient[i] += values[base + i] }
            }
        }
        return (logProb, gradient)
    }

    /// −Σ_i w_i log p(event_i | θ_k) for each θ_k of `thetas` [K][p] (raw θ), and with
    /// gradient its derivative with respect to raw θ, [K][p].
    func evaluate(_ thetas: [[Double]], weights: [Double]?) throws -> [(value: Double, gradient: [Double])] {
        let p = model.parameterCount, tw = layout.thetaWidth
        let scaling = model.parameterScaling
        var results = [(value: Double, gradient: [Double])](repeating: (0, [Double](repeating: 0, count: p)), count: thetas.count)
        try forEachPass(thetas) { out, row, count, k, firstEvent in
            var value = 0.0
            var gradient = [Double](repeating: 0, count: tw)
            for i in 0..<count {
                let w = weights?[firstEvent + i] ?? 1
                value -= w * Double(out.logProb[row + i])
                if withGradient {
                    for j in 0..<tw { gradient[j] += w * Double(out.thetaGradient[(row + i) * tw + j]) }
                }
            }
            results[k].value += value
            if withGradient { for j in 0..<p { results[k].gradient[j] += gradient[j] * scaling[j].scale } }
        }
        return results
    }

    /// Each event's log p(event_i | θ_k) for each θ_k of `thetas` [K][p] (raw θ), [K][N], and
    /// with gradient each event's score ∂log p/∂θ, [K][N][p] (empty without).
    func perEvent(_ thetas: [[Double]]) throws -> (logProb: [[Double]], scores: [[[Double]]]) {
        let n = encoded.count, p = model.parameterCount, tw = layout.thetaWidth
        let scaling = model.parameterScaling
        var logProb = [[Double]](repeating: [Double](repeating: 0, count: n), count: thetas.count)
        var scores = withGradient ? [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: p), count: n), count: thetas.count) : []
        try forEachPass(thetas) { out, row, count, k, firstEvent in
            for i in 0..<count {
                logProb[k][firstEvent + i] = Double(out.logProb[row + i])
                if withGradient {
                    for j in 0..<p { scores[k][firstEvent + i][j] = -Double(out.thetaGradient[(row + i) * tw + j]) * scaling[j].scale }
                }
            }
        }
        return (logProb, scores)
    }

    /// Each event's score ∂log p(event_i | θ)/∂θ at one raw θ [p], [N][p] (needs `withGradient`).
    func scores(_ theta: [Double]) throws -> [[Double]] {
        precondition(withGradient, "ReplicatedEvaluation.scores needs a workspace made withGradient")
        let p = model.parameterCount, tw = layout.thetaWidth
        let scaling = model.parameterScaling
        var scores = [[Double]](repeating: [Double](repeating: 0, count: p), count: encoded.count)
        try forEachPass([theta]) { out, row, count, _, firstEvent in
            for i in 0..<count {
                // The pass gives −∂log p/∂(scaled θ); scaled θ_j = shift + scale · θ_j.
                for j in 0..<p { scores[firstEvent + i][j] = -Double(out.thetaGradient[(row + i) * tw + j]) * scaling[j].scale }
            }
        }
        return scores
    }

    /// Runs the passes for `thetas` [K][p] (raw θ) and hands each pass's output to `body` with
    /// the row where θ block `k`'s events start, their number and the index of the first event.
    private func forEachPass(_ thetas: [[Double]],
                             _ body: (_ out: (logProb: [Float], thetaGradient: [Float]), _ row: Int, _ count: Int, _ k: Int, _ firstEvent: Int) -> Void) throws {
        let n = encoded.count, p = model.parameterCount, tw = layout.thetaWidth
        let scaling = model.parameterScaling
        func scaledRow(_ t: [Double]) -> [Float] {
            var row = [Float](repeating: 0, count: tw)
            for j in 0..<p { row[j] = Float(scaling[j](t[j])) }
            return row
        }
        if blocksPerChunk > 0 {
            var k0 = 0
            while k0 < thetas.count {
                let blocks = min(blocksPerChunk, thetas.count - k0)
                var scaled: [Float] = []
                scaled.reserveCapacity(blocks * n * tw)
                for b in 0..<blocks {
                    let row = scaledRow(thetas[k0 + b])
                    for _ in 0..<n { scaled.append(contentsOf: row) }
                }
                let out = try pass(scaledTheta: scaled, rows: blocks * n, blockRows: n, repeatedEvents: true)
                for b in 0..<blocks { body(out, b * n, n, k0 + b, 0) }
                k0 += blocks
            }
        } else {
            let chunk = evaluator.capacity
            for (k, t) in thetas.enumerated() {
                let row = scaledRow(t)
                var start = 0
                while start < n {
                    let range = start..<min(n, start + chunk)
                    try uploadEvents(range, copies: 1)
                    var scaled: [Float] = []
                    scaled.reserveCapacity(range.count * tw)
                    for _ in range { scaled.append(contentsOf: row) }
                    body(try pass(scaledTheta: scaled, rows: range.count, blockRows: range.count, repeatedEvents: false), 0, range.count, k, start)
                    start = range.upperBound
                }
            }
        }
    }
}
