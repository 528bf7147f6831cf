import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Every OpenCL kernel against the CPU path on PoCL's CPU device (`opencl:cpu`), with matrix
/// products by CLBlast and by the built-in `gemm.cl`, on random inputs of awkward sizes (never
/// multiples of the work-group sizes 16, 128 and 256).
@Suite(.openCL) struct OpenCLAgreementTests {
    /// Stacked networks × rows of a ``DeviceComparison`` run.
    struct Shape: Sendable, CustomTestStringConvertible {
        var networks: Int
        var rows: Int
        var testDescription: String { "d = \(networks), \(rows) rows" }
    }

    /// d = 1 and d = 12, one row and many. d = 12 with 100k rows runs only in the per-row
    /// tests below: the comparison's matrix products would dominate the suite's time.
    static let shapes = [Shape(networks: 1, rows: 1), Shape(networks: 12, rows: 1),
                         Shape(networks: 1, rows: 100_000), Shape(networks: 12, rows: 2_003)]

    /// The largest tolerances (rtol, atol) ``DeviceComparison`` may use for `rows` rows, so that
    /// loosening them there fails here. The dense backward pass may widen atol in proportion to
    /// the rows beyond 5000: its dW and db are float32 sums over the rows, whose rounding error
    /// grows in proportion to their number (about 7e-3 at 100k rows here, against float64).
    static func maximumTolerance(_ operation: String, rows: Int) -> (rtol: Double, atol: Double)? {
        switch operation {
        case "dense forward (gemm+bias+act)", "variable-size batched gemm": return (1e-4, 1e-4)
        case "mixture head + backward": return (1e-5, 1e-6)
        case "dense backward (dx, dW, db)": return (1e-4, 1e-3 * max(1, Double(rows) / 5000))
        case "softmax + backward", "log-softmax + backward", "categorical log-lik + sample": return (1e-4, 1e-5)
        case "mixture log-likelihood (truncated)", "mixture log-likelihood",
             "mixture sampling (truncated)", "mixture sampling": return (1e-3, 1e-3)
        case "adam (3 steps)": return (1e-5, 1e-6)
        case "weighted sum, elementwise": return (1e-4, 1e-3)
        default: return nil
        }
    }

    @Test(arguments: [OpenCLDevice.GemmBackend.clblast, .builtin], shapes)
    func deviceComparison(gemm: OpenCLDevice.GemmBackend, shape: Shape) throws {
        let device = try TestDevices.openCL(gemm)
        #expect(device.usesCLBlast == (gemm == .clblast))
        let results = try DeviceComparison(candidate: device, reference: TestDevices.cpu(),
                                           networks: shape.networks, rows: shape.rows, seed: 20_220_517).run()
        #expect(results.count == 13)
        for result in results {
            let tolerance = try #require(Self.maximumTolerance(result.operation, rows: shape.rows), "unknown operation \(result.operation)")
            #expect(result.rtol <= tolerance.rtol && result.atol <= tolerance.atol, "\(result.operation): tolerances loosened")
            #expect(result.passed, "\(result)")
        }
    }

    // MARK: Matrix products and dense layers

    /// Runs `body` on the CPU and on `device` and compares what it returns.
    static func expectAgreement(
        of device: Device, rtol: Double, atol: Double, _ what: String = "",
        sourceLocation: SourceLocation = #_sourceLocation, _ body: (Device) throws -> [Float]
    ) throws {
        let expected = try body(TestDevices.cpu())
        let got = try body(device)
        assertClose(got, expected, rtol: rtol, atol: atol, what, sourceLocation: sourceLocation)
    }

