import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// A two-layer mixture density network trained by Adam gives the same weights on the CPU and
/// on `opencl:cpu`, and learns.
@Suite struct TrainingTests {
    /// d = 2 stacked networks x[3] → dense 17, LeakyReLU 0.2 → dense 3G (G = 4) → a mixture whose
    /// logits and means are output columns and whose widths are 1 + 0.1 · the last G columns
    /// (positive throughout: |0.1·raw| < 0.5 for these weights and 5 steps of size ≤ 0.01).
    /// The loss is the weighted mean negative log-likelihood of the targets truncated to [−2, 2].
    struct Network {
        static let (networks, rows, inputs, hidden, components) = (2, 777, 3, 17, 4)
        static var outputs: Int { 3 * components }
        /// Offsets of W1 [d, 3, 17], b1 [d, 1, 17], W2 [d, 17, 12], b2 [d, 1, 12] in one buffer.
        static let w1 = 0
        static let b1 = w1 + networks * inputs * hidden
        static let w2 = b1 + networks * hidden
        static let b2 = w2 + networks * hidden * outputs
        static let parameterCount = b2 + networks * outputs

        let device: Device
        let parameters, gradients, firstMoment, secondMoment: DeviceBuffer
        let x, targets, weights, bounds: MatrixView
        let hidden, output, widths, logProb, dOutput, dWidths, dHidden: MatrixView
        let widthScale, widthShift, total: DeviceBuffer
        let weightSum: Float

        init(on device: Device, initial: [Float], data: (x: [Float], targets: [Float], weights: [Float])) throws {
            let (d, n, g) = (Self.networks, Self.rows, Self.components)
            self.device = device
            parameters = try device.makeBuffer(initial)
            gradients = try device.makeBuffer(count: Self.parameterCount)
            firstMoment = try device.makeBuffer(count: Self.parameterCount)
            secondMoment = try device.makeBuffer(count: Self.parameterCount)
            x = try device.upload(data.x, batch: d, rows: n, cols: Self.inputs)
            targets = try device.upload(data.targets, batch: d, rows: n, cols: 1)
            weights = MatrixView(try device.makeBuffer(data.weights), rows: n, cols: 1, batch: d, batchStride: 0)
            bounds = MatrixView(try device.makeBuffer([-2, 2]), rows: 1, cols: 2, batch: d, batchStride: 0)
            hidden = try device.zeros(batch: d, rows: n, cols: Self.hidden)
            output = try device.zeros(batch: d, rows: n, cols: Self.outputs)
            widths = try device.zeros(batch: d, rows: n, cols: g)
            logProb = try device.zeros(batch: d, rows: n, cols: 1)
            dOutput = try device.zeros(batch: d, rows: n, cols: Self.outputs)
            dWidths = try device.zeros(batch: d, rows: n, cols: g)
            dHidden = try device.zeros(batch: d, rows: n, cols: Self.hidden)
            widthScale = try device.makeBuffer([Float](repeating: 0.1, count: g))
            widthShift = try device.makeBuffer([Float](repeating: 1, count: g))
            total = try device.makeBuffer(count: 1)
            weightSum = data.weights.reduce(0, +)
        }

        func view(_ buffer: DeviceBuffer, at offset: Int, rows: Int, cols: Int) -> MatrixView {
            MatrixView(buffer, offset: offset, rows: rows, cols: cols, batch: Self.networks)
        }

