import ArgumentParser
import FoundationEssentials
import GMMKit

/// `gmm-gpu bench io`: how fast event files load, per format.
struct EventReadBenchCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "Write a float32 event table in every readable format and time reading it (DataTable.read, EventInput.read) against a plain read of the file.")

    @Option(help: "Rows of the binary files (.npy, .npz, HDF5).")
    var rows: Int = 10_000_000

    @Option(help: "Rows of the CSV file.")
    var csvRows: Int = 1_000_000

    @Option(help: "Columns (observables).")
    var columns: Int = 12

    @Option(help: "Directory for the files (several GB at the default sizes).")
    var directory: String

    @Option(help: ArgumentHelp("Also write the timings to this JSON file (for regenerating docs/BENCHMARKS.md).", valueName: "file"))
    var json: String?

    func execute() throws {
        guard rows >= 1, csvRows >= 1, columns >= 1 else { throw ValidationError("--rows, --csv-rows and --columns must be at least 1") }
        try makeDirectoryPath(directory)
        let results = try EventReadBenchmark(rows: rows, csvRows: csvRows, columns: columns, directory: directory).run { print($0) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeFileAtomically(try encoder.encode(results), to: json)
        }
    }
}
