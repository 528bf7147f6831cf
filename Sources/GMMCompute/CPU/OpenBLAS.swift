import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, loaded at run time with its kernels chosen for this CPU.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some AVX-512 CPUs and falls back to its SSE3
/// ("Prescott") kernels, five times slower. Before the library is loaded, and unless the user
/// set `OPENBLAS_CORETYPE` themselves, this sets it from the CPU's features: `SkylakeX` when
/// AVX-512 (F, BW, VL, DQ, CD) is present, `Haswell` when AVX2 and FMA are. If OpenBLAS is
/// missing, matrix products fall back to a portable Swift loop (``isLoaded`` is false).
/// `OPENBLAS_THREAD_TIMEOUT` is set to 4 unless the user set it, so idle OpenBLAS workers
/// sleep instead of spinning against the Swift loops between products.
public enum OpenBLAS {
    /// The outcome of loading: whether it loaded, why not, and which core type was requested.
    public struct Status: Sendable {
        /// Whether libopenblas was loaded.
        public var isLoaded: Bool
        /// The loader's message when it was not.
        public var failure: String?
        /// The `OPENBLAS_CORETYPE` in force when it was loaded, and who set it.
        public var requestedCoreType: String?
        /// `"user"` when the environment already had OPENBLAS_CORETYPE, `"gmm-gpu"` when this set it.
        public var requestedBy: String?
    }

    /// Loads OpenBLAS once (thread-safe) and returns the outcome.
    public static let status: Status = load()

    /// Whether OpenBLAS is in use for matrix products.
    public static var isLoaded: Bool { status.isLoaded }

    /// The core (kernel family) OpenBLAS runs, e.g. `Haswell` or `SkylakeX`; nil if not loaded.
    public static var coreName: String? {
        guard status.isLoaded, let name = gmm_blas_corename() else { return nil }
        return String(cString: name)
    }

    /// OpenBLAS's thread count (0 when not loaded).
    public static var threadCount: Int { Int(gmm_blas_num_threads()) }

    /// The core type this CPU should use, from its features (nil: leave OpenBLAS to decide).
    public static var preferredCoreType: String? {
        if gmm_cpu_has_avx512_skylakex() != 0 { return "SkylakeX" }
        if gmm_cpu_has_avx2_fma() != 0 { return "Haswell" }
        return nil
    }

    private static func load() -> Status {
        var requested: String? = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        var requestedBy: String? = requested == nil ? nil : "user"
        if requested == nil || requested == "", let preferred = preferredCoreType {
            setenv("OPENBLAS_CORETYPE", preferred, 1)
            requested = preferred
            requestedBy = "gmm-gpu"
        }
        // OpenBLAS's idle workers spin (sched_yield) for 2^28 cycles after each product, taking
        // a core from the elementwise work between products; 2^4 makes them sleep at once.
        // Measured on 2 cores: training 15% faster at batch 5000.
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil { setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1) }
        var message = [CChar](repeating: 0, count: 1024)
        let result = gmm_blas_load(&message, message.count)
        if result != 0 {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return Status(isLoaded: false, failure: reason, requestedCoreType: requested, requestedBy: requestedBy)
        }
        return Status(isLoaded: true, failure: nil, requestedCoreType: requested, requestedBy: requestedBy)
    }

    /// Row-major `C = alpha op(A) op(B) + beta C` on host memory: OpenBLAS when loaded,
    /// otherwise ``portableSgemm``.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if isLoaded {
            gmm_blas_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                           a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        } else {
            portableSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                          a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The same product by plain loops (i-k-j order): the fallback when OpenBLAS is missing.
    static func portableSgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 { row.update(repeating: 0, count: n) } else if beta != 1 { for j in 0..<n { row[j] *= beta } }
            for p in 0..<k {
                let aip = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                if aip == 0 { continue }
                if transposeB {
                    for j in 0..<n { row[j] += aip * b[j * ldb + p] }
                } else {
                    let bp = b + p * ldb
                    for j in 0..<n { row[j] += aip * bp[j] }
                }
            }
        }
    }
}
