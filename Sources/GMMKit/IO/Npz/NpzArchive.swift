import GMMCompute

/// A NumPy `.npz` archive: named arrays, each an `.npy` file inside a zip archive, as written by
/// `np.savez` (stored members) and `np.savez_compressed` (deflated members).
public struct NpzArchive: Sendable, Equatable {
    /// The arrays in archive order; names without the `.npy` suffix (the keyword names given
    /// to `np.savez`).
    public var members: [(name: String, array: NpyArray)]

    /// Named arrays, in order.
    public init(members: [(name: String, array: NpyArray)]) {
        self.members = members
    }

    /// The array called `name`, or nil.
    public subscript(name: String) -> NpyArray? { members.first { $0.name == name }?.array }

    /// Reads an `.npz` file.
    /// - Throws: `DataTableError.corrupt` for a truncated or damaged archive, a member that is
    ///   not an `.npy` file, or an unsupported compression; `NpyError` for a member that is not a
    ///   readable npy array (named `archive.npz[member]`); `FileIOError` when it cannot be read.
    public init(contentsOfFile path: String) throws {
        let zip = try ZipArchive(bytes: try readWholeFile(path), path: path)
        let entries = zip.entries.filter { !$0.name.hasSuffix("/") }
        for entry in entries where !entry.name.hasSuffix(".npy") {
            throw DataTableError.corrupt(path: path, detail: "member '\(entry.name)' is not an .npy file; an .npz archive holds only .npy members")
        }
        // Members decode independently (inflate, CRC-32, npy parse): one per core at a time.
        let results = UnsafeMutableBufferPointer<Result<NpyArray, any Error>?>.allocate(capacity: entries.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        parallelFor(entries.count, minimumPerChunk: 1) { range in
            for i in range {
                let name = String(entries[i].name.dropLast(4))
                results[i] = Result {
                    try Self.checkDeclaredSize(of: entries[i], in: zip, name: "\(path)[\(name)]")
                    return try NpyArray(npyBytes: try zip.contents(of: entries[i]), name: "\(path)[\(name)]")
                }
            }
        }
        self.members = try entries.indices.map { i in (String(entries[i].name.dropLast(4)), try results[i]!.get()) }
    }

    /// How many leading bytes of a member are inflated to read its npy header (NumPy itself
    /// refuses headers over 10,000 bytes).
    static let headerPrefix = 65_536

    /// Refuses a large member whose npy header needs another size than the archive declares,
    /// from the header alone: a member cannot make the reader inflate more than its array needs.
    /// A header that does not parse is left to the full read, which tells damage (CRC-32) from a
    /// bad header.
    /// - Throws: `NpyError.truncatedData` or `.trailingData` with both sizes.
    private static func checkDeclaredSize(of entry: ZipArchive.Entry, in zip: ZipArchive, name: String) throws {
        guard entry.uncompressedSize > headerPrefix else { return }
        do {
            try NpyArray.checkLayout(prefix: try zip.prefix(of: entry, count: headerPrefix), size: entry.uncompressedSize, name: name)
        } catch let error as NpyError {
            switch error {
            case .truncatedData, .trailingData: throw error
            default: return
            }
        }
    }

    /// Writes the archive atomically, deflating each member when `compressed` is true (as
    /// `np.savez_compressed` does), storing it otherwise (as `np.savez`).
    /// - Throws: `FileIOError` when the file cannot be written; an error when zlib is missing.
    public func write(toFile path: String, compressed: Bool) throws {
        var zip = ZipWriter()
        for member in members {
            try zip.add(name: member.name + ".npy", data: member.array.encoded(), compress: compressed)
        }
        try writeFileAtomically(zip.finished(), to: path)
    }

    public static func == (a: NpzArchive, b: NpzArchive) -> Bool {
        a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.name == $1.name && $0.array == $1.array }
    }
}
