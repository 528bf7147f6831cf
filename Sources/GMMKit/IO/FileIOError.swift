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
    /// The reason in words where it is not a system error (then `code` is 0).
    public var reason: String?

    /// Creates an error for `operation` on `path` with the system error `code`, or with a
    /// `reason` in words.
    public init(operation: String, path: String, code: Int32, reason: String? = nil) {
        self.operation = operation
        self.path = path
        self.code = code
        self.reason = reason
    }

    /// "could not <operation> '<path>': <system message>".
    public var description: String {
        if let reason { return "could not \(operation) '\(path)': \(reason)" }
        let system = code == 0 ? "unknown error" : String(cString: strerror(code))
        return "could not \(operation) '\(path)': \(system) (errno \(code))"
    }
}
