#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed operating-system file operation: which operation, on which path, and the
/// system's reason.
public struct FileIOError: Error, Equatable, CustomStringConvertible {
    /// The operation that failed, e.g. "open", "read", "write", "rename".
    public var operation: String
    /// The path the operation was applied to.
    public var path: String
    /// The `errno` value reported by the system (0 when there was none).
    public var code: Int32

    /// Creates an error for `operation` on `path` with the system error `code`.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// "could not <operation> '<path>': <system message>".
    public var description: String {
        let reason = code == 0 ? "unknown error" : String(cString: strerror(code))
        return "could not \(operation) '\(path)': \(reason) (errno \(code))"
    }
}
