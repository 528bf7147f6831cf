import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS: loaded with the core type chosen for this CPU, and its products correct.
@Suite struct OpenBLASTests {
    @Test func runsThePreferredCoreType() throws {
        let status = OpenBLAS.status
        try #require(status.isLoaded, "OpenBLAS did not load: \(status.failure ?? "?")")
        let core = try #require(OpenBLAS.coreName)
        switch status.requestedBy {
        case "user":
            // The environment set OPENBLAS_CORETYPE; OpenBLAS compares names case-insensitively.
            #expect(core.lowercased() == status.requestedCoreType?.lowercased())
        case "gmm-gpu":
            #expect(status.requestedCoreType == OpenBLAS.preferredCoreType)
            #expect(core == OpenBLAS.preferredCoreType)
            #expect(getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } == OpenBLAS.preferredCoreType)
        default:
            // Nothing was requested: only when this CPU has no preferred core type.
            #expect(status.requestedBy == nil && OpenBLAS.preferredCoreType == nil)
        }
    }

    /// A 257×129×65 product through OpenBLAS against the portable loops, to 1e-4 relative
    /// (|Δ| ≤ 1e-4·|expected| + 1e-5; entries are sums of 65 products of numbers in [-1, 1]).
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func sgemmMatchesPortableLoops(transposeA: Bool, transposeB: Bool) throws {
        try #require(OpenBLAS.isLoaded)
        let (m, n, k) = (257, 129, 65)
        var rng = SeededGenerator(seed: 42)
        // Leading dimensions larger than the rows of the stored matrices.
        let (lda, ldb, ldc) = ((transposeA ? m : k) + 3, (transposeB ? k : n) + 5, n + 2)
        let a = rng.floats((transposeA ? k : m) * lda, in: -1...1)
        let b = rng.floats((transposeB ? n : k) * ldb, in: -1...1)
        let c0 = rng.floats(m * ldc, in: -1...1)
        var blas = c0, portable = c0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                blas.withUnsafeMutableBufferPointer { pc in
                    OpenBLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.3,
                                   a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: 0.7,
                                   c: pc.baseAddress!, ldc: ldc)
                }
                portable.withUnsafeMutableBufferPointer { pc in
                    OpenBLAS.portableSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1.3,
                                           a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: 0.7,
                                           c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
        assertClose(blas, portable, rtol: 1e-4, atol: 1e-5)
        // The padding columns of C are left alone.
        for i in 0..<m { for j in n..<ldc { #expect(blas[i * ldc + j] == c0[i * ldc + j]) } }
        // And the portable loops themselves are right: one entry in float64.
        let (i, j) = (200, 77)
        var dot = 0.0
        for p in 0..<k {
            let aip = transposeA ? a[p * lda + i] : a[i * lda + p]
            let bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j]
            dot += Double(aip) * Double(bpj)
        }
        assertClose([portable[i * ldc + j]], [1.3 * dot + 0.7 * Double(c0[i * ldc + j])], rtol: 1e-5, atol: 1e-5)
    }
}
