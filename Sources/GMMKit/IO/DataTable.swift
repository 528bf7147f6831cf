#if canImport(Glibc)
import Glibc
#endif
import GMMCompute

/// A two-dimensional numeric table read from an event file: `.npy` ([N] or [N, D]), `.npz`
/// (np.savez / np.savez_compressed), HDF5 (`.h5`, `.hdf5`) or `.csv` with a header line.
///
/// Columns have names where the file gives them (CSV header, `.npz` member names, HDF5 dataset
/// or compound field names); a bare [N, D] array has positional columns (`columnNames` nil).
/// Values are not checked here: ``selecting(_:)`` checks the columns it takes.
public struct DataTable: Sendable {
    /// The file it came from.
    public var path: String
    /// Rows (events).
    public var rows: Int
    /// Columns.
    public var columns: Int
    /// Values, [rows, columns] row-major.
    public var values: [Double]
    /// Column names (nil for a positional [N, D] array).
    public var columnNames: [String]?

    /// A table from its parts; `values` is [rows, columns] row-major.
    public init(path: String, rows: Int, columns: Int, values: [Double], columnNames: [String]?) {
        self.path = path
        self.rows = rows
        self.columns = columns
        self.values = values
        self.columnNames = columnNames
    }

    /// The file extensions ``read(_:dataset:)`` understands.
    public static let readableExtensions = [".npy", ".npz", ".csv", ".h5", ".hdf5", ".he5"]

