#if canImport(Glibc)
import Glibc
#endif

/// Runs every ``Device`` operation on random inputs on two devices and compares the results:
/// the kernel self-check of `gmm-gpu check` and the core of the kernel tests.
public struct DeviceComparison {
    /// One operation's agreement.
    public struct Result: Sendable, CustomStringConvertible {
        /// The operation (and variant) compared.
        public var operation: String
        /// The largest |candidate − reference| / (atol + rtol·|reference|) over all elements;
        /// ≤ 1 means agreement within tolerance.
        public var worstRatio: Double
        /// The largest absolute difference.
        public var maxAbsoluteError: Double
        /// Relative tolerance used.
        public var rtol: Double
        /// Absolute tolerance used.
        public var atol: Double
        /// Elements compared.
        public var elements: Int
        /// Whether any NaN or infinity appeared where the reference had a finite value.
        public var nonFinite: Bool

        /// Whether the operation agreed within tolerance everywhere.
        public var passed: Bool { worstRatio <= 1 && !nonFinite }

        public var description: String {
            let verdict = passed ? "ok  " : "FAIL"
            return "\(verdict) \(operation.padded(30)) max |Δ| = \(formatScientific(maxAbsoluteError)), "
                + "worst Δ/tol = \(formatScientific(worstRatio)) (rtol \(formatScientific(rtol)), atol \(formatScientific(atol)), \(elements) values)"
        }
    }

    /// The device under test.
    public var candidate: Device
    /// The reference (normally `cpu`).
    public var reference: Device
    /// Number of stacked networks (batch).
    public var networks: Int
    /// Rows (events) per network.
    public var rows: Int
    /// Seed of the random inputs.
    public var seed: UInt64

    /// Compares `candidate` with `reference` on `networks` × `rows` inputs.
    public init(candidate: Device, reference: Device, networks: Int = 4, rows: Int = 1000, seed: UInt64 = 1) {
        self.candidate = candidate
        self.reference = reference
        self.networks = networks
        self.rows = rows
        self.seed = seed
    }

