import Testing
import GMMTestSupport
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// Samples follow the densities: Kolmogorov–Smirnov statistics against the float64 CDF below
/// the 1% critical value 1.63/√n, categorical frequencies within 4 binomial standard errors,
/// on the CPU and on `opencl:cpu`, with uniforms from ``SeededGenerator``.
@Suite struct SamplingTests {
    /// The KS statistic sup |F_n(x) − F(x)| of float `samples` against `cdf` (the shared one).
    static func kolmogorovSmirnov(_ samples: [Float], cdf: (Double) -> Double) -> Double {
        GMMTestSupport.kolmogorovSmirnov(samples.map(Double.init), cdf: cdf)
    }

    /// `n` draws from `mixture` (one network, every row the same mixture) on `device`.
    static func draw(_ n: Int, from mixture: Reference.Mixture, on device: Device, seed: UInt64) throws -> [Float] {
        var rng = SeededGenerator(seed: seed)
        let batch = MixtureBatch.repeating(mixture, at: [Float](repeating: 0, count: n))
        return try batch.sample(on: device, uniforms: rng.uniforms(2 * n))
    }

    /// Four components on [−2, 4], one centred 0.5 (≈ 1σ) above hi.
    static func fixedMixture(truncated: Bool) -> Reference.Mixture {
        Reference.Mixture(logits: [0.3, -0.5, 1.2, 0] as [Float], means: [-1.5, 0.4, 2.2, 4.5], widths: [0.3, 0.8, 0.15, 0.6],
                          bounds: truncated ? (-2, 4) : nil)
    }

    /// 20k draws: all finite and inside [lo, hi]; KS < 1.63/√n against the analytic CDF.
    static func checkMixture(truncated: Bool, on device: Device) throws {
        let mixture = fixedMixture(truncated: truncated)
        let n = 20_000
        let samples = try draw(n, from: mixture, on: device, seed: truncated ? 300 : 301)
        #expect(samples.allSatisfy { $0.isFinite })
        if let (lo, hi) = mixture.bounds {
            #expect(samples.allSatisfy { Double($0) >= lo && Double($0) <= hi }, "a sample outside [\(lo), \(hi)]")
        }
        let d = kolmogorovSmirnov(samples, cdf: mixture.cdf)
        #expect(d < 1.63 / Double(n).squareRoot(), "KS statistic \(d), n = \(n)")
    }

    @Test(arguments: [true, false]) func mixtureOnCPU(truncated: Bool) throws { try Self.checkMixture(truncated: truncated, on: TestDevices.cpu()) }
    @Test(.openCL, arguments: [true, false]) func mixtureOnOpenCL(truncated: Bool) throws { try Self.checkMixture(truncated: truncated, on: TestDevices.openCL()) }

