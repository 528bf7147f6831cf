import CGMMSupport

/// Buffers and transfers of an OpenCL device. Transfers are blocking, so host arrays are
/// never referenced after a call returns.
extension OpenCLDevice {
    public func makeBuffer(count: Int) throws -> DeviceBuffer {
        precondition(count >= 0, "negative buffer size")
        let buffer = try allocate(count)
        if count > 0 {
            var zero: Float = 0
            try CL.check(api.EnqueueFillBuffer(queue, buffer.memory, &zero, 4, 0, count * 4, 0, nil, nil), "clEnqueueFillBuffer")
        }
        return buffer
    }

    public func makeBuffer(_ values: [Float]) throws -> DeviceBuffer {
        let buffer = try allocate(values.count)
        try write(values, into: buffer, offset: 0)
        return buffer
    }

    private func allocate(_ count: Int) throws -> OpenCLBuffer {
        var status: cl_int = 0
        guard let memory = api.CreateBuffer(context, CL.memReadWrite, max(count, 1) * 4, nil, &status) else {
            throw DeviceError.openCL(call: "clCreateBuffer(\(count) floats)", code: status)
        }
        return OpenCLBuffer(memory: memory, count: count, device: self)
    }

    public func read(_ buffer: DeviceBuffer) throws -> [Float] {
        let memory = try self.memory(buffer)
        var values = [Float](repeating: 0, count: buffer.count)
        if buffer.count == 0 { return values }
        let status = values.withUnsafeMutableBytes { bytes in
            api.EnqueueReadBuffer(queue, memory, 1, 0, bytes.count, bytes.baseAddress, 0, nil, nil)
        }
        try CL.check(status, "clEnqueueReadBuffer")
        return values
    }

    public func write(_ values: [Float], into buffer: DeviceBuffer, offset: Int) throws {
        let memory = try self.memory(buffer)
        precondition(offset >= 0 && offset + values.count <= buffer.count, "write beyond the buffer")
        if values.isEmpty { return }
        let status = values.withUnsafeBytes { bytes in
            api.EnqueueWriteBuffer(queue, memory, 1, offset * 4, bytes.count, bytes.baseAddress, 0, nil, nil)
        }
        try CL.check(status, "clEnqueueWriteBuffer")
    }

    public func synchronize() throws {
        try CL.check(api.Finish(queue), "clFinish")
    }
}
