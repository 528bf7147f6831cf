extension SafetensorsFile {
    /// Reads a safetensors file.
    ///
    /// - Parameter path: the file to read.
    /// - Throws: `SafetensorsError` when the file is not a valid safetensors file with F32/F64
    ///   tensors (see `init(bytes:source:)`); `FileIOError` when it cannot be read.
    public init(contentsOfFile path: String) throws {
        let file = try ReadableFile(path: path)
        let bytes = try file.readBytes(file.size)
        try self.init(bytes: bytes, source: path)
    }

    /// Parses the bytes of a safetensors file.
    ///
    /// Checks that the header length fits in the file (and is at most
    /// `maximumHeaderLength`), the header is a JSON object without duplicate keys, each entry
    /// has a supported dtype, a shape of non-negative integers and data_offsets [begin, end]
    /// inside the data buffer whose length matches dtype and shape, the ranges do not overlap
    /// and leave no byte unused, and `__metadata__` (if present) maps strings to strings.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: the name used in error messages (a path).
    /// - Throws: `SafetensorsError` naming the first problem found.
    public init(bytes: [UInt8], source: String = "<memory>") throws {
        guard bytes.count >= 8 else { throw SafetensorsError.fileTooSmall(path: source, size: bytes.count) }
        let declared = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let maximum = min(bytes.count - 8, Self.maximumHeaderLength)
        guard declared <= UInt64(maximum) else {
            throw SafetensorsError.headerLengthOutOfRange(path: source, declared: declared, maximum: maximum)
        }
        let headerEnd = 8 + Int(declared)
        let headerBytes = Array(bytes[8..<headerEnd])
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw SafetensorsError.invalidHeader(path: source, reason: "expected a JSON object starting with '{', got \(headerBytes.first.map { "byte 0x\(String($0, radix: 16))" } ?? "an empty header")")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(headerBytes)
        } catch {
            throw SafetensorsError.invalidHeader(path: source, reason: error.description)
        }
        guard case let .object(entries) = root else {
            throw SafetensorsError.invalidHeader(path: source, reason: "expected a JSON object, got \(root.kindDescription)")
        }
        let bufferSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var layouts: [TensorLayout] = []
        for (name, entry) in entries {
            if name == "__metadata__" {
                metadata = try Self.parseMetadata(entry, source: source)
            } else {
                layouts.append(try TensorLayout(name: name, entry: entry, bufferSize: bufferSize, source: source))
            }
        }
        try Self.checkTiling(layouts, bufferSize: bufferSize, source: source)
        var tensors: [String: SafetensorsTensor] = [:]
        for layout in layouts {
            let start = headerEnd + layout.begin
            let values: NumericBuffer
            switch layout.dtype {
            case .float32: values = .float32(Self.load(Float.self, from: bytes, at: start, count: layout.count))
            case .float64: values = .float64(Self.load(Double.self, from: bytes, at: start, count: layout.count))
            }
            tensors[layout.name] = try SafetensorsTensor(shape: layout.shape, values: values)
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    private static func parseMetadata(_ entry: JSONValue, source: String) throws -> [String: String] {
        guard case let .object(members) = entry else {
            throw SafetensorsError.invalidMetadata(path: source, reason: "expected an object of strings, got \(entry.kindDescription)")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case let .string(text) = value else {
                throw SafetensorsError.invalidMetadata(path: source, reason: "expected a string for \"\(key)\", got \(value.kindDescription)")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// Checks that the byte ranges are disjoint and cover the whole buffer.
    private static func checkTiling(_ layouts: [TensorLayout], bufferSize: Int, source: String) throws {
        let sorted = layouts.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        var previous: String?
        for layout in sorted {
            if layout.begin < position, let previous {
                throw SafetensorsError.overlappingTensors(path: source, first: previous, second: layout.name)
            }
            if layout.begin > position {
                throw SafetensorsError.unindexedBytes(path: source, begin: position, end: layout.begin)
            }
            position = layout.end
            previous = layout.name
        }
        if position != bufferSize {
            throw SafetensorsError.unindexedBytes(path: source, begin: position, end: bufferSize)
        }
    }

    /// Copies `count` little-endian elements starting at byte `offset` (which need not be
    /// aligned) into a new array.
    private static func load<T: BitwiseCopyable>(_ type: T.Type, from bytes: [UInt8], at offset: Int, count: Int) -> [T] {
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                let byteCount = count * MemoryLayout<T>.stride
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + byteCount]))
            }
            initialized = count
        }
        return fromLittleEndian(values)
    }
}

/// One validated header entry: where a tensor's bytes are and how to read them.
private struct TensorLayout {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var count: Int
    var begin: Int
    var end: Int

    init(name: String, entry: JSONValue, bufferSize: Int, source: String) throws {
        func invalid(_ reason: String) -> SafetensorsError {
            .invalidTensorEntry(path: source, tensor: name, reason: reason)
        }
        guard !name.isEmpty else { throw invalid("expected a non-empty tensor name") }
        guard case let .object(fields) = entry else {
            throw invalid("expected an object with dtype, shape and data_offsets, got \(entry.kindDescription)")
        }
        let unknown = Set(fields.keys).subtracting(["dtype", "shape", "data_offsets"])
        guard unknown.isEmpty else {
            throw invalid("expected only the keys dtype, shape and data_offsets, got also \(unknown.sorted().joined(separator: ", "))")
        }
        guard case let .string(dtypeName)? = fields["dtype"] else {
            throw invalid("expected dtype to be a string, got \(fields["dtype"]?.kindDescription ?? "nothing")")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unsupportedDType(path: source, tensor: name, got: dtypeName)
        }
        guard case let .array(shapeValues)? = fields["shape"] else {
            throw invalid("expected shape to be an array of integers, got \(fields["shape"]?.kindDescription ?? "nothing")")
        }
        var shape: [Int] = []
        for value in shapeValues {
            guard case let .integer(dimension) = value, dimension >= 0 else {
                throw invalid("expected shape to hold non-negative integers, got \(value.serialized())")
            }
            shape.append(dimension)
        }
        guard case let .array(offsets)? = fields["data_offsets"], offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1],
              begin >= 0, begin <= end
        else {
            throw invalid("expected data_offsets to be [begin, end] with 0 <= begin <= end, got \(fields["data_offsets"]?.serialized() ?? "nothing")")
        }
        guard end <= bufferSize else {
            throw SafetensorsError.offsetsOutOfBounds(path: source, tensor: name, begin: begin, end: end, bufferSize: bufferSize)
        }
        guard let count = elementCount(of: shape),
              case let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: dtype.size), !overflow
        else {
            throw invalid("expected a shape whose size fits in memory, got \(shape)")
        }
        guard expectedBytes == end - begin else {
            throw SafetensorsError.sizeMismatch(path: source, tensor: name, expectedBytes: expectedBytes, gotBytes: end - begin)
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.count = count
        self.begin = begin
        self.end = end
    }
}
