extension SafetensorsFile {
    /// The complete file contents: the header (tensors in name order, data_offsets
    /// contiguous from 0, `__metadata__` only when non-empty) padded with spaces so that the
    /// data start at a multiple of 8 bytes, then each tensor's little-endian values.
    ///
    /// - Throws: `SafetensorsError.reservedName` for a tensor named "" or "__metadata__".
    public func encoded() throws -> [UInt8] {
        let (header, order) = try headerBytes()
        var bytes = header
        for name in order {
            tensors[name]?.values.withLittleEndianBytes { bytes += $0 }
        }
        return bytes
    }

    /// Writes the file to `path` (see `encoded()`), atomically.
    ///
    /// - Throws: `SafetensorsError.reservedName`, or `FileIOError` when the file cannot be
    ///   written.
    public func write(toFile path: String) throws {
        let (header, order) = try headerBytes()
        try writeFileAtomically(to: path) { writer in
            try writer.write(header)
            for name in order {
                try tensors[name]?.values.withLittleEndianBytes { try writer.write($0) }
            }
        }
    }

    /// The 8-byte length and the padded JSON header, and the tensor names in data order.
    private func headerBytes() throws -> ([UInt8], [String]) {
        let order = tensors.keys.sorted()
        var entries: [String: JSONValue] = [:]
        var offset = 0
        for name in order {
            guard !name.isEmpty, name != "__metadata__" else { throw SafetensorsError.reservedName(name) }
            guard let tensor = tensors[name] else { continue }
            let size = tensor.values.count * tensor.values.elementSize
            entries[name] = .object([
                "dtype": .string(tensor.dtype.rawValue),
                "shape": .array(tensor.shape.map { .integer($0) }),
                "data_offsets": .array([.integer(offset), .integer(offset + size)]),
            ])
            offset += size
        }
        if !metadata.isEmpty {
            entries["__metadata__"] = .object(metadata.mapValues { .string($0) })
        }
        var json = Array(JSONValue.object(entries).serialized().utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count)
        for i in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64(i))))
        }
        bytes += json
        return (bytes, order)
    }
}
