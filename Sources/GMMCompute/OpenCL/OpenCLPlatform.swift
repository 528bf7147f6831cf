import CGMMSupport

/// One OpenCL device as the ICD loader reports it.
public struct OpenCLDeviceDescriptor: Sendable {
    /// Platform index (order of clGetPlatformIDs).
    public var platformIndex: Int
    /// Device index within the platform.
    public var deviceIndex: Int
    /// The platform's name, e.g. "Portable Computing Language" or "NVIDIA CUDA".
    public var platformName: String
    /// The device's name.
    public var deviceName: String
    /// Whether the device is a GPU (CL_DEVICE_TYPE_GPU).
    public var isGPU: Bool
    /// Whether the device is a CPU (CL_DEVICE_TYPE_CPU).
    public var isCPU: Bool
    /// Compute units.
    public var computeUnits: Int
    /// Global memory in bytes.
    public var globalMemory: UInt64
    /// The OpenCL version string of the device.
    public var version: String

    nonisolated(unsafe) var platform: cl_platform_id?
    nonisolated(unsafe) var device: cl_device_id?
}

/// Enumerates the OpenCL platforms and devices.
enum OpenCLPlatforms {
    /// Every OpenCL device, platform by platform; empty (with the reason) when OpenCL or its
    /// platforms are missing. Enumerated once per process (a thread-safe lazy global): the ICD
    /// loader and some drivers crash when two threads enumerate at the same time.
    static func devices() -> (devices: [OpenCLDeviceDescriptor], problem: String?) { enumeration }

    private static let enumeration: (devices: [OpenCLDeviceDescriptor], problem: String?) = enumerate()

    private static func enumerate() -> (devices: [OpenCLDeviceDescriptor], problem: String?) {
        let api: GMMOpenCL
        switch CL.api {
        case let .success(loaded): api = loaded
        case let .failure(error): return ([], error.description)
        }
        var platformCount: cl_uint = 0
        let status = api.GetPlatformIDs(0, nil, &platformCount)
        if status == CL.platformNotFound || platformCount == 0 { return ([], "no OpenCL platform is installed") }
        if status != CL.success { return ([], DeviceError.openCL(call: "clGetPlatformIDs", code: status).description) }
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        _ = api.GetPlatformIDs(platformCount, &platforms, nil)
        var result: [OpenCLDeviceDescriptor] = []
        for (p, platform) in platforms.enumerated() {
            var deviceCount: cl_uint = 0
            guard api.GetDeviceIDs(platform, CL.deviceTypeAll, 0, nil, &deviceCount) == CL.success, deviceCount > 0 else { continue }
            var devices = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            _ = api.GetDeviceIDs(platform, CL.deviceTypeAll, deviceCount, &devices, nil)
            let platformName = platformString(api, platform, CL.platformName)
            for (d, device) in devices.enumerated() {
                var type: cl_device_type = 0
                _ = api.GetDeviceInfo(device, CL.deviceType, MemoryLayout<cl_device_type>.size, &type, nil)
                var units: cl_uint = 0
                _ = api.GetDeviceInfo(device, CL.deviceMaxComputeUnits, MemoryLayout<cl_uint>.size, &units, nil)
                var memory: cl_ulong = 0
                _ = api.GetDeviceInfo(device, CL.deviceGlobalMemSize, MemoryLayout<cl_ulong>.size, &memory, nil)
                result.append(OpenCLDeviceDescriptor(
                    platformIndex: p, deviceIndex: d, platformName: platformName,
                    deviceName: deviceString(api, device, CL.deviceName),
                    isGPU: type & CL.deviceTypeGPU != 0, isCPU: type & CL.deviceTypeCPU != 0,
                    computeUnits: Int(units), globalMemory: UInt64(memory),
                    version: deviceString(api, device, CL.deviceVersion), platform: platform, device: device))
            }
        }
        return (result, nil)
    }

    static func platformString(_ api: GMMOpenCL, _ platform: cl_platform_id?, _ key: cl_platform_info) -> String {
        var size = 0
        guard api.GetPlatformInfo(platform, key, 0, nil, &size) == CL.success, size > 0 else { return "?" }
        var bytes = [CChar](repeating: 0, count: size)
        _ = api.GetPlatformInfo(platform, key, size, &bytes, nil)
        return cString(bytes).trimmingSpaces()
    }

    static func deviceString(_ api: GMMOpenCL, _ device: cl_device_id?, _ key: cl_device_info) -> String {
        var size = 0
        guard api.GetDeviceInfo(device, key, 0, nil, &size) == CL.success, size > 0 else { return "?" }
        var bytes = [CChar](repeating: 0, count: size)
        _ = api.GetDeviceInfo(device, key, size, &bytes, nil)
        return cString(bytes).trimmingSpaces()
    }
}

extension String {
    /// The string without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