    /// Runs all comparisons.
    public func run() throws -> [Result] {
        var rng = SeededGenerator(seed: seed)
        var results: [Result] = []
        let (d, n) = (networks, rows)
        let (kIn, kOut) = (37, 53)  // awkward sizes: not multiples of any work-group size
        let g = 20

        // Dense forward: y = x W + b, LeakyReLU; backward: dx = dy Wᵀ, dW = xᵀ dy, db = Σ dy.
        let x = rng.floats(d * n * kIn, in: -2...2)
        let w = rng.floats(d * kIn * kOut, in: -0.5...0.5)
        let bias = rng.floats(d * kOut, in: -0.5...0.5)
        let dy = rng.floats(d * n * kOut, in: -1...1)
        let activations = rng.floats(d * n * kOut, in: -1...1)
        results.append(try compare("dense forward (gemm+bias+act)", rtol: 1e-4, atol: 1e-4) { dev in
            let (bx, bw, bb, by) = (try dev.makeBuffer(x), try dev.makeBuffer(w), try dev.makeBuffer(bias), try dev.makeBuffer(count: d * n * kOut))
            // The model's forward path: fused on the CPU where it can be, a product then bias and activation elsewhere.
            try dev.dense(MatrixView(bx, rows: n, cols: kIn, batch: d), weights: MatrixView(bw, rows: kIn, cols: kOut, batch: d),
                          bias: MatrixView(bb, rows: 1, cols: kOut, batch: d), activation: .leakyReLU(slope: 0.2),
                          into: MatrixView(by, rows: n, cols: kOut, batch: d), sizes: Array(repeating: GemmSize(m: n, n: kOut, k: kIn), count: d),
                          biasRowBounds: nil)
            return try dev.read(by)
        })
        // dW and db are float32 sums over the n rows: their rounding error grows with n.
        results.append(try compare("dense backward (dx, dW, db)", rtol: 1e-4, atol: 1e-3 * max(1, Double(n) / 5000)) { dev in
            let (bx, bw, bdy) = (try dev.makeBuffer(x), try dev.makeBuffer(w), try dev.makeBuffer(dy))
            let (bdx, bdw, bdb) = (try dev.makeBuffer(count: d * n * kIn), try dev.makeBuffer(count: d * kIn * kOut), try dev.makeBuffer(count: d * kOut))
            let dyv = MatrixView(bdy, rows: n, cols: kOut, batch: d)
            try dev.activationBackward(gradient: dyv, output: MatrixView(try dev.makeBuffer(activations), rows: n, cols: kOut, batch: d),
                                       activation: .leakyReLU(slope: 0.2))
            try dev.gemm(transposeA: false, transposeB: true, alpha: 1, a: dyv, b: MatrixView(bw, rows: kIn, cols: kOut, batch: d),
                         beta: 0, c: MatrixView(bdx, rows: n, cols: kIn, batch: d))
            try dev.gemm(transposeA: true, transposeB: false, alpha: 1, a: MatrixView(bx, rows: n, cols: kIn, batch: d), b: dyv,
                         beta: 0, c: MatrixView(bdw, rows: kIn, cols: kOut, batch: d))
            try dev.columnSums(dyv, into: MatrixView(bdb, rows: 1, cols: kOut, batch: d), beta: 0)
            return try dev.read(bdx) + dev.read(bdw) + dev.read(bdb)
        })
        // Variable-size batched product on zero-padded operands (the stacked networks' layout).
        let sizes = (0..<d).map { GemmSize(m: n, n: kOut - 7 * ($0 % 3), k: kIn - 5 * ($0 % 4)) }
        var padded = x
        var paddedW = w
        for (b, size) in sizes.enumerated() {
            for r in 0..<n { for c in size.k..<kIn { padded[(b * n + r) * kIn + c] = 0 } }
            for r in 0..<kIn { for c in 0..<kOut where r >= size.k || c >= size.n { paddedW[(b * kIn + r) * kOut + c] = 0 } }
        }
        results.append(try compare("variable-size batched gemm", rtol: 1e-4, atol: 1e-4) { dev in
            let out = try dev.makeBuffer(count: d * n * kOut)
            try dev.gemm(transposeA: false, transposeB: false, alpha: 1, a: MatrixView(try dev.makeBuffer(padded), rows: n, cols: kIn, batch: d),
                         b: MatrixView(try dev.makeBuffer(paddedW), rows: kIn, cols: kOut, batch: d), beta: 0,
                         c: MatrixView(out, rows: n, cols: kOut, batch: d), sizes: sizes)
            return try dev.read(out)
        })
        let rawHead = rng.floats(d * n * 3 * g, in: -30...30)
        let headGradients = rng.floats(3 * d * n * g, in: -1...1)
        let offsets = (0..<(d * g)).map { Float($0 % g) - 9.5 }
        let baseWidths = (0..<d).map { 0.1 + Float($0) / 10 }
        results.append(try compare("mixture head + backward", rtol: 1e-5, atol: 1e-6) { dev in
            let head = MixtureHead(amplitudeScale: 0.01, meanScale: 0.02, widthScale: 0.03, epsilon: 1e-4,
                                   meanOffsets: MatrixView(try dev.makeBuffer(offsets), rows: 1, cols: g, batch: d),
                                   baseWidths: MatrixView(try dev.makeBuffer(baseWidths), rows: 1, cols: 1, batch: d))
            let views = { (buffer: DeviceBuffer) in
                MixtureViews(logits: MatrixView(buffer, rows: n, cols: g, batch: d),
                             means: MatrixView(buffer, offset: d * n * g, rows: n, cols: g, batch: d),
                             widths: MatrixView(buffer, offset: 2 * d * n * g, rows: n, cols: g, batch: d))
            }
            let (outputs, gradientsIn, rawGradient) = (try dev.makeBuffer(count: 3 * d * n * g), try dev.makeBuffer(headGradients), try dev.makeBuffer(count: d * n * 3 * g))
            try dev.mixtureHead(MatrixView(try dev.makeBuffer(rawHead), rows: n, cols: 3 * g, batch: d), head: head, into: views(outputs))
            try dev.mixtureHeadBackward(gradient: views(gradientsIn), widths: views(outputs).widths, head: head,
                                        into: MatrixView(rawGradient, rows: n, cols: 3 * g, batch: d))
            return try dev.read(outputs) + dev.read(rawGradient)
        })
        for log in [false, true] {
            let logits = rng.floats(d * n * g, in: -6...6)
            results.append(try compare(log ? "log-softmax + backward" : "softmax + backward", rtol: 1e-4, atol: 1e-5) { dev in
                let (bl, by, bdy, bdx) = (try dev.makeBuffer(logits), try dev.makeBuffer(count: d * n * g), try dev.makeBuffer(dy.prefix(d * n * g).map { $0 }), try dev.makeBuffer(count: d * n * g))
                let view = { (b: DeviceBuffer) in MatrixView(b, rows: n, cols: g, batch: d) }
                try dev.softmax(view(bl), into: view(by), log: log)
                try dev.softmaxBackward(output: view(by), gradient: view(bdy), into: view(bdx), log: log)
                return try dev.read(by) + dev.read(bdx)
            })
        }
        for truncated in [true, false] {
            let logits = rng.floats(d * n * g, in: -3...3)
            let means = rng.floats(d * n * g, in: -6...6)
            let widths = (0..<(d * n * g)).map { _ in expf(rng.floats(1, in: -5...1)[0]) }
            let values = rng.floats(d * n, in: -4.99...4.99)
            let weights = rng.floats(n, in: -1...2)
            let bounds = (0..<d).flatMap { _ in [Float(-5), Float(5)] }
            results.append(try compare("mixture log-likelihood" + (truncated ? " (truncated)" : ""), rtol: 1e-3, atol: 1e-3) { dev in
                let mixture = MixtureViews(logits: MatrixView(try dev.makeBuffer(logits), rows: n, cols: g, batch: d),
                                           means: MatrixView(try dev.makeBuffer(means), rows: n, cols: g, batch: d),
                                           widths: MatrixView(try dev.makeBuffer(widths), rows: n, cols: g, batch: d))
                let gradients = MixtureViews(logits: MatrixView(try dev.makeBuffer(count: d * n * g), rows: n, cols: g, batch: d),
                                             means: MatrixView(try dev.makeBuffer(count: d * n * g), rows: n, cols: g, batch: d),
                                             widths: MatrixView(try dev.makeBuffer(count: d * n * g), rows: n, cols: g, batch: d))
                let logp = try dev.makeBuffer(count: d * n)
                let w = MatrixView(try dev.makeBuffer(weights), rows: n, cols: 1, batch: d, batchStride: 0)
                try dev.mixtureLogLikelihood(mixture, values: MatrixView(try dev.makeBuffer(values), rows: n, cols: 1, batch: d),
                                             bounds: truncated ? MatrixView(try dev.makeBuffer(bounds), rows: 1, cols: 2, batch: d) : nil,
                                             logProb: MatrixView(logp, rows: n, cols: 1, batch: d),
                                             gradient: (gradients, LossWeights(weights: w, scale: -0.5)))
                return try dev.read(logp) + dev.read(gradients.logits.buffer) + dev.read(gradients.means.buffer)
                    + dev.read(gradients.widths.buffer)
            })
            let uniforms = (0..<(2 * d * n)).map { _ in rng.nextOpenUnitFloat() }
            results.append(try compare("mixture sampling" + (truncated ? " (truncated)" : ""), rtol: 1e-3, atol: 1e-3) { dev in
                let mixture = MixtureViews(logits: MatrixView(try dev.makeBuffer(logits), rows: n, cols: g, batch: d),
                                           means: MatrixView(try dev.makeBuffer(means), rows: n, cols: g, batch: d),
                                           widths: MatrixView(try dev.makeBuffer(widths), rows: n, cols: g, batch: d))
                let out = try dev.makeBuffer(count: d * n)
                try dev.sampleMixture(mixture, bounds: truncated ? MatrixView(try dev.makeBuffer(bounds), rows: 1, cols: 2, batch: d) : nil,
                                      uniforms: MatrixView(try dev.makeBuffer(uniforms), rows: n, cols: 2, batch: d),
                                      into: MatrixView(out, rows: n, cols: 1, batch: d))
                return try dev.read(out)
            })
        }
        let categories = 6
        let catLogits = rng.floats(d * n * categories, in: -3...3)
        let classes = (0..<(d * n)).map { _ in Float(Int.random(in: 0..<categories, using: &rng)) }
        let catUniforms = (0..<(d * n)).map { _ in rng.nextOpenUnitFloat() }
        results.append(try compare("categorical log-lik + sample", rtol: 1e-4, atol: 1e-5) { dev in
            let logits = MatrixView(try dev.makeBuffer(catLogits), rows: n, cols: categories, batch: d)
            let (logp, grad, drawn) = (try dev.makeBuffer(count: d * n), try dev.makeBuffer(count: d * n * categories), try dev.makeBuffer(count: d * n))
            try dev.categoricalLogLikelihood(logits: logits, classes: MatrixView(try dev.makeBuffer(classes), rows: n, cols: 1, batch: d),
                                             logProb: MatrixView(logp, rows: n, cols: 1, batch: d),
                                             gradient: (MatrixView(grad, rows: n, cols: categories, batch: d), LossWeights(weights: nil, scale: 2)))
            try dev.sampleCategorical(logits: logits, uniforms: MatrixView(try dev.makeBuffer(catUniforms), rows: n, cols: 1, batch: d),
                                      into: MatrixView(drawn, rows: n, cols: 1, batch: d))
            return try dev.read(logp) + dev.read(grad) + dev.read(drawn)
        })
        let params = rng.floats(d * kIn * kOut, in: -1...1)
        results.append(try compare("adam (3 steps)", rtol: 1e-5, atol: 1e-6) { dev in
            let (p, grad, m, v) = (try dev.makeBuffer(params), try dev.makeBuffer(w), try dev.makeBuffer(count: params.count), try dev.makeBuffer(count: params.count))
            for step in 1...3 {
                try dev.adamUpdate(parameters: p, gradients: grad, firstMoment: m, secondMoment: v,
                                   hyperparameters: AdamHyperparameters(learningRate: 1e-3, step: step))
            }
            return try dev.read(p) + dev.read(m) + dev.read(v)
        })
        results.append(try compare("weighted sum, elementwise", rtol: 1e-4, atol: 1e-3) { dev in
            let bx = try dev.makeBuffer(x)
            let view = MatrixView(bx, rows: n, cols: kIn, batch: d)
            let out = try dev.makeBuffer(count: 2)
            try dev.sum(view, weights: nil, into: out, index: 0, accumulate: false)
            let other = try dev.makeBuffer(count: x.count)
            let ov = MatrixView(other, rows: n, cols: kIn, batch: d)
            try dev.fill(ov, value: 0.5)
            try dev.axpby(alpha: 2, x: view, beta: -1, y: ov)
            let scale = try dev.makeBuffer((0..<kIn).map { Float($0) / 10 }), shift = try dev.makeBuffer((0..<kIn).map { -Float($0) })
            try dev.affineColumns(ov, into: ov, scale: MatrixView(scale, rows: 1, cols: kIn), shift: MatrixView(shift, rows: 1, cols: kIn))
            try dev.multiply(ov, by: MatrixView(bx, rows: n, cols: kIn, batch: d, batchStride: 0))
            try dev.sum(view, weights: ov, into: out, index: 1, accumulate: false)
            let copy = try dev.makeBuffer(count: x.count)
            try dev.copy(ov, into: MatrixView(copy, rows: n, cols: kIn, batch: d))
            return try dev.read(out).map { $0 / Float(x.count) } + dev.read(copy)
        })
        return results
    }