    /// op(a)·op(b) for all four transposes, with alpha, beta ≠ 0 accumulating into c, 12 stacked
    /// products, `a` with padded rows and an offset, `b` shared by the batch (batch stride 0),
    /// `c` a column slice of a wider matrix (whose other columns must stay untouched).
    /// |Δ| ≤ 1e-4·|expected| + 1e-5 over the whole buffer of c.
    @Test(arguments: [OpenCLDevice.GemmBackend.clblast, .builtin], [(false, false), (false, true), (true, false), (true, true)])
    func gemmTransposesStridesAndSharedOperands(gemm: OpenCLDevice.GemmBackend, transposes: (Bool, Bool)) throws {
        let (transposeA, transposeB) = transposes
        for (m, n, k) in [(67, 45, 29), (1, 33, 1), (130, 1, 17)] {
            let batch = 12
            var rng = SeededGenerator(seed: UInt64(m * 1000 + n * 10 + k))
            let (aRows, aCols) = transposeA ? (k, m) : (m, k)
            let (bRows, bCols) = transposeB ? (n, k) : (k, n)
            let aStride = aCols + 3, aOffset = 5
            let a = rng.floats(aOffset + batch * aRows * aStride, in: -1...1)
            let b = rng.floats(bRows * bCols, in: -1...1)
            let cWidth = n + 4
            let c = rng.floats(batch * m * cWidth, in: -1...1)
            try Self.expectAgreement(of: TestDevices.openCL(gemm), rtol: 1e-4, atol: 1e-5, "\(m)×\(n)×\(k)") { device in
                let av = MatrixView(try device.makeBuffer(a), offset: aOffset, rows: aRows, cols: aCols, rowStride: aStride, batch: batch)
                let bv = MatrixView(try device.makeBuffer(b), rows: bRows, cols: bCols, batch: batch, batchStride: 0)
                let cBuffer = try device.makeBuffer(c)
                let cv = MatrixView(cBuffer, offset: 2, rows: m, cols: n, rowStride: cWidth, batch: batch)
                try device.gemm(transposeA: transposeA, transposeB: transposeB, alpha: 0.7, a: av, b: bv, beta: -0.3, c: cv)
                return try device.read(cBuffer)
            }
        }
    }

    /// Bias and activation with a bias shared by the batch on a strided view, the activation's
    /// backward pass (identity leaves the gradient alone), and column sums accumulating with
    /// beta = 0.5. Exact but for rounding: |Δ| ≤ 1e-5·|expected| + 1e-5.
    @Test func denseHelpersOnStridedViews() throws {
        let (batch, rows, cols, stride) = (12, 301, 37, 41)
        var rng = SeededGenerator(seed: 3)
        let y = rng.floats(batch * rows * stride, in: -2...2)
        let bias = rng.floats(cols, in: -1...1)
        let gradient = rng.floats(batch * rows * stride, in: -1...1)
        let sums = rng.floats(batch * cols, in: -1...1)
        try Self.expectAgreement(of: TestDevices.openCL(), rtol: 1e-5, atol: 1e-5) { device in
            let yBuffer = try device.makeBuffer(y), gBuffer = try device.makeBuffer(gradient)
            let yv = MatrixView(yBuffer, rows: rows, cols: cols, rowStride: stride, batch: batch)
            let gv = MatrixView(gBuffer, rows: rows, cols: cols, rowStride: stride, batch: batch)
            let shared = MatrixView(try device.makeBuffer(bias), rows: 1, cols: cols, batch: batch, batchStride: 0)
            try device.addBias(yv.batches(0..<6), bias: shared.batches(0..<6), activation: .identity)
            try device.addBias(yv.batches(6..<12), bias: shared.batches(6..<12), activation: .leakyReLU(slope: 0.2))
            try device.activationBackward(gradient: gv.batches(0..<6), output: yv.batches(0..<6), activation: .identity)
            try device.activationBackward(gradient: gv.batches(6..<12), output: yv.batches(6..<12), activation: .leakyReLU(slope: 0.2))
            let out = try device.upload(sums, batch: batch, rows: 1, cols: cols)
            try device.columnSums(gv, into: out, beta: 0.5)
            return try device.read(yBuffer) + device.read(gBuffer) + device.read(out.buffer)
        }
    }

