/// The members of a zip archive (the container of NumPy's `.npz` files), read from the whole
/// file in memory. Handles stored (method 0) and deflated (method 8) members, zip64 sizes and
/// offsets as Python's `zipfile` writes them, and checks every member's CRC-32.
struct ZipArchive {
    /// One member: where its data lie and how they are stored.
    struct Entry {
        var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    /// The archive's path, for messages.
    let path: String
    /// The whole file.
    let bytes: [UInt8]
    /// The members in central-directory order.
    let entries: [Entry]

    /// Parses the central directory of `bytes`, the contents of `path`.
    /// - Throws: `DataTableError.corrupt` for anything that is not a complete zip archive.
    init(bytes: [UInt8], path: String) throws {
        self.path = path
        self.bytes = bytes
        func corrupt(_ detail: String) -> DataTableError { .corrupt(path: path, detail: detail) }
        guard bytes.count >= 22 else { throw corrupt("\(bytes.count) bytes is too short for a zip archive (truncated?)") }
        // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
        var eocd = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while i >= lowest {
            if bytes[i] == 0x50, bytes[i + 1] == 0x4b, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else {
            let start = bytes.starts(with: [0x50, 0x4b, 0x03, 0x04])
            throw corrupt(start ? "no end-of-archive record: the zip archive is truncated" : "not a zip archive (an .npz file is one)")
        }
        var count = Int(Self.u16(bytes, eocd + 10))
        var directorySize = Int(Self.u32(bytes, eocd + 12))
        var directoryOffset = Int(Self.u32(bytes, eocd + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: the locator sits just before the end record and points at the zip64 end record.
            let locator = eocd - 20
            guard locator >= 0, Self.u32(bytes, locator) == 0x0706_4b50 else { throw corrupt("zip64 locator missing") }
            let record = Int(Self.u64(bytes, locator + 8))
            guard record >= 0, record + 56 <= bytes.count, Self.u32(bytes, record) == 0x0606_4b50 else {
                throw corrupt("zip64 end record missing or out of range")
            }
            count = Int(Self.u64(bytes, record + 32))
            directorySize = Int(Self.u64(bytes, record + 40))
            directoryOffset = Int(Self.u64(bytes, record + 48))
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= bytes.count else {
            throw corrupt("central directory at \(directoryOffset) (+\(directorySize) bytes) lies beyond the end of the \(bytes.count)-byte file (truncated?)")
        }
        var entries: [Entry] = []
        var p = directoryOffset
        for index in 0..<count {
            guard p + 46 <= bytes.count, Self.u32(bytes, p) == 0x0201_4b50 else { throw corrupt("central directory entry \(index) is damaged") }
            let flags = Self.u16(bytes, p + 8)
            let method = Self.u16(bytes, p + 10)
            let crc = Self.u32(bytes, p + 16)
            var compressed = Int(Self.u32(bytes, p + 20))
            var uncompressed = Int(Self.u32(bytes, p + 24))
            let nameLength = Int(Self.u16(bytes, p + 28))
            let extraLength = Int(Self.u16(bytes, p + 30))
            let commentLength = Int(Self.u16(bytes, p + 32))
            var offset = Int(Self.u32(bytes, p + 42))
            guard p + 46 + nameLength + extraLength + commentLength <= bytes.count else { throw corrupt("central directory entry \(index) is truncated") }
            guard flags & 1 == 0 else { throw corrupt("member \(index) is encrypted") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // Zip64 extended information (header id 1): the 0xFFFFFFFF fields, in order.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = Self.u16(bytes, e), size = Int(Self.u16(bytes, e + 2))
                if id == 1 {
                    var q = e + 4
                    if uncompressed == 0xFFFF_FFFF, q + 8 <= e + 4 + size { uncompressed = Int(Self.u64(bytes, q)); q += 8 }
                    if compressed == 0xFFFF_FFFF, q + 8 <= e + 4 + size { compressed = Int(Self.u64(bytes, q)); q += 8 }
                    if offset == 0xFFFF_FFFF, q + 8 <= e + 4 + size { offset = Int(Self.u64(bytes, q)); q += 8 }
                }
                e += 4 + size
            }
            entries.append(Entry(name: name, method: method, crc32: crc, compressedSize: compressed,
                                 uncompressedSize: uncompressed, localHeaderOffset: offset))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// The uncompressed contents of `entry`, checked against its CRC-32 (a stored member is a
    /// slice of the archive, not a copy).
    /// - Throws: `DataTableError.corrupt` for a truncated, undecodable or damaged member.
    func contents(of entry: Entry) throws -> ArraySlice<UInt8> {
        func corrupt(_ detail: String) -> DataTableError { .corrupt(path: path, detail: "member '\(entry.name)': \(detail)") }
        let start = try dataStart(of: entry)
        let data: ArraySlice<UInt8>
        switch entry.method {
        case 0:
            data = bytes[start..<(start + entry.compressedSize)]
        case 8:
            // Inflation stops at the declared size (a zip bomb cannot exhaust memory).
            try checkDeflatedSize(of: entry)
            do {
                data = try bytes.withUnsafeBytes { all in
                    try Zlib.inflate(UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.compressedSize)]), format: .raw,
                                     limit: entry.uncompressedSize)
                }[...]
            } catch let failure as Zlib.Failure {
                throw corrupt("deflate data are damaged (\(failure.reason))")
            }
        default:
            throw corrupt("compression method \(entry.method) is not supported (expected stored or deflate, as np.savez and np.savez_compressed write)")
        }
        guard data.count == entry.uncompressedSize else {
            throw corrupt("expected \(entry.uncompressedSize) bytes, got \(data.count)")
        }
        let crc = try data.withUnsafeBytes { try Zlib.crc32($0) }
        guard crc == entry.crc32 else { throw corrupt("CRC-32 mismatch (the archive is damaged)") }
        return data
    }

    /// The first `count` bytes of `entry`'s uncompressed contents (fewer when it is shorter),
    /// inflating no more than that: a member's header can be checked against its declared size
    /// before the whole member is inflated. Not checked against the CRC-32 (``contents(of:)`` is).
    /// - Throws: `DataTableError.corrupt` for a truncated or undecodable member.
    func prefix(of entry: Entry, count: Int) throws -> ArraySlice<UInt8> {
        let start = try dataStart(of: entry)
        let n = min(count, entry.uncompressedSize)
        switch entry.method {
        case 0:
            return bytes[start..<(start + min(n, entry.compressedSize))]
        case 8:
            try checkDeflatedSize(of: entry)
            do {
                return try bytes.withUnsafeBytes { all in
                    try Zlib.inflatePrefix(UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.compressedSize)]), format: .raw, count: n)
                }[...]
            } catch let failure as Zlib.Failure {
                throw DataTableError.corrupt(path: path, detail: "member '\(entry.name)': deflate data are damaged (\(failure.reason))")
            }
        default:
            return try contents(of: entry)  // refused there with the method named
        }
    }

