import CGMMSupport

/// Writes HDF5 files through the HDF5 C library (loaded at run time), atomically.
enum HDF5Writer {
    /// How values are stored in the file.
    enum Storage {
        case float32, float64, int64
    }

    /// How a dataset's values are compressed.
    enum Compression: Equatable {
        /// Contiguous, uncompressed.
        case none
        /// Chunked by rows and compressed with HDF5's deflate filter (gzip, `level` 1–9), after
        /// the byte-shuffle filter when `shuffle` is set (h5py's `compression="gzip", shuffle=True`).
        case deflate(level: Int, shuffle: Bool)
    }

    /// One object to create in a new file.
    enum Item {
        /// A group at this path.
        case group(String)
        /// A numeric dataset at `name` with `shape` ([N] or [N, D]), values row-major.
        case dataset(name: String, shape: [Int], values: [Double], storage: Storage, compression: Compression = .none)
        /// A compound (table) dataset [N] with one float64 field per column.
        case table(name: String, columns: [(name: String, values: [Double])])
    }

    /// Creates `path` (replacing it atomically) holding `items`, in order.
    /// - Throws: `DataTableError.hdf5Unavailable` without HDF5, `DataTableError.corrupt` when
    ///   HDF5 refuses an item, `FileIOError` when the file cannot be written.
    static func write(_ items: [Item], to path: String) throws {
        try HDF5Library.serialized { try writeHoldingLock(items, to: path) }
    }

    private static func writeHoldingLock(_ items: [Item], to path: String) throws {
        let h5 = try HDF5Library.api()
        try writeFileAtomically(to: path) { writer in
            // The temporary file is ours alone, so HDF5's file lock guards nothing; and a child
            // process started meanwhile would inherit HDF5's descriptor and keep the lock, so
            // that the renamed file could not be opened until the child exits.
            let access = HDF5Handle(h5.Pcreate(h5.file_access_class)) { _ = h5.Pclose($0) }
            defer { withExtendedLifetime(access) {} }  // closed at the end of the scope, not after its last use
            if access.id >= 0, let unlock = h5.Pset_file_locking { _ = unlock(access.id, 0, 1) }
            let created = h5.Fcreate(writer.path, HDF5Library.truncate, HDF5Library.defaultProperties,
                                     access.id >= 0 ? access.id : HDF5Library.defaultProperties)
            guard created >= 0 else { throw DataTableError.corrupt(path: path, detail: "HDF5 could not create the file") }
            let file = HDF5Handle(created) { _ = h5.Fclose($0) }
            defer { withExtendedLifetime(file) {} }  // closed at the end of the scope, not after its last use
            func fail(_ name: String) -> DataTableError { .corrupt(path: path, detail: "HDF5 could not write '\(name)'") }
            let p = HDF5Library.defaultProperties
            for item in items {
                switch item {
                case let .group(name):
                    let group = h5.Gcreate2(file.id, name, p, p, p)
                    guard group >= 0 else { throw fail(name) }
                    _ = h5.Gclose(group)
                case let .dataset(name, shape, values, storage, compression):
                    var dims = shape.map { gmm_hsize_t($0) }
                    let space = HDF5Handle(h5.Screate_simple(Int32(dims.count), &dims, nil)) { _ = h5.Sclose($0) }
                    defer { withExtendedLifetime(space) {} }  // closed at the end of the scope, not after its last use
                    guard let properties = creationProperties(h5, shape: shape, compression: compression) else { throw fail(name) }
                    defer { withExtendedLifetime(properties) {} }  // closed at the end of the scope, not after its last use
                    let fileType = storage == .float32 ? h5.ieee_f32le : storage == .float64 ? h5.ieee_f64le : h5.std_i64le
                    let dataset = h5.Dcreate2(file.id, name, fileType, space.id, p, properties.id, p)
                    guard space.id >= 0, dataset >= 0 else { throw fail(name) }
                    defer { _ = h5.Dclose(dataset) }
                    guard h5.Dwrite(dataset, h5.native_double, HDF5Library.all, HDF5Library.all, p, values) >= 0 else { throw fail(name) }
                case let .table(name, columns):
                    let rows = columns.first?.values.count ?? 0
                    let type = HDF5Handle(h5.Tcreate(HDF5Library.compoundClass, 8 * columns.count)) { _ = h5.Tclose($0) }
                    defer { withExtendedLifetime(type) {} }  // closed at the end of the scope, not after its last use
                    for (j, column) in columns.enumerated() where h5.Tinsert(type.id, column.name, 8 * j, h5.native_double) < 0 {
                        throw fail("\(name).\(column.name)")
                    }
                    var dims = [gmm_hsize_t(rows)]
                    let space = HDF5Handle(h5.Screate_simple(1, &dims, nil)) { _ = h5.Sclose($0) }
                    defer { withExtendedLifetime(space) {} }  // closed at the end of the scope, not after its last use
                    var packed = [Double](repeating: 0, count: rows * columns.count)
                    for (j, column) in columns.enumerated() { for r in 0..<rows { packed[r * columns.count + j] = column.values[r] } }
                    let dataset = h5.Dcreate2(file.id, name, type.id, space.id, p, p, p)
                    guard dataset >= 0 else { throw fail(name) }
                    defer { _ = h5.Dclose(dataset) }
                    guard h5.Dwrite(dataset, type.id, HDF5Library.all, HDF5Library.all, p, packed) >= 0 else { throw fail(name) }
                }
            }
        }
    }

    /// The dataset-creation properties for `compression` of a dataset of `shape`: HDF5's
    /// defaults for `.none`, chunks of up to 4096 whole rows for `.deflate`; nil when HDF5
    /// refuses them.
    private static func creationProperties(_ h5: GMMHDF5, shape: [Int], compression: Compression) -> HDF5Handle? {
        guard case let .deflate(level, shuffle) = compression else {
            return HDF5Handle(HDF5Library.defaultProperties) { _ in }
        }
        let properties = HDF5Handle(h5.Pcreate(h5.dataset_create_class)) { _ = h5.Pclose($0) }
        var chunk = shape.map { gmm_hsize_t(max($0, 1)) }
        chunk[0] = min(chunk[0], 4096)
        guard properties.id >= 0, h5.Pset_chunk(properties.id, Int32(chunk.count), &chunk) >= 0,
              !shuffle || h5.Pset_shuffle(properties.id) >= 0,
              h5.Pset_deflate(properties.id, UInt32(min(max(level, 1), 9))) >= 0 else { return nil }
        return properties
    }
}
