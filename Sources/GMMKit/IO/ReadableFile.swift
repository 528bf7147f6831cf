#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's `read(2)` (the method below shadows the name).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// A file opened for reading; closed when the object goes away. Internal helper of the
/// readers, which read headers piecewise and bulk data straight into typed arrays.
final class ReadableFile {
    /// The path it was opened with, for error messages.
    let path: String
    /// The file size in bytes at the time it was opened.
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    /// - Throws: `FileIOError` when the file cannot be opened or is not a regular file.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(operation: "open", path: path, code: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw FileIOError(operation: "stat", path: path, code: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileIOError(operation: "read a regular file at", path: path, code: EISDIR)
        }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `buffer.count` bytes at the current position, stopping early only at the
    /// end of the file.
    /// - Returns: the number of bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let chunk = min(buffer.count - total, 1 << 30)
            let n = systemRead(descriptor, base + total, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(operation: "read", path: path, code: errno)
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}

/// Sequential reading from a file or from bytes in memory, for the readers that parse a header
/// piecewise and then copy bulk data straight into typed arrays.
protocol ByteReading {
    /// The file (or archive member) name, for error messages.
    var path: String { get }
    /// The total size in bytes.
    var size: Int { get }
    /// Reads up to `buffer.count` bytes at the current position (fewer only at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteReading {
    /// Reads up to `count` bytes at the current position (fewer only at the end).
    func readBytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        bytes.removeSubrange(n...)
        return bytes
    }
}

extension ReadableFile: ByteReading {}

/// Bytes in memory read from the front, like a file.
final class ByteSource: ByteReading {
    let path: String
    let bytes: ArraySlice<UInt8>
    private var position: Int

    /// `bytes` standing for a file called `path` of `reportedSize` bytes (default: as many as
    /// `bytes` holds; more when `bytes` is only the file's beginning).
    init(bytes: ArraySlice<UInt8>, path: String, reportedSize: Int? = nil) {
        self.bytes = bytes
        self.path = path
        size = reportedSize ?? bytes.count
        position = bytes.startIndex
    }

    let size: Int

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.endIndex - position)
        guard n > 0, let base = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { source in base.copyMemory(from: source.baseAddress! + (position - bytes.startIndex), byteCount: n) }
        position += n
        return n
    }
}
