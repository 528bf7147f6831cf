/// A ``DeviceBuffer`` in host memory, owned by a ``CPUDevice``.
final class CPUBuffer: DeviceBuffer {
    /// The elements, zero-initialised.
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int, device: CPUDevice) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        super.init(count: count, deviceID: ObjectIdentifier(device))
    }

    deinit { pointer.deallocate() }
}

extension MatrixView {
    /// The host pointer of the view's first element (CPU buffers only).
    var cpuBase: UnsafeMutablePointer<Float> {
        guard let storage = buffer as? CPUBuffer else {
            preconditionFailure("a buffer from another device was passed to the cpu device")
        }
        return storage.pointer + offset
    }

    /// Element offset (from `offset`) of row `flatRow` ∈ 0..<batch·rows.
    @inline(__always) func rowOffset(_ flatRow: Int) -> Int {
        let b = flatRow / rows
        return b * batchStride + (flatRow - b * rows) * rowStride
    }

    /// Whether two views cover the same batch, rows and columns.
    func sameShape(as other: MatrixView) -> Bool {
        batch == other.batch && rows == other.rows && cols == other.cols
    }
}
