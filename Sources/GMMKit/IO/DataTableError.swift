/// A data file that cannot be used: each description names the file and, where it applies,
/// the column and row, what was expected and what was found.
public enum DataTableError: Error, CustomStringConvertible, Equatable {
    /// The extension is not one of the readable formats.
    case unsupportedFormat(path: String)
    /// The array does not have the expected number of dimensions or columns.
    case shape(path: String, expected: String, got: String)
    /// A CSV line has the wrong number of fields.
    case fieldCount(path: String, row: Int, expected: Int, got: Int)
    /// A CSV field is not a number.
    case notANumber(path: String, row: Int, column: String, text: String)
    /// A value is NaN or infinite.
    case nonFinite(path: String, row: Int, column: String, value: Double)
    /// A column the config needs is missing from the CSV header.
    case missingColumn(path: String, column: String, available: [String])
    /// The file holds no rows.
    case empty(path: String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(path):
            return "\(path): unsupported file type; use a NumPy .npy file or a .csv file with a header line."
        case let .shape(path, expected, got): return "\(path): expected \(expected), got \(got)."
        case let .fieldCount(path, row, expected, got): return "\(path): row \(row) has \(got) fields, expected \(expected) (as in the header)."
        case let .notANumber(path, row, column, text): return "\(path): row \(row), column '\(column)': '\(text)' is not a number."
        case let .nonFinite(path, row, column, value): return "\(path): row \(row), column '\(column)' is \(value); values must be finite."
        case let .missingColumn(path, column, available):
            return "\(path): no column '\(column)'; the header has \(available.joined(separator: ", "))."
        case let .empty(path): return "\(path): no rows."
        }
    }
}
