import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The vectorised log of the CPU mixture likelihood (log σ) against double-precision log.
@Suite struct VectorLogTests {
    @Test("log x within 2 ulp from 1e-37 to 1e38; 0, negatives, subnormals, ∞ and NaN as logf")
    func accuracy() {
        var worst = 0.0
        var exponent = -37.0
        while exponent < 38 {
            let lanes = SIMD8<Float>((0..<8).map { Float(pow(10, exponent + 0.0123 * Double($0))) })
            let l = VectorLog.log(lanes)
            for j in 0..<8 {
                let exact = Glibc.log(Double(lanes[j]))
                // Relative error where |log x| is not small, absolute (in units of 2^-24) near x = 1.
                worst = max(worst, abs(Double(l[j]) - exact) / max(abs(exact), 1))
            }
            exponent += 0.0171
        }
        #expect(worst < 2.4e-7, "largest error \(worst)")
        // Around 1 and √½, where the reduction switches branch.
        for x: Float in [1, 0.999_999_94, 1.000_000_1, 0.707_106_7, 0.707_106_8, 1.414_213_5, 2, 0.5] {
            let l = VectorLog.log(SIMD8(repeating: x))[0]
            #expect(abs(Double(l) - Glibc.log(Double(x))) <= 1.2e-7 * max(abs(Glibc.log(Double(x))), 1e-7) + 1e-14, "log \(x) = \(l)")
        }
        let edges = VectorLog.log(SIMD8(0, -1, .leastNonzeroMagnitude, 1e-40, .infinity, .nan, 1, .greatestFiniteMagnitude))
        #expect(edges[0] == -.infinity && edges[1].isNaN)
        #expect(abs(edges[2] - logf(.leastNonzeroMagnitude)) < 1e-5 && abs(edges[3] - logf(1e-40)) < 1e-5)
        #expect(edges[4] == .infinity && edges[5].isNaN && edges[6] == 0)
        #expect(abs(Double(edges[7]) - Glibc.log(Double(Float.greatestFiniteMagnitude))) < 1e-5)
    }
}