    private func compare(_ operation: String, rtol: Double, atol: Double, _ body: (Device) throws -> [Float]) throws -> Result {
        let expected = try body(reference)
        let got = try body(candidate)
        precondition(expected.count == got.count, "\(operation): result sizes differ")
        var worst = 0.0, maxAbs = 0.0, nonFinite = false
        for (e, c) in zip(expected, got) {
            if e.isNaN && c.isNaN { continue }
            if e == c { continue }  // equal infinities included
            if !c.isFinite || !e.isFinite { nonFinite = true; continue }
            let diff = abs(Double(c) - Double(e))
            maxAbs = max(maxAbs, diff)
            worst = max(worst, diff / (atol + rtol * abs(Double(e))))
        }
        return Result(operation: operation, worstRatio: worst, maxAbsoluteError: maxAbs, rtol: rtol, atol: atol,
                      elements: expected.count, nonFinite: nonFinite)
    }
}

extension String {
    /// The string padded with spaces to `width` characters, on the right (or on the left,
    /// right-aligning it, when `left`).
    public func padded(_ width: Int, left: Bool = false) -> String {
        if count >= width { return self }
        let fill = String(repeating: " ", count: width - count)
        return left ? fill + self : self + fill
    }
}

/// A compact scientific rendering, e.g. 1.2e-05.
func formatScientific(_ value: Double) -> String {
    if value == 0 { return "0" }
    if !value.isFinite { return "\(value)" }
    var exponent = Int(floor(log10(abs(value))))
    var mantissa = value / pow(10, Double(exponent))
    if abs(mantissa) >= 9.95 { mantissa /= 10; exponent += 1 }
    let rounded = (mantissa * 10).rounded() / 10
    return "\(rounded)e\(exponent >= 0 ? "+" : "-")\(abs(exponent) < 10 ? "0" : "")\(abs(exponent))"
}
