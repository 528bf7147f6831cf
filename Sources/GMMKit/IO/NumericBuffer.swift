/// The flat, row-major values of an array read from or written to a file, in the element
/// type they are stored with.
public enum NumericBuffer: Sendable, Equatable {
    /// 32-bit floats (npy '<f4', safetensors F32).
    case float32([Float])
    /// 64-bit floats (npy '<f8', safetensors F64).
    case float64([Double])

    /// The number of values.
    public var count: Int {
        switch self {
        case .float32(let values): return values.count
        case .float64(let values): return values.count
        }
    }

    /// The values as `Float` (64-bit values are rounded to nearest).
    public var floats: [Float] {
        switch self {
        case .float32(let values): return values
        case .float64(let values): return values.map { Float($0) }
        }
    }

    /// The values as `Double` (exact for 32-bit values).
    public var doubles: [Double] {
        switch self {
        case .float32(let values): return values.map { Double($0) }
        case .float64(let values): return values
        }
    }

    /// The size of one element in bytes, 4 or 8.
    public var elementSize: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        }
    }

    /// Calls `body` with the values' bytes in little-endian order (as stored on disk).
    func withLittleEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .float32(let values):
            #if _endian(big)
            return try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
            #else
            return try values.withUnsafeBytes(body)
            #endif
        case .float64(let values):
            #if _endian(big)
            return try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
            #else
            return try values.withUnsafeBytes(body)
            #endif
        }
    }
}

/// The number of elements of `shape` (1 for the empty shape), or nil when a dimension is
/// negative or the product overflows `Int`.
func elementCount(of shape: [Int]) -> Int? {
    var total = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return nil }
        total = product
    }
    return total
}

/// Values read as little-endian bytes, in the host's byte order (a no-op on little-endian hosts).
func fromLittleEndian<T: BitwiseCopyable>(_ values: [T]) -> [T] {
    #if _endian(big)
    return values.map { value in
        var swapped = value
        withUnsafeMutableBytes(of: &swapped) { $0.reverse() }
        return swapped
    }
    #else
    return values
    #endif
}
