import GMMCompute

extension DensityModel {
    /// Events evaluated per pass on `device` (its `Device.preferredEvaluationRows`): bounds
    /// memory (at the Table-5 sizes about 100 MB per 65k events) whatever the number of events.
    public static func evaluationChunk(on device: Device) -> Int { max(1, device.preferredEvaluationRows) }

    /// Encodes latent values u [n, d] (integer observables as values), θ [n, p] and weights for
    /// the networks: scaled inputs, θ, and per-network targets [s, n].
    func encode(latent u: [Double], theta: [Double], weights: [Double]?, count n: Int) -> EncodedEvents {
        let d = observableCount, p = parameterCount
        let layout = ModelLayout(config: config)
        let tw = layout.thetaWidth
        var thetaScaled = [Float](repeating: 0, count: n * tw)
        if p > 0 {
            for r in 0..<n { for j in 0..<p { thetaScaled[r * tw + j] = Float(parameterScaling[j](theta[r * p + j])) } }
        }
        let inputScaling = inputScalings
        var inputs = [Float](repeating: 0, count: n * d)
        for r in 0..<n { for i in 0..<d { inputs[r * d + i] = Float(inputScaling[i](u[r * d + i])) } }
        var continuous = [Float](repeating: 0, count: layout.continuousIndices.count * n)
        for (j, i) in layout.continuousIndices.enumerated() { for r in 0..<n { continuous[j * n + r] = Float(u[r * d + i]) } }
        var integer = [Float](repeating: 0, count: layout.integerIndices.count * n)
        for (j, i) in layout.integerIndices.enumerated() {
            let lower = config.observables[i].interval.lower
            for r in 0..<n { integer[j * n + r] = Float(u[r * d + i] - lower) }
        }
        return EncodedEvents(theta: thetaScaled, inputs: inputs, continuousTargets: continuous, integerTargets: integer,
                             weights: weights.map { $0.map(Float.init) } ?? [], count: n)
    }

    /// The map of each observable's network input onto [-2, 2]: the latent interval for
    /// continuous observables, the value interval for integer ones.
    var inputScalings: [AffineScaling] {
        config.observables.map { observable in
            observable.kind == .continuous
                ? AffineScaling(mapping: config.latent.interval.lower, config.latent.interval.upper)
                : AffineScaling(mapping: observable.interval.lower, observable.interval.upper)
        }
    }

    /// θ for the events `rows`, [rows.count, p], from either one θ ([p], used for every event)
    /// or one per event ([N, p]).
    func thetaRows(_ theta: [Double], _ rows: Range<Int>) -> [Double] {
        let p = parameterCount
        if theta.count == p {
            var result = [Double]()
            result.reserveCapacity(rows.count * p)
            for _ in rows { result.append(contentsOf: theta) }
            return result
        }
        return Array(theta[(rows.lowerBound * p)..<(rows.upperBound * p)])
    }

