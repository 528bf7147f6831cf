import Testing
@testable import GMMCompute

/// The CPU device's fused dense layer (`Sources/CGMMSupport/dense_avx2.c`: product, bias and
/// activation in one pass) against the composition it replaces (OpenBLAS product, then the bias
/// and activation pass), on three stacked networks with unequal active blocks inside padded,
/// strided operands.
@Suite(.enabled(if: CPUDevice.fusedDenseAvailable, "the fused kernel needs an x86-64 CPU with AVX2 and FMA"))
struct FusedDenseTests {
    /// The largest active block: rows, output columns and inner dimension.
    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int
        var n: Int
        var k: Int
        var testDescription: String { "\(m) × \(n), k = \(k)" }
    }

    /// Row counts around the kernel's 6-row tiles and 96-row passes and the device's 128-row
    /// tasks; column counts around its 8- and 16-column panels; k = 0 (bias only) and k = 1.
    static let shapes = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 5, n: 7, k: 0), Shape(m: 7, n: 9, k: 13), Shape(m: 97, n: 16, k: 50),
        Shape(m: 301, n: 20, k: 60), Shape(m: 130, n: 180, k: 160), Shape(m: 12, n: 33, k: 1),
    ]

    /// The sentinel that elements outside the active blocks must keep.
    static let untouched: Float = 7

    @Test(arguments: shapes)
    func agreesWithComposition(shape: Shape) throws {
        let device = CPUDevice()
        var rng = SeededGenerator(seed: UInt64(shape.m * 1_000_003 + shape.n * 1009 + shape.k))
        let networks = 3
        // Padded operands with row strides beyond their widths, as in the stacked layout.
        let (rows, kMax, nMax) = (shape.m, shape.k + 2, shape.n + 3)
        let (xStride, yStride) = (kMax + 5, nMax + 4)
        // Three bias rows per network: one per block of rows when blocks are given.
        let x = rng.floats(networks * rows * xStride, in: -2...2)
        let w = rng.floats(networks * kMax * nMax, in: -0.5...0.5)
        let bias = rng.floats(networks * 3 * nMax, in: -1...1)
        let xView = { (buffer: DeviceBuffer) in
            MatrixView(buffer, rows: rows, cols: kMax, rowStride: xStride, batch: networks, batchStride: rows * xStride)
        }
        let wView = { (buffer: DeviceBuffer) in MatrixView(buffer, rows: kMax, cols: nMax, batch: networks) }
        let biasView = { (buffer: DeviceBuffer) in MatrixView(buffer, rows: 3, cols: nMax, batch: networks) }
        let yView = { (buffer: DeviceBuffer) in
            MatrixView(buffer, rows: rows, cols: nMax, rowStride: yStride, batch: networks, batchStride: rows * yStride)
        }
        let thirds = [0, rows / 3, rows / 3 + (rows + 1) / 3, rows]
        for activation in [Activation.identity, .leakyReLU(slope: 0.2)] {
            for bounds in [nil, thirds] {
                // Item i: fewer rows (without row blocks), columns and inner dimension than the largest.
                let sizes = (0..<networks).map { i in
                    GemmSize(m: bounds == nil ? max(1, shape.m - 2 * i) : shape.m, n: max(1, shape.n - 5 * i), k: max(0, shape.k - 3 * i))
                }
                func run(_ fused: Bool) throws -> [Float] {
                    let y = try device.makeBuffer([Float](repeating: Self.untouched, count: networks * rows * yStride))
                    let arguments = (xView(try device.makeBuffer(x)), wView(try device.makeBuffer(w)), biasView(try device.makeBuffer(bias)))
                    if fused {
                        try device.dense(arguments.0, weights: arguments.1, bias: arguments.2, activation: activation, into: yView(y),
                                         sizes: sizes, biasRowBounds: bounds)
                    } else {
                        try device.denseByComposition(arguments.0, weights: arguments.1, bias: arguments.2, activation: activation,
                                                      into: yView(y), sizes: sizes, biasRowBounds: bounds)
                    }
                    return try device.read(y)
                }
                let (fused, composed) = (try run(true), try run(false))
                var worst = 0.0, touched = 0
                for (i, size) in sizes.enumerated() {
                    for r in 0..<rows {
                        let block = bounds.map { b in (0..<3).first { r < b[$0 + 1] } ?? 2 } ?? 0
                        for c in 0..<yStride {
                            let index = (i * rows + r) * yStride + c
                            guard r < size.m, c < size.n else {
                                if fused[index] != Self.untouched { touched += 1 }
                                continue
                            }
                            // float32 rounding of a k-term sum: relative to Σ |x w| + |b|.
                            var scale = Double(abs(bias[(i * 3 + block) * nMax + c]))
                            for j in 0..<size.k { scale += Double(abs(x[(i * rows + r) * xStride + j] * w[(i * kMax + j) * nMax + c])) }
                            worst = max(worst, Double(abs(fused[index] - composed[index])) / (scale + 1e-6))
                        }
                    }
                }
                #expect(worst <= 1e-5, "\(activation), blocks \(bounds.map { "\($0)" } ?? "none"): relative difference \(worst)")
                #expect(touched == 0, "\(activation): \(touched) elements outside the active blocks were written")
            }
        }
    }
}
