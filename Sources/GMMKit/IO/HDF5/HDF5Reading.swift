import CGMMSupport
#if canImport(Glibc)
import Glibc
#endif

/// Reads numeric datasets from HDF5 files into a `DataTable`.
///
/// `object` is a dataset or group path inside the file (default `/`):
/// - a compound dataset (a table with named numeric fields, e.g. from h5py or pandas) gives one
///   column per field, named by the field;
/// - a 1-D numeric dataset gives one column named by the dataset;
/// - a 2-D numeric dataset [N, D] gives D columns without names (positional, as an `.npy`
///   file);
/// - a group gives the columns of its datasets: a group holding exactly one 2-D dataset is read
///   as that dataset; otherwise every 1-D dataset is a column named by the dataset, a 2-D dataset
///   `M` [N, k] gives the columns `M[0]` … `M[k-1]`, and a compound dataset its fields. All
///   must have the same number of rows.
/// Integer and floating-point element types of any size are converted to float64 by HDF5.
enum HDF5Reader {
    static func read(_ path: String, object: String?) throws -> DataTable {
        try HDF5Library.serialized { try readHoldingLock(path, object: object) }
    }

    private static func readHoldingLock(_ path: String, object: String?) throws -> DataTable {
        let h5 = try HDF5Library.api()
        let file = h5.Fopen(path, HDF5Library.readOnly, HDF5Library.defaultProperties)
        guard file >= 0 else {
            var info = stat()
            if stat(path, &info) != 0 { throw FileIOError(operation: "open", path: path, code: errno) }
            throw DataTableError.corrupt(path: path, detail: "HDF5 could not open it: not an HDF5 file, or truncated or damaged")
        }
        let fileHandle = HDF5Handle(file) { _ = h5.Fclose($0) }
        defer { withExtendedLifetime(fileHandle) {} }  // closed at the end of the scope, not after its last use
        let name = object ?? "/"
        if name != "/" {
            guard h5.Lexists(fileHandle.id, name, HDF5Library.defaultProperties) > 0 else {
                throw DataTableError.missingDataset(path: path, dataset: name, available: try listing(h5, fileHandle.id, "/"))
            }
        }
        let opened = h5.Oopen(fileHandle.id, name, HDF5Library.defaultProperties)
        guard opened >= 0 else { throw DataTableError.corrupt(path: path, detail: "HDF5 could not open '\(name)'") }
        let handle = HDF5Handle(opened) { _ = h5.Oclose($0) }
        defer { withExtendedLifetime(handle) {} }  // closed at the end of the scope, not after its last use
        let kind = h5.Iget_type(handle.id)
        var blocks: [(names: [String]?, rows: Int, width: Int, values: [Double])] = []
        if kind == HDF5Library.datasetType {
            blocks.append(try readDataset(h5, handle.id, label: name, path: path))
            let block = blocks[0]
            if block.names == nil {
                return DataTable(path: path, rows: block.rows, columns: block.width, values: block.values, columnNames: nil)
            }
            if block.names!.count == 1, block.width == 1 {
                let leaf = name.split(separator: "/").last.map(String.init) ?? name
                blocks[0].names = [leaf]
            }
        } else if kind == HDF5Library.groupType {
            let members = try listing(h5, handle.id, ".")
            for member in members {
                let child = h5.Oopen(handle.id, member, HDF5Library.defaultProperties)
                guard child >= 0 else { continue }
                let childHandle = HDF5Handle(child) { _ = h5.Oclose($0) }
                defer { withExtendedLifetime(childHandle) {} }  // closed at the end of the scope, not after its last use
                guard h5.Iget_type(childHandle.id) == HDF5Library.datasetType else { continue }
                var block = try readDataset(h5, childHandle.id, label: member, path: path)
                if block.names == nil {
                    block.names = (0..<block.width).map { "\(member)[\($0)]" }
                } else if block.width == 1, block.names == [""] {
                    block.names = [member]
                }
                blocks.append(block)
            }
            guard !blocks.isEmpty else {
                throw DataTableError.missingDataset(path: path, dataset: "a numeric dataset in '\(name)'", available: members)
            }
            if blocks.count == 1, let only = blocks.first, only.width > 1, only.names?.first?.hasSuffix("[0]") == true {
                return DataTable(path: path, rows: only.rows, columns: only.width, values: only.values, columnNames: nil)
            }
        } else {
            throw DataTableError.missingDataset(path: path, dataset: name, available: try listing(h5, fileHandle.id, "/"))
        }
        return try DataTable(path: path, joining: blocks.map { ($0.names ?? [], $0.rows, $0.values) })
    }

