#if canImport(Glibc)
import Glibc
#endif

/// Finding and opening devices by name.
///
/// Names: `cpu` (OpenBLAS); `gpu0`, `gpu1`, … (OpenCL GPU devices, in platform then device
/// order); `opencl:cpu` and `opencl:gpu` (the first OpenCL device of that type, e.g. PoCL's
/// CPU device); `opencl:P:D` (platform P, device D); `auto` (`gpu0` if there is one, else `cpu`).
/// A name that matches nothing is an error, never a silent fallback.
public enum Devices {
    /// A device that can be opened.
    public struct Entry: Sendable, CustomStringConvertible {
        /// The selector to pass to ``open(_:)``.
        public var name: String
        /// Other selectors naming the same device.
        public var aliases: [String]
        /// What it is.
        public var detail: String

        public var description: String {
            let also = aliases.isEmpty ? "" : " (also \(aliases.joined(separator: ", ")))"
            return "\(name)\(also): \(detail)"
        }
    }

    /// Every device of this machine, and why OpenCL devices are missing if they are.
    public static func available() -> (entries: [Entry], openCLProblem: String?) {
        let fused = CPUDevice.fusedDenseSummary
        let cpuDetail = OpenBLAS.isLoaded
            ? "CPU via OpenBLAS (\(OpenBLAS.coreName ?? "?") kernels)\(fused)"
            : "CPU via portable loops (OpenBLAS not loaded)\(fused)"
        var entries = [Entry(name: "cpu", aliases: [], detail: cpuDetail)]
        let (devices, problem) = OpenCLPlatforms.devices()
        var gpuIndex = 0
        var seenCPU = false, seenGPU = false
        for device in devices {
            let address = "opencl:\(device.platformIndex):\(device.deviceIndex)"
            var name = address
            var aliases: [String] = []
            if device.isGPU {
                name = "gpu\(gpuIndex)"
                gpuIndex += 1
                aliases.append(address)
                if !seenGPU { aliases.append("opencl:gpu"); seenGPU = true }
            } else if device.isCPU, !seenCPU {
                aliases.append("opencl:cpu")
                seenCPU = true
            }
            let kind = device.isGPU ? "GPU" : device.isCPU ? "CPU" : "accelerator"
            entries.append(Entry(name: name, aliases: aliases,
                                 detail: "OpenCL \(kind): \(device.deviceName) [\(device.platformName)], \(device.computeUnits) compute units"))
        }
        return (entries, problem)
    }

    private nonisolated(unsafe) static var cache: [String: Device] = [:]
    private nonisolated(unsafe) static var cacheLock = pthread_mutex_t()
    private static let lockReady: Bool = {
        pthread_mutex_init(&cacheLock, nil)
        return true
    }()

    /// Opens the device called `name` (see the type's documentation). Devices are opened once
    /// per process and shared, so kernels compile once.
    ///
    /// - Throws: ``DeviceError/unknownDevice(name:available:note:)`` when no device has that name,
    ///   ``DeviceError/invalidDeviceName(_:)`` for a malformed name, or the error of opening it.
    public static func open(_ name: String) throws -> Device {
        if name == "auto" {
            return try open(OpenCLPlatforms.devices().devices.contains(where: \.isGPU) ? "gpu0" : "cpu")
        }
        _ = lockReady
        pthread_mutex_lock(&cacheLock)
        defer { pthread_mutex_unlock(&cacheLock) }
        if let device = cache[name] { return device }
        let device = try openUncached(name)
        cache[name] = device
        return device
    }

    /// Opens a fresh instance of OpenCL device `name` with the given matrix-product backend
    /// (for benchmarks and tests comparing CLBlast with the built-in kernel).
    public static func openOpenCL(_ name: String, gemm: OpenCLDevice.GemmBackend) throws -> OpenCLDevice {
        let (descriptor, canonical) = try resolveOpenCL(name)
        return try OpenCLDevice(name: canonical, descriptor: descriptor, gemm: gemm)
    }

    private static func openUncached(_ name: String) throws -> Device {
        switch name {
        case "cpu": return CPUDevice()
        default:
            let (descriptor, canonical) = try resolveOpenCL(name)
            return try OpenCLDevice(name: canonical, descriptor: descriptor)
        }
    }

    private static func resolveOpenCL(_ name: String) throws -> (OpenCLDeviceDescriptor, String) {
        let (devices, problem) = OpenCLPlatforms.devices()
        let names = available().entries.map(\.name)
        func unknown() -> DeviceError { .unknownDevice(name: name, available: names, note: problem) }
        if name.hasPrefix("gpu"), let index = Int(name.dropFirst(3)), index >= 0 {
            let gpus = devices.filter(\.isGPU)
            guard index < gpus.count else { throw unknown() }
            return (gpus[index], name)
        }
        if name == "opencl:cpu" || name == "opencl:gpu" {
            guard let device = devices.first(where: { name == "opencl:cpu" ? $0.isCPU : $0.isGPU }) else { throw unknown() }
            return (device, name)
        }
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "opencl", let p = Int(parts[1]), let d = Int(parts[2]) {
            guard let device = devices.first(where: { $0.platformIndex == p && $0.deviceIndex == d }) else { throw unknown() }
            return (device, name)
        }
        throw DeviceError.invalidDeviceName(name)
    }
}