    /// Checks that θ is [p] or [n, p] and finite.
    func checkTheta(_ theta: [Double], count n: Int) throws {
        let p = parameterCount
        guard theta.count == p || theta.count == n * p else {
            throw ModelError.shapeMismatch(field: "theta", expected: "[\(p)] or [\(n), \(p)] values", got: "\(theta.count) values")
        }
        if let bad = theta.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFinite(field: "theta", row: theta.count == p ? 0 : bad / p, column: bad % p, value: theta[bad])
        }
    }

    /// log p(u|θ) per event in the latent space, [N]: `u` is [N, d] (latent values for
    /// continuous observables, values for integer ones), `theta` is [p] or [N, p].
    ///
    /// - Parameters:
    ///   - u: the events in the latent space, [N, d].
    ///   - theta: one θ for every event, [p], or one per event, [N, p].
    ///   - device: where to compute.
    ///   - progress: told the number of events done after each device pass.
    public func logProbLatent(_ u: [Double], theta: [Double], device: Device, progress: ((Int) -> Void)? = nil) throws -> [Double] {
        let n = try rowCount(u, field: "u")
        var result = [Double]()
        result.reserveCapacity(n)
        try evaluateChunks(count: n, theta: theta, device: device, latent: { rows in
            let chunk = Array(u[(rows.lowerBound * observableCount)..<(rows.upperBound * observableCount)])
            try checkLatent(chunk, firstRow: rows.lowerBound)
            return chunk
        }) { evaluator, rows, bufferRow in
            let values = try evaluator.eventLogProbabilities(rows: rows.count)
            result.append(contentsOf: bufferRow.map { Double(values[$0]) })
            progress?(result.count)
        }
        return result
    }

    /// log p(x|θ) per event in the data space (the latent density times the projection's
    /// Jacobian), [N]: `x` is [N, d], `theta` is [p] or [N, p]. Events are projected and
    /// evaluated in chunks, so memory stays bounded beyond the input and output arrays.
    ///
    /// - Parameters:
    ///   - x: the events in data space, [N, d], columns in config order.
    ///   - theta: one θ for every event, [p], or one per event, [N, p].
    ///   - device: where to compute.
    ///   - progress: told the number of events done after each device pass.
    /// - Throws: ``ModelError`` for a shape mismatch, a non-finite value, a value outside its
    ///   observable's interval or a non-integer value of an integer observable.
    public func logProb(_ x: [Double], theta: [Double], device: Device, progress: ((Int) -> Void)? = nil) throws -> [Double] {
        try logProb(x, theta: theta, device: device, shareTheta: true, progress: progress)
    }

    /// ``logProb(_:theta:device:progress:)``; `shareTheta: false` does every event's θ-only
    /// work on its own (for tests that compare the two).
    func logProb(_ x: [Double], theta: [Double], device: Device, shareTheta: Bool, progress: ((Int) -> Void)? = nil) throws -> [Double] {
        let n = try rowCount(x, field: "x")
        var result = [Double]()
        result.reserveCapacity(n)
        var jacobian: [Double] = []
        try evaluateChunks(count: n, theta: theta, device: device, shareTheta: shareTheta, latent: { rows in
            let chunk = Array(x[(rows.lowerBound * observableCount)..<(rows.upperBound * observableCount)])
            do {
                try validateObservables(chunk, count: rows.count)
            } catch let ModelError.outsideInterval(observable, row, value, lower, upper) {
                throw ModelError.outsideInterval(observable: observable, row: row + rows.lowerBound, value: value, lower: lower, upper: upper)
            } catch let ModelError.notInteger(observable, row, value) {
                throw ModelError.notInteger(observable: observable, row: row + rows.lowerBound, value: value)
            } catch let ModelError.nonFinite(field, row, column, value) {
                throw ModelError.nonFinite(field: field, row: row + rows.lowerBound, column: column, value: value)
            }
            let projected = project(chunk, jacobian: true)
            jacobian = projected.logJacobian
            return projected.latent
        }) { evaluator, rows, bufferRow in
            let latent = try evaluator.eventLogProbabilities(rows: rows.count)
            for (r, j) in zip(bufferRow, jacobian) { result.append(Double(latent[r]) + j) }
            progress?(result.count)
        }
        return result
    }

    /// The autoregressive factors log p_i(u_i | u_<i, θ) per event, [N, d].
    func logProbLatentFactors(_ u: [Double], theta: [Double], device: Device) throws -> [Double] {
        let d = observableCount
        let n = try rowCount(u, field: "u")
        let layout = ModelLayout(config: config)
        var result = [Double]()
        try evaluateChunks(count: n, theta: theta, device: device, latent: { rows in
            let chunk = Array(u[(rows.lowerBound * d)..<(rows.upperBound * d)])
            try checkLatent(chunk, firstRow: rows.lowerBound)
            return chunk
        }) { evaluator, rows, bufferRow in
            var block = [Double](repeating: 0, count: rows.count * d)
            for (buffer, indices) in [(evaluator.continuousLogProb, layout.continuousIndices), (evaluator.integerLogProb, layout.integerIndices)] {
                guard let buffer else { continue }
                let values = try evaluator.device.read(buffer)
                for (j, i) in indices.enumerated() {
                    for (r, b) in bufferRow.enumerated() { block[r * d + i] = Double(values[j * evaluator.capacity + b]) }
                }
            }
            result.append(contentsOf: block)
        }
        return result
    }

    /// The number of rows of a [N, d] array, or a shape error naming `field`.
    func rowCount(_ values: [Double], field: String) throws -> Int {
        guard isPrepared else { throw ModelError.notFitted }
        guard values.count % observableCount == 0 else {
            throw ModelError.shapeMismatch(field: field, expected: "[N, \(observableCount)]", got: "\(values.count) values")
        }
        return values.count / observableCount
    }

    /// Checks latent values [rows, d]: continuous ones inside the latent interval, integer ones
    /// valid values; `firstRow` numbers the rows in errors.
    func checkLatent(_ u: [Double], firstRow: Int) throws {
        let n = u.count / observableCount
        let lo = config.latent.interval.lower, hi = config.latent.interval.upper
        for (i, observable) in config.observables.enumerated() where observable.kind == .continuous {
            for r in 0..<n {
                let v = u[r * observableCount + i]
                if !(v >= lo && v <= hi) {
                    if !v.isFinite { throw ModelError.nonFinite(field: "u", row: firstRow + r, column: i, value: v) }
                    throw ModelError.outsideInterval(observable: "\(observable.name) (latent)", row: firstRow + r, value: v, lower: lo, upper: hi)
                }
            }
        }
        do {
            try validateIntegerObservables(u, count: n)
        } catch let ModelError.outsideInterval(observable, row, value, lower, upper) {
            throw ModelError.outsideInterval(observable: observable, row: row + firstRow, value: value, lower: lower, upper: upper)
        } catch let ModelError.notInteger(observable, row, value) {
            throw ModelError.notInteger(observable: observable, row: row + firstRow, value: value)
        }
    }

    /// Evaluates the networks on `count` events in chunks: `latent` gives each chunk's latent
    /// values [rows, d]; `collect` reads the evaluator's results after each chunk, where chunk
    /// row r sits at buffer row `bufferRow[r]`.
    ///
    /// The work that depends on θ alone is done once per θ where events share it
    /// (``DeviceBatch/thetaBlocks``): with one θ for all events, once per chunk; with a θ per
    /// event, a chunk is evaluated sorted by θ when its blocks of one θ average at least
    /// ``Device/minimumThetaBlockRows`` events (events simulated at a few θ points, stored
    /// together or not). `shareTheta: false` evaluates every event on its own (for tests).
    func evaluateChunks(count n: Int, theta: [Double], device: Device, shareTheta: Bool = true,
                        latent: (Range<Int>) throws -> [Double], _ collect: (ModelEvaluator, Range<Int>, [Int]) throws -> Void) throws {
        try checkTheta(theta, count: n)
        if n == 0 { return }
        let evaluator = try ModelEvaluator(model: self, device: device, capacity: min(n, Self.evaluationChunk(on: device)), training: false)
        let buffers = try ChunkBuffers(evaluator: evaluator)
        let oneTheta = theta.count == parameterCount
        for start in stride(from: 0, to: n, by: evaluator.capacity) {
            let rows = start..<min(n, start + evaluator.capacity)
            var u = try latent(rows)
            var chunkTheta = thetaRows(theta, rows)
            var bufferRow = Array(0..<rows.count)
            var blocks: ThetaBlocks? = oneTheta && shareTheta ? ThetaBlocks(rows: rows.count, blockRows: rows.count) : nil
            if !oneTheta, shareTheta,
               let (order, sorted) = sortedByTheta(chunkTheta, rows: rows.count, minimumMeanRows: device.minimumThetaBlockRows) {
                if order != bufferRow {
                    u = permute(u, order, width: observableCount)
                    chunkTheta = permute(chunkTheta, order, width: parameterCount)
                    for (b, r) in order.enumerated() { bufferRow[r] = b }
                }
                blocks = sorted
            }
            let encoded = encode(latent: u, theta: chunkTheta, weights: nil, count: rows.count)
            var batch = try buffers.upload(encoded, model: self)
            batch.thetaBlocks = blocks
            try evaluator.evaluate(batch)
            try collect(evaluator, rows, bufferRow)
        }
    }

    /// The order that sorts the rows of θ [rows, p] by θ (equal θ adjacent, in order of first
    /// appearance, rows of one θ in their order) and the blocks of one θ it makes, or nil when
    /// those hold fewer than `minimumMeanRows` rows on average.
    func sortedByTheta(_ theta: [Double], rows: Int, minimumMeanRows: Int) -> (order: [Int], blocks: ThetaBlocks)? {
        let p = parameterCount
        guard p > 0, rows > 1 else { return nil }
        let (point, firstRows) = distinctRows(theta, width: p, rows: rows)
        guard ThetaBlocks.areLongEnough(blocks: firstRows.count, rows: rows, minimumMeanRows: minimumMeanRows) else { return nil }
        var counts = [Int](repeating: 0, count: firstRows.count)
        for k in point { counts[k] += 1 }
        // A counting sort: block k starts after the rows of points 0..<k.
        var bounds = [0]
        for count in counts { bounds.append(bounds[bounds.count - 1] + count) }
        var next = Array(bounds.dropLast())
        var order = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            order[next[point[r]]] = r
            next[point[r]] += 1
        }
        return (order, ThetaBlocks(bounds: bounds))
    }
}