    /// The names of the links in group `group` (relative to `location`).
    static func listing(_ h5: GMMHDF5, _ location: gmm_hid_t, _ group: String) throws -> [String] {
        let opened = h5.Oopen(location, group, HDF5Library.defaultProperties)
        guard opened >= 0 else { return [] }
        let handle = HDF5Handle(opened) { _ = h5.Oclose($0) }
        defer { withExtendedLifetime(handle) {} }  // closed at the end of the scope, not after its last use
        let count = gmm_hdf5_link_count(handle.id)
        guard count >= 0 else { return [] }
        var names: [String] = []
        for i in 0..<count {
            let length = h5.Lget_name_by_idx(handle.id, ".", 0, 0, UInt64(i), nil, 0, HDF5Library.defaultProperties)
            guard length >= 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = h5.Lget_name_by_idx(handle.id, ".", 0, 0, UInt64(i), &buffer, buffer.count, HDF5Library.defaultProperties)
            names.append(String(cString: buffer))
        }
        return names
    }

    /// One dataset as row-major float64 values: names from compound fields, [""] for a 1-D
    /// dataset, nil for a 2-D one.
    static func readDataset(_ h5: GMMHDF5, _ dataset: gmm_hid_t, label: String, path: String) throws
        -> (names: [String]?, rows: Int, width: Int, values: [Double])
    {
        func fail(_ detail: String) -> DataTableError { .corrupt(path: path, detail: "dataset '\(label)': \(detail)") }
        let space = HDF5Handle(h5.Dget_space(dataset)) { _ = h5.Sclose($0) }
        defer { withExtendedLifetime(space) {} }  // closed at the end of the scope, not after its last use
        let type = HDF5Handle(h5.Dget_type(dataset)) { _ = h5.Tclose($0) }
        defer { withExtendedLifetime(type) {} }  // closed at the end of the scope, not after its last use
        guard space.id >= 0, type.id >= 0 else { throw fail("its shape or element type cannot be read") }
        let rank = Int(h5.Sget_simple_extent_ndims(space.id))
        guard rank == 1 || rank == 2 else {
            throw DataTableError.shape(path: "\(path)[\(label)]", expected: "a 1-D [N] or 2-D [N, D] dataset (or a compound [N] table)", got: "\(rank) dimensions")
        }
        var dims = [gmm_hsize_t](repeating: 0, count: rank)
        _ = h5.Sget_simple_extent_dims(space.id, &dims, nil)
        let rows = Int(dims[0]), width = rank == 2 ? Int(dims[1]) : 1
        let typeClass = h5.Tget_class(type.id)
        if typeClass == HDF5Library.compoundClass {
            guard rank == 1 else { throw DataTableError.shape(path: "\(path)[\(label)]", expected: "a 1-D compound table", got: "\(rank) dimensions") }
            let fieldCount = Int(h5.Tget_nmembers(type.id))
            var names: [String] = [], columns: [[Double]] = []
            for field in 0..<fieldCount {
                let memberClass = h5.Tget_member_class(type.id, UInt32(field))
                guard memberClass == HDF5Library.integerClass || memberClass == HDF5Library.floatClass,
                      let cName = h5.Tget_member_name(type.id, UInt32(field)) else { continue }
                let name = String(cString: cName)
                _ = h5.free_memory(cName)
                let memory = HDF5Handle(h5.Tcreate(HDF5Library.compoundClass, 8)) { _ = h5.Tclose($0) }
                defer { withExtendedLifetime(memory) {} }  // closed at the end of the scope, not after its last use
                guard memory.id >= 0, h5.Tinsert(memory.id, name, 0, h5.native_double) >= 0 else { throw fail("field '\(name)' cannot be converted") }
                var column = [Double](repeating: 0, count: rows)
                guard h5.Dread(dataset, memory.id, HDF5Library.all, HDF5Library.all, HDF5Library.defaultProperties, &column) >= 0 else {
                    try requireFilters(h5, dataset, label: label, path: path)
                    throw fail("field '\(name)' could not be read (truncated or damaged file)")
                }
                names.append(name)
                columns.append(column)
            }
            guard !names.isEmpty else { throw fail("the compound type has no numeric fields") }
            var values = [Double](repeating: 0, count: rows * names.count)
            for (j, column) in columns.enumerated() { for r in 0..<rows { values[r * names.count + j] = column[r] } }
            return (names, rows, names.count, values)
        }
        guard typeClass == HDF5Library.integerClass || typeClass == HDF5Library.floatClass else {
            throw DataTableError.shape(path: "\(path)[\(label)]", expected: "integer or floating-point values", got: "HDF5 type class \(typeClass)")
        }
        var values = [Double](repeating: 0, count: rows * width)
        guard h5.Dread(dataset, h5.native_double, HDF5Library.all, HDF5Library.all, HDF5Library.defaultProperties, &values) >= 0 else {
            try requireFilters(h5, dataset, label: label, path: path)
            throw fail("the values could not be read (truncated or damaged file)")
        }
        return (rank == 1 ? [""] : nil, rows, width, values)
    }

