/// The record of a training run: one entry per epoch.
public struct TrainingHistory: Sendable, Equatable, Codable {
    /// One epoch's figures.
    public struct Epoch: Sendable, Equatable, Codable {
        /// 1-based epoch number.
        public var epoch: Int
        /// Weighted mean negative log-likelihood (latent space) on the training split, nats/event.
        public var trainingLoss: Double
        /// The same on the validation split.
        public var validationLoss: Double
        /// Learning rate used in the epoch.
        public var learningRate: Double
        /// Wall-clock seconds of the epoch.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case epoch
            case trainingLoss = "training_loss"
            case validationLoss = "validation_loss"
            case learningRate = "learning_rate"
            case seconds
        }

        /// An epoch's figures.
        public init(epoch: Int, trainingLoss: Double, validationLoss: Double, learningRate: Double, seconds: Double) {
            self.epoch = epoch
            self.trainingLoss = trainingLoss
            self.validationLoss = validationLoss
            self.learningRate = learningRate
            self.seconds = seconds
        }

        /// Decodes an epoch; a loss written as `null` (not finite when it was recorded) is NaN.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            epoch = try c.decode(Int.self, forKey: .epoch)
            trainingLoss = try c.decodeIfPresent(Double.self, forKey: .trainingLoss) ?? .nan
            validationLoss = try c.decodeIfPresent(Double.self, forKey: .validationLoss) ?? .nan
            learningRate = try c.decode(Double.self, forKey: .learningRate)
            seconds = try c.decode(Double.self, forKey: .seconds)
        }

        /// Encodes an epoch; a non-finite loss (the epoch that diverged, which stops training)
        /// is written as `null`, since JSON has no NaN — the model is saved all the same.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(epoch, forKey: .epoch)
            if trainingLoss.isFinite { try c.encode(trainingLoss, forKey: .trainingLoss) } else { try c.encodeNil(forKey: .trainingLoss) }
            if validationLoss.isFinite { try c.encode(validationLoss, forKey: .validationLoss) } else { try c.encodeNil(forKey: .validationLoss) }
            try c.encode(learningRate, forKey: .learningRate)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    /// Epochs in order.
    public var epochs: [Epoch] = []
    /// The epoch whose weights the model holds (best validation loss), 0 before training.
    public var bestEpoch: Int = 0
    /// Why training stopped ("early stopping", "max epochs", …).
    public var stopReason: String = ""
    /// Problems noticed in the training data (e.g. a θ point whose total weight is not positive).
    public var warnings: [String] = []

    /// An empty history.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case epochs
        case bestEpoch = "best_epoch"
        case stopReason = "stop_reason"
        case warnings
    }

    /// Decodes a history; `warnings` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode([Epoch].self, forKey: .epochs)
        bestEpoch = try c.decode(Int.self, forKey: .bestEpoch)
        stopReason = try c.decode(String.self, forKey: .stopReason)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}