    /// Reads `path`, choosing the format by its extension.
    ///
    /// - `.npy`: [N] or [N, D]; positional columns.
    /// - `.npz`: with `dataset`, that member alone (a 1-D member is a column named by the
    ///   member); without, one 2-D member is read as a positional table, and otherwise each 1-D
    ///   member is a column named by the member and a 2-D member `M` [N, k] gives the columns
    ///   `M[0]` … `M[k-1]`.
    /// - HDF5: `dataset` is a dataset or group path inside the file (default `/`); see
    ///   the rules of `HDF5Reader`: compound fields, 1-D datasets and `M[j]` columns by name.
    /// - `.csv`: a header line naming the columns.
    ///
    /// - Throws: ``DataTableError`` naming the file (and member, column or row) for an unknown
    ///   extension, a truncated or damaged file, a missing member/dataset or mismatched row
    ///   counts; `NpyError` for a bad npy array; `FileIOError` when it cannot be read.
    public static func read(_ path: String, dataset: String? = nil) throws -> DataTable {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") || lower.hasSuffix(".csv") {
            if let dataset {
                throw DataTableError.invalidSource(text: "\(path)#\(dataset)", reason: "only .npz and HDF5 files hold named datasets; remove '#\(dataset)'")
            }
            return lower.hasSuffix(".npy") ? try positional(NpyArray(contentsOfFile: path), path: path) : try readCSV(path)
        }
        if lower.hasSuffix(".npz") { return try readNpz(path, member: dataset) }
        if lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") || lower.hasSuffix(".he5") { return try HDF5Reader.read(path, object: dataset) }
        throw DataTableError.unsupportedFormat(path: path)
    }

    /// A positional table from a 1-D or 2-D array.
    static func positional(_ array: NpyArray, path: String) throws -> DataTable {
        switch array.shape.count {
        case 1: return DataTable(path: path, rows: array.shape[0], columns: 1, values: array.doubles, columnNames: nil)
        case 2: return DataTable(path: path, rows: array.shape[0], columns: array.shape[1], values: array.doubles, columnNames: nil)
        default: throw DataTableError.shape(path: path, expected: "a 1-D [N] or 2-D [N, D] array", got: "shape \(array.shape)")
        }
    }

    /// Reads an `.npz` archive (see ``read(_:dataset:)``).
    static func readNpz(_ path: String, member: String?) throws -> DataTable {
        let archive = try NpzArchive(contentsOfFile: path)
        if let member {
            guard let array = archive[member] else {
                throw DataTableError.missingDataset(path: path, dataset: member, available: archive.members.map(\.name))
            }
            var table = try positional(array, path: path)
            if array.shape.count == 1 { table.columnNames = [member] }
            return table
        }
        guard !archive.members.isEmpty else { throw DataTableError.empty(path: path) }
        if archive.members.count == 1, archive.members[0].array.shape.count == 2 {
            return try positional(archive.members[0].array, path: path)
        }
        var blocks: [(names: [String], rows: Int, values: [Double])] = []
        for (name, array) in archive.members {
            switch array.shape.count {
            case 1: blocks.append(([name], array.shape[0], array.doubles))
            case 2: blocks.append(((0..<array.shape[1]).map { "\(name)[\($0)]" }, array.shape[0], array.doubles))
            default:
                throw DataTableError.shape(path: "\(path)[\(name)]", expected: "a 1-D [N] or 2-D [N, k] array", got: "shape \(array.shape)")
            }
        }
        return try DataTable(path: path, joining: blocks)
    }

    /// Joins named blocks of columns that have the same number of rows into one table.
    /// - Throws: ``DataTableError/shape(path:expected:got:)`` when the row counts differ or a
    ///   name repeats.
    init(path: String, joining blocks: [(names: [String], rows: Int, values: [Double])]) throws {
        let rows = blocks.first?.rows ?? 0
        var names: [String] = []
        for block in blocks {
            guard block.rows == rows else {
                throw DataTableError.shape(path: path, expected: "the same number of rows in every column (\(blocks[0].names.first ?? "") has \(rows))",
                                           got: "\(block.rows) rows in \(block.names.first ?? "")")
            }
            for name in block.names where names.contains(name) {
                throw DataTableError.shape(path: path, expected: "unique column names", got: "'\(name)' twice")
            }
            names += block.names
        }
        let width = names.count
        var values: [Double]
        if blocks.count == 1 {
            values = blocks[0].values
        } else if rows == 0 {
            values = []
        } else {
            // Row by row, reading every block's stream in step: one pass over the output.
            values = [Double](repeating: 0, count: rows * width)
            let widths = blocks.map(\.names.count)
            var starts: [UnsafePointer<Double>] = []
            values.withUnsafeMutableBufferPointer { out in
                func fill(_ b: Int) {
                    if b == blocks.count {
                        parallelFor(rows, minimumPerChunk: 65_536) { range in
                            for r in range {
                                var o = r * width
                                for (block, k) in zip(starts, widths) {
                                    for j in 0..<k { out[o + j] = block[r * k + j] }
                                    o += k
                                }
                            }
                        }
                        return
                    }
                    blocks[b].values.withUnsafeBufferPointer { buffer in
                        starts.append(buffer.baseAddress!)
                        fill(b + 1)
                    }
                }
                fill(0)
            }
        }
        self.init(path: path, rows: rows, columns: width, values: values, columnNames: names)
    }

    /// The name of column `index` (its name, or `column <index>`).
    public func columnName(_ index: Int) -> String { columnNames?[index] ?? "column \(index)" }

    /// The index of the column called `name`, nil when absent or the table is positional.
    public func columnIndex(_ name: String) -> Int? { columnNames?.firstIndex(of: name) }

    /// The values of the named columns in that order, [rows, names.count]: by name for a table
    /// with column names; for a positional table the columns must be exactly `names.count` and in
    /// order. Every value taken must be finite.
    /// - Throws: ``DataTableError`` for a missing column, a column count that does not match, or
    ///   a NaN or infinite value (naming its row and column).
    public func selecting(_ names: [String]) throws -> [Double] {
        guard columnNames != nil else {
            guard columns == names.count else {
                throw DataTableError.shape(path: path, expected: "[N, \(names.count)] with columns \(names.joined(separator: ", "))",
                                           got: "[\(rows), \(columns)]")
            }
            try checkFinite(columns: Array(0..<columns), names: names)
            return values
        }
        let indices = try names.map { name in
            guard let index = columnIndex(name) else { throw DataTableError.missingColumn(path: path, column: name, available: columnNames ?? []) }
            return index
        }
        return try gather(indices, names: names)
    }

    /// Columns `indices` as [rows, indices.count] row-major, checking that every value is finite
    /// (errors name the column as `names[j]`).
    func gather(_ indices: [Int], names: [String]) throws -> [Double] {
        try checkFinite(columns: indices, names: names)
        if indices == Array(0..<columns) { return values }
        let k = indices.count, width = columns
        var result = [Double](repeating: 0, count: rows * k)
        result.withUnsafeMutableBufferPointer { out in
            values.withUnsafeBufferPointer { source in
                indices.withUnsafeBufferPointer { index in
                    for r in 0..<rows { for j in 0..<k { out[r * k + j] = source[r * width + index[j]] } }
                }
            }
        }
        return result
    }

    /// Throws ``DataTableError/nonFinite(path:row:column:value:)`` for the first NaN or
    /// infinite value in `columns`.
    public func checkFinite(columns indices: [Int], names: [String]) throws {
        let width = columns, k = indices.count
        let bad: (row: Int, column: Int)? = values.withUnsafeBufferPointer { source in
            indices.withUnsafeBufferPointer { index in
                // Fast pass: a sum of 0 × value is NaN exactly when some value is NaN or infinite.
                var probe = 0.0
                if k == width {
                    for v in source { probe += 0 * v }
                } else {
                    for r in 0..<rows { for j in 0..<k { probe += 0 * source[r * width + index[j]] } }
                }
                guard probe.isNaN else { return nil }
                for r in 0..<rows { for j in 0..<k where !source[r * width + index[j]].isFinite { return (r, j) } }
                return nil
            }
        }
        if let bad {
            let c = indices[bad.column]
            let name = columnNames?[c] ?? (bad.column < names.count ? names[bad.column] : columnName(c))
            throw DataTableError.nonFinite(path: path, row: bad.row, column: name, value: values[bad.row * width + c])
        }
    }

    /// Parses a CSV file: a header line of column names, then one line of numbers per row.
    static func readCSV(_ path: String) throws -> DataTable {
        var bytes = try readWholeFile(path)
        bytes.append(0)
        return try bytes.withUnsafeMutableBufferPointer { buffer -> DataTable in
            let base = buffer.baseAddress!
            let end = buffer.count - 1
            // A UTF-8 byte-order mark is not part of the first column's name.
            let bom = end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
            var position = bom
            func lineEnd(_ from: Int) -> Int { Self.lineEnd(base, from: from, end: end) }
            let headerEnd = lineEnd(bom)
            let headerText = String(decoding: UnsafeBufferPointer(start: base + bom, count: headerEnd - bom), as: UTF8.self)
            let names = headerText.split(separator: ",", omittingEmptySubsequences: false).map { field -> String in
                var s = field.trimmingCharacters()
                if s.hasPrefix("\"") && s.hasSuffix("\"") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
                return s
            }
            guard !names.isEmpty, !(names.count == 1 && names[0].isEmpty) else { throw DataTableError.empty(path: path) }
            var seen: [String: Int] = [:]
            for (k, name) in names.enumerated() {
                if let first = seen[name] {
                    throw DataTableError.corrupt(path: path, detail: "the header names column '\(String(name.prefix(80)))' twice (columns \(first) and \(k)); give every column its own name")
                }
                seen[name] = k
            }
            position = headerEnd + 1
            // The lines after the header in up to one chunk per core, cut after a newline, each
            // parsed on its own (chunks write only inside their own bytes); the first error in
            // file order is reported, its row counted from the start of the file.
            let chunkCount = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), (end - position) / (1 << 20)))
            var cuts = [position]
            for k in 1..<chunkCount {
                let cut = lineEnd(max(cuts[cuts.count - 1], position + (end - position) * k / chunkCount)) + 1
                if cut < end { cuts.append(cut) }
            }
            cuts.append(end)
            let pieces = cuts.count - 1
            var parts = [CSVChunk](repeating: CSVChunk(), count: pieces)
            parts.withUnsafeMutableBufferPointer { out in
                let results = out.baseAddress!
                parallelTasks(pieces) { k in
                    results[k] = Self.parseCSVLines(base, from: cuts[k], to: cuts[k + 1], columns: names.count)
                }
            }
            var rowsBefore = 0
            for part in parts {
                if let failure = part.failure {
                    let row = rowsBefore + failure.row
                    let column = failure.field < names.count ? names[failure.field] : "column \(failure.field)"
                    if let got = failure.fieldCount { throw DataTableError.fieldCount(path: path, row: row, expected: names.count, got: got) }
                    throw DataTableError.notANumber(path: path, row: row, column: column, text: failure.text)
                }
                rowsBefore += part.rows
            }
            var values = [Double]()
            values.reserveCapacity(rowsBefore * names.count)
            for part in parts { values += part.values }
            return DataTable(path: path, rows: rowsBefore, columns: names.count, values: values, columnNames: names)
        }
    }

    /// The index of the first newline in bytes `from..<end` of `base`, or `end`.
    static func lineEnd(_ base: UnsafeMutablePointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        while i < end && base[i] != 10 { i += 1 }
        return i
    }

    /// One chunk of CSV lines: its values and rows, or where its first bad line is.
    struct CSVChunk {
        var values: [Double] = []
        var rows = 0
        /// The first error: row within the chunk, field index, the offending text, and for a
        /// wrong number of fields the count found.
        var failure: (row: Int, field: Int, text: String, fieldCount: Int?)?
    }

    /// Whether the number at `text` is written as C's hexadecimal float (`0x1p3`, after
    /// optional white space and a sign), which strtod reads but a CSV number is not.
    static func startsHexadecimal(_ text: UnsafeMutablePointer<CChar>) -> Bool {
        var p = text
        while p.pointee == 32 || (p.pointee >= 9 && p.pointee <= 13) { p += 1 }  // strtod's isspace
        if p.pointee == 43 || p.pointee == 45 { p += 1 }  // '+', '-'
        return p.pointee == 48 && (p[1] == 120 || p[1] == 88)  // "0x", "0X"
    }

    /// Parses the lines in bytes `from..<to` of `base` (each ending in a newline or at `to`,
    /// where `base[to]` is a newline or the terminating zero): `columns` numbers per line, blank
    /// lines skipped. Newlines inside the range are overwritten with zeros.
    static func parseCSVLines(_ base: UnsafeMutablePointer<UInt8>, from: Int, to end: Int, columns: Int) -> CSVChunk {
        var chunk = CSVChunk()
        chunk.values.reserveCapacity((end - from) / 8)
        var position = from
        while position < end {
            let stop = lineEnd(base, from: position, end: end)
            // Skip blank lines (and a lone carriage return).
            var blank = true
            for i in position..<stop where base[i] != 13 && base[i] != 32 { blank = false; break }
            if blank { position = stop + 1; continue }
            base[stop] = 0
            var cursor = UnsafeMutableRawPointer(base + position).assumingMemoryBound(to: CChar.self)
            var fields = 0
            while true {
                var next: UnsafeMutablePointer<CChar>? = nil
                let value = strtod(cursor, &next)
                guard let after = next, after != cursor, !Self.startsHexadecimal(cursor) else {
                    let text = String(cString: cursor).split(separator: ",").first.map(String.init) ?? ""
                    chunk.failure = (chunk.rows, fields, text, nil)
                    return chunk
                }
                fields += 1
                chunk.values.append(value)
                var p = after
                while p.pointee == 32 || p.pointee == 13 || p.pointee == 9 { p += 1 }
                if p.pointee == 44 { cursor = p + 1; continue }  // ','
                if p.pointee == 0 { break }
                let text = String(cString: cursor).split(separator: ",").first.map(String.init) ?? ""
                chunk.failure = (chunk.rows, fields - 1, text, nil)
                return chunk
            }
            if fields != columns {
                chunk.failure = (chunk.rows, 0, "", fields)
                return chunk
            }
            chunk.rows += 1
            position = stop + 1
        }
        return chunk
    }
}