    /// A dense layer's backward pass over 100k rows (d = 1; 37 inputs, 53 outputs): dW = xᵀ dy and
    /// db = column sums of dy reduce over all rows, so their float32 error grows with the row
    /// count. Both devices against float64: |Δ| ≤ 10ε·Σ_r |x_ri·dy_rj| (ε = 2⁻²⁴; Σ|dy_rj| for
    /// db), far inside the worst-case bound n·ε·Σ|terms| of a float32 sum; dx = dy Wᵀ:
    /// |Δ| ≤ 1e-5·|expected| + 1e-5.
    @Test(arguments: [OpenCLDevice.GemmBackend.clblast, .builtin])
    func denseBackwardOver100kRows(gemm: OpenCLDevice.GemmBackend) throws {
        let (n, kIn, kOut) = (100_000, 37, 53)
        var rng = SeededGenerator(seed: 9)
        let x = rng.floats(n * kIn, in: -2...2), dy = rng.floats(n * kOut, in: -1...1), w = rng.floats(kIn * kOut, in: -0.5...0.5)
        var dW = [Double](repeating: 0, count: kIn * kOut), dWScale = dW
        var db = [Double](repeating: 0, count: kOut), dbScale = db
        for r in 0..<n {
            for j in 0..<kOut {
                let g = Double(dy[r * kOut + j])
                db[j] += g
                dbScale[j] += abs(g)
                for i in 0..<kIn {
                    let term = Double(x[r * kIn + i]) * g
                    dW[i * kOut + j] += term
                    dWScale[i * kOut + j] += abs(term)
                }
            }
        }
        let rows = [0, 1, 54_321, n - 1]
        let dx = rows.flatMap { r in (0..<kIn).map { i in (0..<kOut).reduce(0.0) { $0 + Double(dy[r * kOut + $1]) * Double(w[i * kOut + $1]) } } }
        let epsilon = 0x1p-24
        for device in [try TestDevices.cpu(), try TestDevices.openCL(gemm)] {
            let dyv = try device.upload(dy, rows: n, cols: kOut)
            let (dxv, dwv, dbv) = (try device.zeros(rows: n, cols: kIn), try device.zeros(rows: kIn, cols: kOut), try device.zeros(rows: 1, cols: kOut))
            try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dyv, b: device.upload(w, rows: kIn, cols: kOut), beta: 0, c: dxv)
            try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: device.upload(x, rows: n, cols: kIn), b: dyv, beta: 0, c: dwv)
            try device.columnSums(dyv, into: dbv, beta: 0)
            let gotDW = try device.read(dwv.buffer), gotDB = try device.read(dbv.buffer)
            // Each element against its own bound, scaled to a ratio for one comparison.
            assertClose(zip(gotDW, zip(dW, dWScale)).map { (Double($0) - $1.0) / (10 * epsilon * $1.1) }, [Double](repeating: 0, count: dW.count),
                        rtol: 0, atol: 1, "dW on \(device.name), in units of 10ε·Σ|x·dy|")
            assertClose(zip(gotDB, zip(db, dbScale)).map { (Double($0) - $1.0) / (10 * epsilon * $1.1) }, [Double](repeating: 0, count: db.count),
                        rtol: 0, atol: 1, "db on \(device.name), in units of 10ε·Σ|dy|")
            let allDX = try device.read(dxv.buffer)
            assertClose(rows.flatMap { allDX[($0 * kIn)..<(($0 + 1) * kIn)] }, dx, rtol: 1e-5, atol: 1e-5, "dx on \(device.name)")
        }
    }

    // MARK: Per-row kernels at full scale: d = 12 networks of 100k rows

    static let scale = (networks: 12, rows: 100_000)

    /// Softmax and its backward pass over 1.2M rows of 7 columns, in place (x and y alias)
    /// and out of place. |Δ| ≤ 1e-4·|expected| + 1e-5 (as DeviceComparison).
    @Test(arguments: [false, true])
    func softmaxAtScale(log: Bool) throws {
        let (d, n, k) = (Self.scale.networks, Self.scale.rows, 7)
        var rng = SeededGenerator(seed: 11)
        let x = rng.floats(d * n * k, in: -8...8)
        let dy = rng.floats(d * n * k, in: -1...1)
        try Self.expectAgreement(of: TestDevices.openCL(), rtol: 1e-4, atol: 1e-5) { device in
            let xv = try device.upload(x, batch: d, rows: n, cols: k)
            let yv = try device.zeros(batch: d, rows: n, cols: k)
            let dxv = try device.zeros(batch: d, rows: n, cols: k)
            try device.softmax(xv, into: yv, log: log)
            try device.softmaxBackward(output: yv, gradient: try device.upload(dy, batch: d, rows: n, cols: k), into: dxv, log: log)
            try device.softmax(xv, into: xv, log: log)
            return try device.read(yv.buffer) + device.read(dxv.buffer) + device.read(xv.buffer)
        }
    }

    /// Random mixtures of 3 components over 1.2M rows: log-likelihood with a weighted gradient
    /// (truncated) or an unweighted one; widths from e^-5 to e^1, values inside the bounds,
    /// which differ per network. |Δ| ≤ 1e-3·|expected| + 1e-3 (as DeviceComparison) on log p,
    /// and on the logit gradients and σ·∂/∂μ, σ·∂/∂σ of the rows with |log p| < 1000:
    /// - in units of the width, since ∂/∂μ and ∂/∂σ of a narrow component are differences of
    ///   terms ~1/σ whose float32 rounding would otherwise set the tolerance;
    /// - rows with u ≳ 45σ from every component (log p ≈ −1e4) left out, since there float32
    ///   rounding of log p (~1e-3) shifts the responsibilities by more than the tolerance on both
    ///   devices alike. These widths and 3 components make them about 5% of the rows.
    @Test(arguments: [true, false])
    func mixtureLikelihoodAtScale(truncated: Bool) throws {
        let batch = Self.randomMixtures(networks: Self.scale.networks, rows: Self.scale.rows, components: 3,
                                        truncated: truncated, seed: truncated ? 5 : 6)
        var rng = SeededGenerator(seed: 8)
        let weights = rng.floats(batch.rows, in: -1...2)
        func evaluate(_ device: Device) throws -> MixtureBatch.Evaluation {
            truncated ? try batch.logLikelihood(on: device, weights: weights, scale: -0.25, gradient: true)
                      : try batch.logLikelihood(on: device, scale: 3, gradient: true)
        }
        let expected = try evaluate(TestDevices.cpu()), got = try evaluate(TestDevices.openCL())
        assertClose(got.logProb, expected.logProb, rtol: 1e-3, atol: 1e-3, "log p")
        let g = batch.components
        let kept = expected.logProb.indices.filter { abs(expected.logProb[$0]) < 1000 }
        #expect(Double(kept.count) > 0.9 * Double(expected.logProb.count), "only \(kept.count) rows with |log p| < 1000")
        func select(_ gradient: [Float], inWidths: Bool) -> [Float] {
            kept.flatMap { row in (row * g)..<((row + 1) * g) }.map { gradient[$0] * (inWidths ? batch.widths[$0] : 1) }
        }
        assertClose(select(got.dLogits, inWidths: false), select(expected.dLogits, inWidths: false), rtol: 1e-3, atol: 1e-3, "∂/∂logits")
        assertClose(select(got.dMeans, inWidths: true), select(expected.dMeans, inWidths: true), rtol: 1e-3, atol: 1e-3, "σ·∂/∂μ")
        assertClose(select(got.dWidths, inWidths: true), select(expected.dWidths, inWidths: true), rtol: 1e-3, atol: 1e-3, "σ·∂/∂σ")
    }

    /// Mixture sampling over 1.2M rows. A row may pick a different component on the two devices
    /// only when its first uniform lies within 1e-5 of a cumulative amplitude (rounding of the
    /// amplitudes decides there); every other row agrees to |Δ| ≤ 1e-3·|expected| + 1e-3·σ_max,
    /// σ_max = e (the inverse CDF in float32 is ill-conditioned in the far tails).
    @Test(arguments: [true, false])
    func mixtureSamplingAtScale(truncated: Bool) throws {
        let batch = Self.randomMixtures(networks: Self.scale.networks, rows: Self.scale.rows, components: 5,
                                        truncated: truncated, seed: truncated ? 15 : 16)
        var rng = SeededGenerator(seed: 17)
        let uniforms = rng.uniforms(2 * batch.batch * batch.rows)
        let expected = try batch.sample(on: TestDevices.cpu(), uniforms: uniforms)
        let got = try batch.sample(on: TestDevices.openCL(), uniforms: uniforms)
        var compared: [(Float, Float)] = []
        for i in expected.indices where expected[i] != got[i] {
            let start = i * batch.components
            let amplitudes = Reference.softmax(batch.logits[start..<(start + batch.components)].map(Double.init))
            if !Self.nearBoundary(Double(uniforms[2 * i]), amplitudes, within: 1e-5) { compared.append((got[i], expected[i])) }
        }
        assertClose(compared.map(\.0), compared.map(\.1), rtol: 1e-3, atol: 1e-3 * exp(1.0))
        #expect(got.allSatisfy { $0.isFinite })
    }

    /// Categorical log-likelihood (with a weighted gradient, one row per network holding an
    /// invalid class, which gives −∞) and sampling over 1.2M rows of 9 categories.
    /// |Δ| ≤ 1e-4·|expected| + 1e-5; sampled categories may differ only where the uniform lies
    /// within 1e-5 of a cumulative probability.
    @Test func categoricalAtScale() throws {
        let (d, n, k) = (Self.scale.networks, Self.scale.rows, 9)
        var rng = SeededGenerator(seed: 21)
        let logits = rng.floats(d * n * k, in: -4...4)
        var classes = (0..<(d * n)).map { _ in Float(Int.random(in: 0..<k, using: &rng)) }
        for b in 0..<d { classes[b * n + 17] = b.isMultiple(of: 2) ? -1 : Float(k) }
        let weights = rng.floats(n, in: 0...2)
        let uniforms = rng.uniforms(d * n)
        func run(_ device: Device) throws -> (likelihood: [Float], drawn: [Float]) {
            let lv = try device.upload(logits, batch: d, rows: n, cols: k)
            let logProb = try device.zeros(batch: d, rows: n, cols: 1)
            let gradient = try device.zeros(batch: d, rows: n, cols: k)
            let w = MatrixView(try device.makeBuffer(weights), rows: n, cols: 1, batch: d, batchStride: 0)
            try device.categoricalLogLikelihood(logits: lv, classes: try device.upload(classes, batch: d, rows: n, cols: 1),
                                                logProb: logProb, gradient: (gradient, LossWeights(weights: w, scale: -0.5)))
            let drawn = try device.zeros(batch: d, rows: n, cols: 1)
            try device.sampleCategorical(logits: lv, uniforms: try device.upload(uniforms, batch: d, rows: n, cols: 1), into: drawn)
            return (try device.read(logProb.buffer) + device.read(gradient.buffer), try device.read(drawn.buffer))
        }
        let expected = try run(TestDevices.cpu()), got = try run(TestDevices.openCL())
        assertClose(got.likelihood, expected.likelihood, rtol: 1e-4, atol: 1e-5)
        #expect(got.likelihood[17] == -.infinity && got.likelihood[n + 17] == -.infinity)
        var unexplained = 0
        for i in expected.drawn.indices where expected.drawn[i] != got.drawn[i] {
            let probabilities = Reference.softmax(logits[(i * k)..<((i + 1) * k)].map(Double.init))
            if !Self.nearBoundary(Double(uniforms[i]), probabilities, within: 1e-5) { unexplained += 1 }
        }
        #expect(unexplained == 0)
    }

    /// A weighted sum of 1.2M × 3 values (one work group on the device, float64 on the CPU)
    /// and its accumulation into a second slot: |Δ| ≤ 1e-5·|expected| + 1e-2 (the sum is ~1e6;
    /// the device adds in float32).
    @Test func weightedSumAtScale() throws {
        let (d, n, k) = (Self.scale.networks, Self.scale.rows, 3)
        var rng = SeededGenerator(seed: 31)
        let x = rng.floats(d * n * k, in: 0...2)
        let w = rng.floats(d * n * k, in: -0.5...1)
        try Self.expectAgreement(of: TestDevices.openCL(), rtol: 1e-5, atol: 1e-2) { device in
            let xv = try device.upload(x, batch: d, rows: n, cols: k), wv = try device.upload(w, batch: d, rows: n, cols: k)
            let out = try device.makeBuffer([7, 100])
            try device.sum(xv, weights: wv, into: out, index: 0, accumulate: false)
            try device.sum(xv.columns(1..<3), weights: nil, into: out, index: 1, accumulate: true)
            return try device.read(out)
        }
    }

    // MARK: Cases DeviceComparison leaves out

    /// Mixture views as column slices of one [N, 3G] network output (row stride 3G), bounds
    /// shared by the batch (batch stride 0), weights [N, 1] shared, an output strided too;
    /// then without weights, and without a gradient (log p unchanged, bit for bit).
    /// |Δ| ≤ 1e-3·|expected| + 1e-3.
    @Test func mixtureOnColumnSlices() throws {
        let (d, n, g) = (3, 1_001, 7)
        var rng = SeededGenerator(seed: 41)
        var output: [Float] = []
        for _ in 0..<(d * n) {
            output += rng.floats(g, in: -3...3) + rng.floats(g, in: -4...4) + rng.floats(g, in: 0.05...2)
        }
        let values = rng.floats(d * n, in: -2.9...3.9)
        let weights = rng.floats(n, in: -1...1)
        try Self.expectAgreement(of: TestDevices.openCL(), rtol: 1e-3, atol: 1e-3) { device in
            let out = try device.upload(output, batch: d, rows: n, cols: 3 * g)
            let mixture = MixtureViews(logits: out.columns(0..<g), means: out.columns(g..<(2 * g)), widths: out.columns((2 * g)..<(3 * g)))
            let gradient = try device.zeros(batch: d, rows: n, cols: 3 * g)
            let views = MixtureViews(logits: gradient.columns(0..<g), means: gradient.columns(g..<(2 * g)),
                                     widths: gradient.columns((2 * g)..<(3 * g)))
            let bounds = MatrixView(try device.makeBuffer([-3, 4]), rows: 1, cols: 2, batch: d, batchStride: 0)
            let logProb = try device.zeros(batch: d, rows: n, cols: 2)
            try device.mixtureLogLikelihood(mixture, values: try device.upload(values, batch: d, rows: n, cols: 1), bounds: bounds,
                                            logProb: logProb.columns(1..<2),
                                            gradient: (views, LossWeights(weights: MatrixView(try device.makeBuffer(weights), rows: n, cols: 1, batch: d, batchStride: 0), scale: 0.1)))
            let weighted = try device.read(gradient.buffer)
            try device.mixtureLogLikelihood(mixture, values: try device.upload(values, batch: d, rows: n, cols: 1), bounds: bounds,
                                            logProb: logProb.columns(1..<2), gradient: (views, LossWeights(weights: nil, scale: -2)))
            let unweighted = try device.read(gradient.buffer)
            let withGradient = try device.read(logProb.buffer)
            try device.fill(logProb, value: 0)
            try device.mixtureLogLikelihood(mixture, values: try device.upload(values, batch: d, rows: n, cols: 1), bounds: bounds,
                                            logProb: logProb.columns(1..<2), gradient: nil)
            let plain = try device.read(logProb.buffer)
            #expect(plain == withGradient, "the gradient request changed log p on \(device.name)")
            return plain + weighted + unweighted
        }
    }

    /// Adam with non-default constants at step 7; fill, copy, axpby (beta 0 and not), masks
    /// (per network and shared), column affine maps with offset scale and shift, writes at an
    /// offset: all on strided views. |Δ| ≤ 1e-5·|expected| + 1e-6.
    @Test func updatesAndElementwiseOnStridedViews() throws {
        let (d, n, k, stride) = (12, 257, 19, 23)
        var rng = SeededGenerator(seed: 51)
        let x = rng.floats(d * n * stride, in: -2...2)
        let y = rng.floats(d * n * stride, in: -2...2)
        let mask = rng.floats(d * n * k, in: 0...1)
        let parameters = rng.floats(4_099, in: -1...1), gradients = rng.floats(4_099, in: -1...1)
        let moments = rng.floats(4_099, in: 0...0.1)
        try Self.expectAgreement(of: TestDevices.openCL(), rtol: 1e-5, atol: 1e-6) { device in
            let xv = MatrixView(try device.makeBuffer(x), rows: n, cols: k, rowStride: stride, batch: d)
            let yBuffer = try device.makeBuffer(y)
            let yv = MatrixView(yBuffer, offset: 3, rows: n, cols: k, rowStride: stride, batch: d)
            try device.fill(yv.columns(0..<2), value: 0.25)
            try device.axpby(alpha: 1.5, x: xv, beta: -0.5, y: yv)
            try device.multiply(yv, by: try device.upload(mask, batch: d, rows: n, cols: k))
            try device.multiply(yv, by: MatrixView(try device.makeBuffer(mask), rows: n, cols: k, batch: d, batchStride: 0))
            let scaleShift = try device.makeBuffer((0..<(2 * k + 5)).map { Float($0) / 7 - 1 })
            try device.affineColumns(yv, into: yv, scale: MatrixView(scaleShift, offset: 5, rows: 1, cols: k),
                                     shift: MatrixView(scaleShift, offset: 5 + k, rows: 1, cols: k))
            let copy = try device.zeros(batch: d, rows: n, cols: k)
            try device.copy(yv, into: copy)
            try device.axpby(alpha: -2, x: xv.rows(0..<100), beta: 0, y: yv.rows(100..<200))
            try device.write([9, 8, 7], into: yBuffer, offset: 11)
            let (p, g) = (try device.makeBuffer(parameters), try device.makeBuffer(gradients))
            let (m, v) = (try device.makeBuffer(moments), try device.makeBuffer(moments.map { $0 * $0 }))
            try device.adamUpdate(parameters: p, gradients: g, firstMoment: m, secondMoment: v,
                                  hyperparameters: AdamHyperparameters(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, step: 7))
            return try device.read(yBuffer) + device.read(copy.buffer) + device.read(p) + device.read(m) + device.read(v)
        }
    }

    // MARK: Helpers

    /// Random mixtures: logits in [−3, 3], widths e^U(−5, 1), means in [−6, 6] but, when
    /// truncated, at most 5σ outside [lo, hi] (bounds differing per network), values inside.
    /// Components further out make the truncated gradients ill-conditioned in float32 (they
    /// subtract numbers ~a²/2 apart by their difference); MixtureLikelihoodTests covers those
    /// against float64.
    static func randomMixtures(networks: Int, rows: Int, components: Int, truncated: Bool, seed: UInt64) -> MixtureBatch {
        var rng = SeededGenerator(seed: seed)
        let count = networks * rows * components
        var bounds: [(lo: Float, hi: Float)] = []
        var values: [Float] = [], means: [Float] = []
        let widths = rng.floats(count, in: -5...1).map { expf($0) }
        for b in 0..<networks {
            let (lo, hi) = (Float(-5 + b % 3), Float(4 + b % 2))
            bounds.append((lo, hi))
            let range: ClosedRange<Float> = truncated ? (lo + 0.001)...(hi - 0.001) : -6...6
            values += rng.floats(rows, in: range)
            for i in (b * rows * components)..<((b + 1) * rows * components) {
                let mean = rng.floats(1, in: -6...6)[0]
                means.append(truncated ? min(max(mean, lo - 5 * widths[i]), hi + 5 * widths[i]) : mean)
            }
        }
        return MixtureBatch(batch: networks, rows: rows, components: components, logits: rng.floats(count, in: -3...3),
                            means: means, widths: widths, values: values, bounds: truncated ? bounds : nil)
    }

    /// Whether `u` lies within `tolerance` of a cumulative sum of `probabilities`.
    static func nearBoundary(_ u: Double, _ probabilities: [Double], within tolerance: Double) -> Bool {
        var cumulative = 0.0
        for p in probabilities.dropLast() {
            cumulative += p
            if abs(u - cumulative) < tolerance { return true }
        }
        return false
    }
}
