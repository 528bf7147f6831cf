/// The contents of a safetensors file: named tensors and optional string metadata.
///
/// The format: an 8-byte little-endian header length N, N bytes of JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`, then the data buffer, which the tensors' byte ranges
/// (relative to its start) tile exactly. Values are little-endian and row-major. Reading is
/// plain parsing and never executes anything.
public struct SafetensorsFile: Sendable, Equatable {
    /// The tensors by name.
    public var tensors: [String: SafetensorsTensor]
    /// The `__metadata__` strings (empty when the file has none).
    public var metadata: [String: String]

    /// The largest header accepted when reading, 100 MB (as the reference implementation).
    public static let maximumHeaderLength = 100_000_000

    /// Creates file contents from tensors and metadata.
    public init(tensors: [String: SafetensorsTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}
