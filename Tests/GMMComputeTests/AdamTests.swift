import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The CPU's Adam step, eight parameters at a time with a scalar tail, against the update
/// written out one parameter at a time: bit for bit, since training must give the same model
/// for the same seed.
@Suite struct AdamTests {
    @Test("the CPU Adam step equals the scalar update bit for bit (40,003 parameters: chunks and tails not multiples of 8)")
    func matchesTheScalarUpdate() throws {
        var rng = SeededGenerator(seed: 77)
        let n = 40_003
        let parameters = rng.floats(n, in: -1...1), gradients = rng.floats(n, in: -0.1...0.1)
        let firstMoment = rng.floats(n, in: -0.05...0.05), secondMoment = rng.floats(n, in: 0...0.01)
        let h = AdamHyperparameters(learningRate: 0.003, beta1: 0.85, beta2: 0.995, epsilon: 1e-7, step: 5)
        let device = try TestDevices.cpu()
        let (p, g) = (try device.makeBuffer(parameters), try device.makeBuffer(gradients))
        let (m, v) = (try device.makeBuffer(firstMoment), try device.makeBuffer(secondMoment))
        try device.adamUpdate(parameters: p, gradients: g, firstMoment: m, secondMoment: v, hyperparameters: h)
        var (pe, me, ve) = (parameters, firstMoment, secondMoment)
        for i in 0..<n {
            me[i] = h.beta1 * me[i] + (1 - h.beta1) * gradients[i]
            ve[i] = h.beta2 * ve[i] + (1 - h.beta2) * gradients[i] * gradients[i]
            pe[i] -= h.learningRate * (me[i] * h.firstCorrection) / (sqrtf(ve[i] * h.secondCorrection) + h.epsilon)
        }
        #expect(try device.read(m) == me)
        #expect(try device.read(v) == ve)
        #expect(try device.read(p) == pe)
        #expect(pe != parameters)
    }
}
