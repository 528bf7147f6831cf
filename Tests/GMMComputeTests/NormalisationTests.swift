import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The densities the devices evaluate are normalised: exp(log p) from `mixtureLogLikelihood`,
/// integrated by composite Simpson's rule, is 1 to within 1e-4 over [lo, hi] for truncated
/// mixtures (components centred up to 5σ outside included) and over the real line untruncated.
@Suite struct NormalisationTests {
    /// A random mixture of 6 components on [lo, hi] = [−2, 3]: logits in [−2, 2], widths
    /// e^U(log 0.03, 0), means in [lo, hi] or up to 5σ outside (about a third outside).
    static func randomMixture(seed: UInt64, truncated: Bool) -> Reference.Mixture {
        var rng = SeededGenerator(seed: seed)
        let (lo, hi) = (-2.0, 3.0)
        let widths = rng.doubles(6, in: log(0.03)...0).map { Double(Float(exp($0))) }
        let means = widths.map { sigma -> Double in
            let t = rng.nextOpenUnitDouble()
            let mean: Double
            if t < 1.0 / 6 { mean = lo - 5 * sigma * rng.nextOpenUnitDouble() }
            else if t < 1.0 / 3 { mean = hi + 5 * sigma * rng.nextOpenUnitDouble() }
            else { mean = lo + (hi - lo) * rng.nextOpenUnitDouble() }
            return Double(Float(mean))
        }
        let logits = rng.doubles(6, in: -2...2).map { Double(Float($0)) }
        return Reference.Mixture(logits: logits, means: means, widths: widths, bounds: truncated ? (lo, hi) : nil)
    }

    /// Simpson's grid on [from, to]: an even number of steps, each ≤ 1/8 of the narrowest scale
    /// of any component there: σ, or σ²/d for one centred a distance d outside the interval (its
    /// truncated density decays like exp(−d·x/σ²) from the bound).
    static func grid(for mixture: Reference.Mixture, from: Double, to: Double) -> [Double] {
        var scale = Double.infinity
        for g in mixture.means.indices {
            let sigma = mixture.widths[g]
            let outside = max(from - mixture.means[g], mixture.means[g] - to, 0)
            scale = min(scale, sigma, sigma * sigma / max(outside, 1e-12))
        }
        var intervals = Int(((to - from) / (scale / 8)).rounded(.up))
        intervals += intervals % 2
        return (0...intervals).map { from + (to - from) * Double($0) / Double(intervals) }
    }

    /// Simpson's rule for `values` of a function on an evenly spaced grid of step `h`.
    static func simpson(_ values: [Double], step h: Double) -> Double {
        let last = values.count - 1
        var total = 0.0
        for (i, value) in values.enumerated() {
            total += (i == 0 || i == last ? 1 : (i % 2 == 1 ? 4 : 2)) * value
        }
        return total * h / 3
    }

    /// ∫ exp(log p) over [from, to] with log p from the device (at float32 grid points).
    static func integral(of mixture: Reference.Mixture, from: Double, to: Double, on device: Device) throws -> Double {
        let points = grid(for: mixture, from: from, to: to)
        let logP = try MixtureBatch.repeating(mixture, at: points.map { Float($0) }).logLikelihood(on: device, gradient: false).logProb
        return simpson(logP.map { exp(Double($0)) }, step: points[1] - points[0])
    }

    static func checkTruncated(seed: UInt64, on device: Device) throws {
        let mixture = randomMixture(seed: seed, truncated: true)
        let (lo, hi) = try #require(mixture.bounds)
        // Grid points are float32; keep the integration range exactly [lo, hi].
        let mass = try integral(of: mixture, from: lo, to: hi, on: device)
        assertClose([mass], [1.0], rtol: 0, atol: 1e-4, "∫ p over [lo, hi], mixture \(mixture)")
        // The device agrees with the float64 density in the middle of the range too.
        let logP = try MixtureBatch.repeating(mixture, at: [0.123]).logLikelihood(on: device, gradient: false).logProb
        assertClose(logP, [mixture.logDensity(Double(Float(0.123)))], rtol: 1e-5, atol: 1e-5)
    }

    static func checkUntruncated(seed: UInt64, on device: Device) throws {
        let mixture = randomMixture(seed: seed, truncated: false)
        let from = zip(mixture.means, mixture.widths).map { $0 - 12 * $1 }.min()!
        let to = zip(mixture.means, mixture.widths).map { $0 + 12 * $1 }.max()!
        let mass = try integral(of: mixture, from: from, to: to, on: device)
        assertClose([mass], [1.0], rtol: 0, atol: 1e-4, "∫ p over the real line, mixture \(mixture)")
    }

    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]

    @Test(arguments: seeds) func truncatedOnCPU(seed: UInt64) throws { try Self.checkTruncated(seed: seed, on: TestDevices.cpu()) }
    @Test(.openCL, arguments: seeds) func truncatedOnOpenCL(seed: UInt64) throws { try Self.checkTruncated(seed: seed, on: TestDevices.openCL()) }
    @Test(arguments: seeds) func untruncatedOnCPU(seed: UInt64) throws { try Self.checkUntruncated(seed: seed, on: TestDevices.cpu()) }
    @Test(.openCL, arguments: seeds) func untruncatedOnOpenCL(seed: UInt64) throws { try Self.checkUntruncated(seed: seed, on: TestDevices.openCL()) }

    /// The quadrature itself: it integrates a float64 truncated mixture to 1 within 1e-6 when
    /// fed the reference density (so a 1e-4 miss above is the device's).
    @Test func quadratureIsAccurate() throws {
        for seed in Self.seeds {
            let mixture = Self.randomMixture(seed: seed, truncated: true)
            let (lo, hi) = try #require(mixture.bounds)
            let points = Self.grid(for: mixture, from: lo, to: hi)
            let total = Self.simpson(points.map { exp(mixture.logDensity($0)) }, step: points[1] - points[0])
            assertClose([total], [1.0], rtol: 0, atol: 1e-6, "seed \(seed)")
        }
    }
}
