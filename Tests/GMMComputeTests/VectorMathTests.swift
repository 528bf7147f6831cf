import CGMMSupport
import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The vector functions of the CPU mixture likelihood (`mixture_vector.c`) against
/// double-precision libm, in both of their builds: AVX2 + FMA (where this CPU has it) and the
/// baseline.
@Suite struct VectorMathTests {
    /// The builds to test: the baseline always, the run-time choice (AVX2 here) too.
    static let builds: [Bool] = [true, false]

    /// `function` (0 e^x, 1 log x, 2 erfc(z)/2) of every value, as the likelihood evaluates it.
    static func evaluate(_ function: Int32, _ x: [Float], baseline: Bool) -> [Float] {
        var out = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { os in
                gmm_vector_elementwise(function, Int32(xs.count), xs.baseAddress, os.baseAddress, baseline ? 1 : 0)
            }
        }
        return out
    }

    @Test("e^x within 2 ulp over [−87, 88.7]; 0 below, ∞ above, NaN kept", arguments: builds)
    func exp(baseline: Bool) {
        var x = -87.0
        var values: [Float] = []
        while x < 88.7 {
            values.append(Float(x))
            x += 0.0137
        }
        let e = Self.evaluate(0, values, baseline: baseline)
        var worst = 0.0
        for (v, r) in zip(values, e) where Double(v) < 88.7 {
            let exact = Glibc.exp(Double(v))
            worst = max(worst, abs(Double(r) - exact) / exact)
        }
        #expect(worst < 2.4e-7, "largest relative error \(worst)")
        let edges = Self.evaluate(0, [-.infinity, -100, -87.4, .nan, 89, .infinity, 0, 1, 2], baseline: baseline)
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 0)
        #expect(edges[3].isNaN)
        #expect(edges[4] == .infinity && edges[5] == .infinity)
        #expect(edges[6] == 1 && abs(edges[7] - 2.718_281_8) < 3e-7)
        #expect(abs(edges[8] - 7.389_056) < 1e-6, "a ninth value (a partial eight) is evaluated too")
    }

    @Test("log x within 2 ulp from 1e-37 to 1e38; 0, negatives, subnormals, ∞ and NaN as logf", arguments: builds)
    func log(baseline: Bool) {
        var values: [Float] = []
        var exponent = -37.0
        while exponent < 38 {
            values.append(Float(pow(10, exponent)))
            exponent += 0.0123
        }
        let l = Self.evaluate(1, values, baseline: baseline)
        var worst = 0.0
        for (v, r) in zip(values, l) {
            let exact = Glibc.log(Double(v))
            // Relative error where |log x| is not small, absolute (in units of 2^-24) near x = 1.
            worst = max(worst, abs(Double(r) - exact) / max(abs(exact), 1))
        }
        #expect(worst < 2.4e-7, "largest error \(worst)")
        // Around 1 and √½, where the reduction switches branch.
        let near: [Float] = [1, 0.999_999_94, 1.000_000_1, 0.707_106_7, 0.707_106_8, 1.414_213_5, 2, 0.5]
        for (x, r) in zip(near, Self.evaluate(1, near, baseline: baseline)) {
            #expect(abs(Double(r) - Glibc.log(Double(x))) <= 1.2e-7 * max(abs(Glibc.log(Double(x))), 1e-7) + 1e-14, "log \(x) = \(r)")
        }
        let edges = Self.evaluate(1, [0, -1, .leastNonzeroMagnitude, .leastNormalMagnitude / 1024, .infinity, .nan, 1, .greatestFiniteMagnitude], baseline: baseline)
        #expect(edges[0] == -.infinity && edges[1].isNaN)
        #expect(abs(edges[2] - logf(.leastNonzeroMagnitude)) < 1e-5 && abs(edges[3] - logf(.leastNormalMagnitude / 1024)) < 1e-5)
        #expect(edges[4] == .infinity && edges[5].isNaN && edges[6] == 0)
        #expect(abs(Double(edges[7]) - Glibc.log(Double(Float.greatestFiniteMagnitude))) < 1e-5)
    }

    @Test("erfc(z)/2 within 5e-6 relative of float64 erfc over [0, 6.4]", arguments: builds)
    func halfErfc(baseline: Bool) {
        let values = stride(from: 0.0, to: 6.4, by: 0.0011).map { Float($0) }
        let q = Self.evaluate(2, values, baseline: baseline)
        var worst = 0.0
        for (z, r) in zip(values, q) {
            let exact = 0.5 * erfc(Double(z))
            worst = max(worst, abs(Double(r) - exact) / exact)
        }
        #expect(worst < 5e-6, "largest relative error \(worst)")
    }

    @Test("log Σ e^v for every count from 1 to 20 (partial eights included) matches the float64 sum; −∞ when all are")
    func logSumExp() {
        var rng = SeededGenerator(seed: 4)
        for count in 1...20 {
            let values = (0..<count).map { _ in Float(10 * rng.nextOpenUnitDouble() - 5) }
            // One value past the end, never read.
            let vector = (values + [.nan]).withUnsafeBufferPointer { gmm_log_sum_exp(Int32(count), $0.baseAddress) }
            let exact = Glibc.log(values.reduce(0.0) { $0 + Glibc.exp(Double($1)) })
            #expect(abs(Double(vector) - exact) <= 5e-7 * max(1, abs(exact)), "count \(count): \(vector) vs \(exact)")
        }
        let none = [Float](repeating: -.infinity, count: 9).withUnsafeBufferPointer { gmm_log_sum_exp(9, $0.baseAddress) }
        #expect(none == -.infinity)
    }
}
