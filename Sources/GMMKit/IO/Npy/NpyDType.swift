/// The element types the npy reader understands, by their numpy `descr` string.
public enum NpyDType: String, Sendable, CaseIterable {
    /// Little-endian 32-bit float, '<f4'.
    case float32 = "<f4"
    /// Little-endian 64-bit float, '<f8'.
    case float64 = "<f8"
    /// Little-endian 32-bit signed integer, '<i4' (read as `Double`).
    case int32 = "<i4"
    /// Little-endian 64-bit signed integer, '<i8' (read as `Double`, rounded beyond 2^53).
    case int64 = "<i8"

    /// The size of one element in bytes.
    public var size: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }
}