        /// Forward pass, loss and (with `backward`) the gradients of all parameters. Returns the loss.
        func evaluate(backward: Bool) throws -> Float {
            let g = Self.components
            let (w1, b1) = (view(parameters, at: Self.w1, rows: Self.inputs, cols: Self.hidden), view(parameters, at: Self.b1, rows: 1, cols: Self.hidden))
            let (w2, b2) = (view(parameters, at: Self.w2, rows: Self.hidden, cols: Self.outputs), view(parameters, at: Self.b2, rows: 1, cols: Self.outputs))
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: x, b: w1, beta: 0, c: hidden)
            try device.addBias(hidden, bias: b1, activation: .leakyReLU(slope: 0.2))
            try device.gemm(transposeA: false, transposeB: false, alpha: 1, a: hidden, b: w2, beta: 0, c: output)
            try device.addBias(output, bias: b2, activation: .identity)
            try device.affineColumns(output.columns((2 * g)..<(3 * g)), into: widths,
                                     scale: MatrixView(widthScale, rows: 1, cols: g), shift: MatrixView(widthShift, rows: 1, cols: g))
            let mixture = MixtureViews(logits: output.columns(0..<g), means: output.columns(g..<(2 * g)), widths: widths)
            let gradient = MixtureViews(logits: dOutput.columns(0..<g), means: dOutput.columns(g..<(2 * g)), widths: dWidths)
            try device.mixtureLogLikelihood(mixture, values: targets, bounds: bounds, logProb: logProb,
                                            gradient: backward ? (gradient, LossWeights(weights: weights, scale: -1 / weightSum)) : nil)
            try device.sum(logProb, weights: weights, into: total, index: 0, accumulate: false)
            let loss = -(try device.read(total))[0] / weightSum
            guard backward else { return loss }
            try device.axpby(alpha: 0.1, x: dWidths, beta: 0, y: dOutput.columns((2 * g)..<(3 * g)))
            try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: hidden, b: dOutput, beta: 0,
                            c: view(gradients, at: Self.w2, rows: Self.hidden, cols: Self.outputs))
            try device.columnSums(dOutput, into: view(gradients, at: Self.b2, rows: 1, cols: Self.outputs), beta: 0)
            try device.gemm(transposeA: false, transposeB: true, alpha: 1, a: dOutput, b: w2, beta: 0, c: dHidden)
            try device.activationBackward(gradient: dHidden, output: hidden, activation: .leakyReLU(slope: 0.2))
            try device.gemm(transposeA: true, transposeB: false, alpha: 1, a: x, b: dHidden, beta: 0,
                            c: view(gradients, at: Self.w1, rows: Self.inputs, cols: Self.hidden))
            try device.columnSums(dHidden, into: view(gradients, at: Self.b1, rows: 1, cols: Self.hidden), beta: 0)
            return loss
        }

        /// `steps` Adam steps (learning rate 0.01); returns the loss before each and after the last.
        func train(steps: Int) throws -> [Float] {
            var losses: [Float] = []
            for step in 1...steps {
                losses.append(try evaluate(backward: true))
                try device.adamUpdate(parameters: parameters, gradients: gradients, firstMoment: firstMoment,
                                      secondMoment: secondMoment, hyperparameters: AdamHyperparameters(learningRate: 0.01, step: step))
            }
            losses.append(try evaluate(backward: false))
            return losses
        }

        /// The minimum width in use, for the positivity the construction promises.
        func smallestWidth() throws -> Float { try device.read(widths.buffer).min()! }
    }

    /// Initial weights and a regression problem: u = 0.8 x₀ + 0.4 sin(3 x₁) + noise, clipped to
    /// [−1.9, 1.9], per-row weights in [0.1, 1.5].
    static func problem() -> (initial: [Float], data: (x: [Float], targets: [Float], weights: [Float])) {
        var rng = SeededGenerator(seed: 400)
        let (d, n, inputs, hidden, g) = (Network.networks, Network.rows, Network.inputs, Network.hidden, Network.components)
        var initial = rng.floats(d * inputs * hidden, in: -0.6...0.6) + rng.floats(d * hidden, in: -0.1...0.1)
        for _ in 0..<(d * hidden) {
            initial += rng.floats(2 * g, in: -0.3...0.3) + rng.floats(g, in: -0.1...0.1)
        }
        initial += (0..<d).flatMap { _ in rng.floats(2 * g, in: -0.1...0.1) + [Float](repeating: 0, count: g) }
        let x = rng.floats(d * n * inputs, in: -1...1)
        let targets = (0..<(d * n)).map { row -> Float in
            let u = 0.8 * x[row * inputs] + 0.4 * sinf(3 * x[row * inputs + 1]) + rng.floats(1, in: -0.3...0.3)[0]
            return min(max(u, -1.9), 1.9)
        }
        return (initial, (x, targets, rng.floats(n, in: 0.1...1.5)))
    }

    /// Five Adam steps on `cpu` and on `opencl:cpu` (CLBlast and the built-in gemm) from the
    /// same weights: the losses agree to 1e-5 relative; the weights to |Δ| ≤ 2e-5·|w| + 2e-6
    /// (1/5000 of a step of 0.01); the loss falls on both.
    @Test(.openCL, arguments: [OpenCLDevice.GemmBackend.clblast, .builtin])
    func sameWeightsOnCPUAndOpenCL(gemm: OpenCLDevice.GemmBackend) throws {
        let (initial, data) = Self.problem()
        #expect(initial.count == Network.parameterCount)
        let cpu = try Network(on: TestDevices.cpu(), initial: initial, data: data)
        let openCL = try Network(on: TestDevices.openCL(gemm), initial: initial, data: data)
        let expectedLosses = try cpu.train(steps: 5)
        let losses = try openCL.train(steps: 5)
        assertClose(losses, expectedLosses, rtol: 1e-5, atol: 0, "losses")
        assertClose(try openCL.device.read(openCL.parameters), try cpu.device.read(cpu.parameters), rtol: 2e-5, atol: 2e-6, "weights")
        #expect(expectedLosses.last! < expectedLosses.first!, "the loss did not fall: \(expectedLosses)")
        #expect(try cpu.smallestWidth() > 0.5 && openCL.smallestWidth() > 0.5)
        // Training moved the weights (by up to 5 steps of 0.01).
        let moved = zip(try cpu.device.read(cpu.parameters), initial).map { abs($0 - $1) }.max()!
        #expect(moved > 0.02, "largest weight change \(moved)")
    }

    /// On the CPU alone, so the learning itself is checked when OpenCL is skipped: the loss
    /// falls at every one of the five steps.
    @Test func lossFallsOnCPU() throws {
        let (initial, data) = Self.problem()
        let losses = try Network(on: TestDevices.cpu(), initial: initial, data: data).train(steps: 5)
        for (before, after) in zip(losses, losses.dropFirst()) { #expect(after < before, "losses \(losses)") }
    }
}
