import GMMCompute

/// A conditional density model p(x|θ) (Menary & Price 2022): each continuous observable is
/// mapped to a latent space by a monotone projection built at the reference θ, and
/// p(u|θ) = Π_i p_i(u_i | u_<i, θ) is an autoregressive product of Gaussian mixtures (continuous
/// observables, truncated to the latent interval by default) and categorical distributions
/// (integer observables), whose parameters come from neural networks fed θ and u_<i.
///
/// Configure it with a ``ModelConfig``, then ``fit(_:device:options:progress:)`` returns it
/// trained. Density (``logProb(_:theta:device:progress:)``), latent density, sampling
/// (``sample(count:theta:seed:device:progress:)``) and the projection are separate calls; ``save(to:)``
/// and ``load(from:)`` write and read a model directory.
public struct DensityModel: Sendable {
    /// The model description.
    public internal(set) var config: ModelConfig
    /// The latent projection of each observable (nil for integer observables), [d]; empty
    /// until the model is prepared on events.
    public internal(set) var projections: [ObservableProjection?]
    /// The map of each parameter onto the networks' [-2, 2] input range, [p].
    public internal(set) var parameterScaling: [AffineScaling]
    /// The flat network parameters (padded stacked layout of ``ModelLayout``).
    var parameters: [Float]
    /// The training record (empty before fitting).
    public internal(set) var history: TrainingHistory

    /// An untrained, unprepared model: validates `config`.
    public init(config: ModelConfig) throws {
        try config.validate()
        self.config = config
        projections = []
        parameterScaling = []
        parameters = []
        history = TrainingHistory()
    }

    /// Observables per event (d).
    public var observableCount: Int { config.observables.count }
    /// External parameters per event (p).
    public var parameterCount: Int { config.parameters.count }
    /// Whether the projections and initial weights exist (after ``prepared(on:)`` or fitting).
    public var isPrepared: Bool { !projections.isEmpty && !parameters.isEmpty }

    /// Trainable parameters (the networks' weights and biases, padding excluded).
    public var trainableParameterCount: Int {
        let layout = ModelLayout(config: config)
        return [layout.continuous, layout.categorical].compactMap { $0 }.reduce(0) { total, stack in
            total + stack.layers.reduce(0) { sum, layer in
                sum + zip(layer.inWidths, layer.outWidths).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
            }
        }
    }

    /// Useful forward floating-point operations per event (all networks, active blocks).
    public var forwardFlopsPerEvent: Double { ModelLayout(config: config).forwardFlopsPerEvent }

    // MARK: Preparation

    /// The model with its projections built from the (weighted) events at the reference θ, or
    /// those nearest it, or all of them (``ParameterConfig/projectionFrom``; on an unbounded side
    /// covering the events at every θ, plus a 5% margin),
    /// its parameter scaling from the events' θ range, and freshly initialised weights (seed
    /// `config.training.seed`): ready to train or to evaluate untrained.
    ///
    /// - Throws: ``ModelError`` for events that do not fit the config (shapes, intervals,
    ///   integer values, no events at the reference θ) or a ``ProjectionError``.
    public func prepared(on events: Events) throws -> DensityModel {
        try validate(events, field: "events")
        var model = self
        let reference = try referenceIndices(events)
        model.projections = try config.observables.enumerated().map { i, observable in
            guard observable.kind == .continuous else { return nil }
            let values = reference.map { events.x[$0 * observableCount + i] }
            let weights = events.weights.map { w in reference.map { w[$0] } }
            // D_x comes from the reference θ; an unbounded side covers the events at every θ.
            var lowest = Double.infinity, highest = -Double.infinity
            for r in 0..<events.count {
                lowest = min(lowest, events.x[r * observableCount + i])
                highest = max(highest, events.x[r * observableCount + i])
            }
            return try ObservableProjection(
                name: observable.name, values: values, weights: weights, lowerBound: observable.interval.lower,
                upperBound: observable.interval.upper, f: observable.projectionF, target: try config.latent.target(),
                maxKnots: config.latent.knotCount(events: values.count), coverage: lowest...highest,
                interpolation: config.latent.interpolation)
        }
        model.parameterScaling = (0..<parameterCount).map { j in
            var lo = Double.infinity, hi = -Double.infinity
            for i in 0..<events.count {
                let v = events.theta[i * parameterCount + j]
                lo = min(lo, v)
                hi = max(hi, v)
            }
            return AffineScaling(mapping: lo, hi)
        }
        let layout = ModelLayout(config: config)
        var values = layout.initialPadding()
        var rng = SeededGenerator(seed: config.training.seed)
        let thetaScale = Float(config.network.thetaInitScale)
        layout.continuous?.initialParameters(into: &values, rng: &rng, thetaScale: thetaScale)
        layout.categorical?.initialParameters(into: &values, rng: &rng, thetaScale: thetaScale)
        if config.network.thetaKinks == .spread {
            layout.continuous?.spreadThetaKinks(&values, rng: &rng)
            layout.categorical?.spreadThetaKinks(&values, rng: &rng)
        }
        model.parameters = values
        model.history = TrainingHistory()
        return model
    }

