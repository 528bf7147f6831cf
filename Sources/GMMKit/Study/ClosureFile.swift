/// `closure.json`, the record `gmm-gpu study closure` writes: its inputs and the
/// ``ClosureResult`` (docs/formats.md).
public struct ClosureFile: Codable, Sendable {
    /// `gmm-gpu-closure`.
    public var format = "gmm-gpu-closure"
    /// 1.
    public var formatVersion = 1
    /// The model directory.
    public var model: String
    /// The held-out event sources, as given.
    public var data: [String]
    /// The training event sources, as given (for the binned fit and the null model).
    public var trainingData: [String]
    /// The binned fit's observable (nil: none).
    public var binned: String?
    /// The binned fit's bins (nil without one).
    public var bins: Int?
    /// The degree of the binned fit's polynomials in θ (nil without one).
    public var binnedDegree: Int?
    /// The null model's directory (nil: no null test).
    public var nullModel: String?
    /// The figures and fits.
    public var result: ClosureResult

    enum CodingKeys: String, CodingKey {
        case format, model, data, binned, bins, result
        case formatVersion = "format_version"
        case trainingData = "training_data"
        case binnedDegree = "binned_degree"
        case nullModel = "null_model"
    }

    /// A record; `binned` describes the binned fit when there is one.
    public init(model: String, data: [String], trainingData: [String], binned: ClosureWorkflow.BinnedComparison?, nullModel: String?, result: ClosureResult) {
        self.model = model
        self.data = data
        self.trainingData = trainingData
        self.binned = binned?.observable
        self.bins = binned?.bins
        self.binnedDegree = binned?.degree
        self.nullModel = nullModel
        self.result = result
    }
}
