#if canImport(Glibc)
import Glibc
#endif

/// The OpenCL kernel sources of `Kernels/`, compiled into the binary.
///
/// Set `GMM_GPU_KERNEL_DIR` to a folder holding edited copies of the `.cl` files to use
/// those instead (for kernel development without rebuilding); a file missing there falls
/// back to the embedded one.
public enum KernelLibrary {
    /// The kernel files in the order they are concatenated into one program (later files use
    /// helpers of earlier ones).
    public static let files: [String] = [
        "normal.cl", "mixture.cl", "head.cl", "categorical.cl", "sampling.cl", "dense.cl", "softmax.cl",
        "adam.cl", "reduce.cl", "elementwise.cl", "gemm.cl",
    ]

    /// The embedded text of one kernel file.
    static func embedded(_ file: String) -> [UInt8] {
        switch file {
        case "normal.cl": return PackageResources.normal_cl
        case "mixture.cl": return PackageResources.mixture_cl
        case "head.cl": return PackageResources.head_cl
        case "categorical.cl": return PackageResources.categorical_cl
        case "sampling.cl": return PackageResources.sampling_cl
        case "dense.cl": return PackageResources.dense_cl
        case "softmax.cl": return PackageResources.softmax_cl
        case "adam.cl": return PackageResources.adam_cl
        case "reduce.cl": return PackageResources.reduce_cl
        case "elementwise.cl": return PackageResources.elementwise_cl
        case "gemm.cl": return PackageResources.gemm_cl
        default: return []
        }
    }

    /// The whole program's source: the override folder's files where present, else embedded.
    public static var programSource: String {
        let overrideDirectory = getenv("GMM_GPU_KERNEL_DIR").map { String(cString: $0) }
        var source = ""
        for file in files {
            var bytes = embedded(file)
            if let directory = overrideDirectory, let edited = readFile("\(directory)/\(file)") { bytes = edited }
            source += "// ---- \(file)\n" + String(decoding: bytes, as: UTF8.self) + "\n"
        }
        return source
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, handle)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
