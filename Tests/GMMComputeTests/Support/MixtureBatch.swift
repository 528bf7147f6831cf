@testable import GMMCompute

/// Float32 inputs of a batch of Gaussian-mixture rows, and the device calls that evaluate
/// and sample them.
struct MixtureBatch {
    /// Stacked networks (the view's batch).
    var batch: Int
    /// Rows per network.
    var rows: Int
    /// Components per row.
    var components: Int
    /// [batch, rows, components] each.
    var logits: [Float], means: [Float], widths: [Float]
    /// u, [batch, rows].
    var values: [Float]
    /// (lo, hi) per network, or nil for untruncated mixtures.
    var bounds: [(lo: Float, hi: Float)]?

    /// The outputs of ``logLikelihood(on:weights:scale:gradient:)``, each flattened in
    /// (batch, row, component) order.
    struct Evaluation {
        var logProb: [Float]
        var dLogits: [Float] = [], dMeans: [Float] = [], dWidths: [Float] = []
    }

    /// One row as a float64 reference mixture.
    func reference(batch b: Int, row r: Int) -> Reference.Mixture {
        let start = (b * rows + r) * components
        let range = start..<(start + components)
        return Reference.Mixture(logits: Array(logits[range]), means: Array(means[range]), widths: Array(widths[range]),
                                 bounds: bounds?[b])
    }

    /// The value of one row.
    func value(batch b: Int, row r: Int) -> Float { values[b * rows + r] }

    func mixtureViews(on device: Device) throws -> MixtureViews {
        MixtureViews(logits: try device.upload(logits, batch: batch, rows: rows, cols: components),
                     means: try device.upload(means, batch: batch, rows: rows, cols: components),
                     widths: try device.upload(widths, batch: batch, rows: rows, cols: components))
    }

    func boundsView(on device: Device) throws -> MatrixView? {
        try bounds.map { try device.upload($0.flatMap { [$0.lo, $0.hi] }, batch: batch, rows: 1, cols: 2) }
    }

    /// Runs `mixtureLogLikelihood` on `device`; with `gradient`, also the gradients
    /// `scale · w_r · ∂ log p_r / ∂(logits, means, widths)` (`weights` [rows], shared by the batch).
    func logLikelihood(on device: Device, weights: [Float]? = nil, scale: Float = 1, gradient: Bool) throws -> Evaluation {
        let mixture = try mixtureViews(on: device)
        let logProb = try device.zeros(batch: batch, rows: rows, cols: 1)
        var request: (MixtureViews, LossWeights)?
        if gradient {
            let views = MixtureViews(logits: try device.zeros(batch: batch, rows: rows, cols: components),
                                     means: try device.zeros(batch: batch, rows: rows, cols: components),
                                     widths: try device.zeros(batch: batch, rows: rows, cols: components))
            let w = try weights.map { MatrixView(try device.makeBuffer($0), rows: rows, cols: 1, batch: batch, batchStride: 0) }
            request = (views, LossWeights(weights: w, scale: scale))
        }
        try device.mixtureLogLikelihood(mixture, values: try device.upload(values, batch: batch, rows: rows, cols: 1),
                                        bounds: try boundsView(on: device), logProb: logProb, gradient: request)
        var result = Evaluation(logProb: try device.values(of: logProb))
        if let (views, _) = request {
            result.dLogits = try device.values(of: views.logits)
            result.dMeans = try device.values(of: views.means)
            result.dWidths = try device.values(of: views.widths)
        }
        return result
    }

    /// Runs `sampleMixture` with `uniforms` ([batch, rows, 2]); `values` are ignored.
    func sample(on device: Device, uniforms: [Float]) throws -> [Float] {
        let out = try device.zeros(batch: batch, rows: rows, cols: 1)
        try device.sampleMixture(try mixtureViews(on: device), bounds: try boundsView(on: device),
                                 uniforms: try device.upload(uniforms, batch: batch, rows: rows, cols: 2), into: out)
        return try device.values(of: out)
    }

    /// `rows` copies of one mixture (one network), evaluated at `values`.
    static func repeating(_ mixture: Reference.Mixture, at values: [Float]) -> MixtureBatch {
        let n = values.count
        return MixtureBatch(
            batch: 1, rows: n, components: mixture.logits.count,
            logits: Array(repeating: mixture.logits.map { Float($0) }, count: n).flatMap { $0 },
            means: Array(repeating: mixture.means.map { Float($0) }, count: n).flatMap { $0 },
            widths: Array(repeating: mixture.widths.map { Float($0) }, count: n).flatMap { $0 },
            values: values, bounds: mixture.bounds.map { [(Float($0.lo), Float($0.hi))] })
    }
}
