import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// An OpenCL device (a GPU through its vendor's driver, or a CPU through PoCL): matrix
/// products through CLBlast when it is installed (else the portable `gemm.cl`), everything
/// else through the kernels of `Kernels/`, compiled once per device and process.
///
/// Operations enqueue work on one in-order queue and return; only ``read(_:)`` and
/// ``synchronize()`` wait. Not safe for concurrent use from several threads (calls are
/// serialised by a lock, but their order is then arbitrary).
public final class OpenCLDevice: Device {
    public let name: String
    /// What the loader reported for this device.
    public let descriptor: OpenCLDeviceDescriptor
    /// Whether matrix products go through CLBlast (false: the portable `gemm.cl`).
    public let usesCLBlast: Bool

    let api: GMMOpenCL
    nonisolated(unsafe) let context: cl_context
    nonisolated(unsafe) let queue: cl_command_queue
    nonisolated(unsafe) let program: cl_program
    nonisolated(unsafe) private var kernels: [String: cl_kernel] = [:]
    private var lock = pthread_mutex_t()
    /// Work-group size for the one-dimensional kernels.
    let groupSize = 128

    /// Opens `descriptor`'s device under the selector `name`, creating its context, queue and
    /// program. `gemm` chooses the matrix-product path: `.automatic` uses CLBlast when loadable.
    init(name: String, descriptor: OpenCLDeviceDescriptor, gemm: GemmBackend = .automatic) throws {
        let api = try CL.api.get()
        self.api = api
        self.name = name
        self.descriptor = descriptor
        var status: cl_int = 0
        var device = descriptor.device
        guard let context = api.CreateContext(nil, 1, &device, nil, nil, &status) else {
            throw DeviceError.openCL(call: "clCreateContext", code: status)
        }
        self.context = context
        guard let queue = api.CreateCommandQueue(context, descriptor.device, 0, &status) else {
            _ = api.ReleaseContext(context)
            throw DeviceError.openCL(call: "clCreateCommandQueue", code: status)
        }
        self.queue = queue
        do {
            program = try Self.buildProgram(api: api, context: context, device: descriptor.device)
        } catch {
            _ = api.ReleaseCommandQueue(queue)
            _ = api.ReleaseContext(context)
            throw error
        }
        switch gemm {
        case .builtin: usesCLBlast = false
        case .automatic, .clblast:
            var message = [CChar](repeating: 0, count: 512)
            let loaded = gmm_clblast_load(&message, message.count) == 0
            if !loaded, gemm == .clblast {
                throw DeviceError.libraryUnavailable(library: "CLBlast (libclblast.so.1)", reason: cString(message))
            }
            usesCLBlast = loaded
        }
        pthread_mutex_init(&lock, nil)
    }

    deinit {
        for kernel in kernels.values { _ = api.ReleaseKernel(kernel) }
        _ = api.ReleaseProgram(program)
        _ = api.ReleaseCommandQueue(queue)
        _ = api.ReleaseContext(context)
        pthread_mutex_destroy(&lock)
    }

    /// How an OpenCL device computes matrix products.
    public enum GemmBackend: String, Sendable {
        /// CLBlast when installed, else the portable kernel.
        case automatic
        /// CLBlast, or fail.
        case clblast
        /// The portable `gemm.cl` kernel.
        case builtin
    }

    /// 65,536 events: enough work per kernel launch to fill a GPU.
    public var preferredEvaluationRows: Int { 65_536 }

    /// 8192 rows, at most 8 blocks in a 65,536-event pass: every block adds kernel launches
    /// (a few per layer), and on an H100 the host side already sets the pace of logprob (runs
    /// of 20,000 events as passes of their own were 10% slower; 294k toy events stored by θ
    /// point, in blocks, and shuffled, per row, took the same time within the scatter).
    /// Training batches of 5000 events from many θ points therefore stay per row here.
    public var minimumThetaBlockRows: Int { 8192 }

    public var summary: String {
        let gib = Double(descriptor.globalMemory) / 1_073_741_824
        let gemm = usesCLBlast ? "CLBlast" : "built-in gemm kernel"
        return "\(descriptor.deviceName) [\(descriptor.platformName), \(descriptor.version)], "
            + "\(descriptor.computeUnits) compute units, \(String(format1: gib)) GiB, matrix products by \(gemm)"
    }

