import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// The vectorised exp of the CPU mixture likelihood against double-precision exp.
@Suite struct VectorExpTests {
    @Test("e^x within 2 ulp over [−87, 88.7]; 0 below, ∞ above, NaN kept")
    func accuracy() {
        var worst = 0.0
        var x = -87.0
        while x < 88.7 {
            let lanes = SIMD8<Float>((0..<8).map { Float(x + 0.0137 * Double($0)) })
            let e = VectorExp.exp(lanes)
            for j in 0..<8 where Double(lanes[j]) < 88.7 {
                let exact = libmExp(Double(lanes[j]))
                worst = max(worst, abs(Double(e[j]) - exact) / exact)
            }
            x += 0.1093
        }
        #expect(worst < 2.4e-7, "largest relative error \(worst)")
        let edges = VectorExp.exp(SIMD8(-.infinity, -100, -87.4, .nan, 89, .infinity, 0, 1))
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 0)
        #expect(edges[3].isNaN)
        #expect(edges[4] == .infinity && edges[5] == .infinity)
        #expect(edges[6] == 1 && abs(edges[7] - 2.718_281_8) < 3e-7)
    }

    @Test("Σ e^(v − shift) for every count from 0 to 20 (partial eights included) matches the scalar sum")
    func sums() {
        var rng = SeededGenerator(seed: 4)
        for count in 0...20 {
            let values = (0..<count).map { _ in Float(10 * rng.nextOpenUnitDouble() - 5) }
            let shift = values.max() ?? 0
            // One value past the end, never read: the buffer has an address even at count 0.
            let vector = (values + [.nan]).withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { VectorExp.sumExp($0, count: count, shift: shift) } ?? .nan
            }
            let scalar = values.reduce(0.0) { $0 + libmExp(Double($1 - shift)) }
            #expect(abs(Double(vector) - scalar) <= 5e-7 * max(1, scalar), "count \(count): \(vector) vs \(scalar)")
        }
    }
}

/// Double-precision exp from the C library.
private func libmExp(_ x: Double) -> Double { Glibc.exp(x) }