    /// Throws `DataTableError.unavailableFilter` naming the first of the dataset's filters
    /// (compression and the like) that this HDF5 library cannot apply. Called after a failed
    /// read only: an optional filter may be unavailable yet never have been applied to a chunk.
    static func requireFilters(_ h5: GMMHDF5, _ dataset: gmm_hid_t, label: String, path: String) throws {
        let properties = HDF5Handle(h5.Dget_create_plist(dataset)) { _ = h5.Pclose($0) }
        defer { withExtendedLifetime(properties) {} }  // closed at the end of the scope, not after its last use
        guard properties.id >= 0 else { return }
        for index in 0..<max(h5.Pget_nfilters(properties.id), 0) {
            var flags: UInt32 = 0, clientCount = 0, config: UInt32 = 0
            var name = [CChar](repeating: 0, count: 256)
            let filter = h5.Pget_filter2(properties.id, UInt32(index), &flags, &clientCount, nil, name.count, &name, &config)
            guard filter >= 0, h5.Zfilter_avail(filter) <= 0 else { continue }
            throw DataTableError.unavailableFilter(path: path, dataset: label, filter: filterDescription(filter, storedName: String(cString: name)))
        }
    }

    /// A filter's common name from the HDF5 filter registry, with its id.
    static func filterDescription(_ filter: Int32, storedName: String) -> String {
        let known: [Int32: String] = [
            1: "deflate (gzip)", 2: "shuffle", 3: "Fletcher-32", 4: "SZIP", 5: "N-bit", 6: "scale-offset",
            307: "bzip2", 32000: "LZF", 32001: "Blosc", 32004: "LZ4", 32008: "bitshuffle", 32013: "ZFP",
            32015: "Zstandard", 32017: "SZ", 32026: "Blosc2",
        ]
        let name = known[filter] ?? (storedName.isEmpty ? "an unregistered filter" : "'\(storedName)'")
        return "\(name) (HDF5 filter \(filter))"
    }
}
