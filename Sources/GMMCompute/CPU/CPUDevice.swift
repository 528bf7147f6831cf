#if canImport(Glibc)
import Glibc
#endif

/// The CPU path: OpenBLAS (multi-threaded, kernels chosen for this CPU by ``OpenBLAS``) for
/// matrix products and Swift loops spread over all cores for everything else. Each operation
/// here is the reference ("CPU twin") for the OpenCL kernel of the same name.
public final class CPUDevice: Device {
    public let name = "cpu"

    /// Opens the CPU device, loading OpenBLAS if it is installed.
    public init() {
        _ = OpenBLAS.status
    }

    /// 8192 events: at the Table-5 widths one activation slot is then about 6 MB, so passes
    /// stay close to the caches (measured: logprob of 200k events 8% faster than at 65,536).
    public var preferredEvaluationRows: Int { 8192 }

    /// 16 rows: per-block operations are plain calls here.
    public var minimumThetaBlockRows: Int { 16 }

    public var summary: String {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if let core = OpenBLAS.coreName {
            let by = OpenBLAS.status.requestedBy.map { " (core type set by \($0))" } ?? ""
            return "CPU, \(cores) cores, OpenBLAS \(core) kernels\(by), \(OpenBLAS.threadCount) threads\(Self.fusedDenseSummary)"
        }
        return "CPU, \(cores) cores, portable matrix products (OpenBLAS not loaded: \(OpenBLAS.status.failure ?? "?"))\(Self.fusedDenseSummary)"
    }

    /// How dense layers' forward passes run, for device descriptions: the fused AVX2 kernel, or nothing.
    static var fusedDenseSummary: String {
        Self.fusedDenseAvailable ? ", dense forward passes fused (AVX2 + FMA)" : ""
    }

    // MARK: Memory

    public func makeBuffer(count: Int) throws -> DeviceBuffer {
        precondition(count >= 0, "negative buffer size")
        return CPUBuffer(count: count, device: self)
    }

    public func makeBuffer(_ values: [Float]) throws -> DeviceBuffer {
        let buffer = CPUBuffer(count: values.count, device: self)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.pointer.update(from: base, count: values.count) }
        }
        return buffer
    }

    public func read(_ buffer: DeviceBuffer) throws -> [Float] {
        let storage = try cpu(buffer)
        return Array(UnsafeBufferPointer(start: storage.pointer, count: buffer.count))
    }

    public func write(_ values: [Float], into buffer: DeviceBuffer, offset: Int) throws {
        let storage = try cpu(buffer)
        precondition(offset >= 0 && offset + values.count <= buffer.count, "write beyond the buffer")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { (storage.pointer + offset).update(from: base, count: values.count) }
        }
    }

    public func synchronize() throws {}

    private func cpu(_ buffer: DeviceBuffer) throws -> CPUBuffer {
        guard let storage = buffer as? CPUBuffer, storage.deviceID == ObjectIdentifier(self) else {
            throw DeviceError.invalidBuffer("the buffer was not made by this cpu device")
        }
        return storage
    }
}