/// Device buffers for one chunk of events of an evaluator's capacity.
struct ChunkBuffers {
    let evaluator: ModelEvaluator
    let theta: DeviceBuffer
    let inputs: DeviceBuffer
    let continuousTargets: DeviceBuffer?
    let integerTargets: DeviceBuffer?

    init(evaluator: ModelEvaluator) throws {
        self.evaluator = evaluator
        let device = evaluator.device, capacity = evaluator.capacity, layout = evaluator.layout
        theta = try device.makeBuffer(count: capacity * layout.thetaWidth)
        inputs = try device.makeBuffer(count: capacity * evaluator.config.observables.count)
        continuousTargets = layout.continuousIndices.isEmpty ? nil : try device.makeBuffer(count: layout.continuousIndices.count * capacity)
        integerTargets = layout.integerIndices.isEmpty ? nil : try device.makeBuffer(count: layout.integerIndices.count * capacity)
    }

    /// Writes `encoded` (at most `capacity` events) and returns the batch viewing it.
    func upload(_ encoded: EncodedEvents, model: DensityModel) throws -> DeviceBatch {
        let device = evaluator.device, capacity = evaluator.capacity, layout = evaluator.layout
        let rows = encoded.count
        let d = model.observableCount
        try device.write(encoded.theta, into: theta, offset: 0)
        try device.write(encoded.inputs, into: inputs, offset: 0)
        if let continuousTargets {
            for j in 0..<layout.continuousIndices.count {
                try device.write(Array(encoded.continuousTargets[(j * rows)..<((j + 1) * rows)]), into: continuousTargets, offset: j * capacity)
            }
        }
        if let integerTargets {
            for j in 0..<layout.integerIndices.count {
                try device.write(Array(encoded.integerTargets[(j * rows)..<((j + 1) * rows)]), into: integerTargets, offset: j * capacity)
            }
        }
        return DeviceBatch(
            theta: MatrixView(theta, rows: rows, cols: layout.thetaWidth),
            inputs: MatrixView(inputs, rows: rows, cols: d),
            continuousTargets: continuousTargets.map { MatrixView($0, rows: rows, cols: 1, batch: layout.continuousIndices.count, batchStride: capacity) },
            integerTargets: integerTargets.map { MatrixView($0, rows: rows, cols: 1, batch: layout.integerIndices.count, batchStride: capacity) },
            weights: nil, rows: rows)
    }
}
