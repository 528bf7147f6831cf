extension NpyArray {
    /// The complete `.npy` file contents: a version 1.0 header ('<f4' or '<f8', C order)
    /// padded so the data start at a multiple of 64 bytes, then the little-endian values.
    public func encoded() -> [UInt8] {
        var bytes = NpyHeader(descr: dtype.rawValue, fortranOrder: false, shape: shape).encoded()
        values.withLittleEndianBytes { bytes += $0 }
        return bytes
    }

    /// Writes the array to `path` as a `.npy` file (see `encoded()`), atomically.
    ///
    /// Float32 arrays are written as '<f4', float64 arrays as '<f8'.
    /// - Throws: `FileIOError` when the file cannot be written.
    public func write(toFile path: String) throws {
        let header = NpyHeader(descr: dtype.rawValue, fortranOrder: false, shape: shape).encoded()
        try writeFileAtomically(to: path) { writer in
            try writer.write(header)
            try values.withLittleEndianBytes { try writer.write($0) }
        }
    }
}
