#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import GMMKit

/// A fresh directory under /tmp for one test; `remove()` deletes it and its contents.
public struct TemporaryDirectory {
    /// The directory's path.
    public let path: String

    /// Creates `/tmp/PREFIX.XXXXXX`.
    public init(prefix: String = "gmmkit-test") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard created else { throw FileIOError(operation: "create a temporary directory", path: "/tmp", code: errno) }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The names of the entries in the directory.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// The names of the entries in the subdirectory `name`.
    public func contents(of name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: file(name)).sorted()
    }

    /// Sets the modification time of `name` to `seconds` ago.
    public func age(_ name: String, seconds: Int) throws {
        let then = time(nil) - seconds
        var times = [timeval(tv_sec: then, tv_usec: 0), timeval(tv_sec: then, tv_usec: 0)]
        guard utimes(file(name), &times) == 0 else { throw FileIOError(operation: "set the times of", path: file(name), code: errno) }
    }

    /// Writes raw bytes (not atomically: for making corrupt fixtures).
    public func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    /// Reads a file's bytes.
    public func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
