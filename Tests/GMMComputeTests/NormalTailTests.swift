import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The vectorised normal tails of the CPU mixture likelihood against the scalar path (which
/// calls erfcf per component); the vector erfc itself is tested in `VectorMathTests`.
@Suite struct NormalTailTests {
    @Test("log(Φ(b) − Φ(a)) of every component, vectorised, matches the scalar path (inside, straddling and outside a bound; every count to 20)")
    func intervalProbabilities() {
        var rng = SeededGenerator(seed: 15)
        var worst = 0.0
        for count in 0...20 {
            for _ in 0..<200 {
                // Means across and beyond the latent interval [-5, 5]; widths from 0.01 to 3.
                let means = (0..<count).map { _ in Float(16 * rng.nextOpenUnitDouble() - 8) }
                let widths = (0..<count).map { _ in Float(0.01 * pow(300, rng.nextOpenUnitDouble())) }
                var out = [Float](repeating: .nan, count: count + 1)
                means.withUnsafeBufferPointer { m in
                    widths.withUnsafeBufferPointer { w in
                        out.withUnsafeMutableBufferPointer { o in
                            if let mb = m.baseAddress, let wb = w.baseAddress, let ob = o.baseAddress {
                                NormalMath.logIntervalProbabilities(lo: -5, hi: 5, means: mb, widths: wb, count: count, into: ob)
                            }
                        }
                    }
                }
                for g in 0..<count {
                    let scalar = Double(NormalMath.logIntervalProbability((-5 - means[g]) / widths[g], (5 - means[g]) / widths[g]))
                    worst = max(worst, abs(Double(out[g]) - scalar) / (1e-6 + abs(scalar)))
                }
                #expect(out[count].isNaN, "nothing written past the components")
            }
        }
        #expect(worst < 1e-5, "largest difference \(worst), relative to |log Z| + 1e-6")
    }
}