extension Substring {
    /// The text without surrounding spaces, tabs and carriage returns.
    func trimmingCharacters() -> String {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}

extension DataTable {
    /// [rows, names.count] values as the float64 array a `.npy` output holds: [rows] for one
    /// column, else [rows, names.count].
    public static func npyArray(_ values: [Double], columns names: [String]) throws -> NpyArray {
        let columns = max(1, names.count)
        return try NpyArray(shape: names.count == 1 ? [values.count / columns] : [values.count / columns, columns], doubles: values)
    }

    /// Writes [rows, names.count] values atomically, chosen by the extension: a float64 `.npy`
    /// file; an `.npz` archive (stored, as `np.savez`) or HDF5 file with one float64 1-D
    /// member/dataset per column named by `names`; or a `.csv` file with `names` as its header.
    /// Each reads back through ``read(_:dataset:)`` with the same column names.
    public static func write(_ values: [Double], columns names: [String], to path: String) throws {
        let columns = max(1, names.count)
        let rows = values.count / columns
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") {
            try npyArray(values, columns: names).write(toFile: path)
        } else if lower.hasSuffix(".csv") {
            var text = names.joined(separator: ",") + "\n"
            text.reserveCapacity(values.count * 12)
            for r in 0..<rows {
                text += (0..<columns).map { "\(values[r * columns + $0])" }.joined(separator: ",")
                text += "\n"
            }
            try writeFileAtomically(Array(text.utf8), to: path)
        } else if lower.hasSuffix(".npz") || lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") || lower.hasSuffix(".he5") {
            let split = names.enumerated().map { j, name in (name: name, values: (0..<rows).map { values[$0 * columns + j] }) }
            if lower.hasSuffix(".npz") {
                try NpzArchive(members: try split.map { ($0.name, try NpyArray(shape: [rows], doubles: $0.values)) })
                    .write(toFile: path, compressed: false)
            } else {
                try HDF5Writer.write(split.map { .dataset(name: $0.name, shape: [rows], values: $0.values, storage: .float64) }, to: path)
            }
        } else {
            throw DataTableError.unsupportedFormat(path: path)
        }
    }
}