    /// Deflate expands at most 1032:1; a member declaring more is damaged or hostile.
    /// - Throws: `DataTableError.corrupt` naming both sizes.
    private func checkDeflatedSize(of entry: Entry) throws {
        guard entry.uncompressedSize <= 1032 * entry.compressedSize + 1024 else {
            throw DataTableError.corrupt(path: path, detail: "member '\(entry.name)': declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed ones, more than deflate can produce")
        }
    }

    /// Where `entry`'s data begin in the archive, after its local header.
    /// - Throws: `DataTableError.corrupt` when the local header is missing or the data run past
    ///   the end of the file.
    private func dataStart(of entry: Entry) throws -> Int {
        func corrupt(_ detail: String) -> DataTableError { .corrupt(path: path, detail: "member '\(entry.name)': \(detail)") }
        let h = entry.localHeaderOffset
        guard h >= 0, h + 30 <= bytes.count, Self.u32(bytes, h) == 0x0403_4b50 else { throw corrupt("local header missing (truncated or damaged archive)") }
        let start = h + 30 + Int(Self.u16(bytes, h + 26)) + Int(Self.u16(bytes, h + 28))
        guard entry.compressedSize >= 0, start + entry.compressedSize <= bytes.count else {
            throw corrupt("data end beyond the end of the file (truncated)")
        }
        return start
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }
}

/// Builds a zip archive in memory: stored or deflated members, 32-bit sizes (zip64 when a
/// member or the archive passes 4 GiB is not written; such archives are refused).
struct ZipWriter {
    private(set) var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    /// Appends a member named `name` holding `data`, deflated when `compress` is true.
    mutating func add(name: String, data: [UInt8], compress: Bool) throws {
        let stored = try compress ? data.withUnsafeBytes { try Zlib.deflate($0, format: .raw) } : data
        let crc = try data.withUnsafeBytes { try Zlib.crc32($0) }
        guard stored.count < 0xFFFF_FFFF, data.count < 0xFFFF_FFFF, bytes.count < 0xFFFF_FFFF else {
            throw DataTableError.shape(path: name, expected: "an archive member under 4 GiB", got: "\(data.count) bytes")
        }
        let nameBytes = Array(name.utf8)
        let method: UInt16 = compress ? 8 : 0
        let offset = bytes.count
        // Local header.
        Self.put32(&bytes, 0x0403_4b50); Self.put16(&bytes, 20); Self.put16(&bytes, 0); Self.put16(&bytes, method)
        Self.put16(&bytes, 0); Self.put16(&bytes, 0x21)  // time 00:00, date 1980-01-01
        Self.put32(&bytes, crc); Self.put32(&bytes, UInt32(stored.count)); Self.put32(&bytes, UInt32(data.count))
        Self.put16(&bytes, UInt16(nameBytes.count)); Self.put16(&bytes, 0)
        bytes += nameBytes
        bytes += stored
        // Central directory entry.
        Self.put32(&directory, 0x0201_4b50); Self.put16(&directory, 20); Self.put16(&directory, 20); Self.put16(&directory, 0)
        Self.put16(&directory, method); Self.put16(&directory, 0); Self.put16(&directory, 0x21)
        Self.put32(&directory, crc); Self.put32(&directory, UInt32(stored.count)); Self.put32(&directory, UInt32(data.count))
        Self.put16(&directory, UInt16(nameBytes.count)); Self.put16(&directory, 0); Self.put16(&directory, 0)
        Self.put16(&directory, 0); Self.put16(&directory, 0); Self.put32(&directory, 0); Self.put32(&directory, UInt32(offset))
        directory += nameBytes
        count += 1
    }

    /// The complete archive.
    func finished() -> [UInt8] {
        var out = bytes
        let directoryOffset = out.count
        out += directory
        Self.put32(&out, 0x0605_4b50); Self.put16(&out, 0); Self.put16(&out, 0)
        Self.put16(&out, UInt16(count)); Self.put16(&out, UInt16(count))
        Self.put32(&out, UInt32(directory.count)); Self.put32(&out, UInt32(directoryOffset)); Self.put16(&out, 0)
        return out
    }

    private static func put16(_ b: inout [UInt8], _ v: UInt16) { b.append(UInt8(v & 0xFF)); b.append(UInt8(v >> 8)) }
    private static func put32(_ b: inout [UInt8], _ v: UInt32) { put16(&b, UInt16(v & 0xFFFF)); put16(&b, UInt16(v >> 16)) }
}
