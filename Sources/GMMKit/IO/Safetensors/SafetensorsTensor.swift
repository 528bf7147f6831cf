/// The element types of safetensors tensors this package reads and writes.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// 32-bit float, "F32".
    case float32 = "F32"
    /// 64-bit float, "F64".
    case float64 = "F64"

    /// The size of one element in bytes.
    public var size: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        }
    }
}

/// One tensor of a safetensors file: its shape and its row-major values.
public struct SafetensorsTensor: Sendable, Equatable {
    /// The shape, outermost first, e.g. `[rows, columns]`; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// The values in row-major order, shape `shape`.
    public private(set) var values: NumericBuffer

    /// Creates a tensor from its shape and values.
    /// - Throws: `SafetensorsError.invalidShape` or `.shapeMismatch` when the number of
    ///   values is not the product of `shape`.
    public init(shape: [Int], values: NumericBuffer) throws {
        guard let count = elementCount(of: shape) else { throw SafetensorsError.invalidShape(shape: shape) }
        guard count == values.count else {
            throw SafetensorsError.shapeMismatch(shape: shape, expectedCount: count, gotCount: values.count)
        }
        self.shape = shape
        self.values = values
    }

    /// Creates an F32 tensor; `floats` is row-major with shape `shape`.
    /// - Throws: as `init(shape:values:)`.
    public init(shape: [Int], floats: [Float]) throws {
        try self.init(shape: shape, values: .float32(floats))
    }

    /// Creates an F64 tensor; `doubles` is row-major with shape `shape`.
    /// - Throws: as `init(shape:values:)`.
    public init(shape: [Int], doubles: [Double]) throws {
        try self.init(shape: shape, values: .float64(doubles))
    }

    /// The element type, F32 or F64.
    public var dtype: SafetensorsDType {
        switch values {
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    /// The values as `Float`, row-major, shape `shape`.
    public var floats: [Float] { values.floats }

    /// The values as `Double`, row-major, shape `shape`.
    public var doubles: [Double] { values.doubles }
}
