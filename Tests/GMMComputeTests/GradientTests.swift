import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Every backward pass against central finite differences of its forward pass, on the CPU and
/// on `opencl:cpu`.
///
/// Piecewise-linear forwards (matrix products, LeakyReLU) are differenced on the device itself
/// in float32 (exact but for rounding). Smooth ones (softmax, the likelihoods) are differenced
/// in float64 on the reference implementations of `Float64Reference.swift`, whose forwards are
/// checked against the device's here too.
@Suite struct GradientTests {
    // MARK: Dense layer: y = x W + b

    /// L = Σ R ⊙ (x W + b) on d = 2 stacked layers of 5 rows, 4 inputs, 3 outputs. The backward
    /// pass as a dense layer runs it: dx = R Wᵀ, dW = xᵀ R, db = column sums of R. Finite
    /// differences with step 2⁻⁶ on the device's forward: |Δ| ≤ 1e-3·|FD| + 1e-4.
    static func checkDenseLayer(on device: Device) throws {
        let (d, n, kIn, kOut) = (2, 5, 4, 3)
        var rng = SeededGenerator(seed: 100)
        let x = rng.floats(d * n * kIn, in: -1...1), w = rng.floats(d * kIn * kOut, in: -1...1)
        let b = rng.floats(d * kOut, in: -1...1), r = rng.floats(d * n * kOut, in: -1...1)

        func loss(_ x: [Float], _ w: [Float], _ b: [Float]) throws -> Double {
            let y = try device.zeros(batch: d, rows: n, cols: kOut)
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: device.upload(x, batch: d, rows: n, cols: kIn),
                            b: device.upload(w, batch: d, rows: kIn, cols: kOut), beta: 0, c: y)
            try device.addBias(y, bias: device.upload(b, batch: d, rows: 1, cols: kOut), activation: .identity)
            return zip(try device.read(y.buffer), r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let dy = try device.upload(r, batch: d, rows: n, cols: kOut)
        let dx = try device.zeros(batch: d, rows: n, cols: kIn), dw = try device.zeros(batch: d, rows: kIn, cols: kOut)
        let db = try device.zeros(batch: d, rows: 1, cols: kOut)
        try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dy, b: device.upload(w, batch: d, rows: kIn, cols: kOut), beta: 0, c: dx)
        try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: device.upload(x, batch: d, rows: n, cols: kIn), b: dy, beta: 0, c: dw)
        try device.columnSums(dy, into: db, beta: 0)

