import GMMCompute

extension DensityModel {
    /// Draws `count` events from p(x|θ) at one θ ([p]), [count, d] in data space.
    ///
    /// Observables are drawn in autoregressive order (u_0 from p_0(u_0|θ), u_1 from
    /// p_1(u_1|u_0, θ), …) on the device, each network run only for its own observable, in
    /// chunks of ``evaluationChunk(on:)`` events; latent values are mapped back through the
    /// projections. The same seed gives the same events on the same device.
    ///
    /// - Parameters:
    ///   - count: the number of events (≥ 0).
    ///   - theta: the parameters, [p].
    ///   - seed: the random stream's seed.
    ///   - device: where to compute.
    ///   - progress: called with the number of events drawn so far after each chunk.
    public func sample(count: Int, theta: [Double], seed: UInt64, device: Device,
                       progress: ((Int) -> Void)? = nil) throws -> [Double] {
        try draw(count: count, theta: theta, seed: seed, device: device, dataSpace: true, progress: progress)
    }

    /// Like ``sample(count:theta:seed:device:progress:)`` but returns latent values [count, d]
    /// (integer observables as values).
    public func sampleLatent(count: Int, theta: [Double], seed: UInt64, device: Device,
                             progress: ((Int) -> Void)? = nil) throws -> [Double] {
        try draw(count: count, theta: theta, seed: seed, device: device, dataSpace: false, progress: progress)
    }

    /// Draws in chunks, mapping each chunk to data space when `dataSpace` (so only the output
    /// array grows with `count`).
    private func draw(count: Int, theta: [Double], seed: UInt64, device: Device, dataSpace: Bool,
                      progress: ((Int) -> Void)?) throws -> [Double] {
        guard isPrepared else { throw ModelError.notFitted }
        guard count >= 0 else { throw ModelError.invalidArgument(name: "count", expected: "a non-negative number of events", got: "\(count)") }
        guard theta.count == parameterCount else {
            throw ModelError.shapeMismatch(field: "theta", expected: "\(parameterCount) values (\(config.parameters.names.joined(separator: ", ")))", got: "\(theta.count) values")
        }
        if let bad = theta.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFinite(field: "theta", row: 0, column: bad, value: theta[bad])
        }
        if count == 0 { return [] }
        let d = observableCount
        let layout = ModelLayout(config: config)
        let evaluator = try ModelEvaluator(model: self, device: device, capacity: min(count, Self.evaluationChunk(on: device)), training: false)
        let capacity = evaluator.capacity
        let thetaBuffer = try device.makeBuffer(count: capacity * layout.thetaWidth)
        let scaledTheta = (0..<layout.thetaWidth).map { j in j < parameterCount ? Float(parameterScaling[j](theta[j])) : 0 }
        try device.write((0..<capacity).flatMap { _ in scaledTheta }, into: thetaBuffer, offset: 0)
        let inputs = try device.makeBuffer(count: capacity * d)
        let drawn = try device.makeBuffer(count: d * capacity)
        let uniforms = try device.makeBuffer(count: 2 * capacity)
        let scalings = inputScalings
        let scaleBuffers = try scalings.map { (try device.makeBuffer([Float($0.scale)]), try device.makeBuffer([Float($0.shift)])) }
        let categoryShifts = try config.observables.map { (try device.makeBuffer([1]), try device.makeBuffer([Float($0.interval.lower)])) }
        var rng = SeededGenerator(seed: seed, stream: 7)
        var result = [Double](repeating: 0, count: count * d)
        var start = 0
        while start < count {
            let rows = min(capacity, count - start)
            let thetaView = MatrixView(thetaBuffer, rows: rows, cols: layout.thetaWidth)
            let inputView = MatrixView(inputs, rows: rows, cols: d)
            for i in 0..<d {
                let out = MatrixView(drawn, offset: i * capacity, rows: rows, cols: 1)
                if let j = layout.continuousIndices.firstIndex(of: i), let stack = layout.continuous, let workspace = evaluator.continuousWorkspace {
                    try device.write((0..<(2 * rows)).map { _ in rng.nextOpenUnitFloat() }, into: uniforms, offset: 0)
                    try stack.forward(parameters: evaluator.parameters, theta: thetaView, observables: inputView, rows: rows,
                                      workspace: workspace, device: device, networks: j..<(j + 1), thetaBlocks: ThetaBlocks(rows: rows, blockRows: rows))
                    let params = evaluator.mixtureParameters(rows: rows, networks: j..<(j + 1))
                    var head = evaluator.head
                    head.meanOffsets = head.meanOffsets.batches(0..<1)
                    head.baseWidths = head.baseWidths.batches(0..<1)
                    try device.mixtureHead(stack.output(workspace, rows: rows).batches(j..<(j + 1)), head: head, into: params)
                    try device.sampleMixture(params, bounds: evaluator.truncation?.batches(0..<1),
                                             uniforms: MatrixView(uniforms, rows: rows, cols: 2), into: out)
                } else if let j = layout.integerIndices.firstIndex(of: i), let stack = layout.categorical, let workspace = evaluator.categoricalWorkspace {
                    try device.write((0..<rows).map { _ in rng.nextOpenUnitFloat() }, into: uniforms, offset: 0)
                    try stack.forward(parameters: evaluator.parameters, theta: thetaView, observables: inputView, rows: rows,
                                      workspace: workspace, device: device, networks: j..<(j + 1), thetaBlocks: ThetaBlocks(rows: rows, blockRows: rows))
                    try device.sampleCategorical(logits: stack.output(workspace, rows: rows).batches(j..<(j + 1)),
                                                 uniforms: MatrixView(uniforms, rows: rows, cols: 1), into: out)
                    // Category index → value: add the interval's lower end.
                    let (one, lower) = categoryShifts[i]
                    try device.affineColumns(out, into: out, scale: MatrixView(one, rows: 1, cols: 1), shift: MatrixView(lower, rows: 1, cols: 1))
                }
                // The drawn value becomes an input of the later observables' networks.
                let (scale, shift) = scaleBuffers[i]
                try device.affineColumns(out, into: inputView.columns(i..<(i + 1)),
                                         scale: MatrixView(scale, rows: 1, cols: 1), shift: MatrixView(shift, rows: 1, cols: 1))
            }
            let values = try device.read(drawn)
            for i in 0..<d {
                let projection = dataSpace ? projections[i] : nil
                for r in 0..<rows {
                    let u = Double(values[i * capacity + r])
                    result[(start + r) * d + i] = projection?.fromLatent(u) ?? u
                }
            }
            start += rows
            progress?(start)
        }
        return result
    }
}
