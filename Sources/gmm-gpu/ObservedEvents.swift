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

    /// Reads `data`, `FILE[#DATASET]` as `train` reads it (and `weights`, one value per event,
    /// else the file's `weight` column when it has one) for `model`: the model's observables by
    /// name, θ columns ignored, a bare array [N, d].
    ///
    /// - Parameter option: the option that named `data`, for the error messages.
    /// - Throws: file and format errors naming the file and column; `DataTableError.emptySelection`
    ///   for an empty file; `DataTableError.shape` for a weights file that is not [N];
    ///   `DataTableError.invalidSource` for a declared θ (`@NAME=VALUE,…`) that misses a parameter.
    init(data: String, weights: String? = nil, model: DensityModel, option: String = "--data") throws {
        let source: EventSource
        do {
            source = try EventSource(parsing: data)
        } catch DataTableError.invalidSource(_, let reason) {
            throw ValidationError("\(option) \(data): \(reason)")
        }
        let input = EventInput(sources: [source], weightsFile: weights)
        let events = try input.readObserved(for: model.config)
        simulatedTheta = try input.simulatedTheta(for: model.config)
        x = events.x
        count = events.count
        self.weights = events.weights
        weightColumnUsed = weights == nil && events.weights != nil
    }

    /// Whether the weights came from the data file's `weight` column (not a weights file).
    var weightColumnUsed = false

    /// The θ the events were simulated at, declared as `FILE@NAME=VALUE,…` (nil: not declared).
    var simulatedTheta: [Double]?

    /// The θ of `option` (comma-separated values) or, without it, the θ the events declare;
    /// both given, they must agree.
    ///
    /// - Throws: `ValidationError` when neither is given or they differ.
    func theta(_ text: String?, option: String, dataOption: String, parameters names: [String]) throws -> [Double] {
        let given = try text.map { try parseTheta($0, option: option, parameters: names) }
        switch (given, simulatedTheta) {
        case let (given?, declared?) where given != declared:
            throw ValidationError("\(option) (\(text ?? "")) differs from the θ \(dataOption) declares (@\(zip(names, declared).map { "\($0)=\(formatBound($1))" }.joined(separator: ","))); give one, or the same")
        case let (given?, _): return given
        case let (nil, declared?): return declared
        case (nil, nil): throw ValidationError("\(option): give θ (comma-separated), or declare it for the events as \(dataOption) FILE@NAME=VALUE,…")
        }
    }
}
