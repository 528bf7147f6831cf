/// What ``DensityModel/fit(_:device:options:progress:)`` reports after each epoch.
public struct TrainingProgress: Sendable {
    /// The epoch just finished.
    public var epoch: TrainingHistory.Epoch
    /// Whether its validation loss is the best so far.
    public var isBest: Bool
    /// Epochs allowed at most.
    public var maxEpochs: Int
}

/// Options of a training run that are not part of the model description.
public struct TrainingOptions: Sendable {
    /// A directory where a checkpoint is written after every epoch (nil: none).
    public var checkpointDirectory: String?
    /// Continue from the checkpoint in ``checkpointDirectory`` if there is one.
    public var resume: Bool
    /// Stop after this many epochs in this call (nil: the config's max_epochs); for tests and
    /// time-boxed runs.
    public var epochLimit: Int?
    /// Stop when this much wall-clock time has passed (seconds; nil: no limit). The best
    /// state so far is kept.
    public var timeLimit: Double?

    /// Options; defaults: no checkpoint, no resume, no limits beyond the config's.
    public init(checkpointDirectory: String? = nil, resume: Bool = false, epochLimit: Int? = nil, timeLimit: Double? = nil) {
        self.checkpointDirectory = checkpointDirectory
        self.resume = resume
        self.epochLimit = epochLimit
        self.timeLimit = timeLimit
    }
}

extension TrainingOptions {
    /// Whether the model directory `directory` holds a checkpoint that `resume` would continue
    /// (its own, or an ensemble member's in `members/k/`).
    public static func hasCheckpoint(in directory: String) -> Bool {
        TrainingCheckpoint.exists(in: directory) || TrainingCheckpoint.exists(in: "\(directory)/members/0")
    }
}
