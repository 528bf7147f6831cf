#if canImport(Glibc)
import Glibc
#endif

/// A two-dimensional numeric array read from a `.npy` file ([N] or [N, D], float32/float64 or
/// integers) or a `.csv` file with a header line naming the columns.
public struct DataTable: Sendable {
    /// The file it came from.
    public var path: String
    /// Rows (events).
    public var rows: Int
    /// Columns.
    public var columns: Int
    /// Values, [rows, columns] row-major.
    public var values: [Double]
    /// Column names from a CSV header (nil for .npy).
    public var columnNames: [String]?

    /// Reads `path`, choosing the format by its extension (`.npy`, `.csv`). Every value must be
    /// finite.
    public static func read(_ path: String) throws -> DataTable {
        let lower = path.lowercased()
        var table: DataTable
        if lower.hasSuffix(".npy") {
            let array = try NpyArray(contentsOfFile: path)
            switch array.shape.count {
            case 1: table = DataTable(path: path, rows: array.shape[0], columns: 1, values: array.doubles, columnNames: nil)
            case 2: table = DataTable(path: path, rows: array.shape[0], columns: array.shape[1], values: array.doubles, columnNames: nil)
            default: throw DataTableError.shape(path: path, expected: "a 1-D [N] or 2-D [N, D] array", got: "shape \(array.shape)")
            }
        } else if lower.hasSuffix(".csv") {
            table = try readCSV(path)
        } else {
            throw DataTableError.unsupportedFormat(path: path)
        }
        if let bad = table.values.firstIndex(where: { !$0.isFinite }) {
            throw DataTableError.nonFinite(path: path, row: bad / max(1, table.columns), column: table.columnName(bad % max(1, table.columns)),
                                           value: table.values[bad])
        }
        return table
    }

    /// The name of column `index` (its header name, or `column <index>`).
    public func columnName(_ index: Int) -> String { columnNames?[index] ?? "column \(index)" }

    /// The values of the named columns in that order, [rows, names.count]: for a CSV file by
    /// header name; for a `.npy` file the columns must be exactly `names.count` and in order.
    public func selecting(_ names: [String]) throws -> [Double] {
        guard let header = columnNames else {
            guard columns == names.count else {
                throw DataTableError.shape(path: path, expected: "[N, \(names.count)] with columns \(names.joined(separator: ", "))",
                                           got: "[\(rows), \(columns)]")
            }
            return values
        }
        let indices = try names.map { name in
            guard let index = header.firstIndex(of: name) else { throw DataTableError.missingColumn(path: path, column: name, available: header) }
            return index
        }
        var result = [Double](repeating: 0, count: rows * names.count)
        for r in 0..<rows { for (j, c) in indices.enumerated() { result[r * names.count + j] = values[r * columns + c] } }
        return result
    }

    /// Parses a CSV file: a header line of column names, then one line of numbers per row.
    static func readCSV(_ path: String) throws -> DataTable {
        var bytes = try readWholeFile(path)
        bytes.append(0)
        return try bytes.withUnsafeMutableBufferPointer { buffer -> DataTable in
            let base = buffer.baseAddress!
            let end = buffer.count - 1
            var position = 0
            func lineEnd(_ from: Int) -> Int {
                var i = from
                while i < end && base[i] != 10 { i += 1 }
                return i
            }
            let headerEnd = lineEnd(0)
            let headerText = String(decoding: UnsafeBufferPointer(start: base, count: headerEnd), as: UTF8.self)
            let names = headerText.split(separator: ",", omittingEmptySubsequences: false).map { field -> String in
                var s = field.trimmingCharacters()
                if s.hasPrefix("\"") && s.hasSuffix("\"") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
                return s
            }
            guard !names.isEmpty, !(names.count == 1 && names[0].isEmpty) else { throw DataTableError.empty(path: path) }
            position = headerEnd + 1
            var values = [Double]()
            var row = 0
            while position < end {
                let stop = lineEnd(position)
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
                    guard let after = next, after != cursor else {
                        let text = String(cString: cursor).split(separator: ",").first.map(String.init) ?? ""
                        throw DataTableError.notANumber(path: path, row: row, column: fields < names.count ? names[fields] : "column \(fields)", text: text)
                    }
                    fields += 1
                    values.append(value)
                    var p = after
                    while p.pointee == 32 || p.pointee == 13 || p.pointee == 9 { p += 1 }
                    if p.pointee == 44 { cursor = p + 1; continue }  // ','
                    if p.pointee == 0 { break }
                    let text = String(cString: cursor).split(separator: ",").first.map(String.init) ?? ""
                    throw DataTableError.notANumber(path: path, row: row, column: fields - 1 < names.count ? names[fields - 1] : "?", text: text)
                }
                if fields != names.count { throw DataTableError.fieldCount(path: path, row: row, expected: names.count, got: fields) }
                row += 1
                position = stop + 1
            }
            return DataTable(path: path, rows: row, columns: names.count, values: values, columnNames: names)
        }
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
    /// Writes [rows, names.count] values atomically: a float64 `.npy` file, or a `.csv` file with
    /// `names` as its header (chosen by the extension).
    public static func write(_ values: [Double], columns names: [String], to path: String) throws {
        let columns = max(1, names.count)
        let rows = values.count / columns
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") {
            try NpyArray(shape: names.count == 1 ? [rows] : [rows, columns], doubles: values).write(toFile: path)
        } else if lower.hasSuffix(".csv") {
            var text = names.joined(separator: ",") + "\n"
            text.reserveCapacity(values.count * 12)
            for r in 0..<rows {
                text += (0..<columns).map { "\(values[r * columns + $0])" }.joined(separator: ",")
                text += "\n"
            }
            try writeFileAtomically(Array(text.utf8), to: path)
        } else {
            throw DataTableError.unsupportedFormat(path: path)
        }
    }
}