        let h: Float = 1.0 / 64
        func differences(_ values: [Float], _ f: ([Float]) throws -> Double) rethrows -> [Double] {
            try values.indices.map { i in
                var up = values, down = values
                up[i] += h
                down[i] -= h
                return (try f(up) - f(down)) / (Double(up[i]) - Double(down[i]))
            }
        }
        assertClose(try device.read(dx.buffer), try differences(x) { try loss($0, w, b) }, rtol: 1e-3, atol: 1e-4, "dx")
        assertClose(try device.read(dw.buffer), try differences(w) { try loss(x, $0, b) }, rtol: 1e-3, atol: 1e-4, "dW")
        assertClose(try device.read(db.buffer), try differences(b) { try loss(x, w, $0) }, rtol: 1e-3, atol: 1e-4, "db")
    }

    @Test func denseLayerOnCPU() throws { try Self.checkDenseLayer(on: TestDevices.cpu()) }

    @Test(.openCL, arguments: [OpenCLDevice.GemmBackend.clblast, .builtin])
    func denseLayerOnOpenCL(gemm: OpenCLDevice.GemmBackend) throws { try Self.checkDenseLayer(on: TestDevices.openCL(gemm)) }

    // MARK: LeakyReLU

    /// L = Σ R ⊙ LeakyReLU₀.₂(p) with |p| ≥ 0.01 (no kink within the step), the activation
    /// applied by `addBias` with a zero bias and differentiated by `activationBackward` from its
    /// output. Step 2⁻¹⁰ on the device's forward: |Δ| ≤ 1e-3·|FD| + 2e-4.
    static func checkLeakyReLU(on device: Device) throws {
        let (d, n, k) = (3, 7, 5)
        var rng = SeededGenerator(seed: 101)
        let p = rng.floats(d * n * k, in: 0.01...2).map { rng.next() & 1 == 0 ? $0 : -$0 }
        let r = rng.floats(d * n * k, in: -1...1)
        let activation = Activation.leakyReLU(slope: 0.2)
        func forward(_ p: [Float]) throws -> MatrixView {
            let y = try device.upload(p, batch: d, rows: n, cols: k)
            try device.addBias(y, bias: device.zeros(batch: d, rows: 1, cols: k), activation: activation)
            return y
        }
        func loss(_ p: [Float]) throws -> Double {
            zip(try device.read(forward(p).buffer), r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let gradient = try device.upload(r, batch: d, rows: n, cols: k)
        try device.activationBackward(gradient: gradient, output: forward(p), activation: activation)
        let h: Float = 1.0 / 1024
        let fd = try p.indices.map { i -> Double in
            var up = p, down = p
            up[i] += h
            down[i] -= h
            return (try loss(up) - loss(down)) / (Double(up[i]) - Double(down[i]))
        }
        assertClose(try device.read(gradient.buffer), fd, rtol: 1e-3, atol: 2e-4)
    }

    @Test func leakyReLUOnCPU() throws { try Self.checkLeakyReLU(on: TestDevices.cpu()) }
    @Test(.openCL) func leakyReLUOnOpenCL() throws { try Self.checkLeakyReLU(on: TestDevices.openCL()) }

    // MARK: Softmax

    /// L = Σ R ⊙ softmax(x) (or log-softmax) over d = 2 × 3 rows of 11 logits in [−6, 6], one
    /// row shifted by +80 and one by −80 (exp would overflow or underflow unshifted). Forward
    /// against float64: |Δ| ≤ 1e-5·|y| + 1e-7 (softmax), 1e-5·|y| + 1e-5 (log-softmax). Backward
    /// against float64 differences with step 1e-6: |Δ| ≤ 1e-4·|FD| + 1e-6.
    static func checkSoftmax(on device: Device, log: Bool) throws {
        let (d, n, k) = (2, 3, 11)
        var rng = SeededGenerator(seed: log ? 102 : 103)
        var x = rng.floats(d * n * k, in: -6...6)
        for j in 0..<k { x[k + j] += 80; x[4 * k + j] -= 80 }
        let r = rng.floats(d * n * k, in: -1...1)
        let xv = try device.upload(x, batch: d, rows: n, cols: k), y = try device.zeros(batch: d, rows: n, cols: k)
        try device.softmax(xv, into: y, log: log)
        let dx = try device.zeros(batch: d, rows: n, cols: k)
        try device.softmaxBackward(output: y, gradient: device.upload(r, batch: d, rows: n, cols: k), into: dx, log: log)

        let rows = (0..<(d * n)).map { Array(x[($0 * k)..<(($0 + 1) * k)]).map(Double.init) }
        let forward: ([Double]) -> [Double] = log ? Reference.logSoftmax : Reference.softmax
        assertClose(try device.read(y.buffer), rows.flatMap(forward), rtol: 1e-5, atol: log ? 1e-5 : 1e-7, "forward")
        var fd: [Double] = []
        for (row, logits) in rows.enumerated() {
            let weights = r[(row * k)..<((row + 1) * k)].map(Double.init)
            func loss(_ l: [Double]) -> Double { zip(forward(l), weights).reduce(0) { $0 + $1.0 * $1.1 } }
            for j in 0..<k {
                var up = logits, down = logits
                up[j] += 1e-6
                down[j] -= 1e-6
                fd.append((loss(up) - loss(down)) / 2e-6)
            }
        }
        assertClose(try device.read(dx.buffer), fd, rtol: 1e-4, atol: 1e-6, "backward")
    }

    @Test(arguments: [false, true]) func softmaxOnCPU(log: Bool) throws { try Self.checkSoftmax(on: TestDevices.cpu(), log: log) }
    @Test(.openCL, arguments: [false, true]) func softmaxOnOpenCL(log: Bool) throws { try Self.checkSoftmax(on: TestDevices.openCL(), log: log) }

    // MARK: Mixture log-likelihood

    /// Gradients of L = scale · Σ_r w_r log p_r (scale −0.37, per-row weights in [−1, 2]) with
    /// respect to logits, means and widths, for d = 2 networks × 6 rows of 4 components: means
    /// in [lo − 1, hi + 1] (some outside [lo, hi] = [−2, 3]), widths e^U(−2, 0.5), values inside.
    /// Float64 differences of the reference log-likelihood, steps 1e-6 (logits) and 1e-6·σ_g
    /// (means, widths): |Δ| ≤ 1e-4·|FD| + 1e-5. The forward: |Δ| ≤ 1e-5·|log p| + 1e-5.
    static func checkMixtureGradient(on device: Device, truncated: Bool) throws {
        let (d, n, g) = (2, 6, 4)
        var rng = SeededGenerator(seed: truncated ? 104 : 105)
        let (lo, hi): (Float, Float) = (-2, 3)
        let batch = MixtureBatch(
            batch: d, rows: n, components: g, logits: rng.floats(d * n * g, in: -2...2),
            means: rng.floats(d * n * g, in: (lo - 1)...(hi + 1)), widths: rng.floats(d * n * g, in: -2...0.5).map { expf($0) },
            values: rng.floats(d * n, in: lo...hi), bounds: truncated ? [(lo, hi), (lo, hi)] : nil)
        let weights = rng.floats(n, in: -1...2)
        let scale: Float = -0.37
        let result = try batch.logLikelihood(on: device, weights: weights, scale: scale, gradient: true)

        var expected = (logProb: [Double](), logits: [Double](), means: [Double](), widths: [Double]())
        for b in 0..<d {
            for r in 0..<n {
                let mixture = batch.reference(batch: b, row: r)
                let u = Double(batch.value(batch: b, row: r))
                let c = Double(scale) * Double(weights[r])
                expected.logProb.append(mixture.logDensity(u))
                for k in 0..<g {
                    expected.logits.append(c * Self.derivative(of: mixture, at: u, step: 1e-6) { $0.logits[k] += $1 })
                    expected.means.append(c * Self.derivative(of: mixture, at: u, step: 1e-6 * mixture.widths[k]) { $0.means[k] += $1 })
                    expected.widths.append(c * Self.derivative(of: mixture, at: u, step: 1e-6 * mixture.widths[k]) { $0.widths[k] += $1 })
                }
            }
        }
        assertClose(result.logProb, expected.logProb, rtol: 1e-5, atol: 1e-5, "log p")
        assertClose(result.dLogits, expected.logits, rtol: 1e-4, atol: 1e-5, "∂/∂logits")
        assertClose(result.dMeans, expected.means, rtol: 1e-4, atol: 1e-5, "∂/∂means")
        assertClose(result.dWidths, expected.widths, rtol: 1e-4, atol: 1e-5, "∂/∂widths")
    }

    /// The central difference of log p(u) when `perturb` moves one parameter by ±step.
    static func derivative(of mixture: Reference.Mixture, at u: Double, step: Double,
                           _ perturb: (inout Reference.Mixture, Double) -> Void) -> Double {
        var up = mixture, down = mixture
        perturb(&up, step)
        perturb(&down, -step)
        return (up.logDensity(u) - down.logDensity(u)) / (2 * step)
    }

    @Test(arguments: [true, false])
    func mixtureOnCPU(truncated: Bool) throws { try Self.checkMixtureGradient(on: TestDevices.cpu(), truncated: truncated) }

    @Test(.openCL, arguments: [true, false])
    func mixtureOnOpenCL(truncated: Bool) throws { try Self.checkMixtureGradient(on: TestDevices.openCL(), truncated: truncated) }

    // MARK: Categorical log-likelihood

    /// Gradient of L = scale · Σ_r w_r log softmax(l_r)[c_r] (scale 1.7, weights in [−1, 2]) over
    /// d = 2 × 9 rows of 6 logits in [−5, 5]; with weights nil too (w_r = 1). Float64 differences
    /// with step 1e-6: |Δ| ≤ 1e-4·|FD| + 1e-6. Log-likelihoods: |Δ| ≤ 1e-5·|expected| + 1e-6.
    static func checkCategorical(on device: Device, weighted: Bool) throws {
        let (d, n, k) = (2, 9, 6)
        var rng = SeededGenerator(seed: weighted ? 106 : 107)
        let logits = rng.floats(d * n * k, in: -5...5)
        let classes = (0..<(d * n)).map { _ in Float(Int.random(in: 0..<k, using: &rng)) }
        let weights = rng.floats(n, in: -1...2)
        let scale: Float = 1.7
        let logProb = try device.zeros(batch: d, rows: n, cols: 1), gradient = try device.zeros(batch: d, rows: n, cols: k)
        let w = weighted ? MatrixView(try device.makeBuffer(weights), rows: n, cols: 1, batch: d, batchStride: 0) : nil
        try device.categoricalLogLikelihood(logits: device.upload(logits, batch: d, rows: n, cols: k),
                                            classes: device.upload(classes, batch: d, rows: n, cols: 1), logProb: logProb,
                                            gradient: (gradient, LossWeights(weights: w, scale: scale)))
        var expected = (logProb: [Double](), gradient: [Double]())
        for row in 0..<(d * n) {
            let l = logits[(row * k)..<((row + 1) * k)].map(Double.init)
            let label = Int(classes[row])
            let c = Double(scale) * (weighted ? Double(weights[row % n]) : 1)
            expected.logProb.append(Reference.logSoftmax(l)[label])
            for j in 0..<k {
                var up = l, down = l
                up[j] += 1e-6
                down[j] -= 1e-6
                expected.gradient.append(c * (Reference.logSoftmax(up)[label] - Reference.logSoftmax(down)[label]) / 2e-6)
            }
        }
        assertClose(try device.read(logProb.buffer), expected.logProb, rtol: 1e-5, atol: 1e-6, "log p")
        assertClose(try device.read(gradient.buffer), expected.gradient, rtol: 1e-4, atol: 1e-6, "∂/∂logits")
    }

    @Test(arguments: [true, false])
    func categoricalOnCPU(weighted: Bool) throws { try Self.checkCategorical(on: TestDevices.cpu(), weighted: weighted) }

    @Test(.openCL, arguments: [true, false])
    func categoricalOnOpenCL(weighted: Bool) throws { try Self.checkCategorical(on: TestDevices.openCL(), weighted: weighted) }
}