    /// Indices of the events that build the projection (``ParameterConfig/projectionFrom``):
    /// those at the reference θ, the nearest to it, or all (all events for an unconditional model).
    func referenceIndices(_ events: Events) throws -> [Int] {
        if parameterCount == 0 || config.parameters.projectionFrom == .all { return Array(0..<events.count) }
        let reference = config.parameters.reference
        if config.parameters.projectionFrom == .nearest {
            // Distances in θ scaled by each parameter's range over the events.
            let p = parameterCount
            var lo = [Double](repeating: .infinity, count: p), hi = [Double](repeating: -.infinity, count: p)
            for i in 0..<events.count {
                for j in 0..<p { lo[j] = min(lo[j], events.theta[i * p + j]); hi[j] = max(hi[j], events.theta[i * p + j]) }
            }
            let scale = (0..<p).map { hi[$0] > lo[$0] ? 1 / (hi[$0] - lo[$0]) : 1 }
            let distance = (0..<events.count).map { i in
                (0..<p).reduce(0.0) { sum, j in
                    let z = (events.theta[i * p + j] - reference[j]) * scale[j]
                    return sum + z * z
                }
            }
            let take = min(events.count, config.parameters.projectionEvents)
            return (0..<events.count).sorted { (distance[$0], $0) < (distance[$1], $1) }.prefix(take).sorted()
        }
        let indices = (0..<events.count).filter { i in
            zip(events.parameters(of: i), reference).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }
        }
        if indices.isEmpty {
            // Eleven at most: the message shows ten and whether there are more.
            throw ModelError.noReferenceEvents(reference: reference, distinct: Array(events.thetaPoints().points.prefix(11)))
        }
        return indices
    }

    // MARK: Validation and the projection

    /// Checks that events fit the config: d and p columns, observables inside their intervals,
    /// integer observables integral. `field` names the data in errors.
    public func validate(_ events: Events, field: String) throws {
        guard events.count > 0 else { throw ModelError.empty(field: field) }
        guard events.observableCount == observableCount else {
            throw ModelError.shapeMismatch(field: "\(field).x", expected: "\(observableCount) columns (\(config.observables.map(\.name).joined(separator: ", ")))",
                                           got: "\(events.observableCount) columns")
        }
        guard events.parameterCount == parameterCount else {
            throw ModelError.shapeMismatch(field: "\(field).theta", expected: "\(parameterCount) columns (\(config.parameters.names.joined(separator: ", ")))",
                                           got: "\(events.parameterCount) columns")
        }
        try validateObservables(events.x, count: events.count)
    }

    /// Checks observables [count, d] against the intervals and integer kinds.
    func validateObservables(_ x: [Double], count: Int) throws {
        for (i, observable) in config.observables.enumerated() {
            let (lo, hi) = (observable.interval.lower, observable.interval.upper)
            for r in 0..<count {
                let v = x[r * observableCount + i]
                if !(v >= lo && v <= hi) {
                    if !v.isFinite { throw ModelError.nonFinite(field: "x", row: r, column: i, value: v) }
                    throw ModelError.outsideInterval(observable: observable.name, row: r, value: v, lower: lo, upper: hi)
                }
                if observable.kind == .integer, v.rounded() != v {
                    throw ModelError.notInteger(observable: observable.name, row: r, value: v)
                }
            }
        }
    }

    /// Checks the integer observables of [count, d] values: inside their intervals and integral.
    func validateIntegerObservables(_ x: [Double], count: Int) throws {
        for (i, observable) in config.observables.enumerated() where observable.kind == .integer {
            for r in 0..<count {
                let v = x[r * observableCount + i]
                if !(v >= observable.interval.lower && v <= observable.interval.upper) {
                    if !v.isFinite { throw ModelError.nonFinite(field: "x", row: r, column: i, value: v) }
                    throw ModelError.outsideInterval(observable: observable.name, row: r, value: v,
                                                     lower: observable.interval.lower, upper: observable.interval.upper)
                }
                if v.rounded() != v { throw ModelError.notInteger(observable: observable.name, row: r, value: v) }
            }
        }
    }

    /// Maps observables [N, d] to the latent space (integer observables unchanged).
    ///
    /// Values of an unbounded continuous observable beyond the range its projection covers are
    /// clamped to the edge of the latent interval.
    public func toLatent(_ x: [Double]) throws -> [Double] {
        guard isPrepared else { throw ModelError.notFitted }
        guard x.count % observableCount == 0 else {
            throw ModelError.shapeMismatch(field: "x", expected: "[N, \(observableCount)]", got: "\(x.count) values")
        }
        try validateObservables(x, count: x.count / observableCount)
        return project(x).latent
    }

    /// Maps latent values [N, d] back to the observables (integer observables unchanged): the
    /// inverse of ``toLatent(_:)``. Continuous values must lie in the latent interval, integer
    /// ones in their observable's interval.
    public func fromLatent(_ u: [Double]) throws -> [Double] {
        let n = try rowCount(u, field: "u")
        try checkLatent(u, firstRow: 0)
        var x = u
        for (i, projection) in projections.enumerated() {
            guard let projection else { continue }
            for r in 0..<n { x[r * observableCount + i] = projection.fromLatent(u[r * observableCount + i]) }
        }
        return x
    }

    /// Latent values [N, d] and Σ_i log|dh_i/dx_i| [N] of checked observables, rows spread
    /// over the cores.
    func project(_ x: [Double], jacobian: Bool = false) -> (latent: [Double], logJacobian: [Double]) {
        let d = observableCount
        let n = x.count / d
        var u = x
        var total = [Double](repeating: 0, count: jacobian ? n : 0)
        u.withUnsafeMutableBufferPointer { uBuffer in
            total.withUnsafeMutableBufferPointer { jBuffer in
                let (up, jp) = (uBuffer.baseAddress!, jacobian ? jBuffer.baseAddress : nil)
                parallelFor(n, minimumPerChunk: 2048) { rows in
                    // Observable by observable, so each projection is bound once per chunk, not per value.
                    for (i, projection) in projections.enumerated() {
                        guard let projection else { continue }
                        let (lower, upper) = (projection.densityLowerBound, projection.densityUpperBound)
                        for r in rows {
                            let v = x[r * d + i]
                            let latent = projection.toLatent(v)
                            up[r * d + i] = latent
                            if let jp {
                                jp[r] += v < lower || v > upper ? -.infinity : projection.logAbsJacobian(v, latent: latent)
                            }
                        }
                    }
                }
            }
        }
        return (u, total)
    }

    /// Σ_i log|dh_i/dx_i| per event, [N]: the data-space density is the latent one times this.
    /// An unbounded side has an exponential tail (``ProjectionTail/exponential``), so every
    /// finite value there has a finite density; only a projection without tails (a model file
    /// written before they existed) gives −∞ beyond its last knot.
    public func logAbsJacobian(_ x: [Double]) throws -> [Double] {
        guard isPrepared else { throw ModelError.notFitted }
        return project(x, jacobian: true).logJacobian
    }
}
