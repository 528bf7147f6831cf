/// An error from the compute layer: a device that cannot be found or opened, a missing
/// library, or a failure reported by OpenCL or CLBlast.
public enum DeviceError: Error, CustomStringConvertible, Equatable {
    /// No device has the given name; `note` says why OpenCL devices are missing, if they are.
    case unknownDevice(name: String, available: [String], note: String?)
    /// The name is not of a form the device selector understands.
    case invalidDeviceName(String)
    /// A shared library could not be loaded.
    case libraryUnavailable(library: String, reason: String)
    /// An OpenCL call returned an error code.
    case openCL(call: String, code: Int32)
    /// A kernel program failed to compile; `log` is the compiler's build log.
    case kernelBuild(log: String)
    /// A CLBlast call returned a non-zero status.
    case clblast(call: String, status: Int32)
    /// A buffer of the wrong size or from another device was passed.
    case invalidBuffer(String)

    public var description: String {
        switch self {
        case let .unknownDevice(name, available, note):
            return "device '\(name)' does not exist; available devices: \(available.joined(separator: ", "))"
                + (note.map { " (OpenCL: \($0))" } ?? "") + ". Run `gmm-gpu devices` to list them."
        case let .invalidDeviceName(name):
            return "device name '\(name)' is not understood; expected 'cpu', 'auto', 'gpuN' (N = 0, 1, …), "
                + "'opencl:cpu', 'opencl:gpu' or 'opencl:P:D' (platform and device index)."
        case let .libraryUnavailable(library, reason):
            return "\(library) could not be loaded (\(reason)); install it or choose another device."
        case let .openCL(call, code):
            return "OpenCL call \(call) failed with error \(code) (\(openCLErrorName(code)))."
        case let .kernelBuild(log):
            return "OpenCL kernels failed to compile:\n\(log)"
        case let .clblast(call, status):
            return "CLBlast call \(call) failed with status \(status)."
        case let .invalidBuffer(what):
            return "invalid buffer: \(what)"
        }
    }
}

/// The symbolic name of an OpenCL error code.
func openCLErrorName(_ code: Int32) -> String {
    switch code {
    case -1: return "CL_DEVICE_NOT_FOUND"
    case -2: return "CL_DEVICE_NOT_AVAILABLE"
    case -4: return "CL_MEM_OBJECT_ALLOCATION_FAILURE"
    case -5: return "CL_OUT_OF_RESOURCES"
    case -6: return "CL_OUT_OF_HOST_MEMORY"
    case -11: return "CL_BUILD_PROGRAM_FAILURE"
    case -30: return "CL_INVALID_VALUE"
    case -33: return "CL_INVALID_DEVICE"
    case -36: return "CL_INVALID_COMMAND_QUEUE"
    case -38: return "CL_INVALID_MEM_OBJECT"
    case -46: return "CL_INVALID_KERNEL_NAME"
    case -48: return "CL_INVALID_KERNEL"
    case -49: return "CL_INVALID_ARG_INDEX"
    case -50: return "CL_INVALID_ARG_VALUE"
    case -51: return "CL_INVALID_ARG_SIZE"
    case -52: return "CL_INVALID_KERNEL_ARGS"
    case -54: return "CL_INVALID_WORK_GROUP_SIZE"
    case -61: return "CL_INVALID_BUFFER_SIZE"
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR (no OpenCL platform installed)"
    default: return "see CL/cl.h"
    }
}
