/// Why a safetensors file could not be read or written. Each description names the file
/// (and tensor), what was expected and what was found.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than the 8-byte header length.
    case fileTooSmall(path: String, size: Int)
    /// The declared header length does not fit in the file (or exceeds the 100 MB limit).
    case headerLengthOutOfRange(path: String, declared: UInt64, maximum: Int)
    /// The header is not a JSON object.
    case invalidHeader(path: String, reason: String)
    /// A tensor's header entry is malformed.
    case invalidTensorEntry(path: String, tensor: String, reason: String)
    /// The `__metadata__` entry is not an object of strings.
    case invalidMetadata(path: String, reason: String)
    /// A tensor's dtype is not supported (F32 and F64 are).
    case unsupportedDType(path: String, tensor: String, got: String)
    /// A tensor's byte range does not match its dtype and shape.
    case sizeMismatch(path: String, tensor: String, expectedBytes: Int, gotBytes: Int)
    /// A tensor's byte range reaches past the end of the data buffer.
    case offsetsOutOfBounds(path: String, tensor: String, begin: Int, end: Int, bufferSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(path: String, first: String, second: String)
    /// Part of the data buffer belongs to no tensor (the format forbids holes).
    case unindexedBytes(path: String, begin: Int, end: Int)
    /// A tensor's number of values does not match its shape.
    case shapeMismatch(shape: [Int], expectedCount: Int, gotCount: Int)
    /// A shape has a negative dimension or too many elements.
    case invalidShape(shape: [Int])
    /// A tensor may not be named "__metadata__" (or the empty string).
    case reservedName(String)

    /// A sentence naming the file and tensor, what was expected and what was got.
    public var description: String {
        switch self {
        case let .fileTooSmall(path, size):
            return "safetensors file '\(path)': expected at least 8 bytes (the header length), got \(size)"
        case let .headerLengthOutOfRange(path, declared, maximum):
            return "safetensors file '\(path)': expected a header length of at most \(maximum) bytes, got \(declared)"
        case let .invalidHeader(path, reason):
            return "safetensors file '\(path)': header: \(reason)"
        case let .invalidTensorEntry(path, tensor, reason):
            return "safetensors file '\(path)', tensor \"\(tensor)\": \(reason)"
        case let .invalidMetadata(path, reason):
            return "safetensors file '\(path)', __metadata__: \(reason)"
        case let .unsupportedDType(path, tensor, got):
            return "safetensors file '\(path)', tensor \"\(tensor)\": expected dtype F32 or F64, got \(got)"
        case let .sizeMismatch(path, tensor, expected, got):
            return "safetensors file '\(path)', tensor \"\(tensor)\": expected \(expected) bytes for its dtype and shape, got data_offsets spanning \(got)"
        case let .offsetsOutOfBounds(path, tensor, begin, end, size):
            return "safetensors file '\(path)', tensor \"\(tensor)\": expected data_offsets within the \(size)-byte data buffer, got [\(begin), \(end)]"
        case let .overlappingTensors(path, first, second):
            return "safetensors file '\(path)': expected disjoint byte ranges, got tensors \"\(first)\" and \"\(second)\" overlapping"
        case let .unindexedBytes(path, begin, end):
            return "safetensors file '\(path)': expected every data byte to belong to a tensor, got bytes [\(begin), \(end)) unused"
        case let .shapeMismatch(shape, expected, got):
            return "safetensors tensor values: expected \(expected) values for shape \(shape), got \(got)"
        case let .invalidShape(shape):
            return "safetensors tensor shape: expected non-negative dimensions whose product fits in Int, got \(shape)"
        case let .reservedName(name):
            return "safetensors tensor name: expected a non-empty name other than \"__metadata__\", got \"\(name)\""
        }
    }
}
