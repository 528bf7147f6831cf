#if canImport(Glibc)
import Glibc
#endif
import CGMMSupport

/// zlib's inflate, deflate and CRC-32 through the system's libz.so.1, loaded at run time
/// (dlopen), as OpenBLAS is: nothing is linked at build time. Used for `.npz` archives, where
/// members run to hundreds of MB.
enum Zlib {
    /// The framing around deflate data.
    enum Format {
        /// A zlib stream (RFC 1950: 2-byte header, deflate data, Adler-32).
        case zlib
        /// Bare deflate data (RFC 1951), as in zip members.
        case raw

        var windowBits: Int32 { self == .zlib ? 15 : -15 }
    }

    /// Why zlib could not be used or the data could not be (de)compressed.
    struct Failure: Error, CustomStringConvertible {
        /// zlib's message, or why it could not be loaded.
        var reason: String
        var description: String { reason }
    }

    /// Loads libz once; throws when it is missing.
    static func load() throws {
        var message = [CChar](repeating: 0, count: 512)
        guard gmm_zlib_load(&message, message.count) == 0 else {
            throw Failure(reason: "zlib (libz.so.1) could not be loaded: \(String(cString: message)); install zlib1g")
        }
    }

    /// Decompresses a whole stream of `format`.
    /// - Throws: `Failure` for corrupt or truncated data, or when zlib is missing.
    static func inflate(_ data: [UInt8], format: Format, limit: Int? = nil) throws -> [UInt8] {
        try data.withUnsafeBufferPointer { try inflate(UnsafeRawBufferPointer($0), format: format, limit: limit) }
    }

    /// Decompresses a whole stream of `format` from raw memory, stopping with a `Failure` once
    /// the output exceeds `limit` bytes (nil: no limit).
    static func inflate(_ data: UnsafeRawBufferPointer, format: Format, limit: Int? = nil) throws -> [UInt8] {
        try load()
        var message = [CChar](repeating: 0, count: 512)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0, consumed = 0
        let status = gmm_zlib_inflate(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, format.windowBits,
                                      limit.map { max(0, $0) } ?? -1,  // size_t: -1 is SIZE_MAX, no limit
                                      &output, &length, &consumed, &message, message.count)
        defer { free(output) }
        guard status == 0, let output else { throw Failure(reason: String(cString: message)) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// The first `count` bytes of the stream `data` of `format` inflates to (fewer when it ends
    /// first), inflating no further: enough to read a header without paying for the rest.
    /// - Throws: `Failure` for corrupt data, data that end before `count` bytes and before the
    ///   stream's end, or when zlib is missing.
    static func inflatePrefix(_ data: UnsafeRawBufferPointer, format: Format, count: Int) throws -> [UInt8] {
        try load()
        var message = [CChar](repeating: 0, count: 512)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let status = gmm_zlib_inflate_prefix(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, format.windowBits,
                                             max(1, count), &output, &length, &message, message.count)
        defer { free(output) }
        guard status == 0, let output else { throw Failure(reason: String(cString: message)) }
        return Array(UnsafeBufferPointer(start: output, count: min(length, max(0, count))))
    }

    /// Compresses `data` at `level` (0 fastest … 9 smallest).
    static func deflate(_ data: UnsafeRawBufferPointer, format: Format, level: Int32 = 6) throws -> [UInt8] {
        try load()
        var message = [CChar](repeating: 0, count: 512)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        let status = gmm_zlib_deflate(data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, format.windowBits,
                                      level, &output, &length, &message, message.count)
        defer { free(output) }
        guard status == 0, let output else { throw Failure(reason: String(cString: message)) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// The CRC-32 of `data` (as in zip and gzip).
    static func crc32(_ data: UnsafeRawBufferPointer) throws -> UInt32 {
        try load()
        return gmm_zlib_crc32(0, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count)
    }
}
