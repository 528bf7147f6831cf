import ArgumentParser
import GMMKit

/// Events read for evaluation under a trained model (`infer`, `ratio`, `roc`, `reweight`): the
/// model's observables of a file, matched by name (or in config order for a bare array), with
/// optional per-event weights from a second file.
struct ObservedEvents {
    /// The events in data space, [N, d] row-major, the model's observable order.
    var x: [Double]
    /// Per-event weights [N], or nil for unit weights.
    var weights: [Double]?
    /// N.
    var count: Int

    /// Events already in memory (e.g. drawn from the model).
    init(x: [Double], weights: [Double]? = nil, count: Int) {
        self.x = x
        self.weights = weights
        self.count = count
    }

    /// Reads `data` (and `weights`, one value per event) for `model`.
    ///
    /// - Parameter option: the option that named `data`, for the error messages.
    /// - Throws: file and format errors naming the file; a `ValidationError` for an empty file;
    ///   `DataTableError.shape` for a weights file that is not [N].
    init(data: String, weights: String? = nil, model: DensityModel, option: String = "--data") throws {
        let table = try DataTable.read(data)
        guard table.rows > 0 else { throw ValidationError("\(option) \(data): no events; give at least one event") }
        x = try table.selecting(model.config.observables.map(\.name))
        count = table.rows
        if let weights {
            let w = try DataTable.read(weights)
            guard w.rows == table.rows, w.columns == 1 else {
                throw DataTableError.shape(path: weights, expected: "[\(table.rows)] (one weight per event of \(data))", got: "[\(w.rows), \(w.columns)]")
            }
            // A NaN or infinite weight would pass silently into every sum that uses it.
            try w.checkFinite(columns: [0], names: [w.columnNames?.first ?? "weight"])
            self.weights = w.values
        }
    }
}
