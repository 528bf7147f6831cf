/// `calibration.json`: the settings and the ``CalibrationResult`` (every pseudo-dataset's fit included).
public struct CalibrationFile: Codable, Sendable {
    /// `gmm-gpu-calibration`.
    public var format = "gmm-gpu-calibration"
    /// 1.
    public var formatVersion = 1
    /// The model directory.
    public var model: String
    /// Events per pseudo-dataset.
    public var events: Int
    /// Pseudo-datasets drawn.
    public var pseudoDatasets: Int
    /// Their seed.
    public var seed: UInt64
    /// The summary and every fit.
    public var result: CalibrationResult

    enum CodingKeys: String, CodingKey {
        case format, model, events, seed, result
        case formatVersion = "format_version"
        case pseudoDatasets = "pseudo_datasets"
    }

    /// The record of `study` run on the model at `model`.
    public init(model: String, study: CalibrationStudy, result: CalibrationResult) {
        self.model = model
        self.events = study.events
        self.pseudoDatasets = study.pseudoDatasets
        self.seed = study.seed
        self.result = result
    }
}
