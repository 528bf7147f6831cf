import CGMMSupport

/// The OpenCL constants gmm-gpu uses (the C macros are not visible to Swift).
enum CL {
    static let success: cl_int = 0
    static let deviceTypeCPU: cl_device_type = 1 << 1
    static let deviceTypeGPU: cl_device_type = 1 << 2
    static let deviceTypeAccelerator: cl_device_type = 1 << 3
    static let deviceTypeAll: cl_device_type = 0xFFFF_FFFF
    static let platformVersion: cl_platform_info = 0x0901
    static let platformName: cl_platform_info = 0x0902
    static let deviceType: cl_device_info = 0x1000
    static let deviceMaxComputeUnits: cl_device_info = 0x1002
    static let deviceGlobalMemSize: cl_device_info = 0x101F
    static let deviceName: cl_device_info = 0x102B
    static let deviceVendor: cl_device_info = 0x102C
    static let driverVersion: cl_device_info = 0x102D
    static let deviceVersion: cl_device_info = 0x102F
    static let memReadWrite: cl_mem_flags = 1 << 0
    static let programBuildLog: cl_program_build_info = 0x1183
    static let platformNotFound: cl_int = -1001
    static let deviceNotFound: cl_int = -1

    /// The loaded entry points, or the reason OpenCL is unavailable.
    static let api: Result<GMMOpenCL, DeviceError> = {
        var message = [CChar](repeating: 0, count: 1024)
        if gmm_opencl_load(&message, message.count) != 0 {
            return .failure(.libraryUnavailable(library: "OpenCL (libOpenCL.so.1)", reason: cString(message)))
        }
        return .success(gmm_opencl().pointee)
    }()

    /// Throws ``DeviceError/openCL(call:code:)`` unless `code` is CL_SUCCESS.
    static func check(_ code: cl_int, _ call: @autoclosure () -> String) throws {
        if code != success { throw DeviceError.openCL(call: call(), code: code) }
    }
}

/// A Swift string from a NUL-terminated C character buffer.
func cString(_ characters: [CChar]) -> String {
    String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