    /// The KS test has power: samples of the untruncated mixture fail it against the truncated
    /// CDF, and samples shifted by 0.05 fail it against their own.
    @Test func kolmogorovSmirnovDetectsWrongSamples() throws {
        let device = try TestDevices.cpu()
        let n = 20_000
        let untruncated = try Self.draw(n, from: Self.fixedMixture(truncated: false), on: device, seed: 302)
        let truncatedCDF = Self.fixedMixture(truncated: true).cdf
        #expect(Self.kolmogorovSmirnov(untruncated, cdf: truncatedCDF) > 1.63 / Double(n).squareRoot())
        #expect(Self.kolmogorovSmirnov(untruncated.map { $0 + 0.05 }, cdf: Self.fixedMixture(truncated: false).cdf)
                > 1.63 / Double(n).squareRoot())
    }

    /// 20k categories from 5 logits: each frequency within 4 binomial standard errors of
    /// n·softmax(l)_k.
    static func checkCategorical(on device: Device) throws {
        let logits: [Float] = [0.2, -1, 1.5, 0.7, -3]
        let n = 20_000
        var rng = SeededGenerator(seed: 303)
        let drawn = try device.zeros(rows: n, cols: 1)
        try device.sampleCategorical(logits: device.upload(Array(repeating: logits, count: n).flatMap { $0 }, rows: n, cols: logits.count),
                                     uniforms: device.upload(rng.uniforms(n), rows: n, cols: 1), into: drawn)
        let categories = try device.read(drawn.buffer)
        let probabilities = Reference.softmax(logits.map(Double.init))
        for (k, p) in probabilities.enumerated() {
            let count = Double(categories.filter { $0 == Float(k) }.count)
            let standardError = (Double(n) * p * (1 - p)).squareRoot()
            #expect(abs(count - Double(n) * p) < 4 * standardError, "category \(k): \(count) draws, expected \(Double(n) * p) ± \(standardError)")
        }
        #expect(categories.allSatisfy { $0 >= 0 && $0 < Float(logits.count) && $0 == $0.rounded() })
    }

    @Test func categoricalOnCPU() throws { try Self.checkCategorical(on: TestDevices.cpu()) }
    @Test(.openCL) func categoricalOnOpenCL() throws { try Self.checkCategorical(on: TestDevices.openCL()) }

    // MARK: Far-tail truncation

    /// One component centred `distance`σ below lo (or above hi, mirrored), truncated to an
    /// interval 10σ wide: (μ, σ) = (0, 0.1), [lo, hi] = [0.1·distance, 0.1·distance + 1].
    static func tailMixture(distance: Double, below: Bool) -> Reference.Mixture {
        let sigma = 0.1
        let (lo, hi) = below ? (Double(Float(distance * sigma)), Double(Float(distance * sigma + 1)))
                             : (Double(Float(-distance * sigma - 1)), Double(Float(-distance * sigma)))
        return Reference.Mixture(logits: [0], means: [0], widths: [Double(Float(sigma))], bounds: (lo, hi))
    }

    /// A component 10σ below lo (and one 10σ above hi): 20k draws all finite, inside [lo, hi],
    /// and KS < 1.63/√n against the exact truncated-normal CDF.
    static func checkTenSigmaTail(on device: Device) throws {
        for below in [true, false] {
            let mixture = tailMixture(distance: 10, below: below)
            let (lo, hi) = try #require(mixture.bounds)
            let n = 20_000
            let samples = try draw(n, from: mixture, on: device, seed: below ? 304 : 305)
            #expect(samples.allSatisfy { $0.isFinite && Double($0) >= lo && Double($0) <= hi }, "below: \(below)")
            let d = kolmogorovSmirnov(samples, cdf: mixture.cdf)
            #expect(d < 1.63 / Double(n).squareRoot(), "KS statistic \(d), n = \(n), below: \(below)")
        }
    }

    @Test func tenSigmaTailOnCPU() throws { try Self.checkTenSigmaTail(on: TestDevices.cpu()) }
    @Test(.openCL) func tenSigmaTailOnOpenCL() throws { try Self.checkTenSigmaTail(on: TestDevices.openCL()) }

    /// The same with 400k draws, whose KS critical value 1.63/√n = 0.0026 resolves the shape of
    /// the truncated tail: at 6σ (the inverse-CDF branch), 8.5σ and 10σ (the exponential branch
    /// beyond 8σ, whose KS distance from the exact tail is 0.009 at 8σ and 0.006 at 10σ), on
    /// both sides.
    static func checkTailShape(distance: Double, on device: Device) throws {
        for below in [true, false] {
            let mixture = tailMixture(distance: distance, below: below)
            let n = 400_000
            let samples = try draw(n, from: mixture, on: device, seed: 306)
            let d = kolmogorovSmirnov(samples, cdf: mixture.cdf)
            #expect(d < 1.63 / Double(n).squareRoot(), "KS statistic \(d), n = \(n), component \(distance)σ \(below ? "below lo" : "above hi")")
        }
    }

    @Test(arguments: [6.0, 8.5, 10])
    func tailShapeOnCPU(distance: Double) throws { try Self.checkTailShape(distance: distance, on: TestDevices.cpu()) }

    @Test(.openCL, arguments: [6.0, 8.5, 10])
    func tailShapeOnOpenCL(distance: Double) throws { try Self.checkTailShape(distance: distance, on: TestDevices.openCL()) }
}