    private static func buildProgram(api: GMMOpenCL, context: cl_context, device: cl_device_id?) throws -> cl_program {
        let source = KernelLibrary.programSource
        var status: cl_int = 0
        let program: cl_program? = source.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            return api.CreateProgramWithSource(context, 1, &pointer, nil, &status)
        }
        guard let program else { throw DeviceError.openCL(call: "clCreateProgramWithSource", code: status) }
        var target = device
        let built = api.BuildProgram(program, 1, &target, "-cl-std=CL1.2", nil, nil)
        if built != CL.success {
            var size = 0
            _ = api.GetProgramBuildInfo(program, device, CL.programBuildLog, 0, nil, &size)
            var log = [CChar](repeating: 0, count: max(size, 1))
            _ = api.GetProgramBuildInfo(program, device, CL.programBuildLog, size, &log, nil)
            _ = api.ReleaseProgram(program)
            throw DeviceError.kernelBuild(log: cString(log))
        }
        return program
    }

    // MARK: Kernel launches

    /// One kernel argument.
    enum Argument {
        case buffer(DeviceBuffer)
        case int(Int)
        case float(Float)
    }

    /// The (buffer, offset, row stride, batch stride) arguments of a view.
    func arguments(_ view: MatrixView) -> [Argument] {
        [.buffer(view.buffer), .int(view.offset), .int(view.rowStride), .int(view.batchStride)]
    }

    /// Sets the arguments and enqueues `kernelName` over `global` work items (rounded up to the
    /// work-group size `local` when given).
    func launch(_ kernelName: String, global: [Int], local: [Int]? = nil, _ arguments: [Argument]) throws {
        if global.contains(0) { return }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let kernel = try self.kernel(kernelName)
        for (index, argument) in arguments.enumerated() {
            let status: cl_int
            switch argument {
            case let .buffer(buffer):
                guard let storage = buffer as? OpenCLBuffer, storage.deviceID == ObjectIdentifier(self) else {
                    preconditionFailure("\(kernelName): a buffer from another device was passed to \(name)")
                }
                var memory: cl_mem? = storage.memory
                status = api.SetKernelArg(kernel, cl_uint(index), MemoryLayout<cl_mem>.size, &memory)
            case let .int(value):
                precondition(value >= Int(Int32.min) && value <= Int(Int32.max), "\(kernelName): argument \(index) exceeds 32 bits")
                var v = Int32(value)
                status = api.SetKernelArg(kernel, cl_uint(index), 4, &v)
            case let .float(value):
                var v = value
                status = api.SetKernelArg(kernel, cl_uint(index), 4, &v)
            }
            try CL.check(status, "clSetKernelArg(\(kernelName), \(index))")
        }
        let localSizes = local ?? [groupSize]
        var globalSizes = [Int]()
        for (i, size) in global.enumerated() {
            let group = i < localSizes.count ? localSizes[i] : 1
            globalSizes.append((size + group - 1) / group * group)
        }
        var localCopy = localSizes + [Int](repeating: 1, count: max(0, global.count - localSizes.count))
        let status = api.EnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, &globalSizes, &localCopy, 0, nil, nil)
        try CL.check(status, "clEnqueueNDRangeKernel(\(kernelName))")
    }

    private func kernel(_ kernelName: String) throws -> cl_kernel {
        if let cached = kernels[kernelName] { return cached }
        var status: cl_int = 0
        guard let kernel = api.CreateKernel(program, kernelName, &status) else {
            throw DeviceError.openCL(call: "clCreateKernel(\(kernelName))", code: status)
        }
        kernels[kernelName] = kernel
        return kernel
    }

    /// The OpenCL memory object of a buffer of this device.
    func memory(_ buffer: DeviceBuffer) throws -> cl_mem {
        guard let storage = buffer as? OpenCLBuffer, storage.deviceID == ObjectIdentifier(self) else {
            throw DeviceError.invalidBuffer("the buffer was not made by device \(name)")
        }
        return storage.memory
    }
}

extension String {
    /// A number with one decimal.
    init(format1 value: Double) {
        let scaled = (value * 10).rounded()
        self = "\(Int(scaled) / 10).\(abs(Int(scaled)) % 10)"
    }
}
