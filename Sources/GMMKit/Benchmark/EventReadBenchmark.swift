import GMMCompute

/// How fast event files load: one [rows, columns] float32 table written in each readable
/// format, then read back through ``DataTable/read(_:dataset:)`` and through the whole
/// ``EventInput/read(for:)`` path (columns matched, values checked, selection), compared with a
/// plain read of the same file's bytes (what the disk or page cache delivers).
public struct EventReadBenchmark {
    /// One format's figures.
    public struct Measurement: Sendable, Codable, CustomStringConvertible {
        /// The format, e.g. "npz (deflate)".
        public var format: String
        /// Rows in the file.
        public var rows: Int
        /// File size in bytes.
        public var bytes: Int
        /// Seconds to read the file's bytes with one bulk read.
        public var rawSeconds: Double
        /// Seconds for `DataTable.read`.
        public var tableSeconds: Double
        /// Seconds for `EventInput.read` (events ready for training).
        public var eventSeconds: Double

        public var description: String {
            let mb = Double(bytes) / 1e6
            func ms(_ s: Double) -> String { "\(Int((s * 1000).rounded())) ms".padded(8, left: true) }
            return "\(format.padded(14)) \(String(rows).padded(9, left: true)) rows \(round1(mb).padded(7, left: true)) MB | raw read \(ms(rawSeconds)) \(round1(mb / rawSeconds).padded(7, left: true)) MB/s | DataTable.read \(ms(tableSeconds)) \(round1(mb / tableSeconds).padded(7, left: true)) MB/s | EventInput.read \(ms(eventSeconds)) \(round1(Double(rows) / eventSeconds / 1e6).padded(5, left: true)) M events/s"
        }
    }

    /// Rows of the binary files.
    public var rows: Int
    /// Rows of the CSV file (text is larger and slower to write).
    public var csvRows: Int
    /// Columns (observables).
    public var columns: Int
    /// Where the files are written.
    public var directory: String

    /// A benchmark writing its files into `directory`.
    public init(rows: Int, csvRows: Int, columns: Int, directory: String) {
        self.rows = rows
        self.csvRows = csvRows
        self.columns = columns
        self.directory = directory
    }

    /// Writes the files (float32 values uniform in [0, 1), seed 1) and measures each format;
    /// `progress` gets a line per step.
    public func run(progress: (String) -> Void) throws -> [Measurement] {
        let names = (0..<columns).map { "x\($0)" }
        let config = ModelConfig(observables: names.map { ObservableConfig(name: $0, interval: ConfigInterval(lower: 0, upper: 1)) })
        var generator = SeededGenerator(seed: 1)
        let maxRows = max(rows, csvRows)
        let values = (0..<(maxRows * columns)).map { _ in Float.random(in: 0..<1, using: &generator) }
        func slice(_ n: Int) -> [Float] { Array(values[0..<(n * columns)]) }
        func columnArrays(_ n: Int) throws -> [(name: String, array: NpyArray)] {
            try names.enumerated().map { j, name in (name, try NpyArray(shape: [n], floats: (0..<n).map { values[$0 * columns + j] })) }
        }
        var cases: [(format: String, file: String, rows: Int)] = []
        progress("writing \(rows) × \(columns) float32 values in each format to \(directory)")
        let npy = "\(directory)/events.npy"
        try NpyArray(shape: [rows, columns], floats: slice(rows)).write(toFile: npy)
        cases.append(("npy", npy, rows))
        let stored = "\(directory)/events-stored.npz", deflated = "\(directory)/events-deflate.npz"
        try NpzArchive(members: try columnArrays(rows)).write(toFile: stored, compressed: false)
        cases.append(("npz (stored)", stored, rows))
        try NpzArchive(members: try columnArrays(rows)).write(toFile: deflated, compressed: true)
        cases.append(("npz (deflate)", deflated, rows))
        let h5 = "\(directory)/events.h5"
        try HDF5Writer.write([.dataset(name: "events", shape: [rows, columns], values: slice(rows).map(Double.init), storage: .float32)], to: h5)
        cases.append(("hdf5", h5, rows))
        let csv = "\(directory)/events.csv"
        try DataTable.write(slice(csvRows).map(Double.init), columns: names, to: csv)
        cases.append(("csv", csv, csvRows))
        var results: [Measurement] = []
        for c in cases {
            let file = try ReadableFile(path: c.file)
            var start = Stopwatch()
            let bytes = try file.readBytes(file.size)
            let raw = start.seconds
            start = Stopwatch()
            let table = try DataTable.read(c.file)
            let tableSeconds = start.seconds
            start = Stopwatch()
            let loaded = try EventInput(sources: [EventSource(path: c.file)]).read(for: config)
            let eventSeconds = start.seconds
            guard table.rows == c.rows, loaded.events.count == c.rows else {
                throw DataTableError.shape(path: c.file, expected: "\(c.rows) rows", got: "\(table.rows)")
            }
            let m = Measurement(format: c.format, rows: c.rows, bytes: bytes.count, rawSeconds: raw, tableSeconds: tableSeconds, eventSeconds: eventSeconds)
            progress(m.description)
            results.append(m)
        }
        return results
    }
}

