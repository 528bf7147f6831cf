import CGMMSupport

/// A ``DeviceBuffer`` in an OpenCL device's memory; released when the last reference goes
/// (OpenCL keeps it alive until queued work using it has finished).
final class OpenCLBuffer: DeviceBuffer {
    nonisolated(unsafe) let memory: cl_mem

    init(memory: cl_mem, count: Int, device: OpenCLDevice) {
        self.memory = memory
        super.init(count: count, deviceID: ObjectIdentifier(device))
    }

    deinit {
        if case let .success(api) = CL.api { _ = api.ReleaseMemObject(memory) }
    }
}
