/// An n-dimensional array as stored in a NumPy `.npy` file: its shape and its C-ordered
/// (row-major) values.
///
/// Typical shapes are `[N]` and `[N, D]`; any rank is accepted, including `[]` (a scalar,
/// one value) and shapes with a zero dimension such as `[0, D]` (no values).
public struct NpyArray: Sendable, Equatable {
    /// The shape, outermost dimension first, e.g. `[N, D]`.
    public private(set) var shape: [Int]
    /// The values in row-major order, shape `shape` (`values.count == shape.product`).
    public private(set) var values: NumericBuffer

    /// Creates an array from its shape and values.
    /// - Throws: `NpyError.invalidShape` for a negative dimension or an overflowing product,
    ///   `NpyError.shapeMismatch` when the number of values is not the shape's product.
    public init(shape: [Int], values: NumericBuffer) throws {
        guard let count = elementCount(of: shape) else { throw NpyError.invalidShape(shape: shape) }
        guard count == values.count else {
            throw NpyError.shapeMismatch(shape: shape, expectedCount: count, gotCount: values.count)
        }
        self.shape = shape
        self.values = values
    }

    /// Creates a float32 array; `floats` is row-major with shape `shape`.
    /// - Throws: as `init(shape:values:)`.
    public init(shape: [Int], floats: [Float]) throws {
        try self.init(shape: shape, values: .float32(floats))
    }

    /// Creates a float64 array; `doubles` is row-major with shape `shape`.
    /// - Throws: as `init(shape:values:)`.
    public init(shape: [Int], doubles: [Double]) throws {
        try self.init(shape: shape, values: .float64(doubles))
    }

    /// The element type the array is held (and would be written) in: float32 or float64.
    public var dtype: NpyDType {
        switch values {
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    /// The values as `Float`, row-major, shape `shape`.
    public var floats: [Float] { values.floats }

    /// The values as `Double`, row-major, shape `shape`.
    public var doubles: [Double] { values.doubles }

    /// The number of values, the product of `shape`.
    public var count: Int { values.count }
}
