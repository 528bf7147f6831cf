extension NpyArray {
    /// Reads a NumPy `.npy` file.
    ///
    /// Accepts format versions 1.0, 2.0 and 3.0, C order, and the element types '<f4'
    /// (held as float32), '<f8' (float64), '<i4' and '<i8' (both converted to float64). The
    /// data are read in one bulk copy straight into the result.
    ///
    /// - Parameter path: the file to read.
    /// - Throws: `NpyError` for a file that is not a valid npy file of a supported type (bad
    ///   magic, truncated header, unparsable header, Fortran order, unsupported dtype, data
    ///   shorter or longer than the shape says); `FileIOError` when the file cannot be read.
    public init(contentsOfFile path: String) throws {
        try self.init(source: try ReadableFile(path: path))
    }

    /// Parses the complete contents of an `.npy` file held in memory (e.g. a member of an
    /// `.npz` archive); `name` stands for the file in error messages.
    /// - Throws: `NpyError` as `init(contentsOfFile:)`.
    public init(npyBytes bytes: [UInt8], name: String) throws {
        try self.init(source: ByteSource(bytes: bytes[...], path: name))
    }

    /// As `init(npyBytes:name:)`, from a slice (e.g. a stored member inside a whole archive).
    init(npyBytes bytes: ArraySlice<UInt8>, name: String) throws {
        try self.init(source: ByteSource(bytes: bytes, path: name))
    }

    /// Reads an npy file from `file`, a file or bytes in memory.
    init(source file: some ByteReading) throws {
        let (header, dtype, count) = try Self.readLayout(from: file)
        let values: NumericBuffer
        switch dtype {
        case .float32:
            values = .float32(try Self.readBulk(Float.self, count: count, from: file))
        case .float64:
            values = .float64(try Self.readBulk(Double.self, count: count, from: file))
        case .int32:
            values = .float64(try Self.readBulk(Int32.self, count: count, from: file).map { Double($0) })
        case .int64:
            values = .float64(try Self.readBulk(Int64.self, count: count, from: file).map { Double($0) })
        }
        try self.init(shape: header.shape, values: values)
    }

    /// Checks that an npy file of `size` bytes whose first bytes are `prefix` (at least its
    /// header, or the whole file when shorter) has a readable header whose shape and type need
    /// exactly `size` bytes: an archive member's declared size is checked before it is inflated.
    /// - Throws: `NpyError` as `init(contentsOfFile:)`, `.invalidHeader` when the header does not
    ///   end within `prefix`.
    static func checkLayout(prefix: ArraySlice<UInt8>, size: Int, name: String) throws {
        _ = try readLayout(from: ByteSource(bytes: prefix, path: name, reportedSize: size))
    }

    /// Reads the magic, version and header of `file`, leaving it at the first data byte, and
    /// checks that the data the header describes fill the rest of the file exactly.
    private static func readLayout(from file: some ByteReading) throws -> (header: NpyHeader, dtype: NpyDType, count: Int) {
        let path = file.path
        let magicAndVersion = try file.readBytes(8)
        let magic = NpyHeader.magic
        guard Array(magicAndVersion.prefix(magic.count)) == Array(magic.prefix(magicAndVersion.count)) else {
            throw NpyError.badMagic(path: path, got: Array(magicAndVersion.prefix(magic.count)))
        }
        guard magicAndVersion.count == 8 else {
            throw NpyError.truncatedHeader(path: path, expectedBytes: 10, gotBytes: magicAndVersion.count)
        }
        let major = magicAndVersion[6], minor = magicAndVersion[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: throw NpyError.unsupportedVersion(path: path, major: major, minor: minor)
        }
        let lengthField = try file.readBytes(lengthBytes)
        guard lengthField.count == lengthBytes else {
            throw NpyError.truncatedHeader(path: path, expectedBytes: 8 + lengthBytes, gotBytes: 8 + lengthField.count)
        }
        let headerLength = lengthField.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= file.size else {
            throw NpyError.truncatedHeader(path: path, expectedBytes: dataStart, gotBytes: file.size)
        }
        let headerText = try file.readBytes(headerLength)
        if let source = file as? ByteSource, source.bytes.count < source.size, headerText.count < headerLength {
            throw NpyError.invalidHeader(path: path, reason: "expected a header that ends within its first \(source.bytes.count) bytes, got a header of \(headerLength) bytes")
        }
        guard headerText.count == headerLength else {
            throw NpyError.truncatedHeader(path: path, expectedBytes: dataStart, gotBytes: 8 + lengthBytes + headerText.count)
        }
        let header: NpyHeader
        do {
            header = try NpyHeader.parse(headerText)
        } catch {
            throw NpyError.invalidHeader(path: path, reason: error.reason)
        }
        guard !header.fortranOrder else { throw NpyError.fortranOrder(path: path) }
        guard let dtype = NpyDType(rawValue: header.descr) else {
            throw NpyError.unsupportedDType(path: path, got: "'\(header.descr)'")
        }
        guard let count = elementCount(of: header.shape),
              case let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: dtype.size), !overflow
        else {
            throw NpyError.invalidHeader(path: path, reason: "expected a shape whose size fits in memory, got \(header.shape)")
        }
        let availableBytes = file.size - dataStart
        if availableBytes < expectedBytes {
            throw NpyError.truncatedData(path: path, expectedBytes: expectedBytes, gotBytes: availableBytes)
        }
        if availableBytes > expectedBytes {
            throw NpyError.trailingData(path: path, expectedBytes: expectedBytes, gotBytes: availableBytes)
        }
        return (header, dtype, count)
    }

    /// Reads `count` little-endian elements of a trivial type with one bulk copy.
    private static func readBulk<T: BitwiseCopyable>(_ type: T.Type, count: Int, from file: some ByteReading) throws -> [T] {
        let values = try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            let n = try file.read(into: raw)
            guard n == raw.count else {
                throw NpyError.truncatedData(path: file.path, expectedBytes: raw.count, gotBytes: n)
            }
            initialized = count
        }
        return fromLittleEndian(values)
    }
}
