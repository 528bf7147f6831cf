import Testing
@testable import GMMCompute
#if canImport(Glibc)
import Glibc
#endif

// MARK: Comparing numbers

/// Records an issue unless every `actual[i]` is within `atol + rtol · |expected[i]|` of
/// `expected[i]` (equal infinities agree; NaN never does).
///
/// One issue summarises all disagreements: how many, and the worst one by
/// |Δ| / (atol + rtol · |expected|), so a failure says how far off the result is.
func assertClose<Actual: BinaryFloatingPoint, Expected: BinaryFloatingPoint>(
    _ actual: [Actual], _ expected: [Expected], rtol: Double, atol: Double,
    _ comment: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    let what = comment().isEmpty ? "" : "\(comment()): "
    guard actual.count == expected.count else {
        Issue.record("\(what)\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var failures = 0
    var worst = (index: -1, ratio: 0.0)
    for i in actual.indices {
        let a = Double(actual[i]), e = Double(expected[i])
        if a == e { continue }
        let ratio = a.isFinite && e.isFinite ? abs(a - e) / (atol + rtol * abs(e)) : .infinity
        if ratio > 1 { failures += 1 }
        if ratio > worst.ratio || worst.index < 0 { worst = (i, ratio) }
    }
    if reportMargins {
        print("assertClose \(sourceLocation.fileName):\(sourceLocation.line) \(what)worst |Δ|/tolerance = \(worst.ratio) over \(actual.count) values")
    }
    if failures > 0 {
        let i = worst.index
        let a = Double(actual[i]), e = Double(expected[i])
        Issue.record(
            """
            \(what)\(failures) of \(actual.count) values differ by more than atol \(atol) + rtol \(rtol) · |expected|; \
            worst at [\(i)]: \(a) vs expected \(e) (|Δ| = \(abs(a - e)), \(worst.ratio) × tolerance)
            """, sourceLocation: sourceLocation)
    }
}

/// Whether `GMM_GPU_TEST_MARGINS=1` asks ``assertClose`` to print every comparison's worst
/// |Δ| / tolerance (to see how much room a tolerance leaves).
let reportMargins: Bool = getenv("GMM_GPU_TEST_MARGINS").map { String(cString: $0) } == "1"

// MARK: Devices under test

/// Whether the environment asks to leave OpenCL out (`GMM_GPU_SKIP_OPENCL=1`).
let openCLSkipped: Bool = getenv("GMM_GPU_SKIP_OPENCL").map { String(cString: $0) } == "1"

extension Trait where Self == ConditionTrait {
    /// Marks tests that need PoCL's OpenCL CPU device: they fail when it is missing, unless
    /// `GMM_GPU_SKIP_OPENCL=1` disables them.
    static var openCL: Self {
        .disabled(if: openCLSkipped, "GMM_GPU_SKIP_OPENCL=1 is set: tests needing an OpenCL CPU device are disabled")
    }
}

/// The devices the tests run on, opened once per process.
enum TestDevices {
    /// The reference: the CPU path.
    static func cpu() throws -> Device { try Devices.open("cpu") }

    /// ``Devices/available()``, after the process's first OpenCL device enumeration has finished.
    ///
    /// PoCL answers CL_DEVICE_NOT_FOUND to a clGetDeviceIDs that runs while another thread's
    /// first one is still initialising it, and the compute layer does not serialise its
    /// enumerations (DevicesTests.concurrentDiscoveryAgrees shows it), so tests running in
    /// parallel would now and then see no OpenCL device. Every test that enumerates or opens
    /// an OpenCL device goes through this first.
    static func available() -> (entries: [Devices.Entry], openCLProblem: String?) {
        _ = firstDiscovery
        return Devices.available()
    }

    private static let firstDiscovery: Int = Devices.available().entries.count

    /// `opencl:cpu` (PoCL) with its matrix products by CLBlast or by the built-in kernel.
    /// Throws (failing the test) when there is no OpenCL CPU device or, for `.clblast`, no CLBlast.
    static func openCL(_ gemm: OpenCLDevice.GemmBackend = .clblast) throws -> OpenCLDevice {
        _ = firstDiscovery
        switch gemm {
        case .builtin: return try builtinDevice.get()
        case .clblast, .automatic: return try clblastDevice.get()
        }
    }

    private nonisolated(unsafe) static let clblastDevice = Result { try Devices.openOpenCL("opencl:cpu", gemm: .clblast) }
    private nonisolated(unsafe) static let builtinDevice = Result { try Devices.openOpenCL("opencl:cpu", gemm: .builtin) }
}

extension OpenCLDevice.GemmBackend: CustomTestStringConvertible {
    public var testDescription: String { self == .builtin ? "built-in gemm kernel" : "CLBlast" }
}

// MARK: Buffers

extension Device {
    /// `values` as a dense [batch, rows, cols] view on this device.
    func upload(_ values: [Float], batch: Int = 1, rows: Int, cols: Int) throws -> MatrixView {
        precondition(values.count == batch * rows * cols, "upload: \(values.count) values for [\(batch), \(rows), \(cols)]")
        return MatrixView(try makeBuffer(values), rows: rows, cols: cols, batch: batch)
    }

    /// A zero-filled dense [batch, rows, cols] view on this device.
    func zeros(batch: Int = 1, rows: Int, cols: Int) throws -> MatrixView {
        MatrixView(try makeBuffer(count: batch * rows * cols), rows: rows, cols: cols, batch: batch)
    }

    /// The elements of `view` in (batch, row, column) order.
    func values(of view: MatrixView) throws -> [Float] {
        let all = try read(view.buffer)
        var out: [Float] = []
        out.reserveCapacity(view.elementCount)
        for b in 0..<view.batch {
            for r in 0..<view.rows {
                let start = view.offset + b * view.batchStride + r * view.rowStride
                out.append(contentsOf: all[start..<(start + view.cols)])
            }
        }
        return out
    }
}

// MARK: Random inputs

extension SeededGenerator {
    /// `count` doubles uniform in `range`.
    mutating func doubles(_ count: Int, in range: ClosedRange<Double>) -> [Double] {
        (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * nextOpenUnitDouble() }
    }

    /// `count` uniforms strictly inside (0, 1), as the samplers take them.
    mutating func uniforms(_ count: Int) -> [Float] {
        (0..<count).map { _ in nextOpenUnitFloat() }
    }
}
