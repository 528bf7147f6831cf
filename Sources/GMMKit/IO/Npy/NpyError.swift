/// Why an npy file could not be read or an `NpyArray` could not be made. Each description
/// names the file (or field), what was expected and what was found.
public enum NpyError: Error, Equatable, CustomStringConvertible {
    /// The file does not start with the 6-byte magic "\x93NUMPY".
    case badMagic(path: String, got: [UInt8])
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(path: String, major: UInt8, minor: UInt8)
    /// The file ends inside the preamble or the header.
    case truncatedHeader(path: String, expectedBytes: Int, gotBytes: Int)
    /// The header dictionary could not be parsed.
    case invalidHeader(path: String, reason: String)
    /// The array is stored in Fortran (column-major) order.
    case fortranOrder(path: String)
    /// The element type is not one of `NpyDType`.
    case unsupportedDType(path: String, got: String)
    /// The data section is shorter than the shape and element type require.
    case truncatedData(path: String, expectedBytes: Int, gotBytes: Int)
    /// The data section is longer than the shape and element type require.
    case trailingData(path: String, expectedBytes: Int, gotBytes: Int)
    /// The number of values does not match the shape.
    case shapeMismatch(shape: [Int], expectedCount: Int, gotCount: Int)
    /// A shape has a negative dimension or too many elements.
    case invalidShape(shape: [Int])

    /// A sentence naming the file or field, what was expected and what was got.
    public var description: String {
        switch self {
        case let .badMagic(path, got):
            let hex = got.map { "\\x" + String($0, radix: 16) }.joined()
            return "npy file '\(path)': expected the magic bytes \\x93NUMPY at the start, got \"\(hex)\""
        case let .unsupportedVersion(path, major, minor):
            return "npy file '\(path)': expected format version 1.0, 2.0 or 3.0, got \(major).\(minor)"
        case let .truncatedHeader(path, expected, got):
            return "npy file '\(path)': expected a header of \(expected) bytes, got a file ending after \(got)"
        case let .invalidHeader(path, reason):
            return "npy file '\(path)': header: \(reason)"
        case let .fortranOrder(path):
            return "npy file '\(path)': expected 'fortran_order': False (C order), got True; save a C-ordered copy (numpy.ascontiguousarray)"
        case let .unsupportedDType(path, got):
            return "npy file '\(path)': expected descr '<f4', '<f8', '<i4' or '<i8', got \(got)"
        case let .truncatedData(path, expected, got):
            return "npy file '\(path)': expected \(expected) bytes of data for the header's shape and type, got only \(got)"
        case let .trailingData(path, expected, got):
            return "npy file '\(path)': expected \(expected) bytes of data for the header's shape and type, got \(got)"
        case let .shapeMismatch(shape, expected, got):
            return "npy array values: expected \(expected) values for shape \(shape), got \(got)"
        case let .invalidShape(shape):
            return "npy array shape: expected non-negative dimensions whose product fits in Int, got \(shape)"
        }
    }
}
