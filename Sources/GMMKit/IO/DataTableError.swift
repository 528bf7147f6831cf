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
    /// The file is truncated, damaged or not of the type its name says.
    case corrupt(path: String, detail: String)
    /// The HDF5 C library could not be loaded.
    case hdf5Unavailable(reason: String)
    /// An HDF5 dataset is compressed with a filter the loaded HDF5 library cannot decode.
    case unavailableFilter(path: String, dataset: String, filter: String)
    /// The named HDF5 dataset/group or `.npz` member does not exist.
    case missingDataset(path: String, dataset: String, available: [String])
    /// An integer observable has a value that is not a whole number.
    case nonInteger(path: String, row: Int, column: String, value: Double)
    /// No event of the file lies inside every observable's interval.
    case emptySelection(path: String, rows: Int, detail: String)
    /// A `--data` argument (file plus dataset and θ) that cannot be parsed or does not fit the model.
    case invalidSource(text: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(path):
            return "\(path): unsupported file type; use a NumPy .npy or .npz file, an HDF5 file (.h5, .hdf5) or a .csv file with a header line."
        case let .shape(path, expected, got): return "\(path): expected \(expected), got \(got)."
        case let .fieldCount(path, row, expected, got): return "\(path): row \(row) has \(got) fields, expected \(expected) (as in the header)."
        case let .notANumber(path, row, column, text):
            return "\(path): row \(row), column '\(MessageQuoting.value(column))': '\(MessageQuoting.value(text))' is not a number."
        case let .nonFinite(path, row, column, value): return "\(path): row \(row), column '\(MessageQuoting.value(column))' is \(value); values must be finite."
        case let .missingColumn(path, column, available):
            // EventInput appends advice on fixing a missing parameter column as the last item.
            let advice = available.last.flatMap { $0.hasPrefix("(or fix it for the file: ") ? $0 : nil }
            let names = advice == nil ? available : Array(available.dropLast())
            return "\(path): no column '\(MessageQuoting.value(column))'; the header has \(MessageQuoting.list(names, trailer: advice))."
        case let .empty(path): return "\(path): no rows."
        case let .corrupt(path, detail): return "\(path): cannot be read: \(detail)."
        case let .hdf5Unavailable(reason):
            return "the HDF5 library could not be loaded (\(reason)); install it (Debian: apt-get install libhdf5-dev, or `make deps`)."
        case let .unavailableFilter(path, dataset, filter):
            return "\(path): dataset '\(dataset)' is compressed with \(filter), which the HDF5 library on this machine cannot decode; rewrite it with gzip (h5py: compression=\"gzip\") or uncompressed, or make the filter's plugin available (HDF5_PLUGIN_PATH)."
        case let .missingDataset(path, dataset, available):
            return "\(path): no '\(MessageQuoting.value(dataset))'; the file has \(available.isEmpty ? "nothing readable" : MessageQuoting.list(available))."
        case let .nonInteger(path, row, column, value):
            return "\(path): row \(row), column '\(column)' is \(value), but '\(column)' is an integer observable; values must be whole numbers."
        case let .emptySelection(path, rows, detail):
            return "\(path): none of its \(rows) events passes the selection (every observable inside its interval): \(detail); check the intervals in the config and the units of the data."
        case let .invalidSource(text, reason): return "data source '\(MessageQuoting.value(text))': \(reason)."
        }
    }
}
